/**
 * Open311 GeoReport v2 at /open311/v2: services and definitions, POST requests (form-encoded and
 * multipart with a photo, with an API key), GET requests with filters, a request by id, tokens,
 * discovery; JSON answers validate against the Open311 community's schemas (copied beside this
 * file from `schema-validation`), XML follows the specification's element names, errors are the
 * specification's list.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const schema = (name: string) => JSON.parse(readFileSync(new URL(`./open311-schemas/${name}.json`, import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const n of ['request', 'service', 'service-definition']) ajv.addSchema(schema(n), `${n}.json`);
type Row = Record<string, string | number | boolean | null>;
const validRequests = ajv.compile<Row[]>(schema('requests'));
const validServices = ajv.compile<Row[]>(schema('services'));
const validDefinition = ajv.getSchema('service-definition.json')!;

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
// A WGS-84 point in 茅箭区's generated grids (the platform stores GCJ-02).
const WGS = { lat: 32.6225, long: 110.7745 };

for (const d of await dialects()) {
  describe(`Open311 GeoReport v2 (${d.name})`, () => {
    let t: TestApp;
    let key: string;
    const form = (body: Record<string, string>) =>
      t.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
    before(async () => {
      t = await startApp(d);
      const admin = await t.login('admin');
      const k = await t.call('POST', '/api/api-keys', admin, { name: 'Open311 客户端', roles: ['api_client'], department: 'ZSJ', districts: ['*'] });
      assert.equal(k.status, 201, JSON.stringify(k.body));
      key = k.body.key;
    });
    after(() => t.close());

    test('services list every subcategory and validate; XML uses <services><service>', async () => {
      const r = await t.inject({ method: 'GET', url: '/open311/v2/services.json', headers: { 'accept-language': 'en' } });
      assert.equal(r.statusCode, 200);
      const body: Row[] = r.json();
      assert.ok(validServices(body), JSON.stringify(validServices.errors));
      assert.ok(body.length >= 60);
      assert.equal(body.find((s) => s.service_code === 'E0101')?.service_name, 'Exposed garbage');
      const x = await t.inject({ method: 'GET', url: '/open311/v2/services.xml' });
      assert.match(String(x.headers['content-type']), /text\/xml/);
      assert.match(
        x.body,
        /^<\?xml version="1.0" encoding="utf-8"\?>\n<services><service><service_code>C0101<\/service_code><service_name>上水井盖<\/service_name>/,
      );
    });

    test('a service definition has its attributes; an unknown code is a 404 in the error format', async () => {
      const r = await t.inject({ method: 'GET', url: '/open311/v2/services/C0101.json' });
      assert.ok(validDefinition(r.json()), JSON.stringify(validDefinition.errors));
      assert.deepEqual(
        r.json().attributes.map((a: { code: string }) => a.code),
        ['urgent', 'component_id'],
      );
      const x = await t.inject({ method: 'GET', url: '/open311/v2/services/C0101.xml' });
      assert.match(x.body, /<service_definition><service_code>C0101<\/service_code><attributes><attribute><variable>true<\/variable><code>urgent<\/code>/);
      assert.match(x.body, /<values><value><key>no<\/key><name>一般<\/name><\/value>/);
      const missing = await t.inject({ method: 'GET', url: '/open311/v2/services/X9999.json' });
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(Object.keys(missing.json()[0]).sort(), ['code', 'description']);
      const missingXml = await t.inject({ method: 'GET', url: '/open311/v2/services/X9999.xml' });
      assert.match(missingXml.body, /<errors><error><code>404<\/code><description>/);
    });

    let id: string;
    let token: string;
    test('POST a request form-encoded with an API key; it is tracked by its id and its token', async () => {
      const noKey = await form({ service_code: 'E0101', lat: String(WGS.lat), long: String(WGS.long), description: 'x' });
      assert.equal(noKey.statusCode, 403);
      const noPlace = await form({ api_key: key, service_code: 'E0101', address_string: '人民北路 1 号', description: 'x' });
      assert.equal(noPlace.statusCode, 400);
      assert.match(noPlace.json()[0].description, /lat and long/);
      const r = await form({
        api_key: key,
        jurisdiction_id: 'shiyan',
        service_code: 'E0101',
        lat: String(WGS.lat),
        long: String(WGS.long),
        address_string: '示例路 1 号（合成）',
        description: 'Bags of rubbish on the pavement (synthetic)',
        media_url: 'https://example.org/photo.jpg',
        first_name: '三',
        last_name: '张',
        phone: '13900001111',
        'attribute[urgent]': 'yes',
      });
      assert.equal(r.statusCode, 200, r.body);
      const [created] = r.json();
      assert.ok(created.service_request_id && created.token && created.service_notice);
      id = created.service_request_id;
      token = created.token;
      const one = await t.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` });
      const body: Row[] = one.json();
      assert.ok(validRequests(body), JSON.stringify(validRequests.errors));
      const [got] = body as [Row];
      assert.equal(got.status, 'open');
      assert.equal(got.service_code, 'E0101');
      assert.match(String(got.requested_datetime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      // WGS-84 out as it came in (stored as GCJ-02 inside).
      assert.ok(Math.abs(Number(body[0]!.lat) - WGS.lat) < 1e-5 && Math.abs(Number(body[0]!.long) - WGS.long) < 1e-5, JSON.stringify(body[0]));
      assert.equal(got.media_url, 'https://example.org/photo.jpg');
      assert.equal(JSON.stringify(body).includes('13900001111'), false, 'no reporter data');
      const tok = await t.inject({ method: 'GET', url: `/open311/v2/tokens/${token}.json` });
      assert.deepEqual(tok.json(), [{ service_request_id: id, token }]);
      const xml = await t.inject({ method: 'GET', url: `/open311/v2/requests/${id}.xml` });
      assert.match(xml.body, new RegExp(`<service_requests><request><service_request_id>${id}</service_request_id><status>open</status>`));
      // The community Swagger's singular path answers too.
      assert.equal((await t.inject({ method: 'GET', url: `/open311/v2/request/${id}.json` })).json()[0].service_request_id, id);
    });

    test('POST multipart with a photo: the photo is checked by content and kept with the case', async () => {
      const boundary = 'wudangboundary';
      const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const body = (media: Buffer, type: string) =>
        Buffer.concat([
          Buffer.from(
            part('api_key', key) +
              part('service_code', 'C0111') +
              part('lat', String(WGS.lat)) +
              part('long', String(WGS.long)) +
              part('description', '路灯不亮（合成）'),
          ),
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="lamp.png"\r\nContent-Type: ${type}\r\n\r\n`),
          media,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
      const bad = await t.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: body(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png'),
      });
      assert.equal(bad.statusCode, 400, bad.body);
      const ok = await t.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: body(png, 'image/png'),
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const caseId = ok.json()[0].service_request_id;
      const centre = await t.login('cgw.staff');
      const c = await t.call('GET', `/api/urban/cases/${caseId}`, centre);
      assert.equal(c.body.photos.length, 1);
      assert.equal(c.body.source, 'open311');
    });

    test('GET requests filters by service code, status and dates; statuses follow the loop', async () => {
      const centre = await t.login('cgw.staff');
      const all: Row[] = (await t.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=E0101,C0111' })).json();
      assert.ok(validRequests(all), JSON.stringify(validRequests.errors));
      assert.ok(all.some((r) => r.service_request_id === id));
      assert.equal((await t.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=C0101' })).json().length, 0);
      assert.equal((await t.inject({ method: 'GET', url: '/open311/v2/requests.json?status=closed' })).json().length, 0);
      assert.equal((await t.inject({ method: 'GET', url: '/open311/v2/requests.json?status=shut' })).statusCode, 400);
      assert.equal(
        (await t.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z' })).json().length,
        0,
      );
      // Rejected by the centre: closed, with the state in status_notes.
      await t.call('POST', `/api/urban/cases/${id}/reject`, centre, { comment: '已由环卫日常清扫覆盖' });
      const closed = (
        await t.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${id}`, headers: { 'accept-language': 'en' } })
      ).json();
      assert.equal(closed[0].status, 'closed');
      assert.equal(closed[0].status_notes, 'Not filed');
    });

    test('discovery lists the endpoint; a wrong jurisdiction is a 404', async () => {
      const r = await t.inject({ method: 'GET', url: '/open311/discovery.json' });
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
      assert.match(r.json().endpoints[0].url, /\/open311\/v2$/);
      assert.match((await t.inject({ method: 'GET', url: '/open311/discovery.xml' })).body, /<discovery><changeset>/);
      assert.equal((await t.inject({ method: 'GET', url: '/open311/v2/services.json?jurisdiction_id=elsewhere' })).statusCode, 404);
    });
  });
}
