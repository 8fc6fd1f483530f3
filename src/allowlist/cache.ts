import type { Kysely } from 'kysely';
import { IpRangeSet, parseAddress, type RangeSetEntry } from '../ip/index.ts';
import type { Database } from '../store/schema.ts';
import type { AllowlistSettings, CompiledAllowlist } from './policy.ts';

/** Reads an account's settings and ranges and compiles them; undefined for an unknown account. */
export async function loadAllowlist(db: Kysely<Database>, accountId: string, now: number): Promise<CompiledAllowlist | undefined> {
  const account = await db
    .selectFrom('accounts')
    .select(['allowlist_enabled', 'mobile_enforced', 'enforce_on_sessions', 'allowlist_version'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) return undefined;

  const rows = await db
    .selectFrom('allowlist_ranges')
    .select(['id', 'start_address', 'end_address', 'expires_at'])
    .where('account_id', '=', accountId)
    // Ids sort by creation time, so where ranges overlap, decisions name the oldest.
    .orderBy('id')
    .execute();

  const settings = {
    enabled: account.allowlist_enabled === 1,
    mobileEnforced: account.mobile_enforced === 1,
    enforceOnSessions: account.enforce_on_sessions === 1,
  };
  return compileAllowlist(accountId, settings, account.allowlist_version, rows, now);
}

export interface StoredRangeBounds {
  id: string;
  start_address: string;
  end_address: string;
  expires_at: string | null;
}

/** Compiles settings and stored ranges; ranges expired at `now` are left out of the lookup set. */
export function compileAllowlist(
  accountId: string,
  settings: AllowlistSettings,
  version: number,
  rows: readonly StoredRangeBounds[],
  now: number,
): CompiledAllowlist {
  const entries: RangeSetEntry<string>[] = [];
  let validUntil = Infinity;
  for (const row of rows) {
    const expiresAt = row.expires_at === null ? Infinity : Date.parse(row.expires_at);
    if (expiresAt <= now) continue;
    validUntil = Math.min(validUntil, expiresAt);
    // Stored bounds were canonicalized on write. A row that no longer parses
    // throws here, so the request fails closed.
    entries.push({ start: parseAddress(row.start_address), end: parseAddress(row.end_address), value: row.id });
  }
  return { accountId, settings, version, entryCount: rows.length, ranges: IpRangeSet.compile(entries), validUntil };
}

/**
 * The maximum time a compiled list is trusted without a reload. Change
 * notices make other nodes drop entries at once; this bounds how long a node
 * could serve an old list if a notice were ever lost.
 */
export const maxCacheAgeMs = 30_000;

/**
 * Compiled allowlists per account. An entry is dropped when its account's
 * allowlist changes (on this node directly, on others through the change
 * listener) and when its earliest range expires. While `bypass` is set, as
 * when the change listener is disconnected, every read goes to the database.
 */
export class AllowlistCache {
  readonly #db: Kysely<Database>;
  readonly #entries = new Map<string, { compiled: CompiledAllowlist; loadedAt: number }>();
  readonly #loading = new Map<string, Promise<CompiledAllowlist | undefined>>();
  #generation = 0;
  #bypass = false;
  readonly #dataVersion: (() => number) | undefined;
  #lastDataVersion: number | undefined;

  /** `dataVersion` reports commits by other connections to the same SQLite file; any change clears the cache. */
  constructor(db: Kysely<Database>, dataVersion?: () => number) {
    this.#db = db;
    this.#dataVersion = dataVersion;
    this.#lastDataVersion = dataVersion?.();
  }

  async get(accountId: string, now = Date.now()): Promise<CompiledAllowlist | undefined> {
    if (this.#bypass) return loadAllowlist(this.#db, accountId, now);

    if (this.#dataVersion) {
      const version = this.#dataVersion();
      if (version !== this.#lastDataVersion) {
        this.#lastDataVersion = version;
        this.#generation++;
        this.#entries.clear();
        this.#loading.clear();
      }
    }

    const cached = this.#entries.get(accountId);
    if (cached && now < cached.compiled.validUntil && now - cached.loadedAt < maxCacheAgeMs) return cached.compiled;

    const pending = this.#loading.get(accountId);
    if (pending) return pending;

    // A load that started before an invalidation must not store its result,
    // because it may have read the old list.
    const generation = this.#generation;
    const load = loadAllowlist(this.#db, accountId, now).finally(() => this.#loading.delete(accountId));
    this.#loading.set(accountId, load);
    const compiled = await load;
    if (compiled && generation === this.#generation) this.#entries.set(accountId, { compiled, loadedAt: now });
    return compiled;
  }

  invalidate(accountId: string): void {
    this.#generation++;
    this.#entries.delete(accountId);
    this.#loading.delete(accountId);
  }

  /** Drops every entry and, while `bypass` is true, reads through to the database. */
  setBypass(bypass: boolean): void {
    this.#bypass = bypass;
    this.#generation++;
    this.#entries.clear();
    this.#loading.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
