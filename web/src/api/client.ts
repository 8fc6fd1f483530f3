import type {
  Agent,
  AllowlistView,
  AuditEvent,
  AuthorizationView,
  ChangeOptions,
  CheckResult,
  ErrorCode,
  Me,
  Page,
  RangeInput,
  RangeView,
  Role,
  SessionInfo,
  SignInRecord,
  SignInResult,
  WebChannel,
} from './types.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Codes that the web app gives to failures that did not come with a code from the server. */
type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE' | 'CLIENT_ERROR';

export type ApiErrorCode = ErrorCode | ClientErrorCode;

/**
 * An API error `{ error: { code, message, …details } }`. The UI branches on
 * `code` only; `message` is shown to people when the UI has no text of its own.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown>;
  /** Set when a session guard has already acted on the error, such as by showing the denied page. */
  handled = false;

  constructor(status: number, code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The request field that the error names, such as "start" or "label". */
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** True for an error that a session guard already acted on, so the caller shows nothing. */
export function isHandled(error: unknown): boolean {
  return error instanceof ApiError && error.handled;
}

function toApiError(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { code, message, ...details } = (body as { error: Record<string, unknown> }).error;
    if (typeof code === 'string') {
      // The server's error handler maps every failure to a code of its error catalogue.
      return new ApiError(status, code as ErrorCode, typeof message === 'string' ? message : `The request failed with status ${status}.`, details);
    }
  }
  return new ApiError(status, 'UNEXPECTED_RESPONSE', `The server returned status ${status} without an error code. Try again.`);
}

/**
 * Sends one JSON request with the session cookie. Every POST and PATCH
 * carries a JSON body, because the server accepts unsafe requests only as
 * `application/json`, which a cross-site form cannot send.
 */
export async function requestJson<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: string | undefined;
  if (body !== undefined || method === 'POST' || method === 'PATCH') {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body ?? {});
  }

  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'Gatehouse cannot be reached. Check your connection and try again.');
  }

  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw toApiError(response.status, parsed);
  return parsed as T;
}

function query(parameters: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

const encode = encodeURIComponent;

/** The API calls of the web app, one function per endpoint. */
export const api = {
  signIn: (email: string, password: string, channel: WebChannel) => requestJson<SignInResult>('POST', '/api/v1/sessions', { email, password, channel }),
  signOut: () => requestJson<void>('DELETE', '/api/v1/sessions/current'),
  me: () => requestJson<Me>('GET', '/api/v1/me'),
  mySessions: () => requestJson<{ sessions: SessionInfo[] }>('GET', '/api/v1/me/sessions'),
  endOtherSessions: () => requestJson<{ ended: number }>('DELETE', '/api/v1/me/sessions/others'),

  requestAuthorization: (ticket: string) => requestJson<{ sentTo: string; expiresAt: string }>('POST', '/api/v1/ip-authorizations', { ticket }),
  describeAuthorization: (token: string) => requestJson<{ authorization: AuthorizationView }>('GET', `/api/v1/ip-authorizations/${encode(token)}`),
  confirmAuthorization: (token: string) =>
    requestJson<{ range: RangeView; authorization: AuthorizationView }>('POST', '/api/v1/ip-authorizations/confirm', { token }),

  allowlist: () => requestJson<AllowlistView>('GET', '/api/v1/allowlist'),
  updateAllowlist: (settings: { enabled?: boolean; mobileEnforced?: boolean; enforceOnSessions?: boolean }, options: ChangeOptions = {}) =>
    requestJson<AllowlistView>('PATCH', '/api/v1/allowlist', { ...settings, ...options }),
  addRange: (fields: RangeInput, options: ChangeOptions = {}) => requestJson<{ range: RangeView }>('POST', '/api/v1/allowlist/ranges', { ...fields, ...options }),
  updateRange: (id: string, fields: RangeInput, options: ChangeOptions = {}) =>
    requestJson<{ range: RangeView }>('PATCH', `/api/v1/allowlist/ranges/${encode(id)}`, { ...fields, ...options }),
  deleteRange: (id: string, options: ChangeOptions = {}) =>
    requestJson<void>(
      'DELETE',
      `/api/v1/allowlist/ranges/${encode(id)}${query({
        confirmLockout: options.confirmLockout ? 'true' : undefined,
        version: options.version === undefined ? undefined : String(options.version),
      })}`,
    ),
  checkAddress: (address: string) => requestJson<CheckResult>('POST', '/api/v1/allowlist/check', { address }),

  signInLog: (filters: { outcome?: string; agentId?: string; channel?: string; before?: string; limit?: number }) =>
    requestJson<Page<SignInRecord>>(
      'GET',
      `/api/v1/sign-in-log${query({ ...filters, limit: filters.limit === undefined ? undefined : String(filters.limit) })}`,
    ),
  auditEvents: (filters: { action?: string; before?: string; limit?: number }) =>
    requestJson<Page<AuditEvent>>('GET', `/api/v1/audit-events${query({ ...filters, limit: filters.limit === undefined ? undefined : String(filters.limit) })}`),

  agents: () => requestJson<{ agents: Agent[] }>('GET', '/api/v1/agents'),
  addAgent: (fields: { email: string; name?: string; role: Role; manageSecurity: boolean }) =>
    requestJson<{ agent: Agent; password?: string }>('POST', '/api/v1/agents', fields),
  updateAgent: (id: string, changes: { name?: string; role?: Role; manageSecurity?: boolean; disabled?: boolean }) =>
    requestJson<{ agent: Agent }>('PATCH', `/api/v1/agents/${encode(id)}`, changes),
};
