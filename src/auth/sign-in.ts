import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { findAgentByEmail, normalizeEmail, type Account, type Agent } from '../accounts/agents.ts';
import { requireAccount } from '../accounts/agents.ts';
import { verifyAgainstDummy, verifyPassword } from '../accounts/password.ts';
import { decide, type Channel, type Decision } from '../allowlist/policy.ts';
import type { AllowlistService } from '../allowlist/service.ts';
import { recordSignIn } from '../audit/sign-in-log.ts';
import { GatehouseError } from '../errors.ts';
import { formatAddress, type IpAddress } from '../ip/index.ts';
import { newId } from '../store/ids.ts';
import type { Database } from '../store/schema.ts';
import { consumeAttempt, refundAttempt } from './rate-limit.ts';
import { createSession, type Session } from './sessions.ts';
import { hashToken, newToken } from './tokens.ts';

export const signInWindowMs = 15 * 60_000;
/** Lifetime of the ticket in a 403 that lets an admin ask for an authorization email. */
export const ticketMinutes = 10;

export interface SignInRequest {
  email: string;
  password: string;
  channel: Channel;
  address: IpAddress | undefined;
  userAgent: string | null;
}

export interface SignInResult {
  token: string;
  session: Session;
  agent: Agent;
  account: Account;
}

export interface SignInLimits {
  perAddress: number;
  perEmail: number;
  webSessionMinutes: number;
  mobileSessionMinutes: number;
}

/** Logs one structured event per allowlist decision; never a token, a password or a cookie. */
export function logDecision(
  logger: { info(fields: object, message: string): void },
  fields: { accountId: string; agentId: string; channel: Channel; address: string | null; stage: 'sign-in' | 'request' },
  decision: Decision,
): void {
  logger.info({ event: 'allowlist_decision', ...fields, allowed: decision.allowed, reason: decision.reason, rangeId: decision.rangeId }, 'allowlist decision');
}

export class SignInService {
  readonly #db: Kysely<Database>;
  readonly #allowlist: AllowlistService;
  readonly #logger: Logger;
  readonly #limits: SignInLimits;

  constructor(db: Kysely<Database>, allowlist: AllowlistService, logger: Logger, limits: SignInLimits) {
    this.#db = db;
    this.#allowlist = allowlist;
    this.#logger = logger;
    this.#limits = limits;
  }

  /**
   * Signs an agent in on a channel, with every outcome written to the
   * account's sign-in log when the account is known. Throws
   * INVALID_CREDENTIALS, RATE_LIMITED, AGENT_DISABLED or IP_NOT_ALLOWED.
   */
  async signIn(request: SignInRequest): Promise<SignInResult> {
    const now = Date.now();
    const addressText = request.address === undefined ? null : formatAddress(request.address);
    const email = normalizeEmail(request.email);
    const keys = [`sign-in:address:${addressText ?? 'unknown'}`, `sign-in:email:${email}`];

    // Both counters are taken before the password is checked, so a burst of
    // guesses cannot outrun them; a correct password gives the attempts back.
    const [byAddress, byEmail] = await Promise.all([
      consumeAttempt(this.#db, keys[0] as string, this.#limits.perAddress, signInWindowMs, now),
      consumeAttempt(this.#db, keys[1] as string, this.#limits.perEmail, signInWindowMs, now),
    ]);
    const agent = await findAgentByEmail(this.#db, email);
    const record = (outcome: Parameters<typeof recordSignIn>[1]['outcome'], extra: { reason?: string; rangeId?: string } = {}) =>
      agent
        ? recordSignIn(this.#db, { accountId: agent.accountId, agentId: agent.id, email, channel: request.channel, address: addressText, outcome, ...extra })
        : Promise.resolve();

    if (!byAddress.allowed || !byEmail.allowed) {
      const retryAfter = Math.max(byAddress.allowed ? 0 : byAddress.retryAfterSeconds, byEmail.allowed ? 0 : byEmail.retryAfterSeconds);
      await record('rate-limited', { reason: byAddress.allowed ? 'too many attempts for this email' : 'too many attempts from this address' });
      throw new GatehouseError('RATE_LIMITED', `Too many sign-in attempts. Try again in ${Math.ceil(retryAfter / 60)} minutes.`, { retryAfter });
    }

    const passwordMatches = agent ? await verifyPassword(request.password, agent.passwordHash) : await verifyAgainstDummy(request.password);
    if (!agent || !passwordMatches) {
      await record('invalid-credentials');
      throw new GatehouseError('INVALID_CREDENTIALS');
    }
    await Promise.all(keys.map((key) => refundAttempt(this.#db, key, signInWindowMs, now)));

    if (agent.disabled) {
      await record('agent-disabled');
      throw new GatehouseError('AGENT_DISABLED');
    }

    const allowlist = await this.#allowlist.compiled(agent.accountId);
    const decision = decide(allowlist, request.channel, request.address);
    logDecision(this.#logger, { accountId: agent.accountId, agentId: agent.id, channel: request.channel, address: addressText, stage: 'sign-in' }, decision);

    if (!decision.allowed) {
      await record('ip-not-allowed', { reason: decision.reason });
      const canAuthorize = agent.role === 'admin' && addressText !== null;
      const ticket = canAuthorize ? await this.createTicket(agent, addressText, now) : undefined;
      throw ipNotAllowed(addressText, canAuthorize, ticket);
    }

    const ttlMinutes = request.channel === 'mobile-app' ? this.#limits.mobileSessionMinutes : this.#limits.webSessionMinutes;
    const { token, session } = await createSession(
      this.#db,
      { agent, channel: request.channel, address: addressText, userAgent: request.userAgent, ttlMinutes },
      new Date(now),
    );
    await record('allowed', { reason: decision.reason, ...(decision.rangeId ? { rangeId: decision.rangeId } : {}) });
    const account = await requireAccount(this.#db, agent.accountId);
    const { passwordHash: _passwordHash, ...publicAgent } = agent;
    return { token, session, agent: publicAgent, account };
  }

  /** Creates the short-lived ticket that lets a denied admin ask for an authorization email for `address`. */
  async createTicket(agent: Agent, address: string, now = Date.now()): Promise<string> {
    const ticket = newToken();
    await this.#db
      .insertInto('ip_authorizations')
      .values({
        id: newId(now),
        account_id: agent.accountId,
        agent_id: agent.id,
        address,
        ticket_hash: hashToken(ticket),
        ticket_expires_at: new Date(now + ticketMinutes * 60_000).toISOString(),
        token_hash: null,
        requested_at: null,
        expires_at: null,
        confirmed_at: null,
        confirmed_from: null,
        range_id: null,
        created_at: new Date(now).toISOString(),
      })
      .execute();
    return ticket;
  }
}

/** Creates the 403 for an address that the allowlist denies, with the details that the sign-in page shows. */
export function ipNotAllowed(address: string | null, canAuthorize = false, ticket?: string): GatehouseError {
  const message = canAuthorize
    ? `Access from your IP address ${address} is not allowed for this account. As an admin, you can authorize this address by email.`
    : `Access from your IP address ${address ?? '(unknown)'} is not allowed for this account. Contact an admin of your account to get access.`;
  return new GatehouseError('IP_NOT_ALLOWED', message, {
    address,
    canAuthorize,
    ...(ticket === undefined ? {} : { authorizationTicket: ticket }),
  });
}
