#!/usr/bin/env node
// The `wudang` command: runs the built CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/server/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('wudang: not built yet. Run `npm run build` (npm install does it too).');
  process.exit(1);
}
await import(cli);
