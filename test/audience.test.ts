/**
 * Members of the public never reach a staff route: every /api route in the OpenAPI document,
 * called with a citizen's and an enterprise's token, answers 403 "for staff" unless it is one of
 * the routes the public uses (the list below, which docs/security.md describes); and staff never
 * reach the super app's own routes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from './helpers.js';

/** What members of the public may call (besides the routes open to anyone). */
const PUBLIC_USES: RegExp[] = [
  /^\/api\/auth\/(logout|me|ticket|password|sessions)/,
  /^\/api\/(city|districts|departments|vocabulary)(\/|$)/,
  /^\/api\/calendar\/(years|days|deadline)/,
  /^\/api\/files/,
  /^\/api\/open\/(applications|datasets\/\{name\}\/applications)/,
  /^\/api\/urban\/(classification|grids\/at)$/,
  /^\/api\/urban\/cases(\/\{id\}(\/rating)?)?$/,
  /^\/api\/people\//,
  // An application's own pages: its applicant's and its department's (modules/services tests).
  /^\/api\/services\/applications\/\{id\}(\/(signature|payments|rating))?$/,
  // OCR of one's own photo.
  /^\/api\/services\/ocr$/,
  // The development payment provider's payer.
  /^\/api\/sandbox\/payments\/\{id\}\/pay$/,
];

const [d] = await dialects();
describe('the public and staff each on their own routes', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, { security?: unknown[] }>>;
  before(async () => {
    t = await startApp(d!);
    await t.app.ready();
    paths = (t.app.swagger() as { paths: typeof paths }).paths;
  });
  after(() => t.close());

  test('a citizen’s or an enterprise’s token gets 403 on every staff route', async () => {
    const tokens = { citizen: await t.login('citizen'), enterprise: await t.login('enterprise') };
    const problems: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries(paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const method of Object.keys(ops)) {
        if (PUBLIC_USES.some((re) => re.test(path))) continue;
        const url = path.replace(/\{[^}]+\}/g, 'x');
        // Routes open to anyone answer without a token (anything but 401) and as to anyone with one.
        const anon = await t.inject({
          method: method.toUpperCase() as 'GET',
          url,
          headers: { 'accept-language': 'en', 'content-type': 'application/json' },
          ...(method === 'get' || method === 'delete' ? {} : { payload: '{}' }),
        });
        if (anon.statusCode !== 401) continue;
        for (const [who, token] of Object.entries(tokens)) {
          const r = await t.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: { authorization: `Bearer ${token}`, 'accept-language': 'en', 'content-type': 'application/json' },
            ...(method === 'get' || method === 'delete' ? {} : { payload: '{}' }),
          });
          checked++;
          // 401: a route that authenticates its caller another way (a device, a consumer system).
          if (r.statusCode !== 401 && (r.statusCode !== 403 || !/for staff/.test(r.body)))
            problems.push(`${who} ${method.toUpperCase()} ${path}: ${r.statusCode} ${r.body.slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 250, `checked ${checked}`);
  });

  test('staff tokens get 403 on the super app’s own routes', async () => {
    const staff = await t.login('gaj.staff');
    const admin = await t.login('admin');
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(paths)) {
      if (!path.startsWith('/api/people/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        if (Array.isArray(op.security) && op.security.length === 0) continue;
        for (const token of [staff, admin]) {
          const r = await t.inject({
            method: method.toUpperCase() as 'GET',
            url: path.replace(/\{[^}]+\}/g, 'x'),
            headers: { authorization: `Bearer ${token}`, 'accept-language': 'en', 'content-type': 'application/json' },
            ...(method === 'get' || method === 'delete' ? {} : { payload: '{}' }),
          });
          if (r.statusCode !== 403) problems.push(`${method.toUpperCase()} ${path}: ${r.statusCode}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
