import { randomBytes } from 'node:crypto';

let lastMillis = 0;
let counter = 0;

/**
 * Creates a time-ordered id: 12 hex digits of Unix milliseconds, 4 of a
 * per-process counter, then 12 random hex digits. Ids from one process sort
 * in creation order; ids from several nodes sort by millisecond.
 */
export function newId(now = Date.now()): string {
  if (now === lastMillis) {
    counter = (counter + 1) & 0xffff;
  } else {
    lastMillis = now;
    counter = 0;
  }
  return now.toString(16).padStart(12, '0') + counter.toString(16).padStart(4, '0') + randomBytes(6).toString('hex');
}
