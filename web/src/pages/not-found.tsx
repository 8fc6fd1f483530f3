import { Link } from 'react-router';
import { StandalonePage } from '../components/standalone-page.tsx';
import { useDocumentTitle } from '../components/page-title.ts';

export function NotFound({ inPanel = false }: { inPanel?: boolean }) {
  useDocumentTitle('Page not found');
  const content = (
    <>
      <h1>Page not found</h1>
      <p>This address does not lead to a Gatehouse page. Check the link, or start again from the sign-in page.</p>
      <p>
        <Link to={inPanel ? '/control-panel/security/ip-allowlist' : '/'}>{inPanel ? 'Go to the IP allowlist' : 'Go to sign-in'}</Link>
      </p>
    </>
  );
  return inPanel ? <section className="panel">{content}</section> : <StandalonePage>{content}</StandalonePage>;
}
