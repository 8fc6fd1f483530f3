import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChangeContext, ChangeOptions, RangeInput } from '../../allowlist/service.ts';
import type { AuthenticatedSession } from '../../auth/sessions.ts';
import { GatehouseError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';
import { requireAuth, securityManagerRoute } from '../authenticate.ts';

const changeFields = {
  confirmLockout: { type: 'boolean' },
  version: { type: 'integer', minimum: 0 },
} as const;

const rangeFields = {
  input: { type: 'string', maxLength: 200 },
  start: { type: 'string', maxLength: 100 },
  end: { type: 'string', maxLength: 100 },
  label: { type: 'string', maxLength: 1000 },
  expiresAt: { type: ['string', 'null'], maxLength: 100 },
  ...changeFields,
} as const;

interface ChangeBody {
  confirmLockout?: boolean;
  version?: number;
}

export function changeContext(request: FastifyRequest, auth: AuthenticatedSession): ChangeContext {
  return {
    actor: { agentId: auth.agent.id, name: auth.agent.name, address: request.clientAddressText },
    lockout: { address: request.clientAddress, channel: auth.session.channel },
  };
}

function changeOptions(body: ChangeBody | undefined, query: { confirmLockout?: string | string[] }): ChangeOptions {
  return {
    confirmLockout: body?.confirmLockout === true || parseQueryFlag(query.confirmLockout, 'confirmLockout') === 'true',
    ...(body?.version === undefined ? {} : { expectedVersion: body.version }),
  };
}

/** Reads a query parameter that must appear at most once; a repeated one is ambiguous and rejected. */
function singleQueryValue(value: string | string[] | undefined, name: string): string | undefined {
  if (Array.isArray(value)) throw new GatehouseError('INVALID_REQUEST', `The query parameter "${name}" is given more than once.`, { field: name });
  return value;
}

function parseQueryFlag(value: string | string[] | undefined, name: string): string | undefined {
  const text = singleQueryValue(value, name);
  if (text !== undefined && text !== 'true' && text !== 'false') {
    throw new GatehouseError('INVALID_REQUEST', `Invalid ${name} "${text}": expected true or false.`, { field: name, value: text });
  }
  return text;
}

function parseQueryVersion(value: string | string[] | undefined): number | undefined {
  const text = singleQueryValue(value, 'version');
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new GatehouseError('INVALID_REQUEST', `Invalid version "${text}": expected a whole number.`, { field: 'version', value: text });
  return Number(text);
}

/**
 * Checks the optional body of a DELETE by hand, because Fastify validates an
 * absent body against a body schema too.
 */
function parseDeleteBody(body: unknown): ChangeBody | undefined {
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatehouseError('INVALID_REQUEST', 'The request body must be a JSON object.');
  }
  for (const [key, value] of Object.entries(body)) {
    if (key === 'confirmLockout' && typeof value === 'boolean') continue;
    if (key === 'version' && Number.isSafeInteger(value) && (value as number) >= 0) continue;
    if (key !== 'confirmLockout' && key !== 'version') throw new GatehouseError('INVALID_REQUEST', `Unknown field "${key}": remove it.`, { field: key });
    throw new GatehouseError('INVALID_REQUEST', `Invalid field "${key}": it must be ${key === 'version' ? 'a whole number' : 'true or false'}.`, { field: key });
  }
  return body as ChangeBody;
}

/** Registers the allowlist API of the Control Panel. */
export function registerAllowlistRoutes(app: FastifyInstance, gatehouse: Gatehouse): void {
  const guard = securityManagerRoute(gatehouse);
  const { allowlist } = gatehouse;

  app.get('/api/v1/allowlist', guard, async (request) => {
    const auth = requireAuth(request);
    return allowlist.view(auth.account.id);
  });

  app.patch<{ Body: ChangeBody & { enabled?: boolean; mobileEnforced?: boolean; enforceOnSessions?: boolean }; Querystring: { confirmLockout?: string } }>(
    '/api/v1/allowlist',
    {
      ...guard,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, mobileEnforced: { type: 'boolean' }, enforceOnSessions: { type: 'boolean' }, ...changeFields },
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { enabled, mobileEnforced, enforceOnSessions } = request.body;
      const patch = Object.fromEntries(Object.entries({ enabled, mobileEnforced, enforceOnSessions }).filter(([, value]) => value !== undefined));
      return allowlist.updateSettings(auth.account.id, patch, changeContext(request, auth), changeOptions(request.body, request.query));
    },
  );

  app.post<{ Body: RangeInput & ChangeBody; Querystring: { confirmLockout?: string } }>(
    '/api/v1/allowlist/ranges',
    { ...guard, schema: { body: { type: 'object', additionalProperties: false, properties: rangeFields } } },
    async (request, reply) => {
      const auth = requireAuth(request);
      const range = await allowlist.addRange(auth.account.id, request.body, 'manual', changeContext(request, auth), changeOptions(request.body, request.query));
      return reply.status(201).send({ range });
    },
  );

  app.patch<{ Params: { id: string }; Body: RangeInput & ChangeBody; Querystring: { confirmLockout?: string } }>(
    '/api/v1/allowlist/ranges/:id',
    { ...guard, schema: { body: { type: 'object', additionalProperties: false, properties: rangeFields } } },
    async (request) => {
      const auth = requireAuth(request);
      const range = await allowlist.updateRange(
        auth.account.id,
        request.params.id,
        request.body,
        changeContext(request, auth),
        changeOptions(request.body, request.query),
      );
      return { range };
    },
  );

  app.delete<{ Params: { id: string }; Body: ChangeBody | undefined; Querystring: { confirmLockout?: string | string[]; version?: string | string[] } }>(
    '/api/v1/allowlist/ranges/:id',
    guard,
    async (request, reply) => {
      const auth = requireAuth(request);
      const options = changeOptions(parseDeleteBody(request.body), request.query);
      const queryVersion = parseQueryVersion(request.query.version);
      if (options.expectedVersion === undefined && queryVersion !== undefined) options.expectedVersion = queryVersion;
      await allowlist.deleteRange(auth.account.id, request.params.id, changeContext(request, auth), options);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { address: string } }>(
    '/api/v1/allowlist/check',
    { ...guard, schema: { body: { type: 'object', required: ['address'], additionalProperties: false, properties: { address: { type: 'string', maxLength: 200 } } } } },
    async (request) => {
      const auth = requireAuth(request);
      return allowlist.check(auth.account.id, request.body.address);
    },
  );
}
