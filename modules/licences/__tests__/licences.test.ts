/**
 * Electronic licences: 市市场监管局 issues a business licence to a synthetic enterprise, signed
 * SM2/SM3 (sm-crypto verifies it with the published key and GM/T 0009's default ID); the
 * verifier says valid; after suspension, suspended; after revocation, revoked (and on the list);
 * a changed byte or another key says forged, an unknown key unknown issuer, a malformed text
 * malformed, an expired validity expired; a department may not issue a type it does not own; the
 * licence base database keeps every version; private keys are sealed and never answered.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../../platform/crypto/canonical-json.js';
import { signDocument } from '../../../platform/crypto/signed-document.js';
import { generateSm2KeyPair } from '../../../platform/crypto/sm2.js';
import { makeCreditCode } from '../../../platform/identifiers/index.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const require = createRequire(import.meta.url);
const { sm2 } = require('sm-crypto') as { sm2: { doVerifySignature(m: string, s: string, p: string, o: { hash: boolean }): boolean } };
const ORG = makeCreditCode('9', '1', '420303', 'MA49TEXT1');

for (const d of await dialects()) {
  describe(`electronic licences (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let scj: string;
    let cgw: string;
    let doc: string;
    let number: string;
    const verify = async (document: string) => (await t.call('POST', '/api/open/licences/verify', undefined, { document })).body;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      cgw = await t.login('cgw.staff');
      const u = await t.call('POST', '/api/users', admin, {
        username: 'scj.staff',
        displayName: '市场监管局 周科员',
        password: 'Scj-Staff-2026!',
        roles: ['dept_staff'],
        department: 'SCJGJ',
        districts: ['*'],
      });
      assert.equal(u.status, 201, JSON.stringify(u.body));
      // A new account's password is temporary: changed first.
      scj = await t.login('scj.staff', 'Scj-Staff-2026!');
      assert.equal((await t.call('POST', '/api/auth/password', scj, { currentPassword: 'Scj-Staff-2026!', newPassword: 'Market&Licence-77' })).status, 204);
    });
    after(() => t.close());

    test('the types are data, with their issuer and source', async () => {
      const r = await t.call('GET', '/api/licences/types');
      const yyzz = r.body.find((x: { code: string }) => x.code === 'YYZZ');
      assert.deepEqual([yyzz.department, yyzz.holderKind, yyzz.name.zh], ['SCJGJ', 'enterprise', '营业执照']);
      assert.ok(r.body.length >= 6 && r.body.every((x: { source: string }) => x.source.length > 4));
    });

    test('市市场监管局 issues a business licence; it verifies here and in sm-crypto with the published key', async () => {
      const r = await t.call('POST', '/api/licences', scj, {
        type: 'YYZZ',
        holder: { id: ORG, name: '十堰示例商贸有限公司（合成数据）' },
        fields: {
          entityType: '有限责任公司',
          legalRepresentative: '张三',
          foundedOn: '2020-05-01',
          address: '湖北省十堰市张湾区花果街道人民北路1号',
          businessScope: '日用百货销售',
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ({ number, document: doc } = r.body);
      assert.match(doc, /^WD1\./);
      assert.equal(r.body.payload.alg, 'SM2-SM3');
      assert.equal((await verify(doc)).verdict, 'valid');
      const keys = (await t.call('GET', '/api/open/licence-keys')).body.keys;
      const key = keys.find((k: { kid: string }) => k.kid === r.body.payload.kid);
      assert.equal(key.department, 'SCJGJ');
      const [, body, sig] = doc.split('.') as [string, string, string];
      const text = Buffer.from(body, 'base64url').toString('utf8');
      assert.equal(text, canonicalJson(JSON.parse(text)), 'the signed bytes are RFC 8785 canonical JSON');
      assert.ok(
        sm2.doVerifySignature(text, Buffer.from(sig, 'base64url').toString('hex'), key.publicKey, { hash: true }),
        'an independent implementation agrees',
      );
      // Mirrored into the licence base database.
      const rec = await t.call('GET', `/api/sharing/databases/licences/records/${number}`, admin);
      assert.equal(rec.status, 200, JSON.stringify(rec.body));
      assert.deepEqual([rec.body.values.status, rec.body.values.holderId, rec.body.values.signature], ['valid', ORG, doc]);
    });

    test('a changed byte, another key, an unknown key, a malformed text: forged, unknown issuer, malformed', async () => {
      const [prefix, body, sig] = doc.split('.') as [string, string, string];
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      const altered = Buffer.from(canonicalJson({ ...payload, holder: { ...payload.holder, name: '另一家公司' } })).toString('base64url');
      assert.equal((await verify(`${prefix}.${altered}.${sig}`)).verdict, 'forged');
      // Signed with a key of the same name that the city never published.
      const k = generateSm2KeyPair();
      const forged = signDocument(payload, { kid: payload.kid, alg: 'SM2-SM3', ...k });
      const f = await verify(forged);
      assert.equal(f.verdict, 'forged');
      assert.match(f.reason.en, /changed or not signed/);
      const stranger = signDocument({ ...payload, kid: 'nobody-1' }, { kid: 'nobody-1', alg: 'SM2-SM3', ...k });
      assert.equal((await verify(stranger)).verdict, 'unknown_issuer');
      for (const bad of ['', 'hello', 'WD1.e30.AA', doc.slice(0, -4)]) assert.ok(['malformed', 'forged'].includes((await verify(bad)).verdict), bad);
      assert.equal((await verify('not a licence')).verdict, 'malformed');
    });

    test('suspended, resumed, revoked: the verifier says so, the list carries it, every version is kept', async () => {
      assert.equal((await t.call('POST', `/api/licences/${number}/suspend`, cgw, { reason: 'x' })).status, 403, 'only its issuer');
      assert.equal((await t.call('POST', `/api/licences/${number}/suspend`, scj, { reason: '未按期年报' })).status, 200);
      assert.equal((await verify(doc)).verdict, 'suspended');
      assert.equal((await t.call('POST', `/api/licences/${number}/resume`, scj, { reason: '已补报' })).status, 200);
      assert.equal((await verify(doc)).verdict, 'valid');
      const r = await t.call('POST', `/api/licences/${number}/revoke`, scj, { reason: '申请注销登记' });
      assert.equal(r.body.status, 'revoked');
      assert.deepEqual(
        r.body.versions.map((v: { event: string }) => v.event),
        ['issued', 'suspended', 'resumed', 'revoked'],
      );
      const v = await verify(doc);
      assert.deepEqual([v.verdict, v.reason.zh], ['revoked', '已注销（吊销）']);
      const list = (await t.call('GET', '/api/open/licence-revocations')).body.licences;
      assert.deepEqual(
        list.filter((x: { number: string }) => x.number === number).map((x: { status: string; reason: string }) => [x.status, x.reason]),
        [['revoked', '申请注销登记']],
      );
      assert.equal((await t.call('POST', `/api/licences/${number}/resume`, scj, { reason: 'x' })).status, 409);
      const rec = await t.call('GET', `/api/sharing/databases/licences/records/${number}`, admin);
      assert.equal(rec.body.values.status, 'revoked');
      assert.equal(rec.body.history.length, 3, 'suspended, resumed, revoked after the insert');
    });

    test('an expired validity; a type the department does not issue; a holder of the wrong kind', async () => {
      const old = await t.call('POST', '/api/licences', scj, {
        type: 'SPJY',
        holder: { id: ORG, name: '十堰示例商贸有限公司（合成数据）' },
        fields: { premises: '张湾区人民北路1号', mainBusiness: '食品销售经营者', items: '预包装食品销售' },
        validFrom: '2019-01-01',
      });
      assert.equal(old.status, 201, JSON.stringify(old.body));
      assert.equal(old.body.validUntil, '2023-12-31');
      assert.equal((await verify(old.body.document)).verdict, 'expired');
      const notOurs = await t.call('POST', '/api/licences', scj, { type: 'JZZ', holder: { id: ORG, name: 'x' }, fields: { address: 'x' } });
      assert.equal(notOurs.status, 403);
      const person = await t.call('POST', '/api/licences', scj, { type: 'YYZZ', holder: { id: '420302199001011231', name: '某人' }, fields: {} });
      assert.equal(person.status, 400);
      assert.equal((await t.call('GET', `/api/licences/${old.body.number}`, cgw)).status, 404, 'another department finds it unknown');
    });

    test('renewal (a food business licence, five years), lookup by holder, key rotation: the old key stays published and its licences still verify', async () => {
      const holder = makeCreditCode('9', '1', '420303', 'MA49RENW2');
      const issue = async () => {
        const r = await t.call('POST', '/api/licences', scj, {
          type: 'SPJY',
          holder: { id: holder, name: '十堰示例餐饮有限公司（合成数据）' },
          fields: { premises: '十堰市茅箭区示例路2号', mainBusiness: '餐饮服务经营者', items: '热食类食品制售' },
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body;
      };
      const first = await issue();
      const renewed = await t.call('POST', `/api/licences/${first.number}/renew`, scj);
      assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
      assert.equal(renewed.body.version, 2);
      assert.ok(renewed.body.validUntil > first.validUntil, `${renewed.body.validUntil} after ${first.validUntil}`);
      assert.equal(renewed.body.payload.nbf > first.payload.exp, true);
      assert.deepEqual(
        renewed.body.versions.map((v: { event: string }) => v.event),
        ['issued', 'renewed'],
      );
      assert.notEqual(renewed.body.document, first.document);
      assert.equal((await verify(renewed.body.document)).verdict, 'not_yet_valid', 'the renewed term starts after the old one ends');
      assert.equal((await t.call('POST', `/api/licences/${first.number}/renew`, cgw)).status, 403);
      assert.equal((await t.call('POST', `/api/licences/${number}/renew`, scj)).status, 409, 'a revoked business licence is not renewed');
      // Lookup by holder: the issuing department sees them; another department none; audited.
      const mine = await t.call('GET', `/api/licences?holder=${holder.toLowerCase()}`, scj);
      assert.deepEqual(
        mine.body.map((l: { number: string }) => l.number),
        [first.number],
      );
      assert.deepEqual((await t.call('GET', `/api/licences?holder=${holder}`, cgw)).body, []);
      // The document before the renewal is genuine and in force for its own term.
      assert.equal((await verify(first.document)).verdict, 'valid');
      // Rotation: another department may not; the issuer's new licences carry a new key; old ones still verify.
      assert.equal((await t.call('POST', '/api/licences/keys/rotate', cgw, { department: 'SCJGJ' })).status, 403);
      assert.equal((await t.call('POST', '/api/licences/keys/rotate', scj, { department: 'SCJGJ' })).status, 204);
      const second = await issue();
      assert.notEqual(second.payload.kid, first.payload.kid);
      const keys = (await t.call('GET', '/api/open/licence-keys')).body.keys as { kid: string; status: string }[];
      assert.equal(keys.find((k) => k.kid === first.payload.kid)?.status, 'retired');
      assert.equal((await verify(first.document)).verdict, 'valid');
      assert.equal((await verify(second.document)).verdict, 'valid');
      const audit = JSON.stringify(
        await t.storage.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', 'in', ['licence.renewed', 'licence.holder_looked_up', 'licence.key_rotated'])
          .execute(),
      );
      assert.ok(audit.includes('licence.renewed') && audit.includes('licence.holder_looked_up') && audit.includes('licence.key_rotated'));
    });

    test('private keys are sealed at rest and never answered', async () => {
      const rows = await t.storage.db.selectFrom('licence_keys').selectAll().execute();
      assert.ok(rows.length >= 1);
      for (const k of rows) {
        assert.ok(!/BEGIN|^[0-9a-f]{64}$/.test(k.sealed_private), 'sealed, not plain');
        const keys = JSON.stringify((await t.call('GET', '/api/open/licence-keys')).body);
        assert.ok(!keys.includes(k.sealed_private) && !keys.includes('sealed') && !keys.includes('privateKey'));
      }
      const audit = JSON.stringify(await t.storage.db.selectFrom('audit_log').selectAll().where('action', 'like', 'licence.%').execute());
      assert.ok(audit.includes('licence.verified') && audit.includes('licence.issued'));
    });
  });
}
