#!/usr/bin/env node
// Migrations are append-only: once committed, a migration is never edited or removed, and a new
// one sorts after every migration already committed (Kysely refuses to run one that sorts before
// a migration a database has already applied). Compares the working tree, and HEAD, with the
// commit before (or MIGRATIONS_BASE). Moving a migration file to another folder is allowed when
// nothing but its import paths changes.
//   node scripts/check-migrations.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const isMigration = (path) => /(^|\/)migrations\/\d{8}_\d{4}_[a-z0-9_]+\.ts$/.test(path);
/** Import paths may change when a file moves; nothing else may. */
const normalise = (text) => text.replace(/from '[^']*\/([^/']+)'/g, "from '$1'").replace(/\r\n/g, '\n');

function at(rev) {
  const files = new Map();
  for (const path of git('ls-tree', '-r', '--name-only', rev).split('\n').filter(isMigration))
    files.set(basename(path, '.ts'), { path, text: git('show', `${rev}:${path}`) });
  return files;
}
function workingTree() {
  const files = new Map();
  const paths = git('ls-files', '--cached', '--others', '--exclude-standard').split('\n').filter(isMigration);
  for (const path of paths) if (existsSync(path)) files.set(basename(path, '.ts'), { path, text: readFileSync(path, 'utf8') });
  return files;
}
function has(rev) {
  try {
    git('rev-parse', '--verify', '--quiet', `${rev}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

const problems = [];
function compare(label, before, after) {
  const last = [...before.keys()].sort().at(-1) ?? '';
  for (const [name, b] of before) {
    const a = after.get(name);
    if (!a) problems.push(`${label}: migration ${name} (${b.path}) was removed`);
    else if (normalise(a.text) !== normalise(b.text)) problems.push(`${label}: migration ${name} (${a.path}) was edited; add a new migration instead`);
  }
  for (const name of after.keys())
    if (!before.has(name) && name < last) problems.push(`${label}: new migration ${name} sorts before ${last}, which databases may already have applied`);
}

const base = process.env.MIGRATIONS_BASE ?? 'HEAD~1';
if (!has('HEAD')) {
  console.log('check-migrations: no commits yet, nothing to compare');
  process.exit(0);
}
compare('working tree against HEAD', at('HEAD'), workingTree());
if (has(base)) compare(`HEAD against ${base}`, at(base), at('HEAD'));
else console.log(`check-migrations: ${base} is not in this clone; compared the working tree with HEAD only`);

if (problems.length) {
  for (const p of problems) console.error(`✖ ${p}`);
  console.error('Migrations are append-only (docs/architecture.md, "Migrations").');
  process.exit(1);
}
console.log('check-migrations: committed migrations unchanged');
