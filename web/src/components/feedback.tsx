import type { ReactNode } from 'react';
import { isHandled, type ApiError } from '../api/client.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** Text for the error codes that any page can meet; other codes show the server's message. */
export function errorText(error: ApiError): string {
  switch (error.code) {
    case 'NETWORK_ERROR':
      return 'Gatehouse cannot be reached. Check your connection and try again.';
    case 'STORE_UNAVAILABLE':
      return 'The Gatehouse database is unavailable, so access is denied for now. Try again in a minute.';
    case 'CONFLICT':
      return 'Someone else changed this at the same time. The page now shows the current state: check it and try again.';
    case 'INTERNAL_ERROR':
      return 'Gatehouse failed to process the request. Try again; if it keeps failing, tell your operator.';
    default:
      return error.message;
  }
}

interface ErrorMessageProps {
  error: ApiError;
  onRetry?: () => void;
  title?: string;
  /** Returns the text for the error, for a page with texts of its own. The default is errorText. */
  describe?: (error: ApiError) => string;
}

/** An error box for a failed load or action, with an optional retry button. Shows nothing for an error a session guard handled. */
export function ErrorMessage({ error, onRetry, title, describe = errorText }: ErrorMessageProps) {
  if (isHandled(error)) return null;
  return (
    <div className="alert alert-error" role="alert">
      {title ? <p className="alert-title">{title}</p> : null}
      <p>{describe(error)}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ tone = 'info', title, children }: { tone?: 'info' | 'warning' | 'success'; title?: string; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'success' ? 'status' : undefined}>
      {title ? <p className="alert-title">{title}</p> : null}
      {children}
    </div>
  );
}

/** Renders the polite live region that announces the result of the last action, such as "Added 203.0.113.7.". */
export function StatusLine({ children }: { children: ReactNode }) {
  return (
    <p className="status-line" role="status" aria-live="polite">
      {children}
    </p>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="empty-state">{children}</div>;
}
