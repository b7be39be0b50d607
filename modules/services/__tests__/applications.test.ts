/**
 * Applications on both dialects: a resident applies for a residence permit with the form filled
 * from the population database, the ID card reused with consent and a photo uploaded; the
 * submission is signed with the resident's key and verifies; the public security bureau asks once
 * for the missing proof of residence, the resident sends only that, the bureau accepts, reviews and
 * its leader approves; the permit arrives in the wallet. An 即办件 is approved at once when its
 * rules pass on the data and left for the department, with the reason, when they do not. Nobody
 * else sees an application; bad input is refused field by field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

for (const d of await dialects()) {
  describe(`service applications (${d.name})`, () => {
    let t: TestApp;
    let citizen: string;
    let gaj: string;
    let gajLeader: string;
    // A Monday morning in Shiyan.
    const clock = Date.UTC(2026, 11, 7, 1, 30);
    const upload = async (token: string, name: string, contentType: string, data: Buffer) => {
      const r = await t.call('POST', '/api/files', token, { name, contentType, data: data.toString('base64') });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };

    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      citizen = await t.login('citizen');
      gaj = await t.login('gaj.staff');
      const admin = await t.login('admin');
      const u = await t.call('POST', '/api/users', admin, {
        username: 'gaj.leader',
        displayName: '公安局 领导（合成）',
        password: 'Temp-Passw0rd!',
        roles: ['dept_leader'],
        department: 'GAJ',
        districts: [],
      });
      assert.equal(u.status, 201, JSON.stringify(u.body));
      const first = await t.login('gaj.leader', 'Temp-Passw0rd!');
      assert.equal((await t.call('POST', '/api/auth/password', first, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Permit&Leader-2026' })).status, 204);
      gajLeader = await t.login('gaj.leader', 'Permit&Leader-2026');
    });
    after(() => t.close());

    let id: string;
    test('the form comes filled from the population database; the ID card need not be uploaded', async () => {
      const r = await t.call('GET', '/api/people/services/items/SY-GAJ-001/form', citizen);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.values.name, '赵晓');
      assert.equal(r.body.values.idNumber, '420302198803160264');
      assert.equal(r.body.values.phone, '19907190001');
      assert.match(r.body.values.address, /人民北路18号/);
      const idCard = r.body.materials.find((m: { key: string }) => m.key === 'idCard');
      assert.equal(idCard.reuse.source, 'record');
      assert.equal(r.body.materials.find((m: { key: string }) => m.key === 'photo').reuse, null);
      // Staff accounts have no applicant's form.
      assert.equal((await t.call('GET', '/api/people/services/items/SY-GAJ-001/form', gaj)).status, 403);
    });

    test('bad input is refused field by field; nothing is kept', async () => {
      const pdf = await upload(citizen, 'photo.pdf', 'application/pdf', PDF);
      const bad = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-GAJ-001',
        form: { name: '赵晓', idNumber: '420302198803160265', phone: '123', address: '人民北路18号', since: '2026-02-30', reason: 'tourism' },
        materials: { idCard: { reuse: true }, nope: { reuse: true } },
        consent: false,
      });
      assert.equal(bad.status, 400);
      const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer).sort();
      for (const p of [
        '/body/form/idNumber',
        '/body/form/phone',
        '/body/form/since',
        '/body/form/reason',
        '/body/materials/nope',
        '/body/materials/photo',
        '/body/materials/residenceProof',
        '/body/consent',
      ])
        assert.ok(pointers.includes(p), `${p} in ${pointers}`);
      // A PDF where a photo is asked for: refused by type; the file stays unattached.
      const wrongType = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-GAJ-001',
        form: {
          name: '赵晓',
          idNumber: '420302198803160264',
          phone: '19907190001',
          householdAddress: '湖北省十堰市茅箭区',
          address: '人民北路18号',
          since: '2025-06-01',
          reason: 'work',
        },
        materials: { idCard: { reuse: true }, photo: { files: [pdf] }, residenceProof: { files: [pdf] } },
        consent: true,
      });
      assert.equal(wrongType.status, 400, JSON.stringify(wrongType.body));
      assert.equal(wrongType.body.errors[0].pointer, '/body/materials/photo/0');
      assert.deepEqual((await t.call('GET', '/api/people/services/applications', citizen)).body, []);
      // Someone else's identifier in the applicant's field.
      const other = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-GAJ-001',
        form: { name: '赵晓', idNumber: '420303199207040355', phone: '19907190001', address: '人民北路18号', since: '2025-06-01', reason: 'work' },
        materials: { idCard: { reuse: true } },
        consent: true,
      });
      assert.ok(other.body.errors.some((e: { pointer: string }) => e.pointer === '/body/form/idNumber'));
      // A counter-only item is not applied for online.
      const counter = await t.call('POST', '/api/people/services/applications', citizen, { item: 'SY-MZJ-002', form: {}, materials: {}, consent: true });
      assert.equal(counter.status, 422);
    });

    test('submitted and signed; the signature verifies; only the applicant and the department see it', async () => {
      const photo = await upload(citizen, 'photo.png', 'image/png', PNG);
      const r = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-GAJ-001',
        form: {
          name: '赵晓',
          idNumber: '420302198803160264',
          phone: '19907190001',
          householdAddress: '湖北省十堰市茅箭区（合成数据）',
          address: '湖北省十堰市茅箭区人民北路18号（合成数据）',
          since: '2025-06-01',
          reason: 'work',
        },
        materials: { idCard: { reuse: true }, photo: { files: [photo] } },
        consent: true,
      });
      // The proof of residence is required: nothing stands in for it here.
      assert.equal(r.status, 400);
      assert.ok(r.body.errors.some((e: { pointer: string }) => e.pointer === '/body/materials/residenceProof'));
      const lease = await upload(citizen, 'lease.pdf', 'application/pdf', PDF);
      const photo2 = await upload(citizen, 'photo.png', 'image/png', PNG);
      const ok = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-GAJ-001',
        form: {
          name: '赵晓',
          idNumber: '420302198803160264',
          phone: '19907190001',
          householdAddress: '湖北省十堰市茅箭区（合成数据）',
          address: '湖北省十堰市茅箭区人民北路18号（合成数据）',
          since: '2025-06-01',
          reason: 'work',
        },
        materials: { idCard: { reuse: true }, photo: { files: [photo2] }, residenceProof: { files: [lease] } },
        consent: true,
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.state, 'submitted');
      id = ok.body.id;
      const sig = await t.call('GET', `/api/services/applications/${id}/signature`, citizen);
      assert.equal(sig.body.valid, true);
      assert.equal(sig.body.payload.applicant.id, '420302198803160264');
      assert.equal(sig.body.key.alg, 'SM2-SM3');
      const detail = await t.call('GET', `/api/services/applications/${id}`, gaj);
      assert.equal(detail.status, 200);
      assert.deepEqual(
        detail.body.consents.map((c: { material: string; source: string }) => [c.material, c.source]),
        [['idCard', 'record']],
      );
      // The department's staff open the uploaded lease; others do not see the application or its files.
      const leaseUrl = `/api/files/${lease}`;
      assert.equal((await t.inject({ method: 'GET', url: leaseUrl, headers: { authorization: `Bearer ${gaj}` } })).statusCode, 200);
      const zjj = await t.login('zjj.staff');
      const enterprise = await t.login('enterprise');
      for (const who of [zjj, enterprise]) {
        assert.equal((await t.call('GET', `/api/services/applications/${id}`, who)).status, 404);
        assert.equal((await t.call('GET', `/api/services/applications/${id}/signature`, who)).status, 404);
        assert.equal((await t.inject({ method: 'GET', url: leaseUrl, headers: { authorization: `Bearer ${who}` } })).statusCode, 404);
      }
      assert.ok(!(await t.call('GET', '/api/services/inbox', zjj)).body.some((a: { id: string }) => a.id === id));
      assert.ok((await t.call('GET', '/api/services/inbox?state=submitted', gaj)).body.some((a: { id: string }) => a.id === id));
      assert.equal((await t.call('POST', `/api/services/applications/${id}/accept`, zjj, {})).status, 404);
    });

    test('asked once for everything missing; the resident sends only that; accepted, reviewed, approved by the leader; the permit is in the wallet', async () => {
      const ask = await t.call('POST', `/api/services/applications/${id}/ask-supplement`, gaj, {
        missing: ['residenceProof'],
        comment: '租赁合同未盖章，请补充经备案的租赁合同',
      });
      assert.equal(ask.status, 200, JSON.stringify(ask.body));
      assert.equal(ask.body.state, 'supplement');
      assert.deepEqual(ask.body.supplement.keys, ['residenceProof']);
      // Only what was asked for.
      const wrong = await t.call('POST', `/api/people/services/applications/${id}/supplement`, citizen, { form: { reason: 'study' } });
      assert.equal(wrong.status, 400);
      const lease2 = await upload(citizen, 'lease-filed.pdf', 'application/pdf', PDF);
      const sent = await t.call('POST', `/api/people/services/applications/${id}/supplement`, citizen, { materials: { residenceProof: { files: [lease2] } } });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.equal(sent.body.state, 'submitted');
      const sig = await t.call('GET', `/api/services/applications/${id}/signature`, citizen);
      assert.deepEqual([sig.body.valid, sig.body.payload.round], [true, 2]);
      // Once only.
      assert.equal((await t.call('POST', `/api/services/applications/${id}/ask-supplement`, gaj, { missing: ['photo'], comment: '照片不清晰' })).status, 409);
      const accepted = await t.call('POST', `/api/services/applications/${id}/accept`, gaj, {});
      assert.equal(accepted.body.state, 'handling');
      assert.ok(accepted.body.dueAt > clock);
      assert.equal(accepted.body.step.key, 'review');
      // Steps by role: the staff reviews, the leader decides.
      assert.equal((await t.call('POST', `/api/services/applications/${id}/approve`, gaj, {})).status, 409);
      const reviewed = await t.call('POST', `/api/services/applications/${id}/review`, gaj, { comment: '材料齐全' });
      assert.equal(reviewed.body.step.key, 'decide');
      assert.equal((await t.call('POST', `/api/services/applications/${id}/approve`, gaj, {})).status, 403);
      const approved = await t.call('POST', `/api/services/applications/${id}/approve`, gajLeader, {});
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.state, 'approved');
      assert.ok(approved.body.resultLicence);
      const wallet = await t.call('GET', '/api/people/wallet', citizen);
      const permit = wallet.body.licences.find((l: { number: string }) => l.number === approved.body.resultLicence);
      assert.ok(permit, JSON.stringify(wallet.body.licences.map((l: { number: string }) => l.number)));
      assert.deepEqual([permit.type, permit.fields.address, permit.verdict], ['JZZ', '湖北省十堰市茅箭区人民北路18号（合成数据）', 'valid']);
      const detail = await t.call('GET', `/api/services/applications/${id}`, citizen);
      assert.deepEqual(
        detail.body.timeline.map((s: { transition: string }) => s.transition),
        ['created', 'ask_supplement', 'resubmit', 'accept', 'review', 'approve'],
      );
      assert.ok(
        detail.body.timeline.every((s: { actor: string | null }) => s.actor === null),
        'the public does not see which official',
      );
    });

    test('即办: approved at once when the rules pass on the data, left for the department with the reason when not', async () => {
      const base = { item: 'SY-GJJ-002', materials: { idCard: { reuse: true } }, consent: true };
      const form = { name: '赵晓', idNumber: '420302198803160264', phone: '19907190001', bankAccount: '6222020200000000000' };
      const fast = await t.call('POST', '/api/people/services/applications', citizen, { ...base, form: { ...form, amount: 3000 } });
      assert.equal(fast.status, 201, JSON.stringify(fast.body));
      assert.deepEqual([fast.body.state, fast.body.instant], ['approved', true]);
      assert.match(fast.body.decisionNote, /即时办结/);
      const slow = await t.call('POST', '/api/people/services/applications', citizen, { ...base, form: { ...form, amount: 20000 } });
      assert.equal(slow.body.state, 'submitted');
      assert.match(slow.body.decisionNote, /即办条件未满足.*amount/);
      // Withdrawn before acceptance; then nothing more happens to it.
      const w = await t.call('POST', `/api/people/services/applications/${slow.body.id}/withdraw`, citizen);
      assert.equal(w.body.state, 'withdrawn');
      assert.equal((await t.call('POST', `/api/services/applications/${slow.body.id}/accept`, await t.login('admin'), {})).status, 409);
    });

    test('一件事: an enterprise opens a restaurant in one application, fanned out to market regulation and urban management', async () => {
      const enterprise = await t.login('enterprise');
      const layout = await upload(enterprise, 'layout.png', 'image/png', PNG);
      const rules = await upload(enterprise, 'rules.pdf', 'application/pdf', PDF);
      const design = await upload(enterprise, 'sign.png', 'image/png', PNG);
      const form = {
        entityName: '十堰示例餐饮有限公司（合成数据）',
        creditCode: '91420302MA4DEM001P',
        legalRepresentative: '赵晓',
        premises: '湖北省十堰市茅箭区北京北路66号（合成数据）',
        mainBusiness: '餐饮服务经营者',
        items: '热食类食品制售',
        location: '北京北路66号临街一层',
        size: 6,
      };
      // Checked as a whole: one bad part keeps nothing.
      const bad = await t.call('POST', '/api/people/services/bundles', enterprise, {
        event: 'EV-RESTAURANT',
        form: { ...form, size: 500, colour: 'red' },
        materials: { businessLicence: { reuse: true }, layout: { files: [layout] }, rules: { files: [rules] }, design: { files: [design] } },
        consent: true,
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/body/form/colour', '/body/form/size']);
      const r = await t.call('POST', '/api/people/services/bundles', enterprise, {
        event: 'EV-RESTAURANT',
        form,
        materials: { businessLicence: { reuse: true }, layout: { files: [layout] }, rules: { files: [rules] }, design: { files: [design] } },
        consent: true,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.applications.map((a: { department: string }) => a.department).sort(), ['CGW', 'SCJGJ']);
      assert.ok(r.body.applications.every((a: { bundle: string; state: string }) => a.bundle === r.body.id && a.state === 'submitted'));
      // Each department sees its own part and reads the files of the bundle; not the other's part.
      const cgw = await t.login('cgw.staff');
      const inbox = (await t.call('GET', '/api/services/inbox', cgw)).body;
      const mine = r.body.applications.find((a: { department: string }) => a.department === 'CGW');
      const theirs = r.body.applications.find((a: { department: string }) => a.department === 'SCJGJ');
      assert.ok(inbox.some((a: { id: string }) => a.id === mine.id));
      assert.ok(!inbox.some((a: { id: string }) => a.id === theirs.id));
      assert.equal((await t.call('GET', `/api/services/applications/${theirs.id}`, cgw)).status, 404);
      assert.equal((await t.inject({ method: 'GET', url: `/api/files/${design}`, headers: { authorization: `Bearer ${cgw}` } })).statusCode, 200);
      // The business licence was read from the wallet, with consent, by both departments.
      const detail = await t.call('GET', `/api/services/applications/${mine.id}`, enterprise);
      assert.deepEqual(
        detail.body.consents.map((c: { material: string; source: string }) => [c.material, c.source]),
        [['businessLicence', 'licence']],
      );
      // A person's bundle is not for an enterprise.
      assert.equal(
        (await t.call('POST', '/api/people/services/bundles', enterprise, { event: 'EV-BIRTH', form: {}, materials: {}, consent: true })).status,
        422,
      );
    });
  });
}
