/**
 * Sharing requests and the exchange gateway, end to end through the API: 市卫生健康委 applies for
 * items of the population database; the data authority (政数局) and the provider (公安局) answer
 * as the rules say; 卫健委's system reads exactly what was approved, masked otherwise, and is
 * refused outside it (items, filters, quota, rate, revocation, expiry), every call audited; masked
 * values leak nowhere (JSON, CSV, NDJSON, the change feed, errors, logs, the audit record); the
 * resident's data-use record shows the reads. And a step past its deadline is escalated (frozen clock).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeIdNumber } from '../../../platform/identifiers/index.js';
import { type TestApp, dialects, startApp, waitFor } from '../../../test/helpers.js';

const HEADER = 'idNumber,name,gender,birthDate,ethnicity,householdAddress,residenceAddress,phone,district';
const PEOPLE = [1, 2, 3, 4, 5].map((i) => {
  const birth = `1985031${i}`;
  return {
    idNumber: makeIdNumber('420303', birth, 200 + i * 2), // even sequence: female
    name: ['欧阳明月', '张三丰', '李四', '王小五', '赵六'][i - 1]!,
    gender: '2',
    birthDate: `1985-03-1${i}`,
    ethnicity: '01',
    householdAddress: `湖北省十堰市张湾区花果街道人民北路${i}号`,
    residenceAddress: `湖北省十堰市茅箭区武当路街道北京北路${60 + i}号`,
    phone: `1390719${String(1000 + i)}`,
    district: i <= 3 ? '420303' : '420302',
  };
});
const CSV = [
  HEADER,
  ...PEOPLE.map((p) =>
    HEADER.split(',')
      .map((k) => p[k as keyof typeof p])
      .join(','),
  ),
].join('\n');
const POPULATION = '101001/000001';

/** Every personal value that must never appear where the approval does not put it in clear. */
const SECRETS = PEOPLE.flatMap((p) => [p.phone, p.residenceAddress, p.householdAddress, p.birthDate]);

for (const d of await dialects()) {
  describe(`sharing requests and the exchange gateway (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let wjw: string;
    let gaj: string;
    let zsj: string;
    let cgw: string;
    const logs: string[] = [];
    const outputs: string[] = [];
    let requestId: string;
    let approvalId: string;
    let key: string; // wjw's system
    let clientId: string;
    let secret: string;

    const gw = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await t.inject({
        method: method as 'POST',
        url,
        headers: { 'x-api-key': key, 'accept-language': 'en', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      let parsed: unknown = r.body;
      try {
        parsed = JSON.parse(r.body);
      } catch {
        /* CSV, NDJSON */
      }
      outputs.push(r.body);
      return { status: r.statusCode, body: parsed as any, text: r.body, headers: r.headers };
    };
    const apply = (token: string, body: Record<string, unknown>) =>
      t.call('POST', '/api/sharing/requests', token, {
        purpose: '家庭医生签约服务核验居民身份',
        useScope: '市卫生健康委家庭医生签约系统',
        periodFrom: '2026-01-01',
        periodTo: '2027-12-31',
        ...body,
      });
    const act = (token: string, id: string, action: string, extra: Record<string, unknown> = {}) =>
      t.call('POST', `/api/sharing/requests/${id}/actions`, token, { action, ...extra });

    before(async () => {
      t = await startApp(d, { logLevel: 'info' }, { logStream: { write: (line: string) => void logs.push(line) } });
      [admin, wjw, gaj, zsj, cgw] = (await Promise.all(['admin', 'wjw.staff', 'gaj.staff', 'zsj.staff', 'cgw.staff'].map((u) => t.login(u)))) as [
        string,
        string,
        string,
        string,
        string,
      ];
      const load = await t.call('POST', '/api/sharing/databases/population/loads', gaj, { format: 'csv', content: CSV, source: 'people.csv' });
      assert.equal(load.status, 201, JSON.stringify(load.body));
      assert.equal(load.body.inserted, 5);
    });
    after(() => t.close());

    test('a request for data that is not shared is refused without a cited law; the wrong items and one’s own data are refused too', async () => {
      const none = await apply(wjw, { resource: '301001/000001', items: ['idNumber', 'record'], legalBasis: '工作需要' });
      assert.equal(none.status, 400, JSON.stringify(none.body));
      assert.ok(none.body.errors.some((e: { pointer: string; detail: string }) => e.pointer === '/body/legalBasis' && /cite its legal basis/.test(e.detail)));
      const cited = await apply(wjw, {
        resource: '301001/000001',
        items: ['idNumber', 'record'],
        legalBasis: '《中华人民共和国传染病防治法》第十二条',
      });
      assert.equal(cited.status, 201, JSON.stringify(cited.body));
      assert.equal(cited.body.state, 'compliance_review');
      const unknownItem = await apply(wjw, { resource: POPULATION, items: ['idNumber', 'salary'], legalBasis: '《基本医疗卫生与健康促进法》' });
      assert.equal(unknownItem.status, 400);
      assert.match(JSON.stringify(unknownItem.body.errors), /no item salary/);
      const own = await apply(gaj, { resource: POPULATION, items: ['idNumber'], legalBasis: '《居民身份证法》' });
      assert.equal(own.status, 400);
      assert.match(JSON.stringify(own.body.errors), /its own resource/);
    });

    test('卫健委 applies; the data authority passes it within its step; 公安局 approves some items; each party only does its part', async () => {
      const r = await apply(wjw, {
        resource: POPULATION,
        items: ['idNumber', 'name', 'birthDate', 'phone', 'residenceAddress', 'district'],
        legalBasis: '《基本医疗卫生与健康促进法》第三十一条',
        ratePerMinute: 600,
        quotaPerDay: 1000,
        systemName: '家庭医生签约系统',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      requestId = r.body.id;
      assert.equal(r.body.state, 'compliance_review');
      assert.deepEqual(r.body.turn, ['authority']);
      assert.deepEqual(r.body.actions, ['withdraw']);
      const cal = await t.platform.calendar.get();
      assert.equal(r.body.deadlineAt, cal.deadlineInWorkingDays(r.body.createdAt, 2), 'the compliance check has 2 working days');

      // Not the provider's turn, nor the consumer's; a department not party to it does not see it.
      assert.equal((await act(gaj, requestId, 'pass_compliance')).status, 403);
      assert.equal((await act(wjw, requestId, 'pass_compliance')).status, 403);
      assert.equal((await t.call('GET', `/api/sharing/requests/${requestId}`, cgw)).status, 404);
      // The generic workflow route does not bypass the parties.
      const generic = await t.call(
        'POST',
        `/api/workflow-instances/${(await t.storage.db.selectFrom('sharing_requests').select('workflow_id').where('id', '=', requestId).executeTakeFirstOrThrow()).workflow_id}/transitions`,
        admin,
        { transition: 'pass_compliance' },
      );
      assert.equal(generic.status, 409);

      const todo = async (token: string) => {
        const r = await t.call('GET', '/api/sharing/requests?box=todo', token);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.items.map((x: { id: string }) => x.id);
      };
      assert.ok((await todo(zsj)).includes(requestId), 'the data authority’s turn');
      assert.ok(!(await todo(gaj)).includes(requestId), 'not yet the provider’s');
      const inbox = await t.call('GET', '/api/sharing/requests?box=inbox', zsj);
      assert.ok(
        inbox.body.items.some((x: { id: string }) => x.id === requestId),
        'in the data authority’s inbox',
      );
      const passed = await act(zsj, requestId, 'pass_compliance', { comment: '依据充分' });
      assert.equal(passed.status, 200, JSON.stringify(passed.body));
      assert.equal(passed.body.state, 'provider_review');
      assert.equal(passed.body.deadlineAt, cal.deadlineInWorkingDays(passed.body.updatedAt, 5), 'served by the gateway: 5 working days');
      assert.ok((await t.call('GET', '/api/sharing/requests?box=inbox', gaj)).body.items.some((x: { id: string }) => x.id === requestId));
      assert.ok((await todo(gaj)).includes(requestId) && !(await todo(zsj)).includes(requestId), 'now the provider’s turn');

      // The provider narrows: three items in clear, a lower quota.
      const wide = await act(gaj, requestId, 'approve', { scope: { items: ['idNumber', 'name', 'salary'] } });
      assert.equal(wide.status, 400);
      const approved = await act(gaj, requestId, 'approve', { scope: { items: ['idNumber', 'name', 'district'], quotaPerDay: 500 } });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.state, 'approved');
      approvalId = approved.body.approvalId;
      const mine = await t.call('GET', '/api/sharing/approvals?role=consumer', wjw);
      const a = mine.body.items.find((x: { id: string }) => x.id === approvalId);
      assert.deepEqual([a.items, a.quotaPerDay, a.status], [['idNumber', 'name', 'district'], 500, 'active']);
      const detail = await t.call('GET', `/api/sharing/requests/${requestId}`, wjw);
      assert.deepEqual(
        detail.body.timeline.map((s: { action: string }) => s.action),
        ['created', 'pass_compliance', 'approve'],
      );
    });

    test('unconditional data is granted at once, and recorded all the same', async () => {
      const r = await apply(wjw, { resource: '107001/000001', items: ['indicatorCode', 'value'] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.state, 'approved');
      assert.ok(r.body.approvalId);
      const tl = await t.call('GET', `/api/sharing/requests/${r.body.id}`, wjw);
      assert.deepEqual(
        tl.body.timeline.map((s: { action: string }) => s.action),
        ['created', 'grant_unconditional'],
      );
    });

    test('a refusal, a dispute, negotiation and the data authority’s decision', async () => {
      const r = await apply(wjw, { resource: POPULATION, items: ['phone'], legalBasis: '《突发公共卫生事件应急条例》', purpose: '流调联系' });
      const id = r.body.id;
      assert.equal((await act(zsj, id, 'pass_compliance')).status, 200);
      assert.equal((await act(gaj, id, 'refuse')).status, 400, 'a refusal needs a reason');
      assert.equal((await act(gaj, id, 'refuse', { comment: '电话号码仅限公安使用' })).body.state, 'provider_refused');
      assert.equal((await act(wjw, id, 'dispute', { comment: '疫情处置确有需要' })).body.state, 'negotiation');
      assert.equal((await act(wjw, id, 'refer')).body.state, 'arbitration');
      assert.equal((await act(gaj, id, 'decide_approve', { comment: 'x' })).status, 403, 'only the data authority decides');
      const decided = await act(zsj, id, 'decide_refuse', { comment: '可通过社区联系，无需电话号码' });
      assert.equal(decided.body.state, 'refused');
      assert.equal(decided.body.decision.comment, '可通过社区联系，无需电话号码');
      assert.equal(decided.body.approvalId, null);
    });

    test('consumer systems get credentials: an API key, and OAuth 2 client credentials', async () => {
      const c = await t.call('POST', '/api/sharing/clients', wjw, { name: '家庭医生签约系统' });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      ({ id: clientId } = c.body.client);
      secret = c.body.secret;
      key = secret;
      assert.equal((await t.call('POST', '/api/sharing/clients', wjw, { name: 'x', consumer: 'GAJ' })).status, 403, 'only for one’s own department');
      const form = await t.inject({
        method: 'POST',
        url: '/api/sharing/gateway/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=client_credentials&client_id=${clientId}&client_secret=${encodeURIComponent(secret)}`,
      });
      assert.equal(form.statusCode, 200, form.body);
      const token = JSON.parse(form.body);
      assert.equal(token.token_type, 'Bearer');
      const basic = await t.inject({
        method: 'POST',
        url: '/api/sharing/gateway/token',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
        payload: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      assert.equal(basic.statusCode, 200);
      const wrong = await t.inject({
        method: 'POST',
        url: '/api/sharing/gateway/token',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wdg_nope' }),
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(JSON.parse(wrong.body).error, 'invalid_client');
      const viaToken = await gw(
        'POST',
        '/api/sharing/gateway/population/lookup',
        { keys: [PEOPLE[0]!.idNumber] },
        { 'x-api-key': '', authorization: `Bearer ${token.access_token}` },
      );
      assert.equal(viaToken.status, 200, viaToken.text);
      const staffToken = await t.inject({
        method: 'POST',
        url: '/api/sharing/gateway/population/lookup',
        headers: { authorization: `Bearer ${wjw}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ keys: [PEOPLE[0]!.idNumber] }),
      });
      assert.equal(staffToken.statusCode, 401, 'a person’s session is not a system’s credential');
    });

    test('a lookup answers the approved items in clear, the others masked or left out', async () => {
      const p = PEOPLE[0]!;
      const r = await gw(
        'POST',
        '/api/sharing/gateway/population/lookup',
        { keys: [p.idNumber, '420303198001011234'] },
        { 'x-purpose': encodeURIComponent('签约核验') },
      );
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.items, { clear: ['idNumber', 'name', 'district'], masked: ['birthDate', 'householdAddress', 'residenceAddress', 'phone'] });
      assert.deepEqual(r.body.records, [
        {
          idNumber: p.idNumber,
          name: '欧阳明月',
          district: '420303',
          birthDate: '1985',
          householdAddress: '湖北省十堰市张湾区花果街道****',
          residenceAddress: '湖北省十堰市茅箭区武当路街道****',
          phone: '139****1001',
        },
      ]);
      assert.deepEqual(r.body.notFound, ['420303198001011234']);
      assert.equal(r.body.quota.limit, 500);
    });

    test('items, filters and keys outside the approval are refused, in words, and audited', async () => {
      const items = await gw('POST', '/api/sharing/gateway/population/lookup', { keys: [PEOPLE[1]!.idNumber], items: ['name', 'phone'] });
      assert.equal(items.status, 403);
      assert.equal(items.body.reason, 'items_outside');
      assert.match(items.body.detail, /phone/);
      const filter = await gw('POST', '/api/sharing/gateway/population/query', { filter: { phone: PEOPLE[1]!.phone } });
      assert.equal(filter.status, 403);
      assert.equal(filter.body.reason, 'filter_outside');
      const other = await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA4900000X'] });
      assert.equal(other.status, 403);
      assert.equal(other.body.reason, 'no_approval');
      const denied = await t.storage.db
        .selectFrom('audit_log')
        .select(['details', 'outcome'])
        .where('action', '=', 'sharing.gateway_call')
        .where('outcome', '=', 'denied')
        .execute();
      const reasons = denied.map((a) => JSON.parse(a.details).reason);
      for (const why of ['items_outside', 'filter_outside', 'no_approval']) assert.ok(reasons.includes(why), why);
    });

    test('queries page by key on approved filters; extracts come as CSV and NDJSON; the change feed follows a cursor', async () => {
      const page1 = await gw('POST', '/api/sharing/gateway/population/query', { filter: { district: '420303' }, limit: 2 });
      assert.equal(page1.status, 200, page1.text);
      assert.equal(page1.body.records.length, 2);
      const page2 = await gw('POST', '/api/sharing/gateway/population/query', { filter: { district: '420303' }, limit: 2, after: page1.body.next });
      assert.equal(page2.body.records.length, 1);
      assert.equal(page2.body.next, null);
      const csv = await gw('POST', '/api/sharing/gateway/population/extract', { format: 'csv', filter: { district: '420302' } });
      assert.equal(csv.status, 200, csv.text);
      assert.match(String(csv.headers['content-type']), /text\/csv/);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      assert.equal(lines[0], 'idNumber,name,district,birthDate,householdAddress,residenceAddress,phone');
      assert.equal(lines.length, 3);
      assert.match(lines[1]!, /139\*\*\*\*100[45]/);
      const nd = await gw('POST', '/api/sharing/gateway/population/extract', { items: ['idNumber', 'name'] });
      const rows = nd.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(rows.length, 5);
      assert.deepEqual(Object.keys(rows[0]), ['idNumber', 'name']);
      const feed = await gw('GET', '/api/sharing/gateway/population/changes?since=0&limit=3');
      assert.equal(feed.status, 200, feed.text);
      assert.equal(feed.body.records.length, 3);
      assert.equal(feed.body.records[0].record.phone.includes('****'), true);
      const more = await gw('GET', `/api/sharing/gateway/population/changes?since=${feed.body.next}`);
      assert.equal(more.body.records.length, 2);
      assert.equal((await gw('GET', `/api/sharing/gateway/population/changes?since=${more.body.next}`)).body.records.length, 0);
      assert.ok(!more.body.next.includes(PEOPLE[4]!.idNumber.slice(6, 14)), 'the cursor is sealed');
      assert.equal((await gw('GET', '/api/sharing/gateway/population/changes?since=forged')).status, 400);
      // A change shows up after the cursor.
      const p = PEOPLE[4]!;
      const moved = [
        HEADER,
        HEADER.split(',')
          .map((k) => (k === 'district' ? '420302' : k === 'residenceAddress' ? '湖北省十堰市茅箭区二堰街道柳林路1号' : p[k as keyof typeof p]))
          .join(','),
      ].join('\n');
      assert.equal(
        (await t.call('POST', '/api/sharing/databases/population/loads', gaj, { format: 'csv', content: moved, source: 'moved.csv' })).body.updated,
        1,
      );
      const changed = await gw('GET', `/api/sharing/gateway/population/changes?since=${more.body.next}`);
      assert.deepEqual(
        changed.body.records.map((r: { version: number; record: { name: string; residenceAddress: string } }) => [
          r.version,
          r.record.name,
          r.record.residenceAddress,
        ]),
        [[2, '赵六', '湖北省十堰市茅箭区二堰街道****']],
      );
    });

    test('the resident’s data-use record shows who read their record, when and for what; the data authority answers it', async () => {
      const p = PEOPLE[0]!;
      const r = await t.call('GET', `/api/sharing/data-use?subject=${p.idNumber}`, zsj);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const lookup = r.body.entries.find((e: { operation: string }) => e.operation === 'lookup');
      assert.deepEqual([lookup.consumer, lookup.provider, lookup.resource, lookup.purpose], ['WJW', 'GAJ', POPULATION, '签约核验']);
      assert.deepEqual(lookup.itemsClear, ['idNumber', 'name', 'district']);
      assert.ok(r.body.entries.length >= 3, 'the lookup, the extract and the change feed');
      assert.equal((await t.call('GET', `/api/sharing/data-use?subject=${p.idNumber}`, wjw)).status, 403);
      const viewed = await t.storage.db.selectFrom('audit_log').select('target_id').where('action', '=', 'sharing.data_use_viewed').execute();
      assert.ok(viewed.length >= 1);
      assert.ok(!viewed.some((v) => v.target_id === p.idNumber), 'the audit keeps the subject masked');
    });

    test('the provider sees the use of its data: calls and records per resource and consumer, answered and refused', async () => {
      const r = await t.call('GET', '/api/sharing/usage', gaj);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const ok = r.body.rows.find(
        (x: { resource: string; consumer: string; outcome: string }) => x.resource === POPULATION && x.consumer === 'WJW' && x.outcome === 'ok',
      );
      assert.ok(ok.calls >= 6 && ok.records >= 10, JSON.stringify(ok));
      assert.ok(r.body.rows.some((x: { outcome: string; consumer: string }) => x.outcome === 'refused' && x.consumer === 'WJW'));
      const cgwView = await t.call('GET', '/api/sharing/usage', cgw);
      assert.equal(cgwView.body.rows.length, 0, 'not a party: sees none');
    });

    test('the daily quota and the rate per minute stop calls beyond them, and nothing of such a call is answered', async () => {
      const r = await apply(wjw, {
        resource: '102001/000001',
        items: ['creditCode', 'name', 'legalRepresentative'],
        legalBasis: '《医疗机构管理条例》',
        ratePerMinute: 3,
        quotaPerDay: 2,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await act(zsj, r.body.id, 'pass_compliance')).status, 200);
      const approved = await act(admin, r.body.id, 'approve');
      assert.equal(approved.body.state, 'approved', JSON.stringify(approved.body));
      const real = t.platform.now;
      const frozen = real();
      t.platform.now = () => frozen;
      try {
        const one = await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA49000001', '91420300MA49000002'] });
        assert.equal(one.status, 200, one.text);
        assert.deepEqual(one.body.quota, { used: 2, limit: 2 });
        const two = await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA49000003'] });
        assert.equal(two.status, 429);
        assert.equal(two.body.reason, 'quota');
        assert.equal((await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA49000003'] })).body.reason, 'quota');
        const four = await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA49000003'] });
        assert.equal(four.status, 429);
        assert.equal(four.body.reason, 'rate');
        assert.equal(Number(four.headers['retry-after']), four.body.retryAfter, 'Retry-After says when the minute turns');
        // A new day has a new quota; a new minute a new rate.
        t.platform.now = () => frozen + 86_400_000;
        assert.equal((await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA49000003'] })).status, 200);
        // Past the period the approval has expired.
        t.platform.now = () => Date.parse('2028-01-02T00:00:00Z');
        const late = await gw('POST', '/api/sharing/gateway/legal-entities/lookup', { keys: ['91420300MA49000003'] });
        assert.equal(late.status, 403);
        assert.equal(late.body.reason, 'expired');
      } finally {
        t.platform.now = real;
      }
    });

    test('calls in flight together are recorded together, and together they never pass the quota', async () => {
      const r = await apply(cgw, {
        resource: POPULATION,
        items: ['name'],
        legalBasis: '《城市市容和环境卫生管理条例》',
        purpose: '门前三包责任人核验',
        quotaPerDay: 5,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await act(zsj, r.body.id, 'pass_compliance')).status, 200);
      assert.equal((await act(gaj, r.body.id, 'approve')).body.state, 'approved');
      const c = await t.call('POST', '/api/sharing/clients', cgw, { name: '城管案件系统' });
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.inject({
            method: 'POST',
            url: '/api/sharing/gateway/population/lookup',
            headers: { 'x-api-key': c.body.secret, 'content-type': 'application/json' },
            payload: JSON.stringify({ keys: [PEOPLE[i % 5]!.idNumber] }),
          }),
        ),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429, 429]);
      const calls = await t.storage.db.selectFrom('sharing_calls').select(['outcome', 'reason']).where('client_id', '=', c.body.client.id).execute();
      assert.deepEqual(calls.map((x) => `${x.outcome}:${x.reason ?? ''}`).sort(), [
        'ok:',
        'ok:',
        'ok:',
        'ok:',
        'ok:',
        'refused:quota',
        'refused:quota',
        'refused:quota',
      ]);
      // The audit chain holds, entries appended in groups included.
      const v = await t.call('GET', '/api/audit/verify', admin);
      assert.equal(v.body.ok, true, JSON.stringify(v.body));
    });

    test('a department not party to an approval or a system finds it unknown', async () => {
      assert.equal((await t.call('POST', `/api/sharing/approvals/${approvalId}/revoke`, cgw, { reason: 'x' })).status, 404);
      assert.equal((await t.call('DELETE', `/api/sharing/clients/${clientId}`, cgw)).status, 404);
      assert.ok(!(await t.call('GET', '/api/sharing/clients', cgw)).body.some((c: { id: string }) => c.id === clientId));
      assert.ok(!(await t.call('GET', '/api/sharing/approvals', cgw)).body.items.some((a: { id: string }) => a.id === approvalId));
    });

    test('a revoked approval is refused at once', async () => {
      assert.equal((await t.call('POST', `/api/sharing/approvals/${approvalId}/revoke`, wjw, { reason: 'x' })).status, 403, 'not by the consumer');
      const r = await t.call('POST', `/api/sharing/approvals/${approvalId}/revoke`, gaj, { reason: '签约系统等保测评未通过' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'revoked');
      const after = await gw('POST', '/api/sharing/gateway/population/lookup', { keys: [PEOPLE[0]!.idNumber] });
      assert.equal(after.status, 403);
      assert.equal(after.body.reason, 'revoked');
    });

    test('masked values leak nowhere: answers, files, the feed, errors, logs, the audit record, the call records', async () => {
      const audit = (await t.storage.db.selectFrom('audit_log').select(['details', 'target_id']).execute()).map((a) => `${a.target_id} ${a.details}`);
      const calls = (await t.storage.db.selectFrom('sharing_calls').selectAll().execute()).map((c) => JSON.stringify(c));
      const places: [string, string[]][] = [
        ['gateway answers and errors', outputs],
        ['logs', logs],
        ['audit', audit],
        ['call records', calls],
      ];
      assert.ok(outputs.length > 15 && logs.length > 10 && audit.length > 10);
      for (const [where, texts] of places) for (const secret of SECRETS) assert.ok(!texts.some((x) => x.includes(secret)), `${secret} appears in ${where}`);
      // ID numbers asked appear in the audit record masked only.
      assert.deepEqual(
        audit.filter((x) => PEOPLE.some((p) => x.includes(p.idNumber))),
        [],
        'an ID number in the audit record',
      );
      // A system's secret never reaches the logs.
      assert.ok(!logs.some((l) => l.includes(secret)));
    });

    test('the operations screen’s sharing domain: resources, requests under way, the share on time, calls today', async () => {
      const duty = await t.login('duty');
      const r = await t.call('GET', '/api/brain/indicators', duty);
      assert.equal(r.status, 200);
      const by = Object.fromEntries(
        r.body.items.map((i: { id: string; domain: string; current: { value: number | null; breakdown: Record<string, number> | null } }) => [
          i.id,
          { ...i.current, domain: i.domain },
        ]),
      );
      const published = await t.storage.db.selectFrom('sharing_resources').select('code').where('status', '=', 'published').execute();
      assert.equal(by['sharing-resources'].value, published.length);
      assert.equal(by['sharing-resources'].breakdown.GAJ, 2, 'population and criminal records');
      const today = (await t.platform.calendar.get()).localDate(Date.now());
      const calls = await t.storage.db.selectFrom('sharing_calls').select(['consumer']).where('day', '=', today).execute();
      assert.equal(by['sharing-calls-today'].value, calls.length);
      assert.equal(by['sharing-calls-today'].breakdown.CGW, calls.filter((c) => c.consumer === 'CGW').length);
      // No step of this run's requests has passed its deadline yet.
      assert.equal(by['sharing-requests-on-time'].value, 100);
      assert.equal(by['sharing-calls-today'].domain, 'sharing');
    });

    test('a step past its deadline is escalated and kept on the request (frozen clock)', async () => {
      const real = t.platform.now;
      // Monday 7 December 2026, 10:00 in Shiyan.
      let now = Date.parse('2026-12-07T02:00:00Z');
      // The data authority's leader takes escalations by SMS.
      const ep = await t.call('POST', '/api/warning/endpoints', admin, { department: 'ZSJ', channel: 'sms', address: '13907190000', roles: ['dept_leader'] });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      t.platform.now = () => now;
      try {
        const wjw = await t.login('wjw.staff');
        const r = await apply(wjw, { resource: POPULATION, items: ['name'], legalBasis: '《基本医疗卫生与健康促进法》', purpose: '逾期测试' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        const cal = await t.platform.calendar.get();
        assert.equal(cal.localDate(r.body.deadlineAt), '2026-12-09', 'two working days');
        // Thursday: the compliance check is overdue; its first escalation is due.
        now = Date.parse('2026-12-10T02:00:00Z');
        const [wjw2, zsj2] = [await t.login('wjw.staff'), await t.login('zsj.staff')];
        await t.workflow.runDueTimers();
        await waitFor(async () => (await t.call('GET', `/api/sharing/requests/${r.body.id}`, wjw2)).body.escalatedAt !== null, 30_000, 'escalation recorded');
        const seen = await t.call('GET', `/api/sharing/requests/${r.body.id}`, zsj2);
        assert.ok(seen.body.overdueAt !== null);
        assert.deepEqual(seen.body.turn, ['authority']);
        const actions = seen.body.timeline.map((s: { action: string }) => s.action);
        assert.ok(actions.includes('deadline.passed') && actions.includes('deadline.escalated'), actions.join());
        // The provider's step, answered in time, is not: the next step starts afresh.
        const passed = await act(zsj2, r.body.id, 'pass_compliance');
        assert.equal(passed.body.state, 'provider_review');
        assert.equal(passed.body.overdueAt, null);
        assert.equal(cal.localDate(passed.body.deadlineAt), '2026-12-17', 'five working days from Thursday');
        const esc = await t.storage.db.selectFrom('audit_log').select('target_id').where('action', '=', 'sharing.request_escalated').execute();
        assert.ok(esc.some((e) => e.target_id === r.body.id));
        const sms = await t.storage.db
          .selectFrom('notifications')
          .selectAll()
          .where('subject', '=', 'sharing_request')
          .where('subject_id', '=', r.body.id)
          .execute();
        assert.deepEqual(
          sms.map((m) => [m.department_code, m.event, JSON.parse(m.payload).escalatedTo]),
          [['ZSJ', 'escalated', 'dept_leader']],
          'the escalation went to the data authority’s leader',
        );
        // The late step counts against the share on time.
        const duty = await t.login('duty');
        const on = (await t.call('GET', '/api/brain/indicators', duty)).body.items.find((i: { id: string }) => i.id === 'sharing-requests-on-time');
        assert.ok(on.current.value < 100 && on.current.breakdown.GAJ < 100, JSON.stringify(on));
      } finally {
        t.platform.now = real;
      }
    });
  });
}
