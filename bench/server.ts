/**
 * A server for the benchmarks, run in its own process so the load generator does not share
 * its event loop:  tsx bench/server.ts <bare|wudang> <port>
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';

const [kind, portArg] = process.argv.slice(2);
const port = Number(portArg);

if (kind === 'bare') {
  // The reference: node:http answering the same bodies with no framework, no auth, no database.
  const me = JSON.stringify({
    kind: 'user',
    id: 'usr_x',
    name: 'duty',
    roles: ['duty_officer'],
    permissions: ['city.read'],
    department: 'DSJZX',
    districts: ['*'],
    scope: { departments: ['*'], districts: ['*'] },
  });
  createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"status":"ok"}');
    } else if (req.url === '/api/auth/me' || req.url?.startsWith('/api/users')) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(me);
    } else {
      res.writeHead(404);
      res.end();
    }
  }).listen(port, '127.0.0.1', () => process.send?.('ready'));
} else if (kind === 'fastify') {
  // A second reference: Fastify with no plugins, to show the framework's own share.
  const Fastify = (await import('fastify')).default;
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.listen({ port, host: '127.0.0.1' });
  process.send?.('ready');
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'wd-bench-'));
  // Per-request logs off (warn), as an operator running at load would; everything else as in production.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', WUDANG_ADMIN_PASSWORD: 'Bench-Admin-2026!', SIMULATE: '0' });
  const w = await buildApp(config);
  await w.app.listen({ port, host: '127.0.0.1' });
  process.send?.('ready');
}

// Answers 'cpu' with the CPU time used so far (µs), and exits cleanly on 'stop' (so that
// `--cpu-prof` can write its profile).
process.on('message', (m) => {
  if (m === 'stop') process.exit(0);
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpu: u.user + u.system });
  }
});
