import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The folder that `npm run build` writes the web app to. */
export const defaultWebDistDir = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Paths that the single-page app routes in the browser. Each returns
 * index.html, and the app shows its own page for a path it does not know.
 * Other paths, `/api/*` among them, keep the JSON 404.
 */
const appPaths = ['/', '/control-panel', '/control-panel/*', '/agent-console', '/agent-console/*', '/ip-authorizations/*'];

export interface WebAppOptions {
  /** The built app; defaults to web/dist of this checkout. */
  distDir?: string;
}

/**
 * Serves the built web app: hashed files under /assets/ with a one-year
 * immutable cache, the favicon, and index.html for the app's paths. The
 * index is read per request and never cached, so a rebuild shows on the
 * next reload. Without a build, the app's paths return 503 with the command
 * that builds it, and the API works as usual.
 */
export function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): void {
  const distDir = options.distDir ?? defaultWebDistDir;
  const indexFile = join(distDir, 'index.html');

  app.register(fastifyStatic, {
    root: join(distDir, 'assets'),
    prefix: '/assets/',
    // The folder may not exist until the first build; a missing file gets the JSON 404.
    maxAge: '365d',
    immutable: true,
    index: false,
    dotfiles: 'deny',
  });

  app.get('/favicon.svg', (_request, reply) => reply.sendFile('favicon.svg', distDir, { maxAge: '1d', immutable: false }));

  let warnedMissing = false;
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    if (!existsSync(indexFile)) {
      // Logged once per process, because every page load of an unbuilt app would repeat it.
      if (!warnedMissing) request.log.warn({ event: 'web_app_missing', indexFile }, 'The web app is not built: run npm run build');
      warnedMissing = true;
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('The Gatehouse web app is not built. Run `npm run build`, then reload this page.\n');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', distDir, { cacheControl: false });
  };
  for (const path of appPaths) app.get(path, sendIndex);
}
