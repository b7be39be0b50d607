/**
 * The route-by-role sweep: for every route in the OpenAPI document and every built-in role plus a
 * department API key, over data seeded in two districts (茅箭区 420302, 张湾区 420303) and two
 * departments (住建局 ZJJ, 城管执法委 CGW) besides the district governments:
 *
 * - every listing (a GET without path parameters) returns no record outside the caller's scope
 *   (found by its id anywhere in the answer, nested evidence and titles included);
 * - every route with an id answers a record outside the caller's scope exactly as it answers an
 *   unknown id (status and problem, the id aside), and changes nothing;
 * - a record inside the scope is found;
 * - a record the caller reads but may not act on (a district government reads every department's
 *   devices, alerts and incidents in its district) refuses every change with 403, and changes
 *   nothing.
 *
 * The expected scope of each record is worked out here from the data model (docs/security.md),
 * not from the code under test. New routes are covered by reading the OpenAPI document: a listing
 * that needs query parameters, or a route with an id whose kind is not known here, fails the test
 * until it is added to the tables below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL, type Scope, type ScopeSet, inScope } from '../platform/auth/scope.js';
import type { EventBus } from '../platform/bus/bus.js';
import { post } from './ingest.js';
import { type TestApp, dialects, startApp } from './helpers.js';

const MIN = 60_000;
const MAOJIAN = { lon: 110.78621, lat: 32.644463 }; // 420302
const ZHANGWAN = { lon: 110.772365, lat: 32.652516 }; // 420303

type Kind = 'device' | 'rule' | 'alert' | 'incident' | 'task' | 'allocation' | 'window' | 'endpoint' | 'user' | 'apikey' | 'instance' | 'case';

interface Caller {
  name: string;
  token: string;
  scope: Scope;
  /** What it reads: the scope, or for a district government everything in its district. */
  view: Scope;
  /** May read users (users.read) or API keys (apikeys.manage). */
  usersRead: boolean;
  keysRead: boolean;
  /** The caller's own user or key id (it may read itself). */
  selfId: string;
}

/** Which kind of record a route's id names; `shared` records are readable by everyone holding the route's permission. */
const ROUTE_KINDS: [RegExp, Kind | 'shared' | 'skip'][] = [
  [/^\/api\/devices\/\{id\}/, 'device'],
  [/^\/api\/ingest\/\{deviceId\}$/, 'skip'], // a device's own token authenticates it (modules/sensing tests)
  [/^\/api\/device-types\/\{id\}/, 'shared'],
  [/^\/api\/warning\/rules\/\{id\}/, 'rule'],
  [/^\/api\/alerts\/\{id\}/, 'alert'],
  [/^\/api\/command\/alerts\/\{id\}/, 'alert'],
  [/^\/api\/warning\/maintenance\/\{id\}$/, 'window'],
  [/^\/api\/warning\/endpoints\/\{id\}$/, 'endpoint'],
  [/^\/api\/command\/plans\/\{id\}/, 'shared'], // the city's published emergency plans
  [/^\/api\/command\/incidents\/\{id\}/, 'incident'],
  [/^\/api\/command\/tasks\/\{id\}/, 'task'],
  [/^\/api\/command\/resources\/\{id\}$/, 'shared'], // the shared resource registry (contacts masked)
  [/^\/api\/command\/allocations\/\{id\}/, 'allocation'],
  [/^\/api\/brain\/indicators\/\{id\}/, 'shared'], // city indicators are statistics for every staff member
  [/^\/api\/departments\/\{code\}$/, 'shared'],
  [/^\/api\/users\/\{id\}/, 'user'],
  [/^\/api\/api-keys\/\{id\}$/, 'apikey'],
  [/^\/api\/calendar\//, 'shared'],
  [/^\/api\/workflow-instances\/\{id\}/, 'instance'],
  // The resource catalogue is published for every staff member; drafts are tested in modules/sharing.
  [/^\/api\/sharing\/catalogue\/\{code\}/, 'shared'],
  // A base database's loads and records are its keepers' (the provider, the data authority): 403 for
  // everyone else, tested in modules/sharing.
  [/^\/api\/sharing\/(databases\/\{dataset\}|loads\/\{id\})/, 'skip'],
  // Requests, approvals and consumer systems are their parties' (consumer, provider, data authority):
  // a department not party to one finds it unknown, tested in modules/sharing (exchange test). The
  // gateway authenticates consumer systems by their own credentials, not people.
  [/^\/api\/sharing\/(requests|approvals|clients)\/\{id\}/, 'skip'],
  [/^\/api\/sharing\/gateway\//, 'skip'],
  // A licence is its issuing department's (another department finds it unknown: modules/licences).
  [/^\/api\/licences\/\{number\}/, 'skip'],
  // Open datasets are public; publishing and applications are tested in modules/opendata.
  [/^\/api\/open\/(datasets\/\{name\}|applications\/\{id\})/, 'skip'],
  // A file is its uploader's until attached, then follows its record (modules/command incidents test).
  [/^\/api\/files\/\{id\}$/, 'skip'],
  [/^\/api\/urban\/cases\/\{id\}/, 'case'],
  // The classification is the centre's to edit (refusals tested in modules/urban); a work order is
  // its hotline system's, a request the centre's (modules/urban loop test).
  [/^\/api\/urban\/(classification\/subcategories\/\{code\}|hotline\/orders\/\{orderNo\}|requests\/\{id\})/, 'skip'],
  // A session, an agent's grant, a share and a reservation are their account's: another account
  // finds them unknown (modules/identity and modules/superapp tests); a share addressed to a
  // department is that department's (modules/superapp citycode test).
  [/^\/api\/auth\/sessions\/\{id\}$/, 'skip'],
  [/^\/api\/people\/(agents|wallet\/shares|reservations)\/\{id\}/, 'skip'],
  [/^\/api\/licence-shares\/\{id\}$/, 'skip'],
  [/^\/api\/people\/scenic\/\{id\}\/(slots|complaints)$/, 'shared'], // published areas: their slots, complaints about them
  [/^\/api\/services\/(items|events)\/\{code\}/, 'shared'], // the public catalogue; keepers are checked in modules/services tests
  [/^\/api\/people\/services\/items\/\{code\}\/form$/, 'shared'], // a public item's form, filled with the caller's own data
  [/^\/api\/(people\/)?services\/applications\/\{id\}/, 'skip'], // the applicant's and the department's only: modules/services/__tests__/applications.test.ts
  [/^\/api\/services\/halls\/\{code\}\/windows\/\{window\}\/slots$/, 'shared'], // published slots
  [/^\/api\/(people\/)?services\/appointments\/\{id\}/, 'skip'], // the holder's and the hall's: modules/services appointments tests
  [/^\/api\/services\/followups\/\{id\}/, 'skip'], // the handling department's: modules/services ratings tests
  [/^\/api\/payments\/notify\/\{provider\}$/, 'skip'], // the provider's signature authenticates it (modules/services payments tests)
  [/^\/api\/sandbox\/payments\/\{id\}\/pay$/, 'skip'], // the development provider's payer (modules/services payments tests)
];

/** Query strings listings and id routes need to get past validation. */
const QUERIES: Record<string, string> = {
  'GET /api/devices/{id}/series': 'attr=currentLevel',
  'GET /api/districts/lookup': `lon=${ZHANGWAN.lon}&lat=${ZHANGWAN.lat}`,
  'GET /api/calendar/deadline': 'from=2026-12-01&workingDays=3',
  'GET /api/sharing/data-use': 'subject=420303198503112021',
  'GET /api/licences': 'holder=420303198503112021',
  'GET /api/command/resources/nearest': `type=pump_truck&lon=${ZHANGWAN.lon}&lat=${ZHANGWAN.lat}`,
  'GET /api/urban/grids/at': 'lon=110.78&lat=32.62',
  'GET /api/urban/grids': 'district=420302',
  'GET /api/services/payments/reconciliation': 'day=2026-12-07',
  'GET /api/services/ratings/stats': 'by=department',
};

/** Listings not swept, and why. */
const LISTINGS_SKIPPED: Record<string, string> = {
  'GET /api/live': 'a WebSocket; its scope is tested in modules/sensing and modules/command',
  'GET /healthz': 'no data',
  'GET /readyz': 'no data',
  'GET /api/urban/classification': 'the published classification: its fromAlerts name warning-rule id prefixes (air-quality), not the rules',
};

/** Bodies that pass validation, so the scope check is what answers. */
const BODIES: Record<string, unknown> = {
  'PATCH /api/devices/{id}': { version: 1, name: 'sweep' },
  'PUT /api/warning/rules/{id}': {
    version: 1,
    enabled: true,
    name: { zh: '扫描', en: 'Sweep' },
    source: 'sweep',
    owner: 'ZJJ',
    task: 'drainage',
    scope: { types: ['FloodMonitoring'] },
    levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.15 } }],
  },
  'POST /api/alerts/{id}/acknowledge': { comment: 'sweep' },
  'POST /api/alerts/{id}/comment': { comment: 'sweep' },
  'POST /api/alerts/{id}/resolve': { comment: 'sweep' },
  'POST /api/alerts/{id}/close': { comment: 'sweep' },
  'POST /api/command/incidents/{id}/activate': { planId: 'urban-waterlogging', level: 4 },
  'POST /api/command/incidents/{id}/level': { level: 3, reason: 'sweep' },
  'POST /api/command/incidents/{id}/end': { reason: 'sweep' },
  'POST /api/command/incidents/{id}/allocations': { resourceId: 'res_none', quantity: 1 },
  'PUT /api/command/incidents/{id}/lessons': { lessons: 'sweep' },
  'POST /api/command/tasks/{id}/accept': {},
  'POST /api/command/tasks/{id}/complete': { comment: 'sweep' },
  'POST /api/command/tasks/{id}/reports': { text: 'sweep' },
  'POST /api/command/allocations/{id}/return': {},
  'PATCH /api/users/{id}': { displayName: 'sweep' },
  'POST /api/users/{id}/reset-password': {},
  'POST /api/users/{id}/unlock': {},
  'POST /api/workflow-instances/{id}/transitions': { transition: 'accept' },
  'POST /api/devices/{id}/token': {},
  'POST /api/warning/rules/{id}/resume': {},
  'POST /api/urban/cases/{id}/file': {},
  'POST /api/urban/cases/{id}/reject': { comment: 'sweep' },
  'POST /api/urban/cases/{id}/merge': {},
  'POST /api/urban/cases/{id}/dispatch': {},
  'POST /api/urban/cases/{id}/return': { comment: 'sweep' },
  'POST /api/urban/cases/{id}/report-back': { comment: 'sweep', photos: ['fil_none'] },
  'POST /api/urban/cases/{id}/verify': { ok: true },
  'POST /api/urban/cases/{id}/resume': {},
  'POST /api/urban/cases/{id}/requests': { kind: 'hang', reason: 'sweep' },
  'POST /api/urban/cases/{id}/rating': { score: 5 },
};

const UNKNOWN: Record<Kind, string> = {
  device: 'swdev-none',
  rule: 'swrule-none',
  alert: 'alr_00000000000000000000000',
  incident: 'inc_00000000000000000000000',
  task: 'wfi_00000000000000000000000',
  allocation: 'alc_00000000000000000000000',
  window: 'mw_00000000000000000000000',
  endpoint: 'nep_00000000000000000000000',
  user: 'usr_00000000000000000000000',
  apikey: 'key_00000000000000000000000',
  instance: 'wfi_00000000000000000000000',
  case: 'case_00000000000000000000000',
};

const set = (s: ScopeSet) => s;

for (const d of await dialects()) {
  describe(`route-by-role sweep (${d.name})`, () => {
    let t: TestApp<EventBus>;
    let admin: string;
    const callers: Caller[] = [];
    /** Every seeded record: its kind, id, and who may see it. */
    /**
     * Every seeded record: its kind, id, who may see it, and (when narrower) who may act on it;
     * `mentions` are ids its answers name.
     */
    const records: { kind: Kind; id: string; visible: (c: Caller) => boolean; actable?: (c: Caller) => boolean; mentions?: string[] }[] = [];
    let paths: Record<string, Record<string, unknown>> = {};

    before(async () => {
      t = (await startApp(d)) as TestApp<EventBus>;
      admin = await t.login('admin');
      // Worked out from docs/security.md: 张湾区人民政府 (GOV-420303) governs 420303.
      const GOVERNS: Record<string, string> = { 'GOV-420303': '420303', 'GOV-420302': '420302' };
      const accounts: [string, ScopeSet, ScopeSet, boolean][] = [
        ['admin', ALL, ALL, true],
        ['duty', ALL, ALL, true],
        ['yjj.leader', ['YJJ'], ALL, true],
        ['zjj.leader', ['ZJJ'], ALL, true],
        ['zjj.staff', ['ZJJ'], ALL, false],
        ['cgw.staff', ['CGW'], ALL, false],
        ['zw.staff', ['GOV-420303'], ['420303'], false],
        ['grid.maojian', ['CGW'], ['420302'], false],
        ['citizen', [], [], false],
        ['enterprise', [], [], false],
      ];
      for (const [name, departments, districts, usersRead] of accounts) {
        const token = await t.login(name);
        const me = await t.call('GET', '/api/auth/me', token);
        const scope = { departments: set(departments), districts: set(districts) };
        const governs = departments !== ALL && departments.length === 1 ? GOVERNS[departments[0]!] : undefined;
        callers.push({
          name,
          token,
          scope,
          view: governs ? { departments: ALL, districts: [governs], cityLevel: false } : scope,
          usersRead,
          keysRead: name === 'admin',
          selfId: me.body.id,
        });
      }
      const key = await t.call('POST', '/api/api-keys', admin, { name: '住建局排水系统 sweep', department: 'ZJJ', districts: ['*'], roles: ['api_client'] });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      callers.push({
        name: 'ZJJ API key',
        token: key.body.key,
        scope: { departments: ['ZJJ'], districts: ALL },
        view: { departments: ['ZJJ'], districts: ALL },
        usersRead: false,
        keysRead: false,
        selfId: key.body.id,
      });
      const byName = (n: string) => callers.find((c) => c.name === n)!.token;

      // ---- devices in both districts of both departments and the district governments ----
      const devices = [
        ['swdev-zjj-mj', 'ZJJ', MAOJIAN, '420302'],
        ['swdev-zjj-zw', 'ZJJ', ZHANGWAN, '420303'],
        ['swdev-cgw-mj', 'CGW', MAOJIAN, '420302'],
        ['swdev-cgw-zw', 'CGW', ZHANGWAN, '420303'],
        ['swdev-gov-zw', 'GOV-420303', ZHANGWAN, '420303'],
        ['swdev-gov-mj', 'GOV-420302', MAOJIAN, '420302'],
      ] as const;
      const tokens: Record<string, string> = {};
      for (const [id, department, location, district] of devices) {
        const r = await t.call('POST', '/api/devices', admin, { id, name: id, type: 'FloodMonitoring', department, location });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        tokens[id] = r.body.token;
        records.push({
          kind: 'device',
          id,
          visible: (c) => inScope(c.view, { department, district }),
          actable: (c) => inScope(c.scope, { department, district }),
        });
      }
      // ---- rules of CGW and 张湾区政府 besides the seeded ones (ZJJ's waterlogging rules) ----
      for (const [id, owner, task] of [
        ['swrule-cgw', 'CGW', 'urban-management'],
        ['swrule-gov-zw', 'GOV-420303', 'drainage'],
      ] as const) {
        const r = await t.call('POST', '/api/warning/rules', admin, {
          id,
          name: { zh: id, en: id },
          source: 'sweep',
          owner,
          task,
          scope: { types: ['FloodMonitoring'] },
          levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.15 } }],
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      for (const r of (await t.call('GET', '/api/warning/rules', admin)).body as { id: string; owner: string; public?: unknown }[]) {
        records.push({ kind: 'rule', id: r.id, visible: (c) => inScope(c.scope, { department: r.owner, district: null }) });
        if (r.public) publicRules.add(r.id);
      }
      // ---- readings that raise alerts on every device ----
      const base = Date.now() - 30 * MIN;
      for (const [id] of devices) {
        await post(t, id, tokens[id]!, { ts: base, currentLevel: 0.2 });
        await post(t, id, tokens[id]!, { ts: base + 3 * MIN, currentLevel: 0.22 });
      }
      const alerts = (await t.call('GET', '/api/alerts?limit=500', admin)).body.items as {
        id: string;
        ruleId: string;
        deviceId: string | null;
        district: string | null;
        recipients: { department: string }[];
      }[];
      assert.ok(alerts.length >= devices.length, `alerts: ${alerts.length}`);
      const alertVisible = new Map<string, (c: Caller) => boolean>();
      for (const a of alerts) {
        const recipients = a.recipients.map((r) => r.department);
        const visible = (c: Caller) => recipients.some((dep) => inScope(c.view, { department: dep, district: a.district }));
        const actable = (c: Caller) => recipients.some((dep) => inScope(c.scope, { department: dep, district: a.district }));
        alertVisible.set(a.id, visible);
        records.push({ kind: 'alert', id: a.id, visible, actable });
        if (publicRules.has(a.ruleId)) publicAlerts.push(a);
      }

      // ---- incidents: from an alert and activated; reported by CGW; reported by phone ----
      const zjjMj = alerts.find((a) => a.deviceId === 'swdev-zjj-mj' && a.ruleId === 'waterlogging-depth')!;
      const a = await t.call('POST', '/api/command/incidents', byName('duty'), { fromAlert: zjjMj.id });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      assert.equal(
        (await t.call('POST', `/api/command/incidents/${a.body.id}/activate`, byName('duty'), { planId: 'urban-waterlogging', level: 4 })).status,
        200,
      );
      const b = await t.call('POST', '/api/command/incidents', byName('cgw.staff'), {
        title: 'sweep 城管上报',
        subkind: 'waterlogging',
        severity: 4,
        location: ZHANGWAN,
        source: 'report',
      });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      const c = await t.call('POST', '/api/command/incidents', byName('duty'), {
        title: 'sweep 电话报告',
        subkind: 'waterlogging',
        severity: 4,
        location: MAOJIAN,
        source: 'phone',
      });
      assert.equal(c.status, 201);
      const involved: Record<string, string[]> = {
        [a.body.id]: ['DSJZX', ...zjjMj.recipients.map((r) => r.department)],
        [b.body.id]: ['CGW'],
        [c.body.id]: ['DSJZX'],
      };
      const near = (await t.call('GET', `/api/command/resources/nearest?type=pump_truck&lon=${MAOJIAN.lon}&lat=${MAOJIAN.lat}`, admin)).body[0];
      const alloc = await t.call('POST', `/api/command/incidents/${a.body.id}/allocations`, byName('duty'), { resourceId: near.id, quantity: 1 });
      assert.equal(alloc.status, 201, JSON.stringify(alloc.body));
      for (const inc of [a.body, b.body, c.body]) {
        const board = (await t.call('GET', `/api/command/incidents/${inc.id}`, admin)).body;
        for (const task of board.tasks) involved[inc.id]!.push(task.unit);
        const depts = involved[inc.id]!;
        const visible = (x: Caller) => depts.some((dep) => inScope(x.view, { department: dep, district: inc.district }));
        const actable = (x: Caller) => depts.some((dep) => inScope(x.scope, { department: dep, district: inc.district }));
        // Its title names the device of the alert it came from: shared with everyone involved.
        records.push({ kind: 'incident', id: inc.id, visible, actable, mentions: [board.incident.title, ...board.alerts] });
        for (const task of board.tasks) {
          records.push({ kind: 'task', id: task.id, visible, actable: (x) => inScope(x.scope, { department: task.unit, district: inc.district }) });
          // The workflow kernel's view of a task is its unit's (the board shows it to everyone involved).
          records.push({ kind: 'instance', id: task.id, visible: (x) => inScope(x.scope, { department: task.unit, district: inc.district }) });
        }
        if (inc.id === a.body.id) records.push({ kind: 'allocation', id: alloc.body.id, visible, actable });
      }

      // ---- maintenance windows and endpoints of ZJJ and CGW ----
      for (const [who, device, dept] of [
        ['zjj.staff', 'swdev-zjj-mj', 'ZJJ'],
        ['cgw.staff', 'swdev-cgw-zw', 'CGW'],
      ] as const) {
        const w = await t.call('POST', '/api/warning/maintenance', byName(who), { deviceId: device, endsAt: Date.now() + 3_600_000, reason: `sweep ${dept}` });
        assert.equal(w.status, 201, JSON.stringify(w.body));
        records.push({ kind: 'window', id: w.body.id, visible: (x) => inScope(x.scope, { department: dept, district: null }) });
        const e = await t.call('POST', '/api/warning/endpoints', byName(who), {
          department: dept,
          channel: 'email',
          address: `duty-${dept.toLowerCase()}@example.org`,
        });
        assert.equal(e.status, 201, JSON.stringify(e.body));
        records.push({ kind: 'endpoint', id: e.body.id, visible: (x) => inScope(x.scope, { department: dept, district: null }) });
      }
      // ---- urban-management cases: reported by the 茅箭 inspector and by a citizen; one in 张湾 dispatched to 住建局 ----
      const zw = t.urban.urban.grids.all().find((g) => g.district === '420303')!;
      const IN_ZW = { lon: (zw.bbox[0] + zw.bbox[2]) / 2, lat: (zw.bbox[1] + zw.bbox[3]) / 2 };
      const IN_MJ = { lon: 110.78, lat: 32.62 };
      const seeded: [string, string, { lon: number; lat: number }, string][] = [
        ['grid.maojian', 'E0101', IN_MJ, '420302'],
        ['citizen', 'E0102', IN_MJ, '420302'],
        ['cgw.staff', 'E0303', IN_ZW, '420303'],
      ];
      for (const [who, subcategory, location, district] of seeded) {
        const r = await t.call('POST', '/api/urban/cases', byName(who), { subcategory, location, description: `sweep ${who}` });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        let unit: string | null = null;
        if (who === 'cgw.staff') {
          assert.equal((await t.call('POST', `/api/urban/cases/${r.body.id}/file`, byName('cgw.staff'), {})).status, 200);
          unit = (await t.call('POST', `/api/urban/cases/${r.body.id}/dispatch`, byName('cgw.staff'), {})).body.unit;
          assert.equal(unit, 'ZJJ');
        }
        // docs/security.md: the centre and the city-wide roles see every case, an inspector the
        // cases of their districts, a unit those dispatched to it, a district government those in
        // its district (read-only), the public and systems what they reported.
        const visible = (x: Caller) => {
          if (['admin', 'duty', 'cgw.staff'].includes(x.name)) return true;
          if (x.name === 'grid.maojian') return district === '420302';
          if (x.name === 'zw.staff') return district === '420303';
          if (['citizen', 'enterprise', 'ZJJ API key'].includes(x.name)) return x.name === who;
          return unit !== null && x.scope.departments !== ALL && x.scope.departments.includes(unit);
        };
        records.push({ kind: 'case', id: r.body.id, visible, actable: (x) => visible(x) && x.name !== 'zw.staff' });
      }

      // ---- people and keys ----
      for (const u of (await t.call('GET', '/api/users?limit=200', admin)).body.items as { id: string; department: string | null }[])
        records.push({
          kind: 'user',
          id: u.id,
          visible: (x) =>
            x.selfId === u.id || (x.usersRead && (x.scope.departments === ALL || (u.department !== null && x.scope.departments.includes(u.department)))),
        });
      for (const k of (await t.call('GET', '/api/api-keys', admin)).body as { id: string }[])
        records.push({ kind: 'apikey', id: k.id, visible: (x) => x.keysRead || x.selfId === k.id });

      await t.app.ready();
      paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    });
    after(() => t.close());

    /** Ids of records the caller may see, directly or through a record it may see that names them. */
    function allowed(c: Caller): Set<string> {
      const out = new Set<string>();
      for (const r of records) {
        if (!r.visible(c)) continue;
        out.add(r.id);
        for (const m of r.mentions ?? []) for (const x of records) if (m.includes(x.id)) out.add(x.id);
      }
      if (c.name === 'citizen' || c.name === 'enterprise')
        for (const a of publicAlerts)
          if (a.district === null || a.district === '420302') {
            out.add(a.id);
            if (a.deviceId) out.add(a.deviceId);
          }
      // An alert names its device and rule: routed to a department, it shares them.
      for (const r of records.filter((x) => x.kind === 'alert' && out.has(x.id))) {
        const a = alertInfo.get(r.id);
        if (a) {
          if (a.deviceId) out.add(a.deviceId);
          out.add(a.ruleId);
        }
      }
      return out;
    }
    const alertInfo = new Map<string, { deviceId: string | null; ruleId: string }>();
    /** Rules that tell the public, and their alerts: residents read those of their district (the demo accounts': 茅箭区), titles naming the place. */
    const publicRules = new Set<string>();
    const publicAlerts: { id: string; deviceId: string | null; district: string | null }[] = [];

    /** The record ids (of the kinds this test tracks, users aside: they name actors) anywhere in a body. */
    function idsIn(body: string): string[] {
      return records.filter((r) => r.kind !== 'user' && body.includes(r.id)).map((r) => r.id);
    }

    test('no listing returns a record outside the caller’s scope', async () => {
      for (const a of (await t.call('GET', '/api/alerts?limit=500', admin)).body.items) alertInfo.set(a.id, { deviceId: a.deviceId, ruleId: a.ruleId });
      const problems: string[] = [];
      let swept = 0;
      for (const [path, ops] of Object.entries(paths)) {
        if (path.includes('{') || !('get' in ops)) continue;
        const key = `GET ${path}`;
        if (LISTINGS_SKIPPED[key]) continue;
        for (const c of callers) {
          const q = QUERIES[key];
          const r = await t.inject({ method: 'GET', url: q ? `${path}?${q}` : path, headers: { authorization: `Bearer ${c.token}` } });
          if (r.statusCode === 400) problems.push(`${key} answers 400 without a query: add one to QUERIES (${r.body.slice(0, 200)})`);
          swept++;
          const ok = allowed(c);
          const leaked = idsIn(r.body).filter((id) => !ok.has(id));
          if (leaked.length) problems.push(`${c.name} ${key} (${r.statusCode}) returns ${leaked.join(', ')}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(swept > 300, `swept ${swept} listings`);
    });

    test('every route with an id answers an out-of-scope record as an unknown one, finds an in-scope one, and changes nothing', async () => {
      const snapshot = async () =>
        JSON.stringify({
          devices: (await t.call('GET', '/api/devices?limit=500', admin)).body.items.map((x: { id: string; version: number }) => [x.id, x.version]),
          rules: (await t.call('GET', '/api/warning/rules', admin)).body.map((x: { id: string; version: number; status: string }) => [
            x.id,
            x.version,
            x.status,
          ]),
          alerts: (await t.call('GET', '/api/alerts?limit=500', admin)).body.items.map((x: { id: string; status: string; rev: number }) => [
            x.id,
            x.status,
            x.rev,
          ]),
          incidents: (await t.call('GET', '/api/command/incidents', admin)).body.map((x: { id: string; rev: number }) => [x.id, x.rev]),
          windows: (await t.call('GET', '/api/warning/maintenance', admin)).body.map((x: { id: string; endsAt: number }) => [x.id, x.endsAt]),
          endpoints: (await t.call('GET', '/api/warning/endpoints', admin)).body.map((x: { id: string }) => x.id),
          users: (await t.call('GET', '/api/users?limit=200', admin)).body.items.map((x: { id: string; status: string; displayName: string }) => [
            x.id,
            x.status,
            x.displayName,
          ]),
          keys: (await t.call('GET', '/api/api-keys', admin)).body.map((x: { id: string; revoked: boolean }) => [x.id, x.revoked]),
          cases: (await t.call('GET', '/api/urban/cases?limit=500', admin)).body.map((x: { id: string; state: string; rev: number }) => [x.id, x.state, x.rev]),
        });
      const before = await snapshot();
      const problems: string[] = [];
      let compared = 0;
      let readOnlyTried = 0;
      const strip = (body: string, ids: string[]) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return body;
        }
        if (parsed && typeof parsed === 'object') {
          const o = parsed as Record<string, unknown>;
          delete o.requestId;
          delete o.instance;
        }
        let text = JSON.stringify(parsed);
        for (const id of ids) text = text.replaceAll(id, '<id>');
        return text;
      };
      for (const [path, ops] of Object.entries(paths)) {
        if (!path.includes('{')) continue;
        const kind = ROUTE_KINDS.find(([re]) => re.test(path))?.[1];
        if (!kind) {
          problems.push(`${path}: no kind in ROUTE_KINDS`);
          continue;
        }
        if (kind === 'skip' || kind === 'shared') continue;
        for (const method of Object.keys(ops)) {
          const key = `${method.toUpperCase()} ${path}`;
          const mutating = method !== 'get';
          if (mutating && !(key in BODIES) && method !== 'delete') {
            problems.push(`${key}: no body in BODIES`);
            continue;
          }
          const q = QUERIES[key];
          const call = (id: string, c: Caller) =>
            t.inject({
              method: method.toUpperCase() as 'GET',
              url: `${path.replace(/\{[^}]+\}/, encodeURIComponent(id))}${q ? `?${q}` : ''}`,
              headers: { authorization: `Bearer ${c.token}`, ...(key in BODIES ? { 'content-type': 'application/json' } : {}) },
              ...(key in BODIES ? { payload: JSON.stringify(BODIES[key]) } : {}),
            });
          for (const c of callers) {
            const unknown = await call(UNKNOWN[kind], c);
            for (const r of records.filter((x) => x.kind === kind)) {
              if (r.visible(c)) {
                // Reading an in-scope record finds it (mutations of records one may act on are other tests' business).
                if (!mutating) {
                  const seen = await call(r.id, c);
                  if (seen.statusCode === 404) problems.push(`${c.name} ${key} ${r.id}: in scope but 404`);
                } else if (r.actable && !r.actable(c)) {
                  const tried = await call(r.id, c);
                  readOnlyTried++;
                  if (tried.statusCode !== 403)
                    problems.push(`${c.name} ${key} ${r.id}: read-only but answered ${tried.statusCode} ${tried.body.slice(0, 200)}`);
                }
                continue;
              }
              const seen = await call(r.id, c);
              compared++;
              const a = `${seen.statusCode} ${strip(seen.body, [r.id, UNKNOWN[kind]])}`;
              const b = `${unknown.statusCode} ${strip(unknown.body, [r.id, UNKNOWN[kind]])}`;
              if (a !== b) problems.push(`${c.name} ${key} ${r.id}: ${a.slice(0, 240)}  ≠  unknown: ${b.slice(0, 240)}`);
            }
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(compared > 500, `compared ${compared}`);
      assert.ok(readOnlyTried > 20, `changes tried on read-only records: ${readOnlyTried}`);
      assert.equal(await snapshot(), before, 'calls on out-of-scope records changed nothing');
    });
  });
}
