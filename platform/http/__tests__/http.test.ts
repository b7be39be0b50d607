import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { dialects, startApp } from '../../../test/helpers.js';
import { registerHttpPlatform } from '../http.js';

const SQL_META = [`' OR '1'='1`, `'; DROP TABLE users; --`, `" OR 1=1 --`, `\\'; select pg_sleep(1); --`, `%' --`, `1; delete from audit_log`];

for (const d of await dialects()) {
  describe(`HTTP platform on ${d.name}`, async () => {
    const t = await startApp(d, { bodyLimit: 4096, loginRateLimit: 1000 });
    after(() => t.close());
    const admin = await t.login('admin');
    const userCount = async () =>
      Number(
        (
          await t.storage.db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('serves /healthz, /readyz, /metrics, /openapi.json and /docs', async () => {
      assert.deepEqual((await t.call('GET', '/healthz')).body, { status: 'ok' });
      const ready = await t.call('GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.checks, { database: 'ok', bus: 'ok' });
      const metrics = await t.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.headers['content-type'] as string, /text\/plain/);
      assert.match(metrics.body, /wudang_http_requests_total\{method="POST",route="\/api\/auth\/login",status="200"\} \d+/);
      assert.match(metrics.body, /process_cpu_user_seconds_total/);
      const spec = await t.call('GET', '/openapi.json');
      assert.equal(spec.body.openapi, '3.1.0');
      assert.ok(spec.body.paths['/api/auth/login']?.post);
      assert.ok(spec.body.paths['/api/users/{id}'].patch);
      assert.ok(spec.body.components.schemas.Problem);
      // Every route says what it is for, in English and in Chinese.
      for (const [path, ops] of Object.entries(spec.body.paths as Record<string, Record<string, { summary?: string }>>))
        for (const [method, op] of Object.entries(ops)) assert.match(op.summary ?? '', /[A-Za-z].* · .*[\u4e00-\u9fff]/, `${method} ${path}`);
      // Every group of routes is described, in English and Chinese.
      const used = new Set(
        Object.values(spec.body.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap((ops) => Object.values(ops).flatMap((o) => o.tags ?? [])),
      );
      for (const tag of used) {
        const described = (spec.body.tags as { name: string; description: string }[]).find((x) => x.name === tag)?.description ?? '';
        assert.match(described, /[a-z]+.*·.*[\u4e00-\u9fff]/, `tag ${tag}`);
      }
      const docs = await t.inject({ method: 'GET', url: '/docs/' });
      assert.equal(docs.statusCode, 200);
      assert.match(docs.body, /swagger/i);
      // The API docs load nothing from elsewhere, and the styles Swagger UI sets inline are allowed.
      const csp = String(docs.headers['content-security-policy']);
      assert.match(csp, /style-src 'self' 'unsafe-inline'/);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /https:|validator\.swagger\.io/);
      const icon = await t.inject({ method: 'GET', url: '/favicon.ico' });
      assert.equal(icon.statusCode, 200);
      assert.equal(icon.headers['content-type'], 'image/x-icon');
      assert.deepEqual([...icon.rawPayload.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file');
    });

    it('sets security headers and echoes request ids', async () => {
      const r = await t.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
      assert.equal(r.headers['x-request-id'], 'abc-123');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.match(String(r.headers['content-security-policy']), /default-src 'none'; frame-ancestors 'none'/);
      const authed = await t.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${admin}` } });
      assert.equal(authed.headers['cache-control'], 'no-store');
      const fresh = await t.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
      assert.match(String(fresh.headers['x-request-id']), /^req_[0-9a-z]+_[0-9a-z]+$/);
    });

    it('answers malformed JSON with a problem and writes nothing', async () => {
      const before = await userCount();
      const r = await t.call('POST', '/api/users', admin, '{"username": "x", ');
      assert.equal(r.status, 400);
      assert.equal(r.body.code, 'WD_ERR_BAD_JSON');
      assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
      assert.equal(r.body.instance, '/api/users');
      assert.equal(r.body.type, '/problems/bad-json');
      const type = await t.call('GET', r.body.type);
      assert.deepEqual(type.body, { type: '/problems/bad-json', code: 'WD_ERR_BAD_JSON', status: 400, title: 'Request body is not valid JSON' });
      assert.equal(await userCount(), before);
    });

    it('refuses an oversized body with 413', async () => {
      const r = await t.call('POST', '/api/auth/login', undefined, { username: 'admin', password: 'x'.repeat(10_000) });
      assert.equal(r.status, 413);
      assert.equal(r.body.code, 'WD_ERR_BODY_TOO_LARGE');
    });

    it('refuses a body that is not JSON with 415', async () => {
      const r = await t.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'username=admin' });
      assert.equal(r.statusCode, 415);
      assert.equal(JSON.parse(r.body).code, 'WD_ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers an unknown route with a 404 problem', async () => {
      const r = await t.call('GET', '/api/no-such-thing', admin);
      assert.equal(r.status, 404);
      assert.equal(r.body.code, 'WD_ERR_ROUTE_NOT_FOUND');
    });

    it('refuses a wrong type in each field, and unknown fields, naming the field', async () => {
      const valid = { username: 'typed.user', displayName: 'T', password: 'Typed-User-2026', roles: ['dept_staff'], department: 'JTJ', districts: ['*'] };
      const wrong: Record<string, unknown> = {
        username: 42,
        displayName: false,
        password: 123456789012,
        roles: 'dept_staff',
        department: 7,
        districts: '420302',
      };
      const before = await userCount();
      for (const [field, value] of Object.entries(wrong)) {
        const r = await t.call('POST', '/api/users', admin, { ...valid, [field]: value });
        assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'WD_ERR_VALIDATION');
        assert.ok(
          r.body.errors.some((e: { pointer: string }) => e.pointer.startsWith(`/body/${field}`)),
          `${field}: ${JSON.stringify(r.body.errors)}`,
        );
      }
      const extra = await t.call('POST', '/api/users', admin, { ...valid, isAdmin: true });
      assert.equal(extra.status, 400);
      assert.equal(extra.body.errors[0].pointer, '/body/isAdmin');
      const badRole = await t.call('POST', '/api/users', admin, { ...valid, roles: ['emperor'] });
      assert.equal(badRole.status, 400);
      const badQuery = await t.call('GET', '/api/users?limit=lots', admin);
      assert.equal(badQuery.status, 400);
      assert.equal(badQuery.body.errors[0].pointer, '/querystring/limit');
      assert.equal(await userCount(), before, 'nothing written');
    });

    it('treats SQL metacharacters in every string parameter as data', async () => {
      const before = await userCount();
      for (const s of SQL_META) {
        const e = encodeURIComponent(s);
        for (const url of [
          `/api/users?q=${e}`,
          `/api/users?department=${e}`,
          `/api/departments/${e}`,
          `/api/users/${e}`,
          `/api/audit?targetId=${e}`,
          `/api/audit?action=${e}`,
          `/api/calendar/days/${e}`,
          `/api/calendar/deadline?from=${e}&workingDays=1`,
        ]) {
          const r = await t.call('GET', url, admin);
          assert.ok(r.status < 500, `${url} → ${r.status} ${JSON.stringify(r.body)}`);
          if (r.status === 200 && Array.isArray(r.body.items) && url.startsWith('/api/users')) assert.equal(r.body.items.length, 0, url);
        }
        const login = await t.call('POST', '/api/auth/login', undefined, { username: s, password: s });
        assert.equal(login.status, 401);
      }
      assert.equal(await userCount(), before);
      assert.ok((await t.call('GET', '/api/audit/verify', admin)).body.ok, 'audit chain intact');
    });

    it('answers dates and spans outside the calendar with a 400, never a 500', async () => {
      for (const url of [
        '/api/calendar/deadline?from=%2B275760-09-13T00:00:00Z&workingDays=3',
        '/api/calendar/deadline?from=9999-12-31&workingDays=3',
        '/api/calendar/deadline?from=1970-01-01T00:00:00Z&workingHours=8',
        '/api/calendar/deadline?from=2099-12-30&workingDays=900',
        '/api/calendar/deadline?from=2026-12-01&workingDays=3650',
        '/api/calendar/deadline?from=2026-12-01&workingHours=87600',
        '/api/alerts?from=1e300',
        '/api/command/incidents?activeAt=-8640000000000000',
      ]) {
        const r = await t.call('GET', url, admin);
        assert.equal(r.status, 400, `${url} → ${r.status} ${JSON.stringify(r.body)}`);
      }
      assert.equal((await t.call('GET', '/api/calendar/deadline?from=2026-12-01&workingDays=1000', admin)).status, 200);
    });

    it('refuses missing, malformed, forged and expired tokens, and audits forged ones', async () => {
      const none = await t.call('GET', '/api/users');
      assert.equal(none.status, 401);
      assert.equal(none.body.code, 'WD_ERR_AUTH_REQUIRED');
      const basic = await t.inject({ method: 'GET', url: '/api/users', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      assert.equal(basic.statusCode, 401);
      const forged = await t.call('GET', '/api/users', `wda_${'A'.repeat(43)}`);
      assert.equal(forged.status, 401);
      assert.equal(forged.body.code, 'WD_ERR_AUTH_TOKEN_INVALID');
      const key = await t.call('GET', '/api/users', `wdk_${'B'.repeat(43)}`);
      assert.equal(key.status, 401);
      const rows = await t.storage.db.selectFrom('audit_log').select('details').where('action', '=', 'access.denied').execute();
      assert.ok(rows.some((r) => r.details.includes('WD_ERR_AUTH_TOKEN_INVALID')));
    });
  });
}

describe('route access declarations', () => {
  it('stops start-up when an /api route declares no auth requirement', async () => {
    const { openStorage } = await import('../../storage/db.js');
    const s = openStorage({ sqliteFile: ':memory:' });
    const app = Fastify();
    await registerHttpPlatform(app, { db: s.db, loginRateLimit: 10, version: 'test', city: { zh: '测试市', en: 'Testville' }, authenticate: async () => null });
    await assert.rejects(async () => {
      app.get('/api/forgotten', async () => 'open');
      await app.ready();
    }, /declares no auth requirement/);
    await s.close();
  });
});

describe('login rate limit', async () => {
  const [d] = await dialects();
  const t = await startApp(d!, { loginRateLimit: 3 });
  after(() => t.close());
  it('answers 429 with a problem after the limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.call('POST', '/api/auth/login', undefined, { username: 'nobody', password: 'x' })).status);
    assert.deepEqual(codes, [401, 401, 401, 429]);
    const r = await t.call('POST', '/api/auth/login', undefined, { username: 'nobody', password: 'x' });
    assert.equal(r.body.code, 'WD_ERR_RATE_LIMITED');
    assert.ok(r.headers['retry-after']);
  });
});
