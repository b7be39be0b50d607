/**
 * Rules over real ingestion on SQLite and PostgreSQL: readings posted over HTTP are evaluated by
 * the engine, alerts are raised, re-levelled and cleared with their timeline, routed by the
 * responsibility matrix, acted on by people within their scope, and state survives a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp, waitFor } from '../../../test/helpers.js';
import { post, settle } from '../../../test/ingest.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 }; // 张湾区 420303
const MIN = 60_000;

for (const d of await dialects()) {
  describe(`warning rules and alerts (${d.name})`, () => {
    let t: TestApp;
    let admin: string;
    let token: string;
    const base = Date.now() - 60 * MIN;
    before(async () => {
      t = await startApp(d);
      admin = await t.login('admin');
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'pond-renmin',
        name: '人民北路下穿积水点',
        type: 'FloodMonitoring',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      token = r.body.token;
    });
    after(() => t.close());

    test('the seed rules are stored, each citing its source, and valid', async () => {
      const r = await t.call('GET', '/api/warning/rules', admin);
      assert.equal(r.status, 200);
      const ids = r.body.map((x: { id: string }) => x.id);
      for (const id of [
        'waterlogging-depth',
        'waterlogging-predicted',
        'river-level',
        'gas-lel',
        'air-quality',
        'danjiangkou-class',
        'scenic-capacity',
        'devices-offline',
      ])
        assert.ok(ids.includes(id), id);
      for (const rule of r.body) {
        assert.ok(rule.source.length > 10, `${rule.id} cites a source`);
        assert.equal(rule.status, 'active');
        const v = await t.call('POST', '/api/warning/rules/validate', admin, {
          name: rule.name,
          source: rule.source,
          owner: rule.owner,
          task: rule.task,
          scope: rule.scope,
          levels: rule.levels,
          ...(rule.notify ? { notify: rule.notify } : {}),
          ...(rule.routing ? { routing: rule.routing } : {}),
        });
        assert.deepEqual(v.body, { valid: true, errors: [] }, rule.id);
      }
    });

    test('waterlogging: raised after 2 minutes over 15 cm, level raised, then cleared; routed to 市住建局 and the district', async () => {
      await post(t, 'pond-renmin', token, { ts: base, currentLevel: 0.05 });
      await post(t, 'pond-renmin', token, { ts: base + MIN, currentLevel: 0.18 });
      let list = await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin);
      assert.equal(list.body.total, 0, 'not yet: the depth must hold for 2 minutes');
      await post(t, 'pond-renmin', token, { ts: base + 3 * MIN, currentLevel: 0.2 });
      list = await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin);
      assert.equal(list.body.total, 1);
      const a = list.body.items[0];
      assert.equal(a.level, 4);
      assert.equal(a.status, 'raised');
      assert.equal(a.district, '420303');
      assert.equal(a.title.zh, '城市积水点积水深度：人民北路下穿积水点');
      assert.deepEqual(
        a.recipients.map((r: { department: string }) => r.department),
        ['ZJJ', 'GOV-420303'],
      );
      // The bureau's demo account sees it in its inbox; a department it was not sent to does not.
      const zjj = await t.call('GET', '/api/alerts?rule=waterlogging-depth', await t.login('zjj.staff'));
      assert.deepEqual(
        zjj.body.items.map((x: { id: string }) => x.id),
        [a.id],
      );
      const cgw = await t.call('GET', '/api/alerts?rule=waterlogging-depth', await t.login('cgw.staff'));
      assert.equal(cgw.body.total, 0);

      // Deeper: the same alert goes up to Ⅲ; one open alert per rule and subject.
      await post(t, 'pond-renmin', token, { ts: base + 4 * MIN, currentLevel: 0.34 });
      list = await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin);
      assert.equal(list.body.total, 1);
      assert.equal(list.body.items[0].level, 3);

      // Hysteresis: 0.12 m is below 15 cm but above the 10 cm clear level.
      await post(t, 'pond-renmin', token, { ts: base + 5 * MIN, currentLevel: 0.12 });
      list = await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin);
      assert.equal(list.body.items[0].level, 4);
      assert.equal(list.body.items[0].status, 'raised');
      await post(t, 'pond-renmin', token, { ts: base + 6 * MIN, currentLevel: 0.04 });
      const detail = await t.call('GET', `/api/alerts/${a.id}`, admin);
      assert.equal(detail.body.status, 'resolved');
      assert.deepEqual(
        detail.body.timeline.map((e: { action: string; level: number }) => [e.action, e.level]),
        [
          ['raised', 4],
          ['level_raised', 3],
          ['level_lowered', 4],
          ['cleared', 4],
        ],
      );
      assert.equal(detail.body.timeline[0].actor.name, 'system');
      // The engine's entries read in words, in both languages: the level, the attribute's name and unit, the threshold.
      assert.match(detail.body.timeline[0].summary.zh, /^Ⅳ级 蓝色：积水深度 0\.\d+ m（阈值 0\.15）$/);
      assert.match(detail.body.timeline[0].summary.en, /^Level IV \(blue\): Ponding depth 0\.\d+ m \(threshold 0\.15\)$/);
      // Evidence: the triggering reading and the series window.
      const ev = detail.body.evidence;
      assert.equal(ev.latest.conditions[0].attr, 'currentLevel');
      const series = ev.series.find((s: { attr: string }) => s.attr === 'currentLevel');
      assert.ok(series.points.length >= 5, JSON.stringify(series));
    });

    test('people act on alerts: acknowledge, comment, resolve; stale revisions and out-of-scope callers are refused', async () => {
      await post(t, 'pond-renmin', token, { ts: base + 20 * MIN, currentLevel: 0.6 }); // straight to Ⅱ (no duration at 0.5 m)
      const list = await t.call('GET', '/api/alerts?rule=waterlogging-depth&open=true', admin);
      assert.equal(list.body.total, 1);
      const a = list.body.items[0];
      assert.equal(a.level, 2);

      // 张湾区政府 staff see it (routed to their district government); 城管执法委 staff do not.
      const zw = await t.login('zw.staff');
      const cgw = await t.login('cgw.staff');
      const seen = await t.call('GET', '/api/alerts?open=true', zw);
      assert.ok(seen.body.items.some((x: { id: string }) => x.id === a.id));
      const notSeen = await t.call('GET', '/api/alerts?open=true', cgw);
      assert.ok(!notSeen.body.items.some((x: { id: string }) => x.id === a.id));
      // An alert not routed to the caller answers exactly as an unknown one.
      assert.equal((await t.call('GET', `/api/alerts/${a.id}`, cgw)).status, 404);
      assert.equal((await t.call('POST', `/api/alerts/${a.id}/acknowledge`, cgw, {})).status, 404);

      const ack = await t.call('POST', `/api/alerts/${a.id}/acknowledge`, zw, { comment: '已派人到场', rev: a.rev });
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      assert.equal(ack.body.status, 'acknowledged');
      const stale = await t.call('POST', `/api/alerts/${a.id}/comment`, admin, { comment: 'x', rev: a.rev });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'WD_ERR_VERSION_CONFLICT');
      const again = await t.call('POST', `/api/alerts/${a.id}/acknowledge`, admin, {});
      assert.equal(again.status, 409);
      const noReason = await t.call('POST', `/api/alerts/${a.id}/close`, admin, {});
      assert.equal(noReason.status, 400);
      const comment = await t.call('POST', `/api/alerts/${a.id}/comment`, admin, { comment: '泵车已到位' });
      assert.equal(comment.status, 200);
      const resolved = await t.call('POST', `/api/alerts/${a.id}/resolve`, zw, { comment: '积水已排除' });
      assert.equal(resolved.body.status, 'resolved');
      const detail = await t.call('GET', `/api/alerts/${a.id}`, admin);
      const steps = detail.body.timeline.map((e: { action: string; actor: { name: string } }) => [e.action, e.actor.name]);
      assert.deepEqual(steps.slice(-3), [
        ['acknowledged', '张湾区政府 刘科员'],
        ['comment', '平台管理员 Administrator'],
        ['resolved', '张湾区政府 刘科员'],
      ]);
      // A person closed it while the water is still high: it is not raised again at once.
      await post(t, 'pond-renmin', token, { ts: base + 21 * MIN, currentLevel: 0.62 });
      const open = await t.call('GET', '/api/alerts?rule=waterlogging-depth&open=true', admin);
      assert.equal(open.body.total, 0);
      // Audit records who acted.
      const audit = await t.call('GET', '/api/audit?action=alert.acknowledge', admin);
      assert.ok(
        audit.body.items.some((e: { targetId: string }) => e.targetId === a.id),
        JSON.stringify(audit.body).slice(0, 300),
      );
      // Once it clears and rises again, it is a new alert.
      await post(t, 'pond-renmin', token, { ts: base + 22 * MIN, currentLevel: 0.02 });
      await post(t, 'pond-renmin', token, { ts: base + 23 * MIN, currentLevel: 0.55 });
      const fresh = await t.call('GET', '/api/alerts?rule=waterlogging-depth&open=true', admin);
      assert.equal(fresh.body.total, 1);
      assert.notEqual(fresh.body.items[0].id, a.id);
      await post(t, 'pond-renmin', token, { ts: base + 24 * MIN, currentLevel: 0.01 });
    });

    test('flapping: an alert that keeps coming back is reopened, marked flapping and held open', async () => {
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'gas-flap',
        name: '燃气井 1',
        type: 'CombustibleGasObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      const tok = r.body.token;
      for (let i = 0; i < 4; i++) {
        await post(t, 'gas-flap', tok, { ts: base + (2 * i + 1) * MIN, lel: 30 });
        await post(t, 'gas-flap', tok, { ts: base + (2 * i + 2) * MIN, lel: 5 });
      }
      const all = await t.call('GET', '/api/alerts?rule=gas-lel&device=gas-flap', admin);
      assert.equal(all.body.total, 1, 'one alert, reopened, not four');
      const a = all.body.items[0];
      assert.equal(a.reopenCount, 3);
      assert.equal(a.flapping, true);
      // Held open after the last clear (flapping alerts resolve only after 15 quiet minutes).
      assert.equal(a.status, 'raised');
      const detail = await t.call('GET', `/api/alerts/${a.id}`, admin);
      assert.ok(detail.body.timeline.some((e: { action: string }) => e.action === 'flapping'));
    });

    test('a maintenance window silences a device; alerts resume after it ends', async () => {
      const r = await t.call('POST', '/api/devices', admin, {
        id: 'gas-mnt',
        name: '燃气井 2',
        type: 'CombustibleGasObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      const tok = r.body.token;
      const w = await t.call('POST', '/api/warning/maintenance', admin, { deviceId: 'gas-mnt', endsAt: Date.now() + 3600_000, reason: '检修燃气探头' });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      await post(t, 'gas-mnt', tok, { ts: base + MIN, lel: 60 });
      assert.equal((await t.call('GET', '/api/alerts?device=gas-mnt&rule=gas-lel', admin)).body.total, 0);
      const end = await t.call('DELETE', `/api/warning/maintenance/${w.body.id}`, admin);
      assert.equal(end.status, 204);
      await t.warning.engine!.tick();
      await settle(t);
      const list = await t.call('GET', '/api/alerts?device=gas-mnt&rule=gas-lel', admin);
      assert.equal(list.body.total, 1, 'raised once the window ended, on the next tick');
      assert.equal(list.body.items[0].level, 2);
      // A department may not silence a whole district.
      const zw = await t.login('zw.staff');
      const denied = await t.call('POST', '/api/warning/maintenance', zw, { district: '420303', endsAt: Date.now() + 3600_000, reason: 'x' });
      assert.equal(denied.status, 403);
    });

    test('an invalid rule is refused with each field and reason', async () => {
      const r = await t.call('POST', '/api/warning/rules', admin, {
        id: 'bad-rule',
        name: { zh: '坏规则', en: 'Bad rule' },
        source: ' ',
        owner: 'NOPE',
        task: 'drainage',
        scope: { types: ['FloodMonitoring'] },
        levels: [
          { level: 4, condition: { kind: 'threshold', attr: 'depth', op: '>=', value: 0.3, clear: 0.5 } },
          { level: 4, condition: { kind: 'geofence', polygon: [[1, 2]], inside: true } },
        ],
      });
      assert.equal(r.status, 400);
      assert.equal(r.body.code, 'WD_ERR_VALIDATION');
      const pointers = r.body.errors.map((e: { pointer: string }) => e.pointer);
      for (const p of [
        '/body/source',
        '/body/owner',
        '/body/levels/0/condition/attr',
        '/body/levels/0/condition/clear',
        '/body/levels/1/level',
        '/body/levels/1/condition/polygon',
        '/body/levels/1/condition',
      ])
        assert.ok(pointers.includes(p), `${p} in ${pointers.join(', ')}`);
    });

    test('rules are versioned; a device missing a property is a visible fault that stops nothing else', async () => {
      const create = await t.call('POST', '/api/warning/rules', admin, {
        id: 'well-custom',
        name: { zh: '窨井液位（按井设定）', en: 'Well level (per-well limit)' },
        source: 'test: per-well limit in the device properties',
        owner: 'ZJJ',
        task: 'drainage',
        scope: { types: ['DrainageWellObserved'] },
        levels: [{ level: 3, condition: { kind: 'threshold', attr: 'level', op: '>=', value: { property: 'alarmLevel' } } }],
      });
      assert.equal(create.status, 201, JSON.stringify(create.body));
      assert.equal(create.body.version, 1);
      const w1 = await t.call('POST', '/api/devices', admin, {
        id: 'well-a',
        name: '窨井 A',
        type: 'DrainageWellObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
        properties: { alarmLevel: 2 },
      });
      const w2 = await t.call('POST', '/api/devices', admin, {
        id: 'well-b',
        name: '窨井 B',
        type: 'DrainageWellObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      await settle(t);
      await post(t, 'well-b', w2.body.token, { ts: base + MIN, level: 2.5 });
      await post(t, 'well-a', w1.body.token, { ts: base + MIN, level: 2.5 });
      const rule = await t.call('GET', '/api/warning/rules/well-custom', admin);
      assert.equal(rule.body.status, 'active');
      assert.deepEqual(rule.body.faults, [{ subject: 'well-b', fault: 'well-b: device has no property alarmLevel for the threshold' }]);
      const alerts = await t.call('GET', '/api/alerts?rule=well-custom', admin);
      assert.deepEqual(
        alerts.body.items.map((a: { deviceId: string }) => a.deviceId),
        ['well-a'],
      );
      // Edit: version 2; a stale edit is refused.
      const def = { ...rule.body };
      for (const k of ['id', 'status', 'suspendedReason', 'faults', 'createdBy', 'updatedAt']) delete def[k];
      const v2 = await t.call('PUT', '/api/warning/rules/well-custom', admin, {
        ...def,
        version: 1,
        levels: [{ level: 3, condition: { kind: 'threshold', attr: 'level', op: '>=', value: 2.2 } }],
      });
      assert.equal(v2.status, 200, JSON.stringify(v2.body));
      assert.equal(v2.body.version, 2);
      const stale = await t.call('PUT', '/api/warning/rules/well-custom', admin, { ...def, version: 1 });
      assert.equal(stale.status, 409);
      const versions = await t.call('GET', '/api/warning/rules/well-custom/versions', admin);
      assert.deepEqual(
        versions.body.map((v: { version: number }) => v.version),
        [2, 1],
      );
      // The new version evaluates well-b too (a fixed number instead of the missing property).
      await settle(t);
      await post(t, 'well-b', w2.body.token, { ts: base + 2 * MIN, level: 2.6 });
      const after = await t.call('GET', '/api/alerts?rule=well-custom&open=true', admin);
      assert.deepEqual(after.body.items.map((a: { deviceId: string }) => a.deviceId).sort(), ['well-a', 'well-b']);
    });

    test('a department manages only its own rules', async () => {
      const cgw = await t.login('cgw.staff');
      const r = await t.call('POST', '/api/warning/rules', cgw, {
        id: 'not-mine',
        name: { zh: '别人的规则', en: "Someone else's rule" },
        source: 'test',
        owner: 'ZJJ',
        task: 'drainage',
        scope: { types: ['FloodMonitoring'] },
        levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 1 } }],
      });
      assert.equal(r.status, 403);
      const citizen = await t.login('citizen');
      assert.equal((await t.call('GET', '/api/alerts', citizen)).status, 403);
    });

    test('k of n: wells over the limit in one district raise one district alert', async () => {
      const tokens: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await t.call('POST', '/api/devices', admin, {
          id: `well-k${i}`,
          name: `排水井 ${i}`,
          type: 'DrainageWellObserved',
          department: 'ZJJ',
          location: { lon: ZHANGWAN.lon + i * 0.001, lat: ZHANGWAN.lat },
        });
        tokens.push(r.body.token);
      }
      await settle(t);
      await post(t, 'well-k0', tokens[0]!, { ts: base + 30 * MIN, level: 3.1 });
      await post(t, 'well-k1', tokens[1]!, { ts: base + 30 * MIN, level: 3.2 });
      let list = await t.call('GET', '/api/alerts?rule=drainage-wells-district', admin);
      assert.equal(list.body.total, 0, 'two of three: not yet');
      await post(t, 'well-k2', tokens[2]!, { ts: base + 30 * MIN, level: 3.3 });
      await waitFor(async () => (await t.call('GET', '/api/alerts?rule=drainage-wells-district', admin)).body.total === 1, 5000, 'district alert');
      list = await t.call('GET', '/api/alerts?rule=drainage-wells-district', admin);
      const a = list.body.items[0];
      assert.equal(a.subject, 'district:420303');
      assert.equal(a.subjectKind, 'group');
      assert.equal(a.level, 3);
      assert.equal(a.title.zh, '区域排水井群满溢：张湾区');
    });

    test('backtest: a draft rule over stored history shows when it would have fired', async () => {
      const r = await t.call('POST', '/api/warning/backtest', admin, {
        rule: {
          name: { zh: '积水 30 cm', en: 'Ponding 30 cm' },
          source: 'backtest',
          owner: 'ZJJ',
          task: 'drainage',
          scope: { devices: ['pond-renmin'] },
          levels: [{ level: 3, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.3 } }],
        },
        from: base,
        to: Date.now(),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.devices, 1);
      // 0.34 at +4 min to 0.12 at +5; 0.6 at +20 … 0.02 at +22; 0.55 at +23 to 0.01 at +24.
      assert.deepEqual(
        r.body.periods.map((p: { from: number; to: number }) => [(p.from - base) / MIN, (p.to - base) / MIN]),
        [
          [4, 5],
          [20, 22],
          [23, 24],
        ],
      );
      const bad = await t.call('POST', '/api/warning/backtest', admin, { from: base, to: base - 1, ruleId: 'gas-lel' });
      assert.equal(bad.status, 400);
    });

    test('the calculators answer without a login', async () => {
      const aqi = await t.call('POST', '/api/calc/aqi', undefined, { concentrations: { PM25_24h: 115, PM10_24h: 50 } });
      assert.equal(aqi.status, 200);
      assert.equal(aqi.body.aqi, 150);
      assert.deepEqual(aqi.body.primary, ['PM25_24h']);
      const wc = await t.call('POST', '/api/calc/water-class', undefined, { sample: { TP: 0.04 }, lakeOrReservoir: true });
      assert.equal(wc.body.class, 'III');
      const bad = await t.call('POST', '/api/calc/aqi', undefined, { concentrations: { PM25_24h: -1 } });
      assert.equal(bad.status, 400);
      // No indicator at all is the caller's mistake, answered in words (it was a 500).
      const none = await t.call('POST', '/api/calc/black-odorous', undefined, {});
      assert.equal(none.status, 400);
      assert.match(none.body.detail, /at least one indicator/);
      assert.equal((await t.call('POST', '/api/calc/black-odorous', undefined, { DO: 0.1 })).body.grade, 'heavy');
    });
  });
}
