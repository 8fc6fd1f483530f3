import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChangeContext, ChangeOptions, RangeInput } from '../../allowlist/service.ts';
import type { AuthenticatedSession } from '../../auth/sessions.ts';
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

function changeOptions(body: ChangeBody | undefined, query: { confirmLockout?: string }): ChangeOptions {
  return {
    confirmLockout: body?.confirmLockout === true || query.confirmLockout === 'true',
    ...(body?.version === undefined ? {} : { expectedVersion: body.version }),
  };
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

  app.delete<{ Params: { id: string }; Body: ChangeBody | undefined; Querystring: { confirmLockout?: string; version?: string } }>(
    '/api/v1/allowlist/ranges/:id',
    guard,
    async (request, reply) => {
      const auth = requireAuth(request);
      const body = request.body && typeof request.body === 'object' ? request.body : undefined;
      const queryVersion = request.query.version !== undefined && /^\d+$/.test(request.query.version) ? Number(request.query.version) : undefined;
      const options = changeOptions(body, request.query);
      if (options.expectedVersion === undefined && queryVersion !== undefined) options.expectedVersion = queryVersion;
      await allowlist.deleteRange(auth.account.id, request.params.id, changeContext(request, auth), options);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { address: string } }>(
    '/api/v1/allowlist/check',
    { ...guard, schema: { body: { type: 'object', required: ['address'], properties: { address: { type: 'string', maxLength: 200 } } } } },
    async (request) => {
      const auth = requireAuth(request);
      return allowlist.check(auth.account.id, request.body.address);
    },
  );
}
