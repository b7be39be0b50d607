/**
 * Bad values are refused with the field and the reason in the caller's language (Chinese unless
 * asked otherwise), and nothing is saved: a maintenance window wholly in the past, a holiday
 * outside the year being edited, a rule name too long for a feed row. The level colours the
 * screens use are the ones the server sends with alerts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LEVELS } from '../modules/warning/rules.js';
import { LEVEL_COLOUR } from '../web/shared/levels.js';
import { type TestApp, dialects, startApp } from './helpers.js';

const [sqlite] = await dialects();
describe('refusals in words', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await startApp(sqlite!);
    admin = await t.login('admin');
  });
  after(() => t.close());
  const zh = (method: string, url: string, body: unknown) =>
    t.inject({
      method: method as 'POST',
      url,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  test('a maintenance window that has already ended is refused, and none is saved', async () => {
    const dev = await t.call('POST', '/api/devices', admin, {
      id: 'mnt-past',
      name: '测试设备',
      type: 'FloodMonitoring',
      department: 'ZJJ',
      location: { lon: 110.78, lat: 32.65 },
    });
    assert.equal(dev.status, 201);
    const now = Date.now();
    const r = await zh('POST', '/api/warning/maintenance', { deviceId: 'mnt-past', startsAt: now - 5 * 3_600_000, endsAt: now - 3_600_000, reason: '补录' });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().errors, [{ pointer: '/body/endsAt', detail: '结束时间已经过去，维护时段不会生效' }]);
    assert.equal((await t.call('GET', '/api/warning/maintenance', admin)).body.length, 0);
    const ok = await zh('POST', '/api/warning/maintenance', { deviceId: 'mnt-past', endsAt: now + 3_600_000, reason: '检修' });
    assert.equal(ok.statusCode, 201);
  });

  test('a holiday outside the year being edited is refused in words', async () => {
    const r = await zh('PUT', '/api/calendar/years/2027', { days: [{ date: '2026-10-01', kind: 'holiday', name: '国庆节' }] });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().errors, [{ pointer: '/body/days/0/date', detail: '2026-10-01 不在 2027 年内' }]);
    assert.equal(r.json().title, '请求内容不符合要求');
  });

  test('a rule name longer than a feed row is refused, with the limit', async () => {
    const r = await zh('POST', '/api/warning/rules/validate', {
      name: { zh: '积'.repeat(61), en: 'Long' },
      source: 'GB 51222-2017',
      owner: 'ZJJ',
      task: 'drainage',
      scope: { types: ['FloodMonitoring'] },
      levels: [{ level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.15 } }],
    });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().errors, [{ pointer: '/body/name/zh', detail: '中文名称最多 60 个字符' }]);
  });

  test('the screens colour levels as the server does: Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue', () => {
    for (const level of [1, 2, 3, 4] as const) assert.equal(LEVEL_COLOUR[level], LEVELS[level].hex, `level ${level}`);
  });
});
