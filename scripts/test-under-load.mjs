#!/usr/bin/env node
// Runs the test suite while other processes keep every core busy, as a loaded CI machine would:
// a test that waits for time instead of conditions fails here.
//   node scripts/test-under-load.mjs [--runs 3] [test.mjs arguments...]
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args.splice(at, 2)[1]) : 1;
const burners = cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) { Math.sqrt(Math.random()); }'], { stdio: 'ignore' }));
const stop = () => {
  for (const b of burners) b.kill('SIGKILL');
};
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
let failed = 0;
for (let i = 1; i <= runs; i++) {
  console.log(`\n== run ${i} of ${runs}, with ${burners.length} busy processes`);
  const r = spawnSync(process.execPath, [new URL('./test.mjs', import.meta.url).pathname, ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
stop();
console.log(`\n== ${runs - failed} of ${runs} runs passed under load`);
process.exit(failed ? 1 : 0);
