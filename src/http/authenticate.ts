import type { FastifyReply, FastifyRequest } from 'fastify';
import { canManageSecurity } from '../accounts/agents.ts';
import { decide, type Channel } from '../allowlist/policy.ts';
import { recordSignIn } from '../audit/sign-in-log.ts';
import { deleteSession, findSession, type AuthenticatedSession } from '../auth/sessions.ts';
import { ipNotAllowed, logDecision } from '../auth/sign-in.ts';
import { GatehouseError } from '../errors.ts';
import type { Gatehouse } from '../gatehouse.ts';

export const sessionCookieName = 'gatehouse_session';

export type SessionKind = 'web' | 'mobile';

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header.trim());
  return match?.[1];
}

/**
 * Reads the session of a request: web routes read only the cookie and mobile
 * routes only the bearer token, and a session works only on the channels it
 * was issued for, so the mobile switch cannot open a web session. With
 * `enforceOnSessions` on, the allowlist is checked again on every request; a
 * denied request ends the session.
 */
export async function authenticate(
  gatehouse: Gatehouse,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: SessionKind,
  channels: readonly Channel[],
): Promise<AuthenticatedSession> {
  const token = kind === 'web' ? request.cookies[sessionCookieName] : bearerToken(request);
  if (token === undefined || token === '') throw new GatehouseError('UNAUTHENTICATED');

  const auth = await findSession(gatehouse.store.db, token);
  if (!auth) {
    if (kind === 'web') clearSessionCookie(reply);
    throw new GatehouseError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  }
  if (!channels.includes(auth.session.channel)) {
    throw new GatehouseError('WRONG_CHANNEL', `This ${describeChannel(auth.session.channel)} session cannot be used here.`, {
      channel: auth.session.channel,
    });
  }
  if (auth.agent.disabled) {
    await deleteSession(gatehouse.store.db, auth.session.id);
    throw new GatehouseError('AGENT_DISABLED');
  }

  const allowlist = await gatehouse.allowlist.compiled(auth.account.id);
  if (allowlist.settings.enforceOnSessions) {
    const decision = decide(allowlist, auth.session.channel, request.clientAddress);
    logDecision(
      request.log,
      { accountId: auth.account.id, agentId: auth.agent.id, channel: auth.session.channel, address: request.clientAddressText, stage: 'request' },
      decision,
    );
    if (!decision.allowed) {
      await deleteSession(gatehouse.store.db, auth.session.id);
      await recordSignIn(gatehouse.store.db, {
        accountId: auth.account.id,
        agentId: auth.agent.id,
        email: auth.agent.email,
        channel: auth.session.channel,
        address: request.clientAddressText,
        outcome: 'session-ended',
        reason: decision.reason,
      });
      if (kind === 'web') clearSessionCookie(reply);
      const canAuthorize = auth.agent.role === 'admin' && request.clientAddressText !== null;
      const ticket = canAuthorize ? await gatehouse.signIn.createTicket(auth.agent, request.clientAddressText as string) : undefined;
      throw ipNotAllowed(request.clientAddressText, canAuthorize, ticket);
    }
  }
  request.auth = auth;
  return auth;
}

/** Control Panel routes that change or read security settings: admins and agents with manage_security. */
export async function authenticateSecurityManager(gatehouse: Gatehouse, request: FastifyRequest, reply: FastifyReply): Promise<AuthenticatedSession> {
  const auth = await authenticate(gatehouse, request, reply, 'web', ['control-panel']);
  if (!canManageSecurity(auth.agent)) {
    throw new GatehouseError('FORBIDDEN', 'You need the admin role or the manage_security permission to manage security settings.');
  }
  return auth;
}

export function setSessionCookie(gatehouse: Gatehouse, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  void reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: gatehouse.config.publicUrl.startsWith('https:'),
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(sessionCookieName, { path: '/', httpOnly: true, sameSite: 'strict' });
}

export function describeChannel(channel: Channel): string {
  return { 'control-panel': 'Control Panel', 'agent-console': 'Agent Console', 'mobile-app': 'mobile app' }[channel];
}

/**
 * Route options that authenticate a security manager before the body is
 * validated, so that an unauthorized caller learns nothing about the schema.
 * Handlers then read `request.auth`.
 */
export function securityManagerRoute(gatehouse: Gatehouse): { preValidation: (request: FastifyRequest, reply: FastifyReply) => Promise<void> } {
  return {
    preValidation: async (request, reply) => {
      await authenticateSecurityManager(gatehouse, request, reply);
    },
  };
}

/** The session that a `preValidation` hook authenticated. */
export function requireAuth(request: FastifyRequest): AuthenticatedSession {
  if (!request.auth) throw new GatehouseError('UNAUTHENTICATED');
  return request.auth;
}
