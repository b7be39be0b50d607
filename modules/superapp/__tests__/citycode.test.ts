/**
 * The city code and the licence wallet on both dialects: a code verified offline with the published
 * keys and nothing else; scanned at a counter once (the screenshot replayed fails), tampered with
 * (forged), or late (expired); what a scan shows depends on the scan point; every scan is on the
 * holder's list; a kiosk signs in by the code; licences shared with consent, opened by link and by
 * the department named, every view logged, revoked; and nothing crosses accounts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeDocument, signDocument } from '../../../platform/crypto/signed-document.js';
import { generateSm2KeyPair } from '../../../platform/crypto/sm2.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { type CityCodePayload, DEMO_RESIDENT, judgeCode } from '../index.js';

for (const d of await dialects()) {
  describe(`super app: city code and wallet (${d.name})`, () => {
    let t: TestApp;
    let clock = Date.UTC(2026, 11, 7, 2, 0);
    let citizen: string;
    let gaj: string;
    let counter: string;
    const code = async (token = citizen) => {
      const r = await t.call('GET', '/api/people/citycode', token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.code as string;
    };
    const scan = (body: object, token = gaj) => t.call('POST', '/api/citycode/scans', token, body);

    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      citizen = await t.login('citizen');
      gaj = await t.login('gaj.staff');
      const p = await t.call('POST', '/api/citycode/points', gaj, {
        name: { zh: '市民之家公安窗口', en: 'Police counter, Citizens’ Hall' },
        kind: 'counter',
        reveals: 'identity',
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      counter = p.body.id;
    });
    after(() => t.close());

    test('a code verifies offline with the published keys alone, and stops verifying after its minute', async () => {
      const c = await code();
      const keys = await t.call('GET', '/api/open/citycode/keys');
      assert.equal(keys.status, 200);
      const keyOf = (kid: string) => keys.body.keys.find((k: { kid: string }) => k.kid === kid);
      const now = Math.floor(clock / 1000);
      const ok = judgeCode(c, keyOf, now);
      assert.equal(ok.verdict, 'valid');
      assert.equal(ok.payload!.n, '赵*', 'the code shows the name masked');
      assert.ok(!c.includes(DEMO_RESIDENT.idNumber) && !JSON.stringify(ok.payload).includes(DEMO_RESIDENT.idNumber), 'no ID number in the code');
      assert.equal(judgeCode(c, keyOf, now + 120).verdict, 'expired');
      assert.equal(judgeCode(c, () => undefined, now).verdict, 'unknown_key');
      assert.equal(judgeCode('hello', keyOf, now).verdict, 'malformed');
    });

    test('a scan at a counter shows identity once; the screenshot replayed, a forged code and a late one fail; the holder sees each', async () => {
      const c = await code();
      const first = await scan({ point: counter, code: c });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.verdict, 'valid');
      assert.equal(first.body.revealed.identity.name, DEMO_RESIDENT.name);
      assert.equal(first.body.revealed.identity.idNumber, `${DEMO_RESIDENT.idNumber.slice(0, 6)}********${DEMO_RESIDENT.idNumber.slice(14)}`);
      assert.equal(first.body.revealed.licence, undefined, 'an identity point shows no licence');

      const replay = await scan({ point: counter, code: c });
      assert.equal(replay.body.verdict, 'replayed');
      assert.deepEqual(replay.body.revealed, {});

      // The payload changed (a longer window), and a code signed by a key that is not the city's.
      const dec = decodeDocument<CityCodePayload>(await code());
      assert.ok(dec.ok);
      const [pre, , sig] = (await code()).split('.');
      const tampered = `${pre}.${Buffer.from(JSON.stringify({ ...dec.payload, exp: dec.payload.exp + 3600 })).toString('base64url')}.${sig}`;
      assert.equal((await scan({ point: counter, code: tampered })).body.verdict, 'forged');
      const stranger = generateSm2KeyPair();
      const forged = signDocument({ ...dec.payload, jti: 'fresh-nonce-0001' }, { kid: dec.payload.kid, alg: 'SM2-SM3', ...stranger });
      assert.equal((await scan({ point: counter, code: forged })).body.verdict, 'forged');

      const late = await code();
      clock += 120_000;
      assert.equal((await scan({ point: counter, code: late })).body.verdict, 'expired');

      // An offline scanner uploads later: judged at the time it read the code.
      const offline = await code();
      const readAt = clock + 5_000;
      clock += 10 * 60_000;
      const up = await scan({ point: counter, code: offline, scannedAt: readAt });
      assert.equal(up.body.verdict, 'valid');
      assert.equal(up.body.offline, true);

      const seen = await t.call('GET', '/api/people/scans', citizen);
      // A forged code proves nothing about whose it claims to be: it is recorded at the point, not shown to the holder.
      assert.deepEqual(
        seen.body.map((s: { verdict: string }) => s.verdict),
        ['valid', 'expired', 'replayed', 'valid'],
      );
      assert.equal(seen.body[0].point.name.zh, '市民之家公安窗口');
      const inbox = await t.call('GET', '/api/people/notifications', citizen);
      assert.ok(inbox.body.some((n: { kind: string }) => n.kind === 'scan'));
    });

    test('a licence point shows the licence of its type; another department cannot use the point; the public cannot scan', async () => {
      const lic = await t.call('POST', '/api/citycode/points', gaj, {
        name: { zh: '居住证核验点', en: 'Residence permit check' },
        kind: 'counter',
        reveals: 'licence',
        target: 'JZZ',
      });
      assert.equal(lic.status, 201);
      const r = await scan({ point: lic.body.id, code: await code() });
      assert.equal(r.body.verdict, 'valid');
      assert.equal(r.body.revealed.licence.type, 'JZZ');
      assert.equal(r.body.revealed.licence.verdict, 'valid');
      assert.equal(r.body.revealed.identity.idNumber, undefined, 'a licence point sees the name, not the number');
      const zjj = await t.login('zjj.staff');
      assert.equal((await scan({ point: lic.body.id, code: await code() }, zjj)).status, 404);
      assert.equal((await t.call('GET', '/api/citycode/points', zjj)).body.length, 0);
      assert.equal((await scan({ point: lic.body.id, code: await code() }, citizen)).status, 403);
      assert.equal((await t.call('POST', '/api/citycode/points', citizen, { name: { zh: 'x', en: 'x' }, kind: 'bus', reveals: 'identity' })).status, 403);
    });

    test('a kiosk signs in by the city code, once', async () => {
      const c = await code();
      const k = await t.call('POST', '/api/people/kiosk/citycode', undefined, { code: c });
      assert.equal(k.status, 200, JSON.stringify(k.body));
      assert.equal(k.body.account.name, DEMO_RESIDENT.name);
      assert.equal((await t.call('GET', '/api/people/me', k.body.token)).status, 200);
      const again = await t.call('POST', '/api/people/kiosk/citycode', undefined, { code: c });
      assert.equal(again.status, 401);
      assert.match(again.body.detail, /used before/);
    });

    test('licences shared with consent: by link and to a department, every view logged, revocable, and no one else’s', async () => {
      const wallet = await t.call('GET', '/api/people/wallet', citizen);
      assert.equal(wallet.status, 200);
      const jzz = wallet.body.licences.find((l: { type: string }) => l.type === 'JZZ');
      assert.equal(jzz.verdict, 'valid');
      const verify = await t.call('POST', '/api/open/licences/verify', undefined, { document: jzz.document });
      assert.equal(verify.body.verdict, 'valid', 'the wallet’s document verifies as any licence does');

      const bad = await t.call('POST', '/api/people/wallet/shares', citizen, {
        licences: ['NOT-MINE-1'],
        grantee: { kind: 'business', name: '示例房屋中介', creditCode: '91420302MA4DEM0010' },
        purpose: '租房',
        validUntil: '2028-12-31',
      });
      assert.equal(bad.status, 400);
      const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer);
      assert.ok(
        pointers.includes('/body/licences') && pointers.includes('/body/grantee/creditCode') && pointers.includes('/body/validUntil'),
        JSON.stringify(pointers),
      );

      const link = await t.call('POST', '/api/people/wallet/shares', citizen, {
        licences: [jzz.number],
        grantee: { kind: 'business', name: '示例房屋中介（合成）' },
        purpose: '办理租房登记',
        validUntil: '2026-12-31',
      });
      assert.equal(link.status, 201, JSON.stringify(link.body));
      assert.match(link.body.link, /^\/app\/shared#wds_/);
      const opened = await t.call('POST', '/api/open/shares/open', undefined, { token: link.body.token });
      assert.equal(opened.status, 200);
      assert.equal(opened.body.licences[0].number, jzz.number);
      assert.equal(opened.body.licences[0].document, jzz.document);

      const dept = await t.call('POST', '/api/people/wallet/shares', citizen, {
        licences: [jzz.number],
        grantee: { kind: 'department', code: 'WJW' },
        purpose: '家庭医生签约核验居住地',
        validUntil: '2026-12-31',
      });
      assert.equal(dept.status, 201);
      const wjw = await t.login('wjw.staff');
      const received = await t.call('GET', '/api/licence-shares', wjw);
      assert.deepEqual(
        received.body.map((s: { id: string }) => s.id),
        [dept.body.id],
      );
      assert.equal((await t.call('GET', `/api/licence-shares/${dept.body.id}`, wjw)).status, 200);
      assert.equal((await t.call('GET', `/api/licence-shares/${dept.body.id}`, gaj)).status, 404, 'not addressed to 公安局');
      assert.equal((await t.call('GET', `/api/licence-shares/${link.body.id}`, wjw)).status, 404, 'a link share is not a department’s');

      const mine = await t.call('GET', '/api/people/wallet/shares', citizen);
      const views = Object.fromEntries(mine.body.map((s: { id: string; views: unknown[] }) => [s.id, s.views.length]));
      assert.deepEqual(views, { [link.body.id]: 1, [dept.body.id]: 1 });

      // Another account cannot see or revoke it; the holder can, and the link stops working.
      const other = await t.login('enterprise');
      assert.equal((await t.call('GET', '/api/people/wallet/shares', other)).body.length, 0);
      assert.equal((await t.call('DELETE', `/api/people/wallet/shares/${link.body.id}`, other)).status, 404);
      const revoked = await t.call('DELETE', `/api/people/wallet/shares/${link.body.id}`, citizen);
      assert.equal(revoked.body.status, 'revoked');
      assert.equal((await t.call('POST', '/api/open/shares/open', undefined, { token: link.body.token })).status, 404);
      assert.equal((await t.call('POST', '/api/open/shares/open', undefined, { token: 'wds_not-a-real-token-000000' })).status, 404);

      // A suspended licence shows so, and cannot be shared.
      const suspend = await t.call('POST', `/api/licences/${encodeURIComponent(jzz.number)}/suspend`, gaj, { reason: '核查居住地址' });
      assert.ok(suspend.status === 200, JSON.stringify(suspend.body));
      const after = await t.call('GET', '/api/people/wallet', citizen);
      assert.equal(after.body.licences.find((l: { number: string }) => l.number === jzz.number).verdict, 'suspended');
      const refused = await t.call('POST', '/api/people/wallet/shares', citizen, {
        licences: [jzz.number],
        grantee: { kind: 'department', code: 'WJW' },
        purpose: '再次分享',
        validUntil: '2026-12-31',
      });
      assert.equal(refused.status, 400);
    });
  });
}
