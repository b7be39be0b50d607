/**
 * Fees on both dialects, through the sandbox provider (the development implementation of the
 * payment port): an application with a fee waits for payment before approval; only a notice with
 * the provider's signature marks it paid (a forged one is refused and audited; the same notice twice
 * pays once; a wrong amount is kept as a mismatch, not as paid); refunds never pass what was paid,
 * even six at once; the day's reconciliation finds a payment the platform never heard of.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp, waitFor } from '../../../test/helpers.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

for (const d of await dialects()) {
  describe(`service fees and payments (${d.name})`, () => {
    let t: TestApp;
    let citizen: string;
    let staff: string;
    let leader: string;
    const clock = Date.UTC(2026, 11, 7, 2, 0); // Monday 10:00 in Shiyan
    const user = async (username: string, roles: string[]) => {
      const admin = await t.login('admin');
      const r = await t.call('POST', '/api/users', admin, {
        username,
        displayName: `${username}（合成）`,
        password: 'Temp-Passw0rd!',
        roles,
        department: 'ZRZYJ',
        districts: [],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const first = await t.login(username, 'Temp-Passw0rd!');
      assert.equal((await t.call('POST', '/api/auth/password', first, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Deed&Register-2026' })).status, 204);
      return t.login(username, 'Deed&Register-2026');
    };
    const apply = async () => {
      const up = async (name: string) =>
        (await t.call('POST', '/api/files', citizen, { name, contentType: 'application/pdf', data: PDF.toString('base64') })).body.id as string;
      const r = await t.call('POST', '/api/people/services/applications', citizen, {
        item: 'SY-ZRZYJ-001',
        form: {
          name: '赵晓',
          idNumber: '420302198803160264',
          phone: '19907190001',
          unitNumber: '420302001001GB00001F00010001',
          location: '茅箭区人民北路18号1单元101（合成数据）',
          use: '住宅',
          area: 89.5,
        },
        materials: { idCard: { reuse: true }, deed: { files: [await up('deed.pdf')] }, contract: { files: [await up('contract.pdf')] } },
        consent: true,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.fee, 80);
      return r.body.id as string;
    };
    const act = (token: string, id: string, action: string, body: object = {}) => t.call('POST', `/api/services/applications/${id}/${action}`, token, body);

    before(async () => {
      t = await startApp(d, { accessTokenTtl: 30 * 86_400, refreshTokenTtl: 60 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      citizen = await t.login('citizen');
      staff = await user('zrzyj.staff', ['dept_staff']);
      leader = await user('zrzyj.leader', ['dept_leader']);
    });
    after(() => t.close());

    let id: string;
    let payment: string;
    test('approval waits for the fee; the order gives a payment code', async () => {
      id = await apply();
      assert.equal((await act(staff, id, 'accept')).body.state, 'handling');
      assert.equal((await act(staff, id, 'review')).body.step.key, 'decide');
      const early = await act(leader, id, 'approve');
      assert.equal(early.status, 409);
      assert.match(early.body.detail, /80\.00/);
      const order = await t.call('POST', `/api/people/services/applications/${id}/payment`, citizen);
      assert.equal(order.status, 200, JSON.stringify(order.body));
      assert.deepEqual([order.body.amount, order.body.status], [80, 'unpaid']);
      assert.match(order.body.payCode, /^4203\d{12}$/);
      payment = order.body.id;
      // Asking again gives the same order; the department's staff cannot open it.
      assert.equal((await t.call('POST', `/api/people/services/applications/${id}/payment`, citizen)).body.id, payment);
      assert.equal((await t.call('POST', `/api/people/services/applications/${id}/payment`, staff)).status, 403);
    });

    test('a forged notice is refused and audited; the payer pays; the same notice again pays once', async () => {
      const forged = JSON.stringify({ noticeId: 'N-forged', kind: 'paid', orderId: payment, providerRef: 'X', amountCents: 8000, at: clock });
      const bad = await t.inject({
        method: 'POST',
        url: '/api/payments/notify/sandbox',
        headers: { 'content-type': 'application/json', 'x-sandbox-signature': 'ab'.repeat(32) },
        payload: forged,
      });
      assert.equal(bad.statusCode, 400);
      const none = await t.inject({ method: 'POST', url: '/api/payments/notify/sandbox', headers: { 'content-type': 'application/json' }, payload: forged });
      assert.equal(none.statusCode, 400);
      const audit = await t.call('GET', '/api/audit?action=services.payment_notice_refused&limit=10', await t.login('admin'));
      assert.equal(audit.body.items.length, 2);
      assert.equal((await t.call('GET', `/api/services/applications/${id}/payments`, citizen)).body[0].status, 'unpaid');
      // Only the payer pays in the sandbox.
      assert.equal((await t.call('POST', `/api/sandbox/payments/${payment}/pay`, await t.login('enterprise'))).status, 404);
      const paid = await t.call('POST', `/api/sandbox/payments/${payment}/pay`, citizen);
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.equal((await t.call('GET', `/api/services/applications/${id}/payments`, citizen)).body[0].status, 'paid');
      // The provider sends the same notice again, over HTTP, signed: applied once.
      const notice = { noticeId: paid.body.notice, kind: 'paid', orderId: payment, providerRef: 'SBX', amountCents: 8000, at: clock };
      const raw = JSON.stringify(notice);
      const again = await t.inject({
        method: 'POST',
        url: '/api/payments/notify/sandbox',
        headers: { 'content-type': 'application/json', 'x-sandbox-signature': t.services.sandbox!.sign(raw) },
        payload: raw,
      });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(JSON.parse(again.body).outcome, 'duplicate');
      const rows = await t.platform.db.selectFrom('gs_payment_notices').selectAll().where('payment_id', '=', payment).execute();
      assert.equal(rows.length, 1);
      // The person's timeline has the application and the payment.
      const timeline = (await t.call('GET', '/api/people/timeline', citizen)).body as { kind: string; ref: string }[];
      assert.ok(timeline.some((x) => x.kind === 'application' && x.ref === id));
      assert.ok(timeline.some((x) => x.kind === 'payment' && x.ref === payment));
      const approved = await act(leader, id, 'approve');
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.ok(approved.body.resultLicence, 'the title deed is issued');
    });

    test('a notice for the wrong amount is kept as a mismatch, never as paid', async () => {
      const other = await apply();
      const order = await t.call('POST', `/api/people/services/applications/${other}/payment`, citizen);
      const raw = JSON.stringify({ noticeId: 'N-short', kind: 'paid', orderId: order.body.id, providerRef: 'SBX', amountCents: 800, at: clock });
      const r = await t.inject({
        method: 'POST',
        url: '/api/payments/notify/sandbox',
        headers: { 'content-type': 'application/json', 'x-sandbox-signature': t.services.sandbox!.sign(raw) },
        payload: raw,
      });
      assert.equal(JSON.parse(r.body).outcome, 'mismatch');
      assert.equal((await t.call('GET', `/api/services/applications/${other}/payments`, citizen)).body[0].status, 'unpaid');
    });

    test('refunds never pass what was paid, even six at once', async () => {
      assert.equal((await act(staff, id, 'refund', { amount: 0.001, reason: 'x' })).status, 400);
      const results = await Promise.all(Array.from({ length: 6 }, () => act(staff, id, 'refund', { amount: 20, reason: '多收费用退还' })));
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 409, 409]);
      const after = (await t.call('GET', `/api/services/applications/${id}/payments`, citizen)).body[0];
      assert.equal(after.refunded, 80);
      assert.equal(after.refunds.length, 4);
      // The provider's refund notices arrive and mark each refund done.
      await waitFor(async () =>
        (await t.call('GET', `/api/services/applications/${id}/payments`, citizen)).body[0].refunds.every((r: { status: string }) => r.status === 'refunded'),
      );
      // Another department may not refund.
      assert.equal((await act(await t.login('gaj.staff'), id, 'refund', { amount: 1, reason: 'x' })).status, 404);
    });

    test('reconciliation: the day matches; a payment the platform never heard of is reported', async () => {
      const zsj = await t.login('zsj.staff');
      const day = '2026-12-07';
      const first = await t.call('POST', '/api/services/payments/reconciliation', zsj, { day });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body.mismatches, []);
      assert.ok(first.body.matched >= 2, JSON.stringify(first.body));
      t.services.sandbox!.recordOnly({ orderId: 'pay-lost', providerRef: 'SBX-LOST', kind: 'paid', amountCents: 2500, at: clock });
      const second = await t.call('POST', '/api/services/payments/reconciliation', zsj, { day });
      assert.deepEqual(second.body.mismatches, [{ kind: 'missing_here', orderId: 'pay-lost', providerRef: 'SBX-LOST', ours: null, theirs: 25 }]);
      assert.deepEqual((await t.call('GET', `/api/services/payments/reconciliation?day=${day}`, zsj)).body.mismatches.length, 1);
      // Reconciliation is the authority's.
      assert.equal((await t.call('POST', '/api/services/payments/reconciliation', staff, { day })).status, 403);
    });
  });
}
