import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { api } from '../api/client.ts';
import type { Me, SessionInfo } from '../api/types.ts';
import { AppOpening } from '../components/app-opening.tsx';
import { DateTime } from '../components/date-time.tsx';
import { EmptyState, ErrorMessage, StatusLine } from '../components/feedback.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { useSessionGuard, useShowDenial } from '../lib/app-state.tsx';
import { channelName } from '../lib/format.ts';
import { useApiAction } from '../lib/use-api-action.ts';
import { useLoad } from '../lib/use-load.ts';
import { useSignOut } from '../lib/use-sign-out.ts';
import { WrongChannel } from '../pages/access-pages.tsx';

/** How often the console checks the session in the background, so that a session the allowlist ended shows the denied page. */
const refreshIntervalMs = 60_000;

/** Describes a browser by its user agent in a few words, such as "Chrome on Linux". */
function describeUserAgent(userAgent: string | null): string {
  if (userAgent === null || userAgent === '') return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser';
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  return system ? `${browser} on ${system}` : browser;
}

interface ConsoleData {
  me: Me;
  sessions: SessionInfo[];
}

/**
 * Reads the agent, then the sessions, one after the other: the first request
 * from a denied address ends the session, so its error alone decides which
 * page comes next.
 */
async function loadConsole(): Promise<ConsoleData> {
  const me = await api.me();
  const { sessions } = await api.mySessions();
  return { me, sessions };
}

/** Renders the Agent Console: who is signed in, the client address the server reads, and the agent's sessions. */
export function AgentConsole() {
  useDocumentTitle('Agent Console');
  const location = useLocation();
  const guard = useSessionGuard('agent-console');
  const { signOut, signingOut } = useSignOut('agent-console');
  const { state, reload } = useLoad(loadConsole, 'console');
  // A session that worked before and now fails has ended; a first visit without one has not.
  const wasSignedIn = useRef(false);
  if (state.status === 'ready') wasSignedIn.current = true;

  useShowDenial(state.status === 'error' ? state.error : null, 'agent-console');

  // Checks the session now and then, and when the window regains focus, so
  // that a session the allowlist ended shows the denied page promptly.
  const ready = state.status === 'ready';
  useEffect(() => {
    if (!ready) return;
    const timer = window.setInterval(reload, refreshIntervalMs);
    window.addEventListener('focus', reload);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', reload);
    };
  }, [ready, reload]);

  if (state.status !== 'ready') {
    const signInState = wasSignedIn.current ? { reason: 'expired' as const } : null;
    return <AppOpening channel="agent-console" state={state} onRetry={reload} next={location.pathname} signInState={signInState} />;
  }

  const { me } = state.data;
  if (me.channel !== 'agent-console') return <WrongChannel me={me} expected="agent-console" onSignOut={signOut} signingOut={signingOut} />;
  return <SignedInConsole data={state.data} refresh={reload} guard={guard} signOut={signOut} signingOut={signingOut} />;
}

interface SignedInConsoleProps {
  data: ConsoleData;
  /** Reads the agent and the sessions again; the shown data stays until the new data arrives. */
  refresh(): void;
  guard<T>(call: Promise<T>): Promise<T>;
  signOut(): void;
  signingOut: boolean;
}

function SignedInConsole({ data, refresh, guard, signOut, signingOut }: SignedInConsoleProps) {
  const { me, sessions } = data;
  const endOthers = useApiAction();
  const [status, setStatus] = useState('');

  function endOtherSessions() {
    void endOthers.run(async () => {
      setStatus('');
      const { ended } = await guard(api.endOtherSessions());
      setStatus(ended === 0 ? 'You had no other sessions.' : `Signed out ${ended} other ${ended === 1 ? 'session' : 'sessions'}.`);
      refresh();
    });
  }

  const otherSessions = sessions.filter((session) => !session.current).length;
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Gatehouse <span className="brand-app">Agent Console</span>
        </span>
        <div className="topbar-session">
          <button type="button" className="button button-small" onClick={signOut} disabled={signingOut}>
            {signingOut ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <main className="content content-narrow">
        <h1>Welcome, {me.agent.name}</h1>
        <dl className="summary">
          <div>
            <dt>Agent</dt>
            <dd data-testid="agent-name">
              {me.agent.name} ({me.agent.email})
            </dd>
          </div>
          <div>
            <dt>Account</dt>
            <dd data-testid="account-name">{me.account.name}</dd>
          </div>
          <div>
            <dt>Your IP address, as Gatehouse sees it</dt>
            <dd className="mono" data-testid="current-address">
              {me.address ?? 'unknown'}
            </dd>
          </div>
          <div>
            <dt>Signed in</dt>
            <dd>
              <DateTime value={me.session.createdAt} />, until <DateTime value={me.session.expiresAt} />
            </dd>
          </div>
        </dl>

        <section className="panel-section" aria-labelledby="sessions-heading">
          <div className="section-header">
            <h2 id="sessions-heading">Your active sessions</h2>
            <div className="actions">
              <button type="button" className="button" onClick={refresh}>
                Refresh
              </button>
              <button type="button" className="button button-danger-quiet" onClick={endOtherSessions} disabled={endOthers.running || otherSessions === 0}>
                {endOthers.running ? 'Signing out…' : 'Sign out other sessions'}
              </button>
            </div>
          </div>
          <StatusLine>{status}</StatusLine>
          {endOthers.error ? <ErrorMessage error={endOthers.error} /> : null}
          {sessions.length === 0 ? (
            <EmptyState>
              <p>No active session was found.</p>
            </EmptyState>
          ) : (
            <ul className="session-list">
              {sessions.map((session) => (
                <li key={session.id} className={`session${session.current ? ' session-current' : ''}`}>
                  <div className="session-main">
                    <span className="session-device">{describeUserAgent(session.userAgent)}</span>
                    {session.current ? <span className="badge badge-success badge-after">This session</span> : null}
                  </div>
                  <div className="session-meta">
                    {channelName(session.channel)} · <span className="mono">{session.address ?? 'unknown address'}</span> · signed in{' '}
                    <DateTime value={session.createdAt} /> · last active <DateTime value={session.lastSeenAt} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </main>
    </div>
  );
}
