import { createHash, randomBytes } from 'node:crypto';

/** Creates a random token of 256 bits in base64url; only its hash is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hashes a token with SHA-256 into hex, the form in which tokens are stored and looked up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** True when the text has the shape of a token from `newToken`, so junk never reaches the database. */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
