import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configOptions, loadConfig } from '../../src/config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      trustProxy: [],
      trustProxyHeader: 'x-forwarded-for',
      logLevel: 'info',
      authorizationLinkMinutes: 30,
      demo: true,
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
  });

  it('lets flags override the environment', () => {
    const config = loadConfig({ PORT: '4000', TRUST_PROXY: '10.0.0.1, 10.0.1.0/24' }, { PORT: '5000' });
    expect(config.port).toBe(5000);
    expect(config.publicUrl).toBe('http://127.0.0.1:5000');
    expect(config.trustProxy).toEqual(['10.0.0.1', '10.0.1.0/24']);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '30o0'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['TRUST_PROXY_HEADER', 'x-real-ip'],
    ['LOG_LEVEL', 'loud'],
    ['GATEHOUSE_DEMO', 'maybe'],
    ['AUTHORIZATION_LINK_MINUTES', '0'],
  ])('rejects %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it.each(configOptions.map((option) => option.env))('documents %s in the README and docs/operations.md', (name) => {
    expect(readme).toContain(`| \`${name}\` |`);
    expect(operations).toContain(`| \`${name}\` |`);
  });
});
