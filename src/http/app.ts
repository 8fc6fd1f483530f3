import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AuthenticatedSession } from '../auth/sessions.ts';
import { GatehouseError } from '../errors.ts';
import type { Gatehouse } from '../gatehouse.ts';
import { formatAddress, type IpAddress } from '../ip/index.ts';
import { redactPath } from '../logger.ts';
import { compileProxyTrust, resolveClientAddress } from './client-address.ts';
import { registerErrorHandler } from './error-handler.ts';
import { registerAgentRoutes } from './routes/agents.ts';
import { registerAllowlistRoutes } from './routes/allowlist.ts';
import { registerIpAuthorizationRoutes } from './routes/ip-authorizations.ts';
import { registerSessionRoutes } from './routes/sessions.ts';
import { registerWebApp } from './web-app.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client address after the trusted-proxy rules; undefined when it cannot be read. */
    clientAddress: IpAddress | undefined;
    /** `clientAddress` in canonical text, or null. */
    clientAddressText: string | null;
    auth: AuthenticatedSession | undefined;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds the Fastify application of one Gatehouse node; the caller listens. */
export interface AppOptions {
  /** False until start-up has finished, and until then /healthz returns 503. */
  isReady?: () => boolean;
}

export function buildApp(gatehouse: Gatehouse, options: AppOptions = {}): FastifyInstance {
  const isReady = options.isReady ?? (() => true);
  const { config } = gatehouse;
  const trust = compileProxyTrust(config.trustProxy, config.trustProxyHeader);
  const publicOrigin = new URL(config.publicUrl).origin;

  const app = Fastify({
    loggerInstance: gatehouse.logger as FastifyBaseLogger,
    // Client addresses come from `resolveClientAddress`, never from Fastify's own proxy handling.
    trustProxy: false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  app.decorateRequest('clientAddress', undefined);
  app.decorateRequest('clientAddressText', null);
  app.decorateRequest('auth', undefined);

  app.register(cookie);

  // A DELETE may carry a JSON content type with no body; every other empty JSON body is an error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && request.method === 'DELETE') {
      done(null, undefined);
      return;
    }
    const text = body.toString();
    parseJson(request, text, (error, value) => {
      // The default parser rejects prototype keys with the same message as broken JSON.
      if (error && /"(?:__proto__|constructor)"\s*:/.test(text)) {
        done(new GatehouseError('INVALID_REQUEST', 'The request body contains a forbidden key such as "__proto__" or "constructor".'), undefined);
        return;
      }
      done(error, value);
    });
  });
  registerErrorHandler(app);

  app.addHook('onRequest', async (request) => {
    request.clientAddress = resolveClientAddress(request.socket.remoteAddress, request.headers, trust);
    request.clientAddressText = request.clientAddress === undefined ? null : formatAddress(request.clientAddress);
  });

  // Cross-site request defence for the API: the session cookie is SameSite=Strict,
  // unsafe requests must carry JSON (a form post cannot), and a browser's Origin
  // must be this server's public origin.
  app.addHook('onRequest', async (request) => {
    if (!unsafeMethods.has(request.method) || !request.url.startsWith('/api/')) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== publicOrigin) {
      throw new GatehouseError('CSRF_REJECTED', `The request origin ${origin} does not match this server (${publicOrigin}). Set PUBLIC_URL to the address you open.`, {
        origin,
      });
    }
    const contentType = request.headers['content-type'];
    const hasBody = request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0';
    const chunked = request.headers['transfer-encoding'] !== undefined;
    if ((hasBody || chunked || request.method !== 'DELETE') && !/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
      throw new GatehouseError('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
    }
    if (config.publicUrl.startsWith('https:')) reply.header('strict-transport-security', 'max-age=31536000');
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/healthz', async (_request, reply) => {
    if (!isReady()) return reply.status(503).send({ status: 'starting' });
    await gatehouse.store.db.selectFrom('accounts').select('id').limit(1).execute();
    return reply.send({ status: 'ok' });
  });

  registerSessionRoutes(app, gatehouse);
  registerAllowlistRoutes(app, gatehouse);
  registerAgentRoutes(app, gatehouse);
  registerIpAuthorizationRoutes(app, gatehouse);
  registerWebApp(app);

  app.setNotFoundHandler((request, reply) => {
    const error = new GatehouseError('NOT_FOUND', `No route for ${request.method} ${redactPath(request.url.split('?')[0] ?? '')}.`);
    return reply.status(404).send(error.toJSON());
  });

  return app;
}
