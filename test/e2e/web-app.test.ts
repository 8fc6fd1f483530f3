// Serving of the built web app (src/http/web-app.ts), over a Fastify
// instance with a web/dist stand-in in a temporary folder.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultWebDistDir, registerWebApp } from '../../src/http/web-app.ts';

describe('web app serving', () => {
  let distDir: string;
  let app: FastifyInstance;

  before(async () => {
    distDir = await mkdtemp(join(tmpdir(), 'gatehouse-web-dist-'));
    await mkdir(join(distDir, 'assets'));
    await writeFile(join(distDir, 'index.html'), '<!doctype html><title>Gatehouse</title><script type="module" src="/assets/app-1234.js"></script>');
    await writeFile(join(distDir, 'assets', 'app-1234.js'), 'export {};\n');
    await writeFile(join(distDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = Fastify();
    registerWebApp(app, { distDir });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await rm(distDir, { recursive: true, force: true });
  });

  it('serves index.html on app paths', async () => {
    for (const url of ['/', '/control-panel', '/control-panel/security/ip-allowlist', '/agent-console', '/agent-console/sign-in', '/ip-authorizations/abc']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.match(String(response.headers['content-type']), /^text\/html/, url);
      assert.equal(response.headers['cache-control'], 'no-cache', url);
      assert.match(response.body, /<title>Gatehouse<\/title>/, url);
    }
  });

  it('caches hashed assets for a year', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['cache-control']), /max-age=31536000/);
    assert.match(String(response.headers['cache-control']), /immutable/);
    assert.equal((await app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode, 200);
  });

  it('leaves other paths to the 404 handler', async () => {
    for (const url of ['/api/v1/no-such-route', '/assets/missing.js', '/assets/../index.html', '/other', '/control-panelx']) {
      assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
    }
  });

  it('returns 503 until the app is built', async () => {
    await rm(join(distDir, 'index.html'));
    const response = await app.inject({ method: 'GET', url: '/control-panel' });
    assert.equal(response.statusCode, 503);
    assert.match(response.body, /npm run build/);
  });
});

describe('built web app', () => {
  it('has no inline script or style in index.html', async () => {
    const html = await readFile(resolve(defaultWebDistDir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    assert.ok(scripts.length > 0);
    for (const script of scripts) assert.match(script, /\bsrc="\/assets\/[^"]+\.js"/);
    assert.doesNotMatch(html, /<style\b|\bstyle="/);
    assert.match(html, /<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
  });
});
