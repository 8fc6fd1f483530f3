import { Link } from 'react-router';
import type { Me, WebChannel } from '../api/types.ts';
import { useDocumentTitle } from '../components/page-title.ts';
import { StandalonePage } from '../components/standalone-page.tsx';
import { channelNames } from '../lib/format.ts';

interface SignOutProps {
  onSignOut(): void;
  signingOut: boolean;
}

/** Shown to a signed-in agent whose role allows no security settings. */
export function NoPermission({ me, onSignOut, signingOut }: { me: Me } & SignOutProps) {
  useDocumentTitle('No permission');
  return (
    <StandalonePage>
      <h1>You don’t have permission to use the Control Panel</h1>
      <p>
        You are signed in as <strong>{me.agent.name}</strong> ({me.agent.email}) of {me.account.name}. The Control Panel manages the IP allowlist,
        agents and logs, which needs the admin role or the manage_security permission.
      </p>
      <p>Ask an admin of {me.account.name} to give you the permission, or use the Agent Console for your daily work.</p>
      <div className="actions">
        <Link to="/agent-console/sign-in" className="button button-primary">
          Go to the Agent Console
        </Link>
        <button type="button" className="button" onClick={onSignOut} disabled={signingOut}>
          Sign out
        </button>
      </div>
    </StandalonePage>
  );
}

/** Shown when the session was issued for the other web channel: sessions are bound to the channel they were signed in to. */
export function WrongChannel({ me, expected, onSignOut, signingOut }: { me: Me; expected: WebChannel } & SignOutProps) {
  useDocumentTitle(`Sign in to the ${channelNames[expected]}`);
  return (
    <StandalonePage>
      <h1>Sign in to the {channelNames[expected]}</h1>
      <p>
        You are signed in to the {channelNames[me.channel]} as <strong>{me.agent.name}</strong>. Each sign-in is for one app, so the{' '}
        {channelNames[expected]} needs its own sign-in.
      </p>
      <div className="actions">
        <Link to={`/${expected}/sign-in`} className="button button-primary">
          Sign in to the {channelNames[expected]}
        </Link>
        <Link to={`/${me.channel}`} className="button">
          Back to the {channelNames[me.channel]}
        </Link>
        <button type="button" className="button" onClick={onSignOut} disabled={signingOut}>
          Sign out
        </button>
      </div>
    </StandalonePage>
  );
}
