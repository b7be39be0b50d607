/**
 * Accounts of the public on both dialects: a resident registers with an SMS code and is verified
 * against the population database (a wrong name and an unknown number get the same answer); bad
 * numbers and codes are refused in words; sign-in by ID number, phone or code; sessions seen and
 * ended; an enterprise registers with its legal representative and authorises an agent, who acts
 * for it only within scope and time; and public and staff tokens each stay on their own routes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeCreditCode, makeIdNumber } from '../../../platform/identifiers/index.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { DEMO_ENTERPRISE, DEMO_RESIDENT, DEMO_UNREGISTERED } from '../index.js';

const PASSWORD = 'Mountain&River-2026';

for (const d of await dialects()) {
  describe(`super app accounts (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let clock = Date.UTC(2026, 11, 7, 2, 0);
    /** The last code the development SMS gateway sent to a number. */
    const lastCode = async (phone: string): Promise<string> => {
      const out = await t.call('GET', '/api/dev/outbox?limit=50', admin);
      const msg = (out.body as { address: string; body: string }[]).find((m) => m.address === phone);
      assert.ok(msg, `an SMS went to ${phone}`);
      return /(\d{6})/.exec(msg.body)![1]!;
    };
    const sendCode = async (phone: string, purpose: 'register' | 'login') => {
      clock += 61_000; // one code a minute per number
      const r = await t.call('POST', '/api/people/codes', undefined, { phone, purpose });
      assert.equal(r.status, 202, JSON.stringify(r.body));
    };

    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      admin = await t.login('admin');
    });
    after(() => t.close());

    test('a resident registers with a code and is verified against the population database', async () => {
      const bad = await t.call('POST', '/api/people/register', undefined, {
        idNumber: `${DEMO_UNREGISTERED.idNumber.slice(0, 17)}${DEMO_UNREGISTERED.idNumber[17] === '0' ? '1' : '0'}`,
        name: DEMO_UNREGISTERED.name,
        phone: DEMO_UNREGISTERED.phone,
        code: '000000',
        password: PASSWORD,
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].pointer, '/body/idNumber');
      assert.match(bad.body.detail, /check character/);

      await sendCode(DEMO_UNREGISTERED.phone, 'register');
      const again = await t.call('POST', '/api/people/codes', undefined, { phone: DEMO_UNREGISTERED.phone, purpose: 'register' });
      assert.equal(again.status, 429, 'one code a minute');
      const code = await lastCode(DEMO_UNREGISTERED.phone);

      // A wrong code is refused; so is a wrong name, in the same words as a number nobody holds.
      const wrongCode = await t.call('POST', '/api/people/register', undefined, {
        idNumber: DEMO_UNREGISTERED.idNumber,
        name: DEMO_UNREGISTERED.name,
        phone: DEMO_UNREGISTERED.phone,
        code: code === '123456' ? '654321' : '123456',
        password: PASSWORD,
      });
      assert.equal(wrongCode.status, 400);
      assert.equal(wrongCode.body.code, 'WD_ERR_CODE_INVALID');
      const wrongName = await t.call('POST', '/api/people/register', undefined, {
        idNumber: DEMO_UNREGISTERED.idNumber,
        name: '钱民',
        phone: DEMO_UNREGISTERED.phone,
        code,
        password: PASSWORD,
      });
      assert.equal(wrongName.status, 422);
      await sendCode(DEMO_UNREGISTERED.phone, 'register');
      const nobody = await t.call('POST', '/api/people/register', undefined, {
        idNumber: makeIdNumber('420302', '19700101', 411),
        name: DEMO_UNREGISTERED.name,
        phone: DEMO_UNREGISTERED.phone,
        code: await lastCode(DEMO_UNREGISTERED.phone),
        password: PASSWORD,
      });
      assert.equal(nobody.status, 422);
      assert.equal(nobody.body.detail, wrongName.body.detail, 'the answer does not say which of name and number was wrong');

      await sendCode(DEMO_UNREGISTERED.phone, 'register');
      const ok = await t.call('POST', '/api/people/register', undefined, {
        idNumber: DEMO_UNREGISTERED.idNumber,
        name: DEMO_UNREGISTERED.name,
        phone: DEMO_UNREGISTERED.phone,
        code: await lastCode(DEMO_UNREGISTERED.phone),
        password: PASSWORD,
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.account.name, DEMO_UNREGISTERED.name);
      assert.equal(ok.body.account.district, '420303');
      assert.equal(ok.body.account.subject, `${DEMO_UNREGISTERED.idNumber.slice(0, 6)}********${DEMO_UNREGISTERED.idNumber.slice(14)}`);
      const me = await t.call('GET', '/api/people/me', ok.body.token);
      assert.equal(me.status, 200);
      assert.equal(me.body.synthetic, true, 'a synthetic record makes a synthetic account');

      await sendCode(DEMO_UNREGISTERED.phone, 'register');
      const twice = await t.call('POST', '/api/people/register', undefined, {
        idNumber: DEMO_UNREGISTERED.idNumber,
        name: DEMO_UNREGISTERED.name,
        phone: DEMO_UNREGISTERED.phone,
        code: await lastCode(DEMO_UNREGISTERED.phone),
        password: PASSWORD,
      });
      assert.equal(twice.status, 409);
    });

    test('signing in by ID number, by phone, by a code; a code works once and not after five wrong tries', async () => {
      const byId = await t.call('POST', '/api/people/login', undefined, { account: DEMO_UNREGISTERED.idNumber, password: PASSWORD });
      assert.equal(byId.status, 200, JSON.stringify(byId.body));
      const byPhone = await t.call('POST', '/api/people/login', undefined, { account: DEMO_UNREGISTERED.phone, password: PASSWORD });
      assert.equal(byPhone.status, 200);
      const wrong = await t.call('POST', '/api/people/login', undefined, { account: DEMO_UNREGISTERED.phone, password: 'wrong' });
      const unknown = await t.call('POST', '/api/people/login', undefined, { account: '13800000000', password: 'wrong' });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.equal(wrong.body.detail, unknown.body.detail, 'an unknown number and a wrong password answer alike');

      await sendCode(DEMO_UNREGISTERED.phone, 'login');
      const code = await lastCode(DEMO_UNREGISTERED.phone);
      const first = await t.call('POST', '/api/people/login/code', undefined, { phone: DEMO_UNREGISTERED.phone, code });
      assert.equal(first.status, 200);
      const second = await t.call('POST', '/api/people/login/code', undefined, { phone: DEMO_UNREGISTERED.phone, code });
      assert.equal(second.status, 400, 'a code works once');

      await sendCode(DEMO_UNREGISTERED.phone, 'login');
      const good = await lastCode(DEMO_UNREGISTERED.phone);
      const other = good === '111111' ? '222222' : '111111';
      for (let i = 0; i < 5; i++)
        assert.equal((await t.call('POST', '/api/people/login/code', undefined, { phone: DEMO_UNREGISTERED.phone, code: other })).status, 400);
      const late = await t.call('POST', '/api/people/login/code', undefined, { phone: DEMO_UNREGISTERED.phone, code: good });
      assert.equal(late.status, 400, 'five wrong tries burn the code');

      // A phone with no account gets the same answer, and no message.
      const before = (await t.call('GET', '/api/dev/outbox?limit=500', admin)).body.length;
      clock += 61_000;
      const silent = await t.call('POST', '/api/people/codes', undefined, { phone: '13800000001', purpose: 'login' });
      assert.equal(silent.status, 202);
      assert.equal((await t.call('GET', '/api/dev/outbox?limit=500', admin)).body.length, before);

      // Sessions: the resident sees where they are signed in and ends one.
      const sessions = await t.call('GET', '/api/auth/sessions', first.body.token);
      assert.ok(sessions.body.length >= 3);
      assert.equal(sessions.body.filter((s: { current: boolean }) => s.current).length, 1);
      const end = sessions.body.find((s: { current: boolean }) => !s.current);
      assert.equal((await t.call('DELETE', `/api/auth/sessions/${end.id}`, first.body.token)).status, 204);
      const after = await t.call('GET', '/api/auth/sessions', first.body.token);
      assert.ok(!after.body.some((s: { id: string }) => s.id === end.id));
      // Another user's session is not theirs to end.
      const staffSessions = await t.call('GET', '/api/auth/sessions', admin);
      assert.equal((await t.call('DELETE', `/api/auth/sessions/${staffSessions.body[0].id}`, first.body.token)).status, 404);
    });

    test('public tokens stay off staff routes, staff tokens off the super app’s', async () => {
      const citizen = await t.login('citizen');
      for (const url of ['/api/devices', '/api/users', '/api/urban/figures', '/api/sharing/catalogue', '/api/alerts', '/api/audit'])
        assert.equal((await t.call('GET', url, citizen)).status, 403, url);
      assert.equal((await t.call('GET', '/api/people/me', citizen)).status, 200);
      assert.equal((await t.call('GET', '/api/auth/me', citizen)).status, 200, 'who am I is everyone’s');
      const staff = await t.login('gaj.staff');
      assert.equal((await t.call('GET', '/api/people/me', staff)).status, 403);
      assert.equal((await t.call('GET', '/api/people/wallet', staff)).status, 403);
      // The super app's sign-in does not open a session for staff.
      const r = await t.call('POST', '/api/people/login', undefined, { account: 'gaj.staff', password: 'Wudang@2026' });
      assert.equal(r.status, 403);
    });

    test('an enterprise registers with its legal representative and authorises an agent within scope and time', async () => {
      // A company in the legal-entity database whose legal representative is the demo resident.
      const code = makeCreditCode('9', '1', '420303', 'MA4TEXT02');
      const load = await t.call('POST', '/api/sharing/databases/legal-entities/loads', admin, {
        format: 'csv',
        source: 'test.csv',
        content: `creditCode,name,entityType,legalRepresentative,legalRepresentativeId,foundedOn,status,district\n${code},十堰测试物流有限公司,1100,${DEMO_RESIDENT.name},${DEMO_RESIDENT.idNumber},2020-01-02,10,420303\n`,
      });
      assert.equal(load.status, 201, JSON.stringify(load.body));
      await sendCode('19907190009', 'register');
      const wrongRep = await t.call('POST', '/api/people/register/enterprise', undefined, {
        creditCode: code,
        name: '十堰测试物流有限公司',
        legalRepresentative: { idNumber: DEMO_UNREGISTERED.idNumber, name: DEMO_UNREGISTERED.name },
        phone: '19907190009',
        code: await lastCode('19907190009'),
        password: PASSWORD,
      });
      assert.equal(wrongRep.status, 422);
      const badCode = await t.call('POST', '/api/people/register/enterprise', undefined, {
        creditCode: `${code.slice(0, 17)}${code[17] === 'A' ? 'B' : 'A'}`,
        name: '十堰测试物流有限公司',
        legalRepresentative: { idNumber: DEMO_RESIDENT.idNumber, name: DEMO_RESIDENT.name },
        phone: '19907190009',
        code: '000000',
        password: PASSWORD,
      });
      assert.equal(badCode.status, 400);
      assert.equal(badCode.body.errors[0].pointer, '/body/creditCode');
      await sendCode('19907190009', 'register');
      const ok = await t.call('POST', '/api/people/register/enterprise', undefined, {
        creditCode: code,
        name: '十堰测试物流有限公司',
        legalRepresentative: { idNumber: DEMO_RESIDENT.idNumber, name: DEMO_RESIDENT.name },
        phone: '19907190009',
        code: await lastCode('19907190009'),
        password: PASSWORD,
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      const company = ok.body.token as string;

      // It authorises the resident who registered above for bookings only, for two weeks.
      const agentLogin = await t.call('POST', '/api/people/login', undefined, { account: DEMO_UNREGISTERED.idNumber, password: PASSWORD });
      const agent = agentLogin.body.token as string;
      assert.equal((await t.call('GET', `/api/people/reservations?as=${code}`, agent)).status, 404, 'not yet authorised');
      const mismatch = await t.call('POST', '/api/people/agents', company, {
        idNumber: DEMO_UNREGISTERED.idNumber,
        name: '钱民',
        scopes: ['bookings'],
        expiresOn: '2026-12-20',
      });
      assert.equal(mismatch.status, 422);
      const grant = await t.call('POST', '/api/people/agents', company, {
        idNumber: DEMO_UNREGISTERED.idNumber,
        name: DEMO_UNREGISTERED.name,
        scopes: ['bookings'],
        expiresOn: '2026-12-20',
      });
      assert.equal(grant.status, 201, JSON.stringify(grant.body));
      assert.equal(grant.body.status, 'active');
      const me = await t.call('GET', '/api/people/me', agent);
      assert.deepEqual(
        me.body.actsFor.map((a: { creditCode: string; scopes: string[] }) => [a.creditCode, a.scopes]),
        [[code, ['bookings']]],
      );
      assert.equal((await t.call('GET', `/api/people/reservations?as=${code}`, agent)).status, 200, 'within scope');
      assert.equal((await t.call('GET', `/api/people/wallet?as=${code}`, agent)).status, 404, 'outside scope');
      // A resident cannot authorise agents; an agent cannot act for a company it has no grant from.
      assert.equal(
        (
          await t.call('POST', '/api/people/agents', agent, {
            idNumber: DEMO_RESIDENT.idNumber,
            name: DEMO_RESIDENT.name,
            scopes: ['data'],
            expiresOn: '2026-12-20',
          })
        ).status,
        403,
      );
      assert.equal((await t.call('GET', `/api/people/reservations?as=${DEMO_ENTERPRISE.creditCode}`, agent)).status, 404);
      // After the expiry the grant no longer works; revoked, neither.
      const saved = clock;
      clock = Date.UTC(2026, 11, 21, 2, 0);
      assert.equal((await t.call('GET', `/api/people/reservations?as=${code}`, agent)).status, 404, 'expired');
      clock = saved;
      assert.equal((await t.call('DELETE', `/api/people/agents/${grant.body.id}`, company)).status, 200);
      assert.equal((await t.call('GET', `/api/people/reservations?as=${code}`, agent)).status, 404, 'revoked');
      const list = await t.call('GET', '/api/people/agents', company);
      assert.equal(list.body[0].status, 'revoked');
      // Another enterprise cannot revoke it.
      const other = await t.login('enterprise');
      assert.equal((await t.call('DELETE', `/api/people/agents/${grant.body.id}`, other)).status, 404);
    });
  });
}
