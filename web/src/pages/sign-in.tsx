import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, isApiError, type ApiError } from '../api/client.ts';
import type { WebChannel } from '../api/types.ts';
import { Field } from '../components/field.tsx';
import { ErrorMessage, errorText, Notice } from '../components/feedback.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { StandalonePage } from '../components/standalone-page.tsx';
import { denialFrom, useAppState, type SessionEndReason } from '../lib/app-state.tsx';
import { channelNames, webChannelHome } from '../lib/format.ts';

/** Returns `next` when it is a path of this channel's app, so that a crafted link cannot send the agent elsewhere. */
export function safeNextPath(next: string | null, channel: WebChannel): string {
  if (next === null || next.startsWith('//') || next.includes('\\')) return webChannelHome[channel];
  const base = `/${channel}`;
  const isInChannel = next === base || next.startsWith(`${base}/`) || next.startsWith(`${base}?`);
  if (!isInChannel || next.startsWith(`${base}/sign-in`) || next.startsWith(`${base}/access-denied`)) return webChannelHome[channel];
  return next;
}

const endReasonTexts: Record<SessionEndReason | 'signed-out', string> = {
  expired: 'Your session has ended. Sign in again to continue.',
  disabled: 'Your agent has been disabled. Contact an admin of your account.',
  'signed-out': 'You are signed out.',
};

function signInErrorText(error: ApiError): string {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'The email or password is incorrect.';
    case 'AGENT_DISABLED':
      return 'Your agent is disabled. Contact an admin of your account.';
    default:
      return errorText(error);
  }
}

export function SignIn({ channel }: { channel: WebChannel }) {
  const title = `Sign in to the ${channelNames[channel]}`;
  useDocumentTitle(title);
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const { setDenial } = useAppState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const endReason = (location.state as { reason?: SessionEndReason | 'signed-out' } | null)?.reason;
  const otherChannel: WebChannel = channel === 'control-panel' ? 'agent-console' : 'control-panel';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      await api.signIn(email, password, channel);
      setDenial(null);
      navigate(safeNextPath(searchParams.get('next'), channel), { replace: true });
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      if (caught.code === 'IP_NOT_ALLOWED') {
        setDenial(denialFrom(caught, channel, false));
        navigate(`/${channel}/access-denied`);
        return;
      }
      setError(caught);
      setSubmitting(false);
    }
  }

  const fieldError = (field: string) => (error && error.field === field ? signInErrorText(error) : undefined);
  const formError = error && error.field !== 'email' && error.field !== 'password' ? error : null;

  return (
    <StandalonePage>
      <h1>{title}</h1>
      {endReason && !error ? <Notice tone={endReason === 'disabled' ? 'warning' : 'info'}>{endReasonTexts[endReason]}</Notice> : null}
      {formError ? <ErrorMessage error={formError} describe={signInErrorText} /> : null}
      <form className="form" onSubmit={(event) => void submit(event)} noValidate={false}>
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={fieldError('email')}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fieldError('password')}
        />
        <button type="submit" className="button button-primary button-block" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        Looking for the {channelNames[otherChannel]}? <Link to={`/${otherChannel}/sign-in`}>Sign in to the {channelNames[otherChannel]}</Link>.
      </p>
    </StandalonePage>
  );
}
