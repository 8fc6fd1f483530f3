import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.ts';

/** Connection-level failures of PostgreSQL or SQLite: the store is unreachable, not the query wrong. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && unavailableCodes.has(code)) return true;
  return /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)/i.test(
    error.message,
  );
}

/** Logs a repeated failure at most once per interval, with a count of what was left out. */
export class ThrottledLog {
  #lastAt = 0;
  #suppressed = 0;
  readonly #intervalMs: number;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Returns the number of suppressed repeats to log now, or undefined to stay quiet. */
  take(now = Date.now()): number | undefined {
    if (now - this.#lastAt < this.#intervalMs) {
      this.#suppressed++;
      return undefined;
    }
    const suppressed = this.#suppressed;
    this.#lastAt = now;
    this.#suppressed = 0;
    return suppressed;
  }
}

function fromFastifyError(error: FastifyError): GatehouseError {
  if (error.validation) {
    const first = error.validation[0];
    const params = (first?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
    const path = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '';
    if (params.missingProperty) return new GatehouseError('INVALID_REQUEST', `Missing field "${params.missingProperty}".`, { field: params.missingProperty });
    if (params.additionalProperty) {
      return new GatehouseError('INVALID_REQUEST', `Unknown field "${params.additionalProperty}": remove it.`, { field: params.additionalProperty });
    }
    if (path === '') return new GatehouseError('INVALID_REQUEST', 'The request body must be a JSON object.');
    return new GatehouseError('INVALID_REQUEST', `Invalid field "${path}": it ${first?.message ?? 'is invalid'}.`, { field: path });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatehouseError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatehouseError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatehouseError('INVALID_REQUEST', 'The request body is empty: send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatehouseError('INVALID_REQUEST', 'The request body is not valid JSON.');
    default:
      break;
  }
  if (error.statusCode === 400 && error instanceof SyntaxError) return new GatehouseError('INVALID_REQUEST', 'The request body is not valid JSON.');
  if (error.statusCode === 415) return new GatehouseError('UNSUPPORTED_MEDIA_TYPE');
  if (error.statusCode === 413) return new GatehouseError('PAYLOAD_TOO_LARGE');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return new GatehouseError('INVALID_REQUEST', error.message);
  return new GatehouseError('INTERNAL_ERROR', undefined, {}, { cause: error });
}

/**
 * Maps every error to the JSON shape `{ error: { code, message, …details } }`.
 * A store that cannot be reached gives 503 and is logged at most once a
 * minute. Other 5xx are logged at error level, and 4xx at info.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  const unavailableLog = new ThrottledLog(60_000);

  app.setErrorHandler((error: FastifyError | GatehouseError | Error, request: FastifyRequest, reply: FastifyReply) => {
    let mapped: GatehouseError;
    if (error instanceof GatehouseError) {
      mapped = error;
    } else if (isStoreUnavailable(error)) {
      mapped = new GatehouseError('STORE_UNAVAILABLE');
      const suppressed = unavailableLog.take();
      if (suppressed !== undefined) {
        request.log.error({ event: 'store_unavailable', err: error, suppressedSinceLast: suppressed }, 'The database is unavailable; requests are denied with 503');
      }
    } else {
      mapped = fromFastifyError(error as FastifyError);
    }

    if (mapped.status >= 500 && mapped.code !== 'STORE_UNAVAILABLE') {
      request.log.error({ err: error, code: mapped.code }, 'Request failed');
    } else if (mapped.status < 500) {
      request.log.info({ code: mapped.code, status: mapped.status }, mapped.message);
    }
    if (mapped.code === 'RATE_LIMITED' && typeof mapped.details.retryAfter === 'number') {
      void reply.header('retry-after', String(mapped.details.retryAfter));
    }
    return reply.status(mapped.status).send(mapped.toJSON());
  });
}
