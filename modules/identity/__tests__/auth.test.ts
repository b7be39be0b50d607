import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ADMIN_PASSWORD, DEMO_PASSWORD, dialects, startApp } from '../../../test/helpers.js';

for (const d of await dialects()) {
  describe(`identity and access on ${d.name}`, async () => {
    let clock = Date.parse('2026-11-26T09:00:00+08:00');
    const t = await startApp(
      d,
      { loginMaxFailures: 3, lockoutDuration: 600, accessTokenTtl: 900, refreshTokenTtl: 86400, loginRateLimit: 1000 },
      { now: () => clock },
    );
    after(() => t.close());

    const auditActions = async () =>
      (await t.storage.db.selectFrom('audit_log').select(['action', 'outcome']).orderBy('seq').execute()).map((r) => `${r.action}:${r.outcome}`);

    it('seeds the city: districts, departments, the matrix, admin and a demo account per role', async () => {
      const admin = await t.login('admin');
      const me = await t.call('GET', '/api/auth/me', admin);
      assert.equal(me.status, 200);
      assert.deepEqual(me.body.roles, ['platform_admin']);
      assert.deepEqual(me.body.scope, { departments: ['*'], districts: ['*'] });
      const users = await t.call('GET', '/api/users?limit=100', admin);
      const roles = new Set(users.body.items.flatMap((u: { roles: string[] }) => u.roles));
      for (const r of ['platform_admin', 'duty_officer', 'dept_leader', 'dept_staff', 'grid_inspector', 'citizen', 'enterprise']) assert.ok(roles.has(r), r);
      const districts = await t.call('GET', '/api/districts', admin);
      assert.equal(districts.body.filter((x: { kind: string }) => x.kind !== 'special_zone').length, 8);
      const depts = await t.call('GET', '/api/departments', admin);
      const yjj = depts.body.find((x: { code: string }) => x.code === 'YJJ');
      assert.deepEqual(yjj.tasks.lead, ['emergency']);
      const gaj = depts.body.find((x: { code: string }) => x.code === 'GAJ');
      assert.ok(gaj.tasks.responsible.includes('city-brain'), 'a unit listed in the matrix');
      assert.ok(gaj.tasks.responsible.includes('environment'), 'a city department under 市直各部门');
      const tasks = await t.call('GET', '/api/plan-tasks', admin);
      const brain = tasks.body.find((x: { id: string }) => x.id === 'city-brain');
      assert.ok(brain.responsibleUnits.includes('GAJ') && brain.responsibleUnits.includes('GOV-420381'));
    });

    it('lets an administrator add and rename departments, keeping edits across restarts', async () => {
      const admin = await t.login('admin');
      const created = await t.call('POST', '/api/departments', admin, { code: 'SJJ', name: { zh: '市审计局', en: 'Audit Bureau' }, district: null });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.ok(created.body.tasks.responsible.includes('environment'), 'a new city department joins 市直各部门');
      assert.equal((await t.call('POST', '/api/departments', admin, { code: 'SJJ', name: { zh: 'x', en: 'x' }, district: null })).status, 409);
      assert.equal((await t.call('POST', '/api/departments', admin, { code: 'XX', name: { zh: 'x', en: 'x' }, district: '999999' })).status, 400);
      const renamed = await t.call('PATCH', '/api/departments/YJJ', admin, { name: { zh: '十堰市应急管理局', en: 'Shiyan Emergency Management Bureau' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name.zh, '十堰市应急管理局');
      const leader = await t.login('yjj.leader');
      assert.equal((await t.call('PATCH', '/api/departments/YJJ', leader, { name: { zh: 'x', en: 'x' } })).status, 403);
      // A restart loads the profile again; the administrator's edit stays.
      const { seedCity } = await import('../identity.service.js');
      await seedCity(t.platform);
      assert.equal((await t.call('GET', '/api/departments/YJJ', admin)).body.name.zh, '十堰市应急管理局');
      assert.ok((await auditActions()).includes('department.updated:success'));
    });

    it('logs in, refreshes with rotation, and logs out', async () => {
      const login = await t.call('POST', '/api/auth/login', undefined, { username: 'duty', password: DEMO_PASSWORD });
      assert.equal(login.status, 200);
      assert.match(login.body.token, /^wda_/);
      assert.equal(login.body.tokenType, 'Bearer');
      assert.equal(Date.parse(login.body.expiresAt), clock + 900_000);
      assert.equal(login.body.user.department, 'DSJZX');
      assert.equal((await t.call('GET', '/api/auth/me', login.body.token)).status, 200, 'resolved once, so cached');

      const refreshed = await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: login.body.refreshToken });
      assert.equal(refreshed.status, 200);
      assert.notEqual(refreshed.body.token, login.body.token);
      assert.equal((await t.call('GET', '/api/auth/me', login.body.token)).status, 401, 'old access token ends');
      assert.equal((await t.call('GET', '/api/auth/me', refreshed.body.token)).status, 200);

      assert.equal((await t.call('POST', '/api/auth/logout', refreshed.body.token)).status, 204);
      assert.equal((await t.call('GET', '/api/auth/me', refreshed.body.token)).status, 401);
      assert.equal((await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: refreshed.body.refreshToken })).status, 401);
    });

    it('expires access tokens after their lifetime, and refresh tokens after theirs', async () => {
      const login = await t.call('POST', '/api/auth/login', undefined, { username: 'duty', password: DEMO_PASSWORD });
      clock += 899_000;
      assert.equal((await t.call('GET', '/api/auth/me', login.body.token)).status, 200);
      clock += 2_000;
      const expired = await t.call('GET', '/api/auth/me', login.body.token);
      assert.equal(expired.status, 401);
      assert.equal(expired.body.code, 'WD_ERR_AUTH_TOKEN_INVALID');
      const r = await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: login.body.refreshToken });
      assert.equal(r.status, 200);
      clock += 86_400_000;
      assert.equal((await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: r.body.refreshToken })).status, 401);
    });

    it('answers a wrong password and an unknown user alike, and audits both', async () => {
      const wrong = await t.call('POST', '/api/auth/login', undefined, { username: 'duty', password: 'nope' });
      const unknown = await t.call('POST', '/api/auth/login', undefined, { username: 'ghost', password: 'nope' });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.equal(wrong.body.code, unknown.body.code);
      assert.equal(wrong.body.detail, unknown.body.detail);
      const rows = await t.storage.db
        .selectFrom('audit_log')
        .select(['details', 'outcome'])
        .where('action', '=', 'auth.login')
        .where('outcome', '=', 'failure')
        .execute();
      assert.ok(rows.some((r) => r.details.includes('"ghost"')));
      // The successful login after a failure resets the counter.
      await t.login('duty');
    });

    it('an old refresh token used again revokes the whole session: the thief and the owner both have to log in again', async () => {
      const login = await t.call('POST', '/api/auth/login', undefined, { username: 'duty', password: DEMO_PASSWORD });
      const first = await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: login.body.refreshToken });
      assert.equal(first.status, 200);
      const second = await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: first.body.refreshToken });
      assert.equal(second.status, 200);
      assert.equal((await t.call('GET', '/api/auth/me', second.body.token)).status, 200);
      // The first refresh token again (someone kept a copy): refused, and everything from the login ends.
      const replay = await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: login.body.refreshToken });
      assert.equal(replay.status, 401);
      assert.equal((await t.call('GET', '/api/auth/me', second.body.token)).status, 401, 'the newest access token ends too');
      assert.equal(
        (await t.call('POST', '/api/auth/refresh', undefined, { refreshToken: second.body.refreshToken })).status,
        401,
        'and the newest refresh token',
      );
      assert.ok((await auditActions()).includes('auth.refresh_reused:denied'));
    });

    it('locks an account per source after repeated failures: the same answer as a wrong password, and its owner elsewhere still logs in', async () => {
      const from = (ip: string, password: string) =>
        t.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: ip,
          headers: { 'content-type': 'application/json' },
          payload: { username: 'cgw.staff', password },
        });
      for (let i = 0; i < 3; i++) assert.equal((await from('203.0.113.9', `bad${i}`)).statusCode, 401);
      // From the guessing address, even the right password gets exactly what a wrong one or an unknown user gets.
      const locked = await from('203.0.113.9', DEMO_PASSWORD);
      const unknown = await t.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.9',
        headers: { 'content-type': 'application/json' },
        payload: { username: 'nobody.here', password: 'x' },
      });
      assert.equal(locked.statusCode, 401);
      const shape = (b: string) => {
        const o = JSON.parse(b);
        delete o.requestId;
        return o;
      };
      assert.deepEqual(shape(locked.body), shape(unknown.body));
      assert.ok((await auditActions()).includes('user.locked:success'));
      // The owner, from the office, is not locked out by a stranger's guesses.
      assert.equal((await from('10.20.0.5', DEMO_PASSWORD)).statusCode, 200);
      // The lock runs out after LOCKOUT_DURATION.
      clock += 601_000;
      assert.equal((await from('203.0.113.9', DEMO_PASSWORD)).statusCode, 200);
      // An administrator can lift a lock at once.
      for (let i = 0; i < 3; i++) await from('203.0.113.9', `bad${i}`);
      assert.equal((await from('203.0.113.9', DEMO_PASSWORD)).statusCode, 401);
      const admin = await t.login('admin');
      const id = (await t.call('GET', '/api/users?q=cgw.staff', admin)).body.items[0].id;
      assert.equal((await t.call('POST', `/api/users/${id}/unlock`, admin, {})).status, 204);
      assert.equal((await from('203.0.113.9', DEMO_PASSWORD)).statusCode, 200);
    });

    it('enforces the password policy and makes new users change their first password', async () => {
      const admin = await t.login('admin');
      const weak = await t.call('POST', '/api/users', admin, {
        username: 'weak.user',
        displayName: 'W',
        password: 'password1',
        roles: ['dept_staff'],
        department: 'JTJ',
        districts: ['*'],
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.body.code, 'WD_ERR_AUTH_PASSWORD_POLICY');
      assert.ok(weak.body.errors.length >= 1);
      const created = await t.call('POST', '/api/users', admin, {
        username: 'jtj.new',
        displayName: '交通局 新人',
        password: 'Traffic-2026-ok',
        roles: ['dept_staff'],
        department: 'JTJ',
        districts: ['*'],
        phone: '13812345678',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.mustChangePassword, true);
      const dup = await t.call('POST', '/api/users', admin, {
        username: 'jtj.new',
        displayName: 'x',
        password: 'Traffic-2026-ok',
        roles: ['dept_staff'],
        department: 'JTJ',
        districts: ['*'],
      });
      assert.equal(dup.status, 409);
      const token = await t.login('jtj.new', 'Traffic-2026-ok');
      // A temporary password opens nothing but changing it (and who am I, and logging out).
      const blocked = await t.call('GET', '/api/districts', token);
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.code, 'WD_ERR_PASSWORD_CHANGE_REQUIRED');
      assert.equal((await t.call('GET', '/api/auth/me', token)).body.mustChangePassword, true);
      const same = await t.call('POST', '/api/auth/password', token, { currentPassword: 'Traffic-2026-ok', newPassword: 'Traffic-2026-ok' });
      assert.equal(same.status, 400);
      const changed = await t.call('POST', '/api/auth/password', token, { currentPassword: 'Traffic-2026-ok', newPassword: 'Road&Bridge-77' });
      assert.equal(changed.status, 204);
      const me = await t.call('GET', '/api/auth/me', token);
      assert.equal(me.body.mustChangePassword, false);
      assert.equal((await t.call('GET', '/api/districts', token)).status, 200, 'open once changed');
      await t.login('jtj.new', 'Road&Bridge-77');
      // Common passwords, decorated common words, runs of keys and the demo password are refused.
      for (const weak of ['Wudang@2026', 'P@ssw0rd123', 'Admin@123456', 'Qwerty@123', '1Qaz2wsx3edc', 'Shiyan2026!']) {
        const r = await t.call('POST', '/api/users', admin, {
          username: 'weak.two',
          displayName: 'W',
          password: weak,
          roles: ['dept_staff'],
          department: 'JTJ',
          districts: ['*'],
        });
        assert.equal(r.status, 400, weak);
        assert.equal(r.body.code, 'WD_ERR_AUTH_PASSWORD_POLICY', weak);
      }
    });

    it('masks phone numbers for viewers who do not manage users', async () => {
      const leader = await t.login('yjj.leader');
      const admin = await t.login('admin');
      const all = await t.call('GET', '/api/users?q=jtj.new', admin);
      assert.equal(all.body.items[0].phone, '13812345678');
      const duty = await t.login('duty');
      const seen = await t.call('GET', '/api/users?q=jtj.new', duty);
      assert.equal(seen.body.items[0].phone, '138****5678');
      // A department leader sees only their own department's users.
      const mine = await t.call('GET', '/api/users?limit=100', leader);
      assert.ok(mine.body.items.length >= 1);
      assert.ok(mine.body.items.every((u: { department: string }) => u.department === 'YJJ'));
    });

    it('keeps each caller inside their data scope, and audits attempts outside it', async () => {
      const leader = await t.login('yjj.leader');
      const admin = await t.login('admin');
      const users = await t.call('GET', '/api/users?q=cgw.staff', admin);
      const cgwId = users.body.items[0].id;
      // Another department's user answers exactly as an unknown one, and the attempt is audited.
      const denied = await t.call('GET', `/api/users/${cgwId}`, leader);
      const unknown = await t.call('GET', '/api/users/usr_00000000000000000000000', leader);
      assert.equal(denied.status, 404);
      assert.equal(denied.body.detail.replace(cgwId, '<id>'), unknown.body.detail.replace('usr_00000000000000000000000', '<id>'));
      const forbidden = await t.call('POST', '/api/users', leader, {
        username: 'x.y',
        displayName: 'x',
        password: 'Xy-123456789',
        roles: ['dept_staff'],
        department: 'YJJ',
        districts: ['*'],
      });
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.code, 'WD_ERR_FORBIDDEN');
      const citizen = await t.login('citizen');
      assert.equal((await t.call('GET', '/api/users', citizen)).status, 403);
      const denials = await t.storage.db.selectFrom('audit_log').select(['details']).where('action', '=', 'access.denied').execute();
      assert.ok(denials.some((r) => r.details.includes('WD_ERR_OUT_OF_SCOPE')));
      assert.ok(denials.some((r) => r.details.includes('WD_ERR_FORBIDDEN')));
    });

    it('ends sessions when permissions change, and audits the change', async () => {
      const admin = await t.login('admin');
      const token = await t.login('zw.staff');
      const id = (await t.call('GET', '/api/users?q=zw.staff', admin)).body.items[0].id;
      const changed = await t.call('PATCH', `/api/users/${id}`, admin, { districts: ['420302', '420303'] });
      assert.equal(changed.status, 200);
      assert.deepEqual(changed.body.districts, ['420302', '420303']);
      assert.equal((await t.call('GET', '/api/auth/me', token)).status, 401);
      const bad = await t.call('PATCH', `/api/users/${id}`, admin, { districts: ['999999'] });
      assert.equal(bad.status, 400);
      assert.ok((await auditActions()).includes('user.permissions_changed:success'));
      const adminId = (await t.call('GET', '/api/users?q=admin', admin)).body.items.find((u: { username: string }) => u.username === 'admin').id;
      assert.equal((await t.call('PATCH', `/api/users/${adminId}`, admin, { status: 'disabled' })).status, 409);
    });

    it('issues API keys for systems with their own scope, and revokes them', async () => {
      const admin = await t.login('admin');
      const created = await t.call('POST', '/api/api-keys', admin, { name: '水务系统', roles: ['api_client'], department: 'SLJ', districts: ['*'] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(created.body.key, /^wdk_/);
      const key = created.body.key as string;
      const me = await t.call('GET', '/api/auth/me', key);
      assert.equal(me.status, 200);
      assert.equal(me.body.kind, 'api_key');
      assert.deepEqual(me.body.scope.departments, ['SLJ']);
      assert.equal((await t.call('GET', '/api/users', key)).status, 403);
      const listed = await t.call('GET', '/api/api-keys', admin);
      assert.ok(listed.body.every((k: Record<string, unknown>) => !('key' in k) && !('key_hash' in k)));
      assert.equal((await t.call('DELETE', `/api/api-keys/${created.body.id}`, admin)).status, 204);
      assert.equal((await t.call('GET', '/api/auth/me', key)).status, 401);
      assert.equal((await t.call('POST', '/api/api-keys', admin, { name: 'x', roles: ['platform_admin'], department: null, districts: ['*'] })).status, 400);
    });

    it('resets a password so the user must change it, and ends their sessions', async () => {
      const admin = await t.login('admin');
      const token = await t.login('grid.maojian');
      const id = (await t.call('GET', '/api/users?q=grid.maojian', admin)).body.items[0].id;
      const r = await t.call('POST', `/api/users/${id}/reset-password`, admin, {});
      assert.equal(r.status, 200);
      assert.equal((await t.call('GET', '/api/auth/me', token)).status, 401);
      const again = await t.call('POST', '/api/auth/login', undefined, { username: 'grid.maojian', password: r.body.temporaryPassword });
      assert.equal(again.status, 200);
      assert.equal(again.body.user.mustChangePassword, true);
      assert.equal((await t.call('POST', '/api/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD })).status, 200);
    });
  });
}

describe('access changes reach every process', async () => {
  const [d] = await dialects();
  const { MemoryBus } = await import('../../../platform/bus/memory.js');
  const { startAppOn } = await import('../../../test/helpers.js');
  const storage = await d!.open();
  const bus = new MemoryBus({ warn() {}, error() {} });
  // Two processes: one database, one bus, each with its own token cache.
  const a = await startAppOn(storage, bus, {}, { scheduler: false });
  const b = await startAppOn(storage, bus, {}, { scheduler: false });
  after(async () => {
    await a.close();
    await b.close();
    await bus.close();
    await storage.close();
  });
  const call = async (app: typeof a, method: 'GET' | 'POST' | 'PATCH', url: string, token?: string, body?: unknown) => {
    const r = await app.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body ? { payload: body as object } : {}) });
    return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null };
  };

  it('ends a session everywhere on logout and on a permission change', async () => {
    const login = await call(a, 'POST', '/api/auth/login', undefined, { username: 'duty', password: DEMO_PASSWORD });
    const token = login.body.token as string;
    assert.equal((await call(b, 'GET', '/api/auth/me', token)).status, 200, 'b caches the principal');
    assert.equal((await call(a, 'POST', '/api/auth/logout', token)).status, 204);
    await bus.settled();
    assert.equal((await call(b, 'GET', '/api/auth/me', token)).status, 401, 'b no longer accepts it');

    const admin = (await call(a, 'POST', '/api/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD })).body.token as string;
    const staff = (await call(a, 'POST', '/api/auth/login', undefined, { username: 'cgw.staff', password: DEMO_PASSWORD })).body.token as string;
    assert.equal((await call(b, 'GET', '/api/auth/me', staff)).status, 200);
    const id = (await call(a, 'GET', '/api/users?q=cgw.staff', admin)).body.items[0].id;
    assert.equal((await call(a, 'PATCH', `/api/users/${id}`, admin, { roles: ['dept_leader'] })).status, 200);
    await bus.settled();
    assert.equal((await call(b, 'GET', '/api/auth/me', staff)).status, 401);
  });
});
