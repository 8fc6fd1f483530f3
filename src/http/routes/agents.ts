import type { FastifyInstance } from 'fastify';
import { getAgent, listAgents, type Role } from '../../accounts/agents.ts';
import { addAgent, updateAgent, type AgentChanges } from '../../accounts/service.ts';
import { channels } from '../../allowlist/policy.ts';
import { auditActions, listAuditEvents, maxPageSize } from '../../audit/audit-log.ts';
import { listSignIns, signInOutcomes } from '../../audit/sign-in-log.ts';
import { GatehouseError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';
import { requireAuth, securityManagerRoute } from '../authenticate.ts';

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 50;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > maxPageSize) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid limit "${value}": expected a whole number from 1 to ${maxPageSize}.`, { field: 'limit', value });
  }
  return Number(value);
}

/** Checks an optional query filter against its allowed values, so that a typo gets a 400 instead of an empty page. */
function parseFilter(value: string | undefined, name: string, allowed: readonly string[] | RegExp): string | undefined {
  if (value === undefined) return undefined;
  const valid = Array.isArray(allowed) ? allowed.includes(value) : (allowed as RegExp).test(value);
  if (!valid) {
    const expected = Array.isArray(allowed) ? `one of ${allowed.join(', ')}` : 'an id from this API';
    throw new GatehouseError('INVALID_REQUEST', `Invalid ${name} "${value}": expected ${expected}.`, { field: name, value });
  }
  return value;
}

const idPattern = /^[0-9a-f]{28}$/;

/** Registers the agents, sign-in log and audit log routes of the Control Panel. */
export function registerAgentRoutes(app: FastifyInstance, gatehouse: Gatehouse): void {
  const guard = securityManagerRoute(gatehouse);
  const { db } = gatehouse.store;

  app.get('/api/v1/agents', guard, async (request) => {
    const auth = requireAuth(request);
    return { agents: await listAgents(db, auth.account.id) };
  });

  app.post<{ Body: { email: string; name?: string; role?: Role; manageSecurity?: boolean; password?: string } }>(
    '/api/v1/agents',
    {
      ...guard,
      schema: {
        body: {
          type: 'object',
          required: ['email'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', maxLength: 320 },
            name: { type: 'string', maxLength: 1000 },
            role: { type: 'string', enum: ['admin', 'agent'] },
            manageSecurity: { type: 'boolean' },
            password: { type: 'string', maxLength: 1000 },
          },
        },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      if ((request.body.role === 'admin' || request.body.manageSecurity === true) && auth.agent.role !== 'admin') {
        throw new GatehouseError('FORBIDDEN', 'Only admins can add admins or grant manage_security.');
      }
      const actor = { agentId: auth.agent.id, name: auth.agent.name, address: request.clientAddressText };
      const result = await addAgent(db, { ...request.body, accountId: auth.account.id }, actor);
      return reply.status(201).send({ agent: result.agent, ...(result.generatedPassword ? { password: result.password } : {}) });
    },
  );

  app.patch<{ Params: { id: string }; Body: AgentChanges }>(
    '/api/v1/agents/:id',
    {
      ...guard,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 1000 },
            role: { type: 'string', enum: ['admin', 'agent'] },
            manageSecurity: { type: 'boolean' },
            disabled: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      if (auth.agent.role !== 'admin') {
        if (request.body.role !== undefined || request.body.manageSecurity !== undefined) {
          throw new GatehouseError('FORBIDDEN', 'Only admins can change roles and permissions.');
        }
        // Agents with manage_security manage plain agents, never their peers or the admins.
        const target = await getAgent(db, request.params.id);
        if (target && target.accountId === auth.account.id && target.id !== auth.agent.id && (target.role === 'admin' || target.manageSecurity)) {
          throw new GatehouseError('FORBIDDEN', 'Only admins can change admins and agents with manage_security.');
        }
      }
      const actor = { agentId: auth.agent.id, name: auth.agent.name, address: request.clientAddressText };
      return { agent: await updateAgent(db, auth.account.id, request.params.id, request.body, actor) };
    },
  );

  app.get<{ Querystring: { limit?: string; before?: string; outcome?: string; agentId?: string; channel?: string } }>(
    '/api/v1/sign-in-log', guard,
    async (request) => {
      const auth = requireAuth(request);
      const { query } = request;
      return listSignIns(db, {
        accountId: auth.account.id,
        limit: parseLimit(query.limit),
        before: parseFilter(query.before, 'before', idPattern),
        outcome: parseFilter(query.outcome, 'outcome', signInOutcomes),
        agentId: parseFilter(query.agentId, 'agentId', idPattern),
        channel: parseFilter(query.channel, 'channel', channels),
      });
    },
  );

  app.get<{ Querystring: { limit?: string; before?: string; action?: string; actorAgentId?: string } }>('/api/v1/audit-events', guard, async (request) => {
    const auth = requireAuth(request);
    const { query } = request;
    return listAuditEvents(db, {
      accountId: auth.account.id,
      limit: parseLimit(query.limit),
      before: parseFilter(query.before, 'before', idPattern),
      action: parseFilter(query.action, 'action', auditActions),
      actorAgentId: parseFilter(query.actorAgentId, 'actorAgentId', idPattern),
    });
  });
}
