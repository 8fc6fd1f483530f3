import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { validateText } from '../accounts/agents.ts';
import { recordAuditEvent, type Actor, type AuditAction } from '../audit/audit-log.ts';
import { GatehouseError } from '../errors.ts';
import {
  formatAddress,
  formatRange,
  formatRangeText,
  IpParseError,
  parseAddress,
  parseRangeBounds,
  parseRangeInput,
  rangeToCidr,
  type IpAddress,
  type IpRange,
} from '../ip/index.ts';
import type { Mailer } from '../mail/index.ts';
import { newId } from '../store/ids.ts';
import type { AllowlistRangeTable, Database } from '../store/schema.ts';
import type { AllowlistCache} from './cache.ts';
import { compileAllowlist, type StoredRangeBounds } from './cache.ts';
import { channels, decide, isUnrestricted, type AllowlistSettings, type Channel, type CompiledAllowlist, type Decision } from './policy.ts';

export type RangeSource = AllowlistRangeTable['source'];

export interface RangeView {
  id: string;
  family: 4 | 6;
  start: string;
  end: string;
  /** The CIDR when the range is exactly one block, else null. */
  cidr: string | null;
  label: string;
  source: RangeSource;
  createdBy: { agentId: string | null; name: string };
  createdAt: string;
  expiresAt: string | null;
  expired: boolean;
}

export interface AllowlistView extends AllowlistSettings {
  version: number;
  /** False while the allowlist is off or has no ranges, because then no address is denied. */
  restricted: boolean;
  /** A plain statement of a state the admin must know about, or null. */
  notice: string | null;
  ranges: RangeView[];
}

/** The actor of a change and, for API callers, the address and channel that the lockout guard protects. The CLI has no `lockout`. */
export interface ChangeContext {
  actor: Actor;
  lockout?: { address: IpAddress | undefined; channel: Channel };
}

export interface ChangeOptions {
  /** Apply the change even though it denies the actor's own address. */
  confirmLockout?: boolean;
  /** The allowlist version the change was based on; a stale one gets 409 CONFLICT. */
  expectedVersion?: number;
}

export interface RangeInput {
  input?: string;
  start?: string;
  end?: string;
  label?: string;
  expiresAt?: string | null;
}

/**
 * Tells the other nodes that an account's allowlist changed. It runs inside
 * the change's transaction, so the notice goes out exactly when the change
 * commits (PostgreSQL delivers NOTIFY on commit) and never without it.
 */
export type ChangePublisher = (db: Kysely<Database>, accountId: string) => Promise<void>;

const maxLabelLength = 100;
export const unrestrictedNotice = 'The IP allowlist is on but has no IP ranges, so access is not restricted yet. Add a range to restrict sign-in.';

type RangeRow = Selectable<AllowlistRangeTable>;

function toRangeView(row: RangeRow, now: number): RangeView {
  const range = { start: parseAddress(row.start_address), end: parseAddress(row.end_address) };
  return {
    id: row.id,
    family: row.family === 6 ? 6 : 4,
    start: row.start_address,
    end: row.end_address,
    cidr: rangeToCidr(range) ?? null,
    label: row.label,
    source: row.source,
    createdBy: { agentId: row.created_by_agent_id, name: row.created_by_name },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    expired: row.expires_at !== null && Date.parse(row.expires_at) <= now,
  };
}

function toGatehouseError(error: unknown): never {
  if (error instanceof IpParseError) {
    throw new GatehouseError(error.code, error.message, { field: error.field ?? 'input', value: error.value });
  }
  throw error;
}

function parseRangeFields(input: RangeInput): IpRange {
  if (input.input !== undefined && (input.start !== undefined || input.end !== undefined)) {
    throw new GatehouseError('INVALID_REQUEST', 'Give the range either as "input" or as "start" and "end", not both.', { field: 'input' });
  }
  try {
    if (input.input !== undefined) return parseRangeInput(input.input, 'input');
    if (input.start !== undefined && (input.end === undefined || input.end.trim() === '')) return parseRangeInput(input.start, 'start');
    if (input.start !== undefined && input.end !== undefined) {
      if (/[/-]/.test(input.start.trim())) {
        throw new GatehouseError('INVALID_RANGE', `"${input.start.trim()}" is a CIDR or a range already: leave the end empty, or give a single start address.`, {
          field: 'start',
          value: input.start,
        });
      }
      return parseRangeBounds(input.start, input.end);
    }
  } catch (error) {
    toGatehouseError(error);
  }
  throw new GatehouseError('INVALID_REQUEST', 'Give the range as "input" (an address, start-end or CIDR) or as "start" and "end".', { field: 'input' });
}

function parseLabel(label: string | undefined, fallback: string): string {
  const trimmed = validateText(label ?? '', 'label', maxLabelLength, { allowEmpty: true });
  return trimmed === '' ? fallback : trimmed;
}

/**
 * Parses an ISO 8601 time with a date that exists and an explicit offset
 * (`Z` or `+hh:mm`), so the result never depends on the server's time zone.
 */
export function parseIsoTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second = '0'] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number?];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || Number(second) > 59) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function parseExpiry(expiresAt: string | null | undefined, now: number): string | null {
  if (expiresAt === undefined || expiresAt === null || expiresAt === '') return null;
  const time = parseIsoTime(expiresAt);
  if (time === undefined) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid expiry time "${expiresAt}": expected an ISO 8601 time with a time zone, such as 2030-01-31T18:00:00Z.`, {
      field: 'expiresAt',
      value: expiresAt,
    });
  }
  if (time <= now) {
    throw new GatehouseError('INVALID_REQUEST', `The expiry time ${expiresAt} has already passed: choose a time in the future.`, { field: 'expiresAt', value: expiresAt });
  }
  return new Date(time).toISOString();
}

function describeRange(row: Pick<RangeRow, 'start_address' | 'end_address' | 'label'>): string {
  const bounds = formatRangeText({ start: parseAddress(row.start_address), end: parseAddress(row.end_address) });
  return `${bounds} (${row.label})`;
}

interface Snapshot {
  settings: AllowlistSettings;
  version: number;
  rows: RangeRow[];
}

export interface AllowlistServiceOptions {
  db: Kysely<Database>;
  cache: AllowlistCache;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
  publish?: ChangePublisher;
  now?: () => number;
}

export class AllowlistService {
  readonly #db: Kysely<Database>;
  readonly #cache: AllowlistCache;
  readonly #mailer: Mailer;
  readonly #logger: Logger;
  readonly #publicUrl: string;
  readonly #now: () => number;
  readonly #pendingMail = new Set<Promise<void>>();
  publish: ChangePublisher;

  constructor(options: AllowlistServiceOptions) {
    this.#db = options.db;
    this.#cache = options.cache;
    this.#mailer = options.mailer;
    this.#logger = options.logger;
    this.#publicUrl = options.publicUrl;
    this.#now = options.now ?? Date.now;
    this.publish = options.publish ?? (async () => {});
  }

  /** Returns the compiled allowlist for the hot path. Throws NOT_FOUND for an unknown account. */
  async compiled(accountId: string): Promise<CompiledAllowlist> {
    const compiled = await this.#cache.get(accountId, this.#now());
    if (!compiled) throw new GatehouseError('NOT_FOUND', `Account "${accountId}" not found.`, { accountId });
    return compiled;
  }

  async view(accountId: string): Promise<AllowlistView> {
    const snapshot = await this.#readSnapshot(this.#db, accountId);
    return this.#toView(snapshot);
  }

  /** Decides each channel for an address typed by an admin. */
  async check(accountId: string, addressText: string): Promise<{ address: string; decisions: Record<Channel, Decision> }> {
    let address: IpAddress;
    try {
      address = parseAddress(addressText);
    } catch (error) {
      if (error instanceof IpParseError) throw new GatehouseError(error.code, error.message, { field: 'address', value: error.value });
      throw error;
    }
    const compiled = await this.compiled(accountId);
    const decisions = Object.fromEntries(channels.map((channel) => [channel, decide(compiled, channel, address)])) as Record<Channel, Decision>;
    return { address: formatAddress(address), decisions };
  }

  async updateSettings(accountId: string, patch: Partial<AllowlistSettings>, context: ChangeContext, options: ChangeOptions = {}): Promise<AllowlistView> {
    return this.#change(accountId, context, options, async (trx, before) => {
      const settings = { ...before.settings };
      for (const key of ['enabled', 'mobileEnforced', 'enforceOnSessions'] as const) {
        const value = patch[key];
        if (value !== undefined) settings[key] = value;
      }
      const changed = (['enabled', 'mobileEnforced', 'enforceOnSessions'] as const).filter((key) => settings[key] !== before.settings[key]);
      if (changed.length === 0) return undefined;

      await trx
        .updateTable('accounts')
        .set({
          allowlist_enabled: settings.enabled ? 1 : 0,
          mobile_enforced: settings.mobileEnforced ? 1 : 0,
          enforce_on_sessions: settings.enforceOnSessions ? 1 : 0,
        })
        .where('id', '=', accountId)
        .execute();
      const summary = changed.map((key) => `${settingNames[key]} switched ${settings[key] ? 'on' : 'off'}`).join(', ');
      return {
        after: { ...before, settings },
        audit: { action: 'allowlist.settings-updated', targetId: null, before: before.settings, after: settings },
        summary,
      };
    });
  }

  async addRange(accountId: string, input: RangeInput, source: RangeSource, context: ChangeContext, options: ChangeOptions = {}): Promise<RangeView> {
    const range = parseRangeFields(input);
    const now = this.#now();
    const bounds = formatRange(range);
    const row: RangeRow = {
      id: newId(now),
      account_id: accountId,
      family: range.start.family,
      start_address: bounds.start,
      end_address: bounds.end,
      label: parseLabel(input.label, defaultLabels[source]),
      source,
      created_by_agent_id: context.actor.agentId,
      created_by_name: context.actor.name,
      created_at: new Date(now).toISOString(),
      expires_at: parseExpiry(input.expiresAt, now),
    };

    await this.#change(accountId, context, options, async (trx, before) => {
      const duplicate = before.rows.find((existing) => existing.start_address === row.start_address && existing.end_address === row.end_address);
      if (duplicate) throw duplicateRangeError(duplicate);
      await trx.insertInto('allowlist_ranges').values(row).execute();
      return {
        after: { ...before, rows: [...before.rows, row] },
        audit: { action: 'allowlist.range-added', targetId: row.id, before: null, after: auditRange(row) },
        summary: `added ${describeRange(row)}`,
      };
    });
    return toRangeView(row, now);
  }

  async updateRange(accountId: string, rangeId: string, input: RangeInput, context: ChangeContext, options: ChangeOptions = {}): Promise<RangeView> {
    const now = this.#now();
    let updated: RangeRow | undefined;
    await this.#change(accountId, context, options, async (trx, before) => {
      const existing = findRange(before, rangeId);
      const next: RangeRow = { ...existing };
      if (input.input !== undefined || input.start !== undefined) {
        const bounds = formatRange(parseRangeFields(input));
        next.start_address = bounds.start;
        next.end_address = bounds.end;
        next.family = parseAddress(bounds.start).family;
      }
      if (input.label !== undefined) next.label = parseLabel(input.label, existing.label);
      if (input.expiresAt !== undefined) next.expires_at = parseExpiry(input.expiresAt, now);

      const duplicate = before.rows.find((row) => row.id !== rangeId && row.start_address === next.start_address && row.end_address === next.end_address);
      if (duplicate) throw duplicateRangeError(duplicate);
      updated = next;
      if (JSON.stringify(next) === JSON.stringify(existing)) return undefined;

      await trx
        .updateTable('allowlist_ranges')
        .set({ family: next.family, start_address: next.start_address, end_address: next.end_address, label: next.label, expires_at: next.expires_at })
        .where('id', '=', rangeId)
        .where('account_id', '=', accountId)
        .execute();
      return {
        after: { ...before, rows: before.rows.map((row) => (row.id === rangeId ? next : row)) },
        audit: { action: 'allowlist.range-updated', targetId: rangeId, before: auditRange(existing), after: auditRange(next) },
        summary: `changed ${describeRange(existing)} to ${describeRange(next)}`,
      };
    });
    return toRangeView(updated as RangeRow, now);
  }

  async deleteRange(accountId: string, rangeId: string, context: ChangeContext, options: ChangeOptions = {}): Promise<void> {
    await this.#change(accountId, context, options, async (trx, before) => {
      const existing = findRange(before, rangeId);
      await trx.deleteFrom('allowlist_ranges').where('id', '=', rangeId).where('account_id', '=', accountId).execute();
      return {
        after: { ...before, rows: before.rows.filter((row) => row.id !== rangeId) },
        audit: { action: 'allowlist.range-deleted', targetId: rangeId, before: auditRange(existing), after: null },
        summary: `deleted ${describeRange(existing)}`,
      };
    });
  }

  /**
   * Adds a one-address range inside a transaction that the caller owns, as
   * the confirmation of an emailed authorization does. Returns the existing
   * range when the address is already listed by itself, with its expiry
   * removed; `changed` is false when nothing had to change.
   */
  async insertAuthorizedAddress(
    trx: Transaction<Database>,
    accountId: string,
    address: string,
    actor: Actor,
    label: string,
  ): Promise<{ row: RangeRow; changed: boolean }> {
    const now = this.#now();
    const bumpVersion = () =>
      trx.updateTable('accounts').set((eb) => ({ allowlist_version: eb('allowlist_version', '+', 1) })).where('id', '=', accountId).execute();
    const existing = await trx
      .selectFrom('allowlist_ranges')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('start_address', '=', address)
      .where('end_address', '=', address)
      .executeTakeFirst();
    if (existing) {
      if (existing.expires_at === null) return { row: existing, changed: false };
      // The address is listed with an expiry: the authorization makes it permanent, as a change of its own.
      const updated = { ...existing, expires_at: null };
      await trx.updateTable('allowlist_ranges').set({ expires_at: null }).where('id', '=', existing.id).execute();
      await bumpVersion();
      await this.publish(trx, accountId);
      await recordAuditEvent(
        trx,
        { accountId, actor, action: 'allowlist.range-updated', targetId: existing.id, before: auditRange(existing), after: auditRange(updated) },
        new Date(now),
      );
      return { row: updated, changed: true };
    }
    const row: RangeRow = {
      id: newId(now),
      account_id: accountId,
      family: parseAddress(address).family,
      start_address: address,
      end_address: address,
      label,
      source: 'email-authorization',
      created_by_agent_id: actor.agentId,
      created_by_name: actor.name,
      created_at: new Date(now).toISOString(),
      expires_at: null,
    };
    await trx.insertInto('allowlist_ranges').values(row).execute();
    await bumpVersion();
    await this.publish(trx, accountId);
    await recordAuditEvent(trx, { accountId, actor, action: 'allowlist.range-added', targetId: row.id, before: null, after: auditRange(row) }, new Date(now));
    return { row, changed: true };
  }

  toRangeView(row: RangeRow): RangeView {
    return toRangeView(row, this.#now());
  }

  /** Drops this node's cached list. Call it after a committed change; the other nodes learn of it from `publish`. */
  changed(accountId: string): void {
    this.#cache.invalidate(accountId);
  }

  /** Emails every enabled admin of the account about a change; failures are logged, not raised. */
  notifyAdmins(accountId: string, actor: Actor, summary: string): void {
    const sending = this.#sendChangeMail(accountId, actor, summary)
      .catch((error: unknown) => {
        this.#logger.error({ event: 'allowlist_mail_failed', accountId, err: error }, 'Failed to email admins about an allowlist change');
      })
      .finally(() => this.#pendingMail.delete(sending));
    this.#pendingMail.add(sending);
  }

  /** Waits for change emails still being sent, as before shutting down. */
  async flushMail(): Promise<void> {
    await Promise.all([...this.#pendingMail]);
  }

  async #sendChangeMail(accountId: string, actor: Actor, summary: string): Promise<void> {
    const account = await this.#db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
    const admins = await this.#db
      .selectFrom('agents')
      .select(['email', 'name'])
      .where('account_id', '=', accountId)
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .execute();
    const who = actor.address ? `${actor.name} (from ${actor.address})` : actor.name;
    for (const admin of admins) {
      await this.#mailer.send({
        to: admin.email,
        subject: `IP allowlist changed for ${account?.name ?? 'your account'}`,
        text: [
          `Hello ${admin.name},`,
          '',
          `${who} changed the IP allowlist of ${account?.name ?? 'your account'}: ${summary}.`,
          '',
          `Review the allowlist: ${this.#publicUrl}/control-panel/security/ip-allowlist`,
          '',
          'If you did not expect this change, review the audit log of your account.',
        ].join('\n'),
      });
    }
  }

  async #readSnapshot(db: Kysely<Database>, accountId: string): Promise<Snapshot> {
    const account = await db
      .selectFrom('accounts')
      .select(['allowlist_enabled', 'mobile_enforced', 'enforce_on_sessions', 'allowlist_version'])
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!account) throw new GatehouseError('NOT_FOUND', `Account "${accountId}" not found.`, { accountId });
    const rows = await db.selectFrom('allowlist_ranges').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    return {
      settings: {
        enabled: account.allowlist_enabled === 1,
        mobileEnforced: account.mobile_enforced === 1,
        enforceOnSessions: account.enforce_on_sessions === 1,
      },
      version: account.allowlist_version,
      rows,
    };
  }

  #toView(snapshot: Snapshot): AllowlistView {
    const now = this.#now();
    const state = { settings: snapshot.settings, entryCount: snapshot.rows.length };
    return {
      ...snapshot.settings,
      version: snapshot.version,
      restricted: snapshot.settings.enabled && snapshot.rows.length > 0,
      notice: isUnrestricted(state) ? unrestrictedNotice : null,
      ranges: snapshot.rows.map((row) => toRangeView(row, now)),
    };
  }

  /**
   * Runs one change in a transaction. It reads the current state and lets
   * `apply` write. It rejects a change that denies the actor's own address
   * unless confirmed, then bumps the version, so a concurrent change fails
   * with CONFLICT. Last it records the audit event and notifies caches and admins.
   */
  async #change(
    accountId: string,
    context: ChangeContext,
    options: ChangeOptions,
    apply: (trx: Transaction<Database>, before: Snapshot) => Promise<{ after: Snapshot; audit: AuditChange; summary: string } | undefined>,
  ): Promise<AllowlistView> {
    const now = this.#now();
    const result = await this.#db.transaction().execute(async (trx) => {
      const before = await this.#readSnapshot(trx, accountId);
      if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
        throw new GatehouseError('CONFLICT', `The allowlist is at version ${before.version}, not ${options.expectedVersion}: someone else changed it. Reload and try again.`, {
          version: before.version,
        });
      }
      const change = await apply(trx, before);
      if (!change) return { snapshot: before, change };

      if (context.lockout && !options.confirmLockout) assertNotLockedOut(accountId, before, change.after, context.lockout, now);

      const bumped = await trx
        .updateTable('accounts')
        .set({ allowlist_version: before.version + 1 })
        .where('id', '=', accountId)
        .where('allowlist_version', '=', before.version)
        .executeTakeFirst();
      if (Number(bumped.numUpdatedRows) !== 1) {
        throw new GatehouseError('CONFLICT', 'The allowlist was changed by someone else at the same time. Reload and try again.');
      }
      await recordAuditEvent(trx, { accountId, actor: context.actor, ...change.audit }, new Date(now));
      await this.publish(trx, accountId);
      return { snapshot: { ...change.after, version: before.version + 1 }, change };
    });

    if (result.change) {
      this.changed(accountId);
      this.notifyAdmins(accountId, context.actor, result.change.summary);
    }
    return this.#toView(result.snapshot);
  }
}

interface AuditChange {
  action: AuditAction;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

const settingNames: Record<keyof AllowlistSettings, string> = {
  enabled: 'IP Allowlist',
  mobileEnforced: 'IP Allowlist for mobile access',
  enforceOnSessions: 'apply to signed-in sessions',
};

const defaultLabels: Record<RangeSource, string> = {
  manual: 'Added manually',
  'email-authorization': 'Authorized by email',
  cli: 'Added with the CLI',
  import: 'Imported',
};

function auditRange(row: RangeRow): Record<string, unknown> {
  return { id: row.id, start: row.start_address, end: row.end_address, label: row.label, source: row.source, expiresAt: row.expires_at };
}

function findRange(snapshot: Snapshot, rangeId: string): RangeRow {
  const row = snapshot.rows.find((candidate) => candidate.id === rangeId);
  if (!row) throw new GatehouseError('NOT_FOUND', `IP range "${rangeId}" not found.`, { rangeId });
  return row;
}

function duplicateRangeError(existing: RangeRow): GatehouseError {
  const expired = existing.expires_at !== null && Date.parse(existing.expires_at) <= Date.now();
  const message = expired
    ? `The range ${describeRange(existing)} is already in the list, but it expired at ${existing.expires_at}. Edit its expiry instead.`
    : `The range ${describeRange(existing)} is already in the list.`;
  return new GatehouseError('ALREADY_EXISTS', message, { rangeId: existing.id, expired });
}

/**
 * Refuses a change after which the actor's own address would be denied on
 * the actor's channel, now or once the ranges with an expiry have expired.
 * The second check only refuses a change that makes the later state worse,
 * so an admin whose only range is temporary can still edit other ranges.
 */
function assertNotLockedOut(accountId: string, before: Snapshot, after: Snapshot, lockout: NonNullable<ChangeContext['lockout']>, now: number): void {
  const decideAt = (snapshot: Snapshot, time: number) =>
    decide(compileAllowlist(accountId, snapshot.settings, snapshot.version, snapshot.rows as StoredRangeBounds[], time), lockout.channel, lockout.address);
  const address = lockout.address === undefined ? null : formatAddress(lockout.address);

  if (!decideAt(after, now).allowed) {
    throw new GatehouseError(
      'WOULD_LOCK_OUT',
      address === null
        ? 'The change would deny your own session, because the server cannot read your IP address. Confirm to save anyway.'
        : `The change would deny your own current IP address ${address}. Add it to the list first, or confirm to save anyway.`,
      { address },
    );
  }

  // Every expiry lies before the largest time a Date can hold.
  const afterExpiries = 8.64e15;
  if (decideAt(before, afterExpiries).allowed && !decideAt(after, afterExpiries).allowed) {
    throw new GatehouseError(
      'WOULD_LOCK_OUT',
      `After the change, your own current IP address ${address ?? '(unknown)'} would be denied once a range with an expiry expires. Add a permanent range for it, or confirm to save anyway.`,
      { address, whenExpired: true },
    );
  }
}
