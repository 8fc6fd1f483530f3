import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** The centred single-card layout of the pages outside the Control Panel: sign-in, denied, authorization. */
export function StandalonePage({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="standalone">
      <header className="standalone-header">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Gatehouse
        </Link>
      </header>
      <main className={`card standalone-card${wide ? ' standalone-card-wide' : ''}`}>{children}</main>
    </div>
  );
}
