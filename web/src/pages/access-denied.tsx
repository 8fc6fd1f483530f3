import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, isApiError, type ApiError } from '../api/client.ts';
import type { WebChannel } from '../api/types.ts';
import { ErrorMessage, errorText } from '../components/feedback.tsx';
import { useDocumentTitle } from '../components/page-title.ts';
import { StandalonePage } from '../components/standalone-page.tsx';
import { useAppState } from '../lib/app-state.tsx';
import { channelNames } from '../lib/format.ts';

function authorizationErrorText(error: ApiError): string {
  if (error.code === 'INVALID_TICKET') return 'This authorization request has expired. Sign in again from this address to start a new one.';
  return errorText(error);
}

/** The page for a sign-in or a session that the IP allowlist denied. */
export function AccessDenied({ channel }: { channel: WebChannel }) {
  useDocumentTitle('Access from this IP address is not allowed');
  const navigate = useNavigate();
  const { denial, setSentAuthorization } = useAppState();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  if (!denial || denial.channel !== channel) {
    return (
      <StandalonePage>
        <h1>Access from this IP address is not allowed</h1>
        <p>Gatehouse denied access from your current IP address. Sign in again to see the address and what you can do.</p>
        <p>
          <Link to={`/${channel}/sign-in`}>Go to sign-in</Link>
        </p>
      </StandalonePage>
    );
  }

  const ticket = denial.authorizationTicket;
  async function authorize() {
    if (ticket === undefined) return;
    setSending(true);
    setError(null);
    try {
      const sent = await api.requestAuthorization(ticket);
      setSentAuthorization({ channel, address: denial?.address ?? null, ...sent });
      navigate(`/${channel}/authorization-sent`);
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      setError(caught);
      setSending(false);
    }
  }

  return (
    <StandalonePage>
      <h1>Access from this IP address is not allowed</h1>
      {denial.sessionEnded ? <p>Your session has ended because your account does not allow access from your current IP address.</p> : null}
      <div className="address-box">
        <span className="address-box-label">Your IP address, as Gatehouse sees it</span>
        <span className="address-box-value" data-testid="denied-address">
          {denial.address ?? 'unknown'}
        </span>
      </div>
      {denial.address === null ? (
        <p>Gatehouse could not read your IP address, so it denies access. If you connect through a proxy or VPN, try without it, or contact an admin of your account.</p>
      ) : null}

      {denial.canAuthorize && ticket !== undefined ? (
        <>
          <p>
            As an admin, you can add this address to the IP allowlist of your account. Gatehouse sends a link to your email address; open it and
            confirm to allow sign-in from {denial.address}.
          </p>
          {error ? <ErrorMessage error={error} describe={authorizationErrorText} /> : null}
          <div className="actions">
            <button type="button" className="button button-primary" onClick={() => void authorize()} disabled={sending}>
              {sending ? 'Sending the email…' : 'Authorize this IP'}
            </button>
            <Link to={`/${channel}/sign-in`} className="button">
              Back to sign-in
            </Link>
          </div>
        </>
      ) : (
        <>
          <p>
            Your account allows sign-in to the {channelNames[channel]} only from approved IP addresses. Contact an admin of your account and ask
            them to add {denial.address ?? 'your address'} to the IP allowlist, or connect from an approved network, such as the office.
          </p>
          <div className="actions">
            <Link to={`/${channel}/sign-in`} className="button">
              Back to sign-in
            </Link>
          </div>
        </>
      )}
    </StandalonePage>
  );
}
