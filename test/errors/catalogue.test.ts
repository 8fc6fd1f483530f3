import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, GatehouseError, type ErrorCode } from '../../src/errors.ts';

const codes = Object.keys(errorCatalogue) as ErrorCode[];
const apiDoc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

describe('error catalogue', () => {
  it.each(codes)('documents %s with its status in docs/api.md', (code) => {
    const row = apiDoc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${errorCatalogue[code].status} |`);
  });

  it.each(codes)('gives %s a 4xx or 5xx status and a sentence', (code) => {
    const { status, message } = errorCatalogue[code];
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(message).toMatch(/^[A-Z].*\.$/);
  });

  it('serializes code and message before details', () => {
    const error = new GatehouseError('WOULD_LOCK_OUT', undefined, { address: '192.0.2.1', code: 'SPOOFED' });
    expect(error.toJSON()).toEqual({ error: { code: 'WOULD_LOCK_OUT', message: errorCatalogue.WOULD_LOCK_OUT.message, address: '192.0.2.1' } });
    expect(Object.keys(error.toJSON().error)).toEqual(['code', 'message', 'address']);
    expect(error.status).toBe(409);
  });

  it('lists no code twice in docs/api.md', () => {
    const rows = apiDoc.split('\n').filter((line) => /^\| `[A-Z_]+` \| \d{3} \|/.test(line));
    expect(rows).toHaveLength(codes.length);
  });
});
