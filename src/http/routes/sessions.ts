import type { FastifyInstance } from 'fastify';
import { deleteOtherSessions, deleteSession, listAgentSessions } from '../../auth/sessions.ts';
import { GatehouseError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';
import { authenticate, clearSessionCookie, setSessionCookie } from '../authenticate.ts';

const credentialsSchema = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', maxLength: 320 },
    password: { type: 'string', maxLength: 1000 },
    channel: { type: 'string' },
  },
} as const;

interface Credentials {
  email: string;
  password: string;
  channel?: string;
}

/** Sign-in, sign-out and the signed-in agent, for the web channels and the mobile app. */
export function registerSessionRoutes(app: FastifyInstance, gatehouse: Gatehouse): void {
  const { config, store } = gatehouse;

  app.post<{ Body: Credentials }>('/api/v1/sessions', { schema: { body: credentialsSchema } }, async (request, reply) => {
    const { channel } = request.body;
    if (channel !== 'control-panel' && channel !== 'agent-console') {
      throw new GatehouseError('INVALID_REQUEST', 'Invalid channel: expected "control-panel" or "agent-console".', { field: 'channel', value: channel ?? null });
    }
    const result = await gatehouse.signIn.signIn({
      email: request.body.email,
      password: request.body.password,
      channel,
      address: request.clientAddress,
      userAgent: request.headers['user-agent'] ?? null,
    });
    setSessionCookie(gatehouse, reply, result.token, config.webSessionMinutes * 60);
    return { agent: result.agent, account: result.account, channel, address: request.clientAddressText };
  });

  app.post<{ Body: Credentials }>('/api/mobile/v1/sessions', { schema: { body: credentialsSchema } }, async (request) => {
    if (request.body.channel !== undefined && request.body.channel !== 'mobile-app') {
      throw new GatehouseError('INVALID_REQUEST', 'Mobile sign-in is for the mobile-app channel; web channels sign in at /api/v1/sessions.', { field: 'channel' });
    }
    const result = await gatehouse.signIn.signIn({
      email: request.body.email,
      password: request.body.password,
      channel: 'mobile-app',
      address: request.clientAddress,
      userAgent: request.headers['user-agent'] ?? null,
    });
    return { token: result.token, expiresAt: result.session.expiresAt, agent: result.agent, account: result.account };
  });

  app.delete('/api/v1/sessions/current', async (request, reply) => {
    const auth = await authenticate(gatehouse, request, reply, 'web', ['control-panel', 'agent-console']);
    await deleteSession(store.db, auth.session.id);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.delete('/api/mobile/v1/sessions/current', async (request, reply) => {
    const auth = await authenticate(gatehouse, request, reply, 'mobile', ['mobile-app']);
    await deleteSession(store.db, auth.session.id);
    return reply.status(204).send();
  });

  const describeMe = async (auth: Awaited<ReturnType<typeof authenticate>>, address: string | null) => ({
    agent: auth.agent,
    account: auth.account,
    channel: auth.session.channel,
    address,
    session: { id: auth.session.id.slice(0, 12), createdAt: auth.session.createdAt, expiresAt: auth.session.expiresAt },
  });

  app.get('/api/v1/me', async (request, reply) => {
    const auth = await authenticate(gatehouse, request, reply, 'web', ['control-panel', 'agent-console']);
    return describeMe(auth, request.clientAddressText);
  });

  app.get('/api/mobile/v1/me', async (request, reply) => {
    const auth = await authenticate(gatehouse, request, reply, 'mobile', ['mobile-app']);
    return describeMe(auth, request.clientAddressText);
  });

  // The agent's own sessions on every channel; ids are shortened, because a
  // session id is the hash of a live token.
  app.get('/api/v1/me/sessions', async (request, reply) => {
    const auth = await authenticate(gatehouse, request, reply, 'web', ['control-panel', 'agent-console']);
    const sessions = await listAgentSessions(store.db, auth.agent.id);
    return {
      sessions: sessions.map((session) => ({
        id: session.id.slice(0, 12),
        channel: session.channel,
        address: session.address,
        userAgent: session.userAgent,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        current: session.id === auth.session.id,
      })),
    };
  });

  app.delete('/api/v1/me/sessions/others', async (request, reply) => {
    const auth = await authenticate(gatehouse, request, reply, 'web', ['control-panel', 'agent-console']);
    const ended = await deleteOtherSessions(store.db, auth.agent.id, auth.session.id);
    return { ended };
  });
}

