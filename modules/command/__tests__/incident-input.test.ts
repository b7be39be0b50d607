/**
 * An incident's place is checked, not clamped: coordinates off the earth are refused by the
 * schema, a place outside the city's districts is refused unless the reporter marks it as outside
 * the city, and the refusal names the field and the reason in the caller's language.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ZHANGWAN } from '../../../test/command-fixtures.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const [sqlite] = await dialects();
describe('incident locations', () => {
  let t: TestApp;
  let duty: string;
  before(async () => {
    t = await startApp(sqlite!);
    duty = await t.login('duty');
  });
  after(() => t.close());
  const report = (location: { lon: number; lat: number }, extra: Record<string, unknown> = {}, lang?: string) =>
    t.inject({
      method: 'POST',
      url: '/api/command/incidents',
      headers: { authorization: `Bearer ${duty}`, 'content-type': 'application/json', ...(lang ? { 'accept-language': lang } : {}) },
      payload: JSON.stringify({ title: '道路塌陷', subkind: 'waterlogging', severity: 4, source: 'phone', location, ...extra }),
    });
  const count = async () => (await t.call('GET', '/api/command/incidents?limit=100', duty)).body.total as number;

  test('coordinates off the earth are refused, not saved at the nearest edge', async () => {
    const before = await count();
    const r = await report({ lon: 200, lat: -95 });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().errors[0].pointer, '/body/location/lon');
    assert.equal(r.json().errors[0].detail, '经度不能大于 180');
    assert.equal(await count(), before, 'nothing saved');
  });

  test('a place outside the city is refused in words, unless marked as outside the city', async () => {
    const before = await count();
    const beijing = { lon: 116.4, lat: 39.9 };
    const zh = await report(beijing);
    assert.equal(zh.statusCode, 400);
    assert.equal(zh.json().errors[0].pointer, '/body/location');
    assert.match(zh.json().errors[0].detail, /不在十堰市范围内/);
    const en = await report(beijing, {}, 'en');
    assert.match(en.json().errors[0].detail, /outside Shiyan/);
    assert.equal(await count(), before, 'nothing saved');
    const marked = await report(beijing, { outsideCity: true });
    assert.equal(marked.statusCode, 201, marked.body);
    assert.equal(marked.json().district, null);
    const inside = await report(ZHANGWAN);
    assert.equal(inside.statusCode, 201, inside.body);
    assert.equal(inside.json().district, '420303');
  });
});
