import { Link } from 'react-router';
import type { WebChannel } from '../api/types.ts';
import { useDocumentTitle } from '../components/page-title.ts';
import { StandalonePage } from '../components/standalone-page.tsx';
import { DateTime } from '../components/date-time.tsx';
import { useAppState } from '../lib/app-state.tsx';

export function AuthorizationSent({ channel }: { channel: WebChannel }) {
  useDocumentTitle('Check your email');
  const { sentAuthorization } = useAppState();

  if (!sentAuthorization || sentAuthorization.channel !== channel) {
    return (
      <StandalonePage>
        <h1>Check your email</h1>
        <p>If you asked for an authorization link, it is in your inbox. Open it and confirm, then sign in again.</p>
        <p>
          <Link to={`/${channel}/sign-in`}>Go to sign-in</Link>
        </p>
      </StandalonePage>
    );
  }

  return (
    <StandalonePage>
      <h1>Check your email</h1>
      <p>
        Gatehouse sent a link to <strong data-testid="sent-to">{sentAuthorization.sentTo}</strong>. Open it and confirm to add{' '}
        <strong>{sentAuthorization.address}</strong> to the IP allowlist.
      </p>
      <p>
        The link works once and expires at <DateTime value={sentAuthorization.expiresAt} />. You can open it on any device: Gatehouse adds the
        address of this sign-in, not the address of the device that opens the link.
      </p>
      <p>If this was not you, do not open the link, and change your password.</p>
      <div className="actions">
        <Link to={`/${channel}/sign-in`} className="button button-primary">
          Sign in after confirming
        </Link>
      </div>
    </StandalonePage>
  );
}
