#!/usr/bin/env node
// Builds the server (esbuild → dist/server) and the web apps (Vite → dist/web).
//   --if-needed   skip when dist is newer than every source file (used by npm install)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const ifNeeded = process.argv.includes('--if-needed');

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '__tests__') continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const serverOut = join(root, 'dist/server/cli.mjs');
const webOut = join(root, 'dist/web/console/index.html');
const serverSrc = Math.max(...['server', 'platform', 'modules', 'profiles'].map((d) => newest(join(root, d))), statSync(join(root, 'package.json')).mtimeMs);
const webSrc = newest(join(root, 'web'));
const stale = (out, src) => !existsSync(out) || statSync(out).mtimeMs < src;

if (!ifNeeded || stale(serverOut, serverSrc)) {
  const t = Date.now();
  await build({
    entryPoints: { cli: join(root, 'server/cli.ts') },
    outdir: join(root, 'dist/server'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log(`built server in ${Date.now() - t} ms`);
}

if (existsSync(join(root, 'web/vite.config.ts')) && (!ifNeeded || stale(webOut, webSrc))) {
  const t = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // Brotli and gzip copies beside each script and stylesheet: the server sends the smaller one a
  // browser accepts (a phone on a slow network loads the super app in a third of the bytes).
  const assets = join(root, 'dist/web/assets');
  for (const name of readdirSync(assets)) {
    if (!/\.(js|css|svg|json)$/.test(name)) continue;
    const file = join(assets, name);
    const raw = readFileSync(file);
    if (raw.length < 1024) continue;
    writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
  }
  console.log(`built web apps in ${Date.now() - t} ms`);
}
