import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client.ts';
import type { Denial, WebChannel } from '../api/types.ts';

/** Sent authorization email, as the "check your email" page shows it. */
export interface SentAuthorization {
  channel: WebChannel;
  address: string | null;
  sentTo: string;
  expiresAt: string;
}

/** The reason a web session ended without the agent signing out, as the sign-in page explains it. */
export type SessionEndReason = 'expired' | 'disabled';

interface AppState {
  denial: Denial | null;
  setDenial(denial: Denial | null): void;
  /** The latest denial, read at call time rather than at render time. */
  currentDenial(): Denial | null;
  sentAuthorization: SentAuthorization | null;
  setSentAuthorization(sent: SentAuthorization | null): void;
}

const AppStateContext = createContext<AppState | null>(null);

/**
 * Keeps the denial and the sent authorization in memory only: the
 * authorization ticket is a credential, so it never goes to the URL, the
 * history state or browser storage. A reload of those pages therefore
 * starts again from sign-in.
 */
export function AppStateProvider({ children }: { children: ReactNode }) {
  const [denial, setDenialState] = useState<Denial | null>(null);
  const denialRef = useRef<Denial | null>(null);
  const [sentAuthorization, setSentAuthorization] = useState<SentAuthorization | null>(null);
  const setDenial = useCallback((next: Denial | null) => {
    denialRef.current = next;
    setDenialState(next);
  }, []);
  const currentDenial = useCallback(() => denialRef.current, []);
  const value = useMemo(
    () => ({ denial, setDenial, currentDenial, sentAuthorization, setSentAuthorization }),
    [denial, setDenial, currentDenial, sentAuthorization],
  );
  return <AppStateContext.Provider value={value}>{children}</AppStateContext.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error('useAppState must be used inside AppStateProvider.');
  return state;
}

/** Reads the IP_NOT_ALLOWED details of an API error. */
export function denialFrom(error: ApiError, channel: WebChannel, sessionEnded: boolean): Denial {
  const { address, canAuthorize, authorizationTicket } = error.details;
  return {
    channel,
    address: typeof address === 'string' ? address : null,
    canAuthorize: canAuthorize === true,
    ...(typeof authorizationTicket === 'string' ? { authorizationTicket } : {}),
    sessionEnded,
  };
}

/**
 * Shows the denied page when `error` is IP_NOT_ALLOWED. A web app calls this
 * with the error of its first request, which the allowlist denied and which
 * ended the session.
 */
export function useShowDenial(error: ApiError | null, channel: WebChannel): void {
  const navigate = useNavigate();
  const { setDenial } = useAppState();
  const deniedError = error?.code === 'IP_NOT_ALLOWED' ? error : null;

  useEffect(() => {
    if (deniedError) {
      setDenial(denialFrom(deniedError, channel, true));
      navigate(`/${channel}/access-denied`, { replace: true });
    }
  }, [deniedError, channel, navigate, setDenial]);
}

/**
 * Returns a function that runs an API call of a signed-in page and acts on
 * the errors that end the session: IP_NOT_ALLOWED shows the denied page,
 * and UNAUTHENTICATED or AGENT_DISABLED return to sign-in. Those errors are
 * rethrown marked as handled, so that the page shows nothing of its own.
 *
 * A page often sends requests in parallel. When the allowlist denies one,
 * the server ends the session, and the others fail with UNAUTHENTICATED;
 * those stay on the denied page instead of moving on to sign-in.
 */
export function useSessionGuard(channel: WebChannel): <T>(call: Promise<T>) => Promise<T> {
  const navigate = useNavigate();
  const location = useLocation();
  const { setDenial, currentDenial } = useAppState();

  return useCallback(
    async <T,>(call: Promise<T>): Promise<T> => {
      try {
        return await call;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.code === 'IP_NOT_ALLOWED') {
          error.handled = true;
          setDenial(denialFrom(error, channel, true));
          navigate(`/${channel}/access-denied`, { replace: true });
        } else if (error.code === 'UNAUTHENTICATED' && currentDenial()?.channel === channel && currentDenial()?.sessionEnded) {
          error.handled = true;
        } else if (error.code === 'UNAUTHENTICATED' || error.code === 'AGENT_DISABLED') {
          error.handled = true;
          const reason: SessionEndReason = error.code === 'AGENT_DISABLED' ? 'disabled' : 'expired';
          const next = `${location.pathname}${location.search}`;
          navigate(`/${channel}/sign-in?next=${encodeURIComponent(next)}`, { replace: true, state: { reason } });
        }
        throw error;
      }
    },
    [channel, navigate, location.pathname, location.search, setDenial, currentDenial],
  );
}
