import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

/**
 * Counts one attempt against `key` in fixed windows of `windowMs` and returns
 * whether it is within `limit`. The increment is one atomic upsert, so a
 * concurrent burst on any number of nodes cannot exceed the budget.
 */
export async function consumeAttempt(db: Kysely<Database>, key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateLimitResult> {
  const windowStartMs = Math.floor(now / windowMs) * windowMs;
  const windowStart = new Date(windowStartMs).toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, count: 1 })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('rate_limits.window_start', '=', eb.ref('excluded.window_start'))
          .then(eb('rate_limits.count', '+', 1))
          .else(1)
          .end(),
        window_start: eb.ref('excluded.window_start'),
      })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil((windowStartMs + windowMs - now) / 1000)) };
}

/** Gives back one attempt of the current window, as after a successful sign-in. */
export async function refundAttempt(db: Kysely<Database>, key: string, windowMs: number, now = Date.now()): Promise<void> {
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs).toISOString();
  await db
    .updateTable('rate_limits')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('window_start', '=', windowStart)
    .where('count', '>', 0)
    .execute();
}
