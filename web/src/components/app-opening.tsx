import { Navigate } from 'react-router';
import type { ApiError } from '../api/client.ts';
import type { WebChannel } from '../api/types.ts';
import type { SessionEndReason } from '../lib/app-state.tsx';
import { channelNames } from '../lib/format.ts';
import { ErrorMessage, Loading } from './feedback.tsx';
import { StandalonePage } from './standalone-page.tsx';

interface AppOpeningProps {
  channel: WebChannel;
  /** The state of the app's first request, which reads the session. */
  state: { status: 'loading' } | { status: 'error'; error: ApiError };
  onRetry(): void;
  /** The path that sign-in returns to when the session is missing or expired. */
  next: string;
  /** The navigation state for the sign-in page when the session is missing or expired, which decides the notice it shows. */
  signInState?: { reason: SessionEndReason } | null;
}

/**
 * Renders a web app until its session is read: a loading page, the sign-in
 * page when there is no valid session or the agent is disabled, or the error
 * with a retry button. For IP_NOT_ALLOWED it shows only a spinner, because
 * useShowDenial moves to the denied page.
 */
export function AppOpening({ channel, state, onRetry, next, signInState }: AppOpeningProps) {
  const appName = channelNames[channel];
  if (state.status === 'loading') {
    return (
      <StandalonePage>
        <Loading label={`Opening the ${appName}…`} />
      </StandalonePage>
    );
  }

  const { code } = state.error;
  if (code === 'UNAUTHENTICATED') return <Navigate to={`/${channel}/sign-in?next=${encodeURIComponent(next)}`} replace state={signInState} />;
  if (code === 'AGENT_DISABLED') return <Navigate to={`/${channel}/sign-in`} replace state={{ reason: 'disabled' }} />;
  if (code === 'IP_NOT_ALLOWED') return <Loading />;
  return (
    <StandalonePage>
      <h1>{`The ${appName} could not open`}</h1>
      <ErrorMessage error={state.error} onRetry={onRetry} />
    </StandalonePage>
  );
}
