import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { AllowlistService, RangeView } from '../allowlist/service.ts';
import { GatehouseError } from '../errors.ts';
import type { Mailer } from '../mail/index.ts';
import type { Database, IpAuthorizationTable } from '../store/schema.ts';
import { consumeAttempt } from './rate-limit.ts';
import { hashToken, isTokenShaped, newToken } from './tokens.ts';

const hourMs = 60 * 60_000;

export interface AuthorizationView {
  address: string;
  account: { id: string; name: string };
  admin: { name: string; email: string };
  requestedAt: string;
  expiresAt: string;
  status: 'pending' | 'confirmed' | 'expired';
}

export interface IpAuthorizationOptions {
  db: Kysely<Database>;
  allowlist: AllowlistService;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
  linkMinutes: number;
  emailsPerHour: number;
}

/** Masks an email for display, as in `ad***@example.com`. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}***@${domain}`;
}

/**
 * Admin IP authorization by email. A denied admin sign-in gets a ticket, and
 * the ticket sends one email with a single-use link. The link shows what it
 * authorizes. Only an explicit confirmation adds the address, because mail
 * scanners open links on their own.
 */
export class IpAuthorizationService {
  readonly #options: IpAuthorizationOptions;

  constructor(options: IpAuthorizationOptions) {
    this.#options = options;
  }

  /** Sends the authorization email for a ticket; a ticket sends at most one email. */
  async request(ticket: unknown): Promise<{ sentTo: string; expiresAt: string }> {
    const { db, linkMinutes, emailsPerHour } = this.#options;
    if (!isTokenShaped(ticket)) throw new GatehouseError('INVALID_TICKET', undefined, { field: 'ticket' });
    const now = Date.now();
    const row = await db.selectFrom('ip_authorizations').selectAll().where('ticket_hash', '=', hashToken(ticket)).executeTakeFirst();
    if (!row || row.token_hash !== null || row.ticket_expires_at <= new Date(now).toISOString()) {
      throw new GatehouseError('INVALID_TICKET', undefined, { field: 'ticket' });
    }

    // A ticket works only while its agent is still an enabled admin.
    if (!(await this.#isEnabledAdmin(db, row.agent_id))) throw new GatehouseError('INVALID_TICKET', undefined, { field: 'ticket' });

    const limit = await consumeAttempt(db, `ip-authorization:${row.agent_id}`, emailsPerHour, hourMs, now);
    if (!limit.allowed) {
      throw new GatehouseError('RATE_LIMITED', `Too many authorization emails. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`, {
        retryAfter: limit.retryAfterSeconds,
      });
    }

    const token = newToken();
    const expiresAt = new Date(now + linkMinutes * 60_000).toISOString();
    const claimed = await db
      .updateTable('ip_authorizations')
      .set({ token_hash: hashToken(token), requested_at: new Date(now).toISOString(), expires_at: expiresAt })
      .where('id', '=', row.id)
      .where('token_hash', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new GatehouseError('INVALID_TICKET', undefined, { field: 'ticket' });

    const view = await this.#describeRow({ ...row, requested_at: new Date(now).toISOString(), expires_at: expiresAt });
    const link = `${this.#options.publicUrl}/ip-authorizations/${token}`;
    await this.#options.mailer.send({
      to: view.admin.email,
      subject: `Authorize IP address ${view.address} for ${view.account.name}`,
      text: [
        `Hello ${view.admin.name},`,
        '',
        `Access to ${view.account.name} with your account was denied because it came from ${view.address}, which is not in the IP allowlist.`,
        '',
        'To add this address to the allowlist, open the link below and confirm:',
        link,
        '',
        `The link works once and expires at ${expiresAt} (UTC).`,
        'If this was not you, do not open the link, and change your password.',
      ].join('\n'),
    });
    this.#options.logger.info({ event: 'ip_authorization_requested', accountId: row.account_id, agentId: row.agent_id, address: row.address }, 'IP authorization email sent');
    return { sentTo: maskEmail(view.admin.email), expiresAt };
  }

  /** Describes what a link would authorize and changes nothing. Used and expired links throw 410 with the same details. */
  async describe(token: unknown): Promise<AuthorizationView> {
    const row = await this.#findByToken(token);
    const view = await this.#describeRow(row);
    if (view.status === 'confirmed') throw new GatehouseError('AUTHORIZATION_USED', undefined, { authorization: view });
    if (view.status === 'expired') throw new GatehouseError('AUTHORIZATION_EXPIRED', undefined, { authorization: view });
    return view;
  }

  /**
   * Adds the address that the denied sign-in came from (not the address that
   * confirms) as a one-address range. Confirming twice at once succeeds once:
   * the claim is a conditional update inside the transaction.
   */
  async confirm(token: unknown, confirmedFrom: string | null): Promise<{ range: RangeView; authorization: AuthorizationView }> {
    const { db, allowlist } = this.#options;
    const row = await this.#findByToken(token);
    const view = await this.#describeRow(row);
    if (view.status === 'confirmed') throw new GatehouseError('AUTHORIZATION_USED', undefined, { authorization: view });
    if (view.status === 'expired') throw new GatehouseError('AUTHORIZATION_EXPIRED', undefined, { authorization: view });

    const actor = { agentId: row.agent_id, name: view.admin.name, address: confirmedFrom };
    const now = new Date().toISOString();
    const range = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('ip_authorizations')
        .set({ confirmed_at: now, confirmed_from: confirmedFrom })
        .where('id', '=', row.id)
        .where('confirmed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new GatehouseError('AUTHORIZATION_USED', undefined, { authorization: view });
      // Read inside the transaction, so an admin disabled or demoted before this point cannot add an address.
      if (!(await this.#isEnabledAdmin(trx, row.agent_id))) {
        throw new GatehouseError('FORBIDDEN', `${view.admin.name} is no longer an enabled admin of ${view.account.name}, so this link cannot authorize an address.`);
      }
      const added = await allowlist.insertAuthorizedAddress(trx, row.account_id, row.address, actor, `Authorized by email by ${view.admin.name}`);
      await trx.updateTable('ip_authorizations').set({ range_id: added.row.id }).where('id', '=', row.id).execute();
      return added;
    });

    allowlist.changed(row.account_id);
    if (range.changed) allowlist.notifyAdmins(row.account_id, actor, `authorized ${row.address} through an emailed link`);
    this.#options.logger.info(
      { event: 'ip_authorization_confirmed', accountId: row.account_id, agentId: row.agent_id, address: row.address, rangeId: range.row.id },
      'IP address authorized by email',
    );
    return { range: allowlist.toRangeView(range.row), authorization: { ...view, status: 'confirmed' } };
  }

  async #isEnabledAdmin(db: Kysely<Database>, agentId: string): Promise<boolean> {
    const agent = await db.selectFrom('agents').select(['role', 'disabled']).where('id', '=', agentId).executeTakeFirst();
    return agent !== undefined && agent.role === 'admin' && agent.disabled === 0;
  }

  async #findByToken(token: unknown): Promise<Selectable<IpAuthorizationTable>> {
    if (!isTokenShaped(token)) throw new GatehouseError('AUTHORIZATION_NOT_FOUND');
    const row = await this.#options.db.selectFrom('ip_authorizations').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row) throw new GatehouseError('AUTHORIZATION_NOT_FOUND');
    return row;
  }

  async #describeRow(row: Selectable<IpAuthorizationTable>): Promise<AuthorizationView> {
    const details = await this.#options.db
      .selectFrom('agents')
      .innerJoin('accounts', 'accounts.id', 'agents.account_id')
      .select(['agents.name as agent_name', 'agents.email as agent_email', 'accounts.id as account_id', 'accounts.name as account_name'])
      .where('agents.id', '=', row.agent_id)
      .executeTakeFirstOrThrow();
    const expiresAt = row.expires_at ?? row.ticket_expires_at;
    const status = row.confirmed_at !== null ? 'confirmed' : expiresAt <= new Date().toISOString() ? 'expired' : 'pending';
    return {
      address: row.address,
      account: { id: details.account_id, name: details.account_name },
      admin: { name: details.agent_name, email: details.agent_email },
      requestedAt: row.requested_at ?? row.created_at,
      expiresAt,
      status,
    };
  }
}
