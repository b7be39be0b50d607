#!/usr/bin/env node
// Runs the test suite with Node's test runner (TypeScript through tsx).
//   node scripts/test.mjs            every test, browser tests included
//   node scripts/test.mjs --no-e2e   without the browser tests
//   node scripts/test.mjs e2e        only the browser tests
//   node scripts/test.mjs <path>...  the given files or directories
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const noE2e = args.includes('--no-e2e');
const targets = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = [];
for (const t of targets.length ? targets : ['server', 'platform', 'modules', 'simulator', 'test', 'e2e']) {
  const p = join(root, t);
  try {
    if (statSync(p).isDirectory()) walk(p, files);
    else files.push(p);
  } catch {
    console.error(`No such test path: ${t}`);
    process.exit(2);
  }
}
if (noE2e) files = files.filter((f) => !relative(root, f).startsWith('e2e'));
files.sort();
if (files.length === 0) {
  console.error('No test files found');
  process.exit(1);
}

const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files.map((f) => relative(root, f))], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(r.status ?? 1);
