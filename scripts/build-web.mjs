#!/usr/bin/env node
// Builds the web app (web/) into web/dist with Vite.
//
//   node scripts/build-web.mjs             build now
//   node scripts/build-web.mjs --if-stale  build only when web/dist/index.html is missing
//                                          or older than a file under web/
//
// `npm start` runs the second form first, so that the server never serves an
// app older than its source.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'web');
const builtIndex = join(webDir, 'dist', 'index.html');
const skippedFolders = new Set(['dist', 'node_modules']);

/** Returns the latest modification time, in milliseconds, of the files under `folder`, skipping build output. */
async function newestSourceTime(folder) {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (folder === webDir && skippedFolders.has(entry.name)) continue;
      newest = Math.max(newest, await newestSourceTime(path));
    } else if (entry.isFile()) {
      newest = Math.max(newest, (await stat(path)).mtimeMs);
    }
  }
  return newest;
}

async function isStale() {
  let builtTime;
  try {
    builtTime = (await stat(builtIndex)).mtimeMs;
  } catch (error) {
    if (error.code === 'ENOENT') return true;
    throw error;
  }
  return (await newestSourceTime(webDir)) > builtTime;
}

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--if-stale');
if (unknown.length > 0) {
  process.stderr.write(`Unknown argument ${unknown[0]}. Usage: node scripts/build-web.mjs [--if-stale]\n`);
  process.exit(2);
}

if (args.includes('--if-stale') && !(await isStale())) process.exit(0);

if (args.includes('--if-stale')) process.stdout.write('Building the web app, because web/dist is missing or older than web/.\n');
const { build } = await import('vite');
await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
process.stdout.write(`Built the web app into ${join(webDir, 'dist')}.\n`);
