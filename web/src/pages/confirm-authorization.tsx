import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, isApiError, type ApiError } from '../api/client.ts';
import type { AuthorizationView, RangeView } from '../api/types.ts';
import { DateTime } from '../components/date-time.tsx';
import { ErrorMessage, Loading } from '../components/feedback.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { StandalonePage } from '../components/standalone-page.tsx';
import { useLoad } from '../lib/use-load.ts';

type LinkProblem = 'AUTHORIZATION_USED' | 'AUTHORIZATION_EXPIRED' | 'AUTHORIZATION_NOT_FOUND';

function linkProblem(error: ApiError): LinkProblem | undefined {
  const known: string[] = ['AUTHORIZATION_USED', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_NOT_FOUND'];
  return known.includes(error.code) ? (error.code as LinkProblem) : undefined;
}

function authorizationOf(error: ApiError): AuthorizationView | undefined {
  const value = error.details.authorization;
  return typeof value === 'object' && value !== null ? (value as AuthorizationView) : undefined;
}

function AuthorizationDetails({ view }: { view: AuthorizationView }) {
  return (
    <dl className="details">
      <dt>IP address</dt>
      <dd data-testid="authorization-address">{view.address}</dd>
      <dt>Account</dt>
      <dd>{view.account.name}</dd>
      <dt>Requested by</dt>
      <dd>
        {view.admin.name} ({view.admin.email})
      </dd>
      <dt>Requested at</dt>
      <dd>
        <DateTime value={view.requestedAt} />
      </dd>
      <dt>Link expires at</dt>
      <dd>
        <DateTime value={view.expiresAt} />
      </dd>
    </dl>
  );
}

const signInLink = (
  <p>
    <Link to="/control-panel/sign-in" className="button button-primary">
      Go to sign-in
    </Link>
  </p>
);

const problemTitles: Record<LinkProblem, string> = {
  AUTHORIZATION_USED: 'This link has already been used',
  AUTHORIZATION_EXPIRED: 'This link has expired',
  AUTHORIZATION_NOT_FOUND: 'This link is not valid',
};

function ProblemPage({ problem, view }: { problem: LinkProblem; view: AuthorizationView | undefined }) {
  return (
    <StandalonePage>
      <h1>{problemTitles[problem]}</h1>
      {problem === 'AUTHORIZATION_USED' ? (
        <p>Each authorization link works once, and this one has been confirmed. If the address below is in the IP allowlist, you can sign in from it.</p>
      ) : null}
      {problem === 'AUTHORIZATION_EXPIRED' ? (
        <p>Authorization links work for a limited time. To get a new one, sign in again from the address you want to authorize and choose “Authorize this IP”.</p>
      ) : null}
      {problem === 'AUTHORIZATION_NOT_FOUND' ? (
        <p>Gatehouse does not know this link. Check that you opened the whole link from the email, or sign in again to request a new one.</p>
      ) : null}
      {view ? <AuthorizationDetails view={view} /> : null}
      {signInLink}
    </StandalonePage>
  );
}

/**
 * The page of an emailed authorization link. Opening it only reads what the
 * link would authorize; the address is added by the confirm button, because
 * mail scanners open links on their own.
 */
export function ConfirmAuthorization() {
  const { token = '' } = useParams();
  const { state } = useLoad(() => api.describeAuthorization(token), token);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<ApiError | null>(null);
  const [added, setAdded] = useState<{ range: RangeView; authorization: AuthorizationView } | null>(null);
  const failure = confirmError ?? (state.status === 'error' ? state.error : null);
  const problem = failure ? linkProblem(failure) : undefined;
  useDocumentTitle(added ? 'IP address authorized' : problem ? problemTitles[problem] : 'Authorize this IP address?');

  async function confirm() {
    setConfirming(true);
    setConfirmError(null);
    try {
      setAdded(await api.confirmAuthorization(token));
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setConfirmError(caught);
      setConfirming(false);
    }
  }

  if (added) {
    return (
      <StandalonePage>
        <h1>IP address authorized</h1>
        <p>
          <strong>{added.range.start}</strong> is now in the IP allowlist of {added.authorization.account.name}, labelled “{added.range.label}”. You
          can sign in from it.
        </p>
        {signInLink}
      </StandalonePage>
    );
  }

  if (failure && problem) return <ProblemPage problem={problem} view={authorizationOf(failure) ?? (state.status === 'ready' ? state.data.authorization : undefined)} />;

  if (state.status === 'loading') {
    return (
      <StandalonePage>
        <h1>Authorize this IP address?</h1>
        <Loading label="Reading the authorization link…" />
      </StandalonePage>
    );
  }
  if (state.status === 'error') {
    return (
      <StandalonePage>
        <h1>Authorize this IP address?</h1>
        <ErrorMessage error={state.error} onRetry={() => window.location.reload()} />
      </StandalonePage>
    );
  }

  const view = state.data.authorization;
  return (
    <StandalonePage>
      <h1>Authorize this IP address?</h1>
      <p>
        Confirming adds this address to the IP allowlist of {view.account.name}, so that {view.admin.name} can sign in from it. Only confirm if you
        tried to sign in from this address yourself.
      </p>
      <AuthorizationDetails view={view} />
      {confirmError ? <ErrorMessage error={confirmError} /> : null}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => void confirm()} disabled={confirming}>
          {confirming ? 'Adding the address…' : `Confirm and add ${view.address}`}
        </button>
      </div>
    </StandalonePage>
  );
}
