/**
 * "Today" in a load is the city's: just after midnight in Shiyan (16:30 UTC the day before), a
 * licence issued today, mirrored into the licence database, is not refused as dated in the future.
 * (It was, every evening from 16:00 to 24:00 UTC, when the check compared with UTC's date.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_CONTEXT } from '../../../platform/context.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const [sqlite] = await dialects();
describe('a load’s today is the city’s', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp(sqlite!);
    // 00:30 on 6 December in Shiyan; UTC's date is still the 5th.
    t.platform.now = () => Date.UTC(2026, 11, 5, 16, 30);
  });
  after(() => t.close());

  test('a licence issued just after the city’s midnight is mirrored into the licence database', async () => {
    const lic = await t.licences.licences.issue(
      { type: 'JZZ', holder: { id: '420302198803160264', name: '赵晓' }, fields: { address: '湖北省十堰市茅箭区人民北路18号（合成数据）' } },
      SYSTEM_CONTEXT,
    );
    assert.match(lic.number, /-20261206-/);
    const rec = await t.call('GET', `/api/sharing/databases/licences/records/${lic.number}`, await t.login('admin'));
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    assert.equal(rec.body.values.issuedOn, '2026-12-06');
  });
});
