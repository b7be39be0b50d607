/**
 * Secrets never travel where they are kept: a token in a query string is redacted from the request
 * log and from the audit; a WebSocket connects with a one-time ticket that works once, briefly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { redactUrl } from '../http.js';

const [sqlite] = await dialects();

describe('tokens in URLs, logs and the audit', () => {
  let t: TestApp;
  let port: string;
  let clock = Date.now();
  const lines: string[] = [];
  before(async () => {
    t = await startApp(sqlite!, { logLevel: 'info', logRequests: true }, { now: () => clock, logStream: { write: (l: string) => lines.push(l) } });
    port = await t.app.listen({ port: 0, host: '127.0.0.1' }).then((a) => new URL(a).port);
  });
  after(() => t.close());

  test('redactUrl hides the values of secret parameters only', () => {
    assert.equal(redactUrl('/api/live?kinds=alerts&access_token=wda_abc'), '/api/live?kinds=alerts&access_token=[redacted]');
    assert.equal(redactUrl('/api/live?ticket=wdt_x&token=y&x=1'), '/api/live?ticket=[redacted]&token=[redacted]&x=1');
    assert.equal(redactUrl('/api/alerts?limit=5'), '/api/alerts?limit=5');
    assert.equal(redactUrl('/api/live?access%5Ftoken=wda_abc'), '/api/live?access%5Ftoken=[redacted]');
  });

  test('redactUrl masks citizen ID numbers in paths and queries, and nothing else of the URL', () => {
    assert.equal(redactUrl('/api/sharing/data-use?subject=420303198503112021'), '/api/sharing/data-use?subject=420303********2021');
    assert.equal(redactUrl('/api/sharing/databases/population/records/42030319850311202X'), '/api/sharing/databases/population/records/420303********202X');
    // A credit code, a longer number and an ordinary id stay as they are.
    assert.equal(redactUrl('/api/x/91420300MA49000001?n=1234567890123456789'), '/api/x/91420300MA49000001?n=1234567890123456789');
  });

  test('a token in the query string appears neither in the request log nor in the audit', async () => {
    const citizen = await t.login('citizen');
    const duty = await t.login('duty');
    // A citizen may not open the live stream: the denial is audited, with the URL.
    const denied = await t.inject({ method: 'GET', url: `/api/live?kinds=alerts&access_token=${citizen}` });
    assert.equal(denied.statusCode, 403);
    await t.inject({ method: 'GET', url: `/api/alerts?access_token=${duty}` });
    const log = lines.join('');
    assert.ok(log.includes('access_token=[redacted]'), 'the request was logged');
    assert.ok(!log.includes(citizen) && !log.includes(duty), 'no token in the log');
    const audit = await t.storage.db.selectFrom('audit_log').select(['details', 'target_id']).where('action', '=', 'access.denied').execute();
    const text = JSON.stringify(audit);
    assert.ok(text.includes('[redacted]'));
    assert.ok(!text.includes(citizen), 'no token in the audit');
  });

  const open = (query: string) =>
    new Promise<{ ws: WebSocket; hello: Promise<unknown> }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?${query}`);
      const hello = new Promise((r) => ws.once('message', (m) => r(JSON.parse(m.toString()))));
      ws.once('open', () => resolve({ ws, hello }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });

  test('a WebSocket connects with a one-time ticket; used again, or after 30 seconds, it is refused', async () => {
    const duty = await t.login('duty');
    const issued = await t.call('POST', '/api/auth/ticket', duty);
    assert.equal(issued.status, 200);
    assert.match(issued.body.ticket, /^wdt_/);
    const c = await open(`kinds=alerts&ticket=${issued.body.ticket}`);
    assert.equal(((await c.hello) as { kind: string }).kind, 'hello');
    c.ws.close();
    await assert.rejects(open(`kinds=alerts&ticket=${issued.body.ticket}`), /HTTP 401/, 'once only');
    const late = await t.call('POST', '/api/auth/ticket', duty);
    clock += 31_000;
    await assert.rejects(open(`ticket=${late.body.ticket}`), /HTTP 401/, 'expired');
    // A ticket is not a bearer token anywhere else.
    const other = await t.call('POST', '/api/auth/ticket', duty);
    assert.equal((await t.call('GET', '/api/alerts', other.body.ticket)).status, 401);
    // A ticket of a session that has ended is refused.
    const t2 = await t.call('POST', '/api/auth/ticket', duty);
    assert.equal((await t.call('POST', '/api/auth/logout', duty)).status, 204);
    await assert.rejects(open(`ticket=${t2.body.ticket}`), /HTTP 401/, 'session ended');
  });
});

describe('metrics are not public', () => {
  test('without METRICS_TOKEN only direct requests from this host; with it, only its bearer', async () => {
    const local = await startApp(sqlite!);
    try {
      assert.equal((await local.inject({ method: 'GET', url: '/metrics' })).statusCode, 200, 'from this host');
      assert.equal((await local.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode, 403, 'from elsewhere');
      assert.equal((await local.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } })).statusCode, 403, 'through a proxy');
    } finally {
      await local.close();
    }
    const withToken = await startApp(sqlite!, { metricsToken: 'scrape-secret-0123456789' });
    try {
      assert.equal((await withToken.inject({ method: 'GET', url: '/metrics' })).statusCode, 403, 'a token is set: this host needs it too');
      const ok = await withToken.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '10.0.0.7',
        headers: { authorization: 'Bearer scrape-secret-0123456789' },
      });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /wudang_http_requests_total|process_cpu/);
    } finally {
      await withToken.close();
    }
  });

  test('pages may connect only to their own origin', async () => {
    const { PAGE_SECURITY_HEADERS } = await import('../http.js');
    const csp = PAGE_SECURITY_HEADERS['content-security-policy']!;
    assert.match(csp, /connect-src 'self'(;|$)/);
    assert.ok(!/connect-src[^;]*\bws:/.test(csp));
  });
});
