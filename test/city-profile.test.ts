/**
 * The city is data: started with a small fictional city's profile (test/profiles/lakeside), the
 * platform serves that city, and nothing it answers or stores names Shiyan.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { dialects, startApp } from './helpers.js';

const LAKESIDE = join(fileURLToPath(new URL('.', import.meta.url)), 'profiles', 'lakeside');

/** What would show that Shiyan is built in: its names, its GB/T 2260 codes, its department codes, its SMS signatures. */
const TRACE = /十堰|shiyan|4203\d\d|张湾|茅箭|郧阳|丹江口|武当山|DSJZX|\bZSJ\b|\bZJJ\b|\bSTHJJ\b|\bYJJ\b|\bCGW\b/i;

function traceIn(text: string): string | undefined {
  const m = TRACE.exec(text);
  return m ? text.slice(Math.max(0, m.index - 60), m.index + 60) : undefined;
}

describe('a second city: nothing of Shiyan is built in', async () => {
  const [d] = await dialects();
  const t = await startApp(d!, { cityProfile: LAKESIDE, demoAccounts: true });
  after(() => t.close());

  it('serves the fictional city: its districts, departments, accounts and the API description', async () => {
    const admin = await t.login('admin');
    const me = await t.call('GET', '/api/auth/me', admin);
    assert.equal(me.body.department, 'DIGITAL', "the first administrator belongs to the profile's platform department");
    const districts = await t.call('GET', '/api/districts', admin);
    assert.deepEqual(
      districts.body.map((x: { adcode: string }) => x.adcode),
      ['990101', '990102'],
    );
    const departments = await t.call('GET', '/api/departments', admin);
    assert.ok(departments.body.some((x: { code: string }) => x.code === 'OPS'));
    await t.login('water.staff');
    const doc = t.app.swagger() as { info: { description: string } };
    assert.match(doc.info.description, /Lakeside \(湖滨市\)/);
  });

  it('no answer of any listing names Shiyan', async () => {
    const admin = await t.login('admin');
    const paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    let read = 0;
    for (const [path, ops] of Object.entries(paths)) {
      if (!ops.get || path.includes('{') || !path.startsWith('/api/') || path === '/api/live') continue;
      const r = await t.call('GET', path, admin);
      if (r.status >= 400) continue;
      read++;
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      assert.equal(traceIn(text), undefined, `GET ${path} names Shiyan`);
    }
    assert.ok(read >= 20, `read ${read} listings`);
    assert.equal(traceIn(JSON.stringify(t.app.swagger())), undefined, 'the OpenAPI document names Shiyan');
  });

  it('no table of the database holds anything of Shiyan', async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(t.platform.db);
    assert.ok(tables.rows.length > 30);
    for (const { name } of tables.rows) {
      const rows = await sql.raw(`select * from "${name}"`).execute(t.platform.db);
      assert.equal(traceIn(JSON.stringify(rows.rows)), undefined, `table ${name} holds a trace of Shiyan`);
    }
  });
});
