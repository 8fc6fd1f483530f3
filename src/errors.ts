/**
 * The error catalogue: every error that the API, the CLI or the web app can
 * branch on has a stable code here. Messages are for people; callers branch
 * on `code` only.
 */
export const errorCatalogue = {
  INVALID_REQUEST: { status: 400, message: 'The request is invalid.' },
  INVALID_ADDRESS: { status: 400, message: 'The value is not a valid IP address.' },
  INVALID_RANGE: { status: 400, message: 'The value is not a valid IP range.' },
  INVALID_TICKET: { status: 400, message: 'The authorization ticket is invalid or expired. Sign in again to get a new one.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is incorrect.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first: the request has no valid session.' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this action.' },
  WRONG_CHANNEL: { status: 403, message: 'This session was issued for another channel.' },
  IP_NOT_ALLOWED: { status: 403, message: 'Access from this IP address is not allowed for this account.' },
  AGENT_DISABLED: { status: 403, message: 'This agent is disabled. Contact an admin of your account.' },
  CSRF_REJECTED: { status: 403, message: 'The request origin does not match this server.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  AUTHORIZATION_NOT_FOUND: { status: 404, message: 'The authorization link is not valid.' },
  CONFLICT: { status: 409, message: 'Someone else changed this first. Reload and try again.' },
  ALREADY_EXISTS: { status: 409, message: 'It already exists.' },
  LAST_ADMIN: { status: 409, message: 'An account needs at least one enabled admin.' },
  WOULD_LOCK_OUT: { status: 409, message: 'The change would deny your own current IP address.' },
  AUTHORIZATION_EXPIRED: { status: 410, message: 'The authorization link has expired. Sign in again to request a new one.' },
  AUTHORIZATION_USED: { status: 410, message: 'The authorization link has already been used.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be JSON (Content-Type: application/json).' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Wait and try again.' },
  INTERNAL_ERROR: { status: 500, message: 'An internal error occurred.' },
  STORE_UNAVAILABLE: { status: 503, message: 'The database is unavailable, so access is denied. Try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export type ErrorDetails = Record<string, unknown>;

/** An error with a stable code, an HTTP status and JSON-safe details. */
export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message?: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super(message ?? errorCatalogue[code].message, options);
    this.name = 'GatehouseError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }

  toJSON(): { error: { code: ErrorCode; message: string } & ErrorDetails } {
    const { code: _code, message: _message, ...details } = this.details;
    return { error: { code: this.code, message: this.message, ...details } };
  }
}

export function isGatehouseError(value: unknown): value is GatehouseError {
  return value instanceof GatehouseError;
}
