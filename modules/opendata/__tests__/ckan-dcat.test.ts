/**
 * The doors for harvesters, tested from what CKAN's action API documentation (API guide, "Making an
 * API request", and the ckan.logic.action.get reference) says a client gets: `{help, success,
 * result}`; GET with query parameters or POST with a JSON body; package_search's q/fq/rows/start/
 * sort/facet.field; CKAN's errors (409 Validation Error, 404 Not Found Error, 400 Search Query
 * Error and a bare "Bad request" string); and the paths both clients use (/api/3/action/ and
 * ckanapi's /api/action/). The DCAT-AP JSON-LD expands to RDF with nothing fetched, and carries
 * the properties DCAT-AP 3 makes mandatory.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsonld from 'jsonld';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

const BASE = 'https://data.example.gov.cn';

for (const d of await dialects()) {
  describe(`CKAN action API and DCAT-AP (${d.name})`, () => {
    let t: TestApp;
    const ckan = async (action: string, query = '', prefix = '/open/api/3/action') => {
      const r = await t.inject({ method: 'GET', url: `${prefix}/${action}${query ? `?${query}` : ''}` });
      return { status: r.statusCode, body: JSON.parse(r.body), type: String(r.headers['content-type']) };
    };
    const post = async (action: string, payload: string, contentType = 'application/json') => {
      const r = await t.inject({ method: 'POST', url: `/open/api/3/action/${action}`, payload, headers: { 'content-type': contentType } });
      return { status: r.statusCode, body: JSON.parse(r.body) };
    };
    before(async () => {
      t = await startApp(d, { sharingDemoPeople: 200, publicUrl: BASE });
      await t.sharing.demo;
    });
    after(() => t.close());

    test('package_list: the names of the datasets, with help and success', async () => {
      const r = await ckan('package_list');
      assert.equal(r.status, 200);
      assert.match(r.type, /application\/json/);
      assert.equal(r.body.success, true);
      assert.equal(r.body.help, `${BASE}/open/api/3/action/help_show?name=package_list`);
      assert.ok(r.body.result.includes('macro-economy-indicators'));
      assert.deepEqual(r.body.result, [...r.body.result].sort());
      const page = await ckan('package_list', 'limit=2&offset=1');
      assert.deepEqual(page.body.result, r.body.result.slice(1, 3));
    });

    test('package_search: q, fq, rows and start, sort, facets (facets and search_facets)', async () => {
      const all = await ckan('package_search', 'rows=0');
      assert.equal(all.body.success, true);
      assert.ok(all.body.result.count >= 6);
      assert.deepEqual(all.body.result.results, []);
      assert.equal(all.body.result.sort, 'score desc, metadata_modified desc');
      const q = await ckan('package_search', `q=${encodeURIComponent('招标')}`);
      assert.deepEqual(
        q.body.result.results.map((p: { name: string }) => p.name),
        ['public-resource-trading'],
      );
      const fq = await ckan('package_search', `fq=${encodeURIComponent('organization:tjj')}`);
      assert.deepEqual(
        fq.body.result.results.map((p: { name: string }) => p.name),
        ['macro-economy-indicators'],
      );
      const tags = await ckan('package_search', `fq=${encodeURIComponent('tags:"公共资源交易" OR groups:health')}&sort=${encodeURIComponent('name asc')}`);
      assert.deepEqual(
        tags.body.result.results.map((p: { name: string }) => p.name),
        ['medical-institutions', 'public-resource-trading'],
      );
      const sorted = await ckan('package_search', `sort=${encodeURIComponent('name asc')}&rows=2&start=1`);
      const names = (await ckan('package_list')).body.result;
      assert.deepEqual(
        sorted.body.result.results.map((p: { name: string }) => p.name),
        names.slice(1, 3),
      );
      const recent = await ckan('package_search', `fq=${encodeURIComponent('metadata_modified:[NOW-1DAY TO *]')}&rows=1000`);
      assert.equal(recent.body.result.count, all.body.result.count);
      const old = await ckan('package_search', `fq=${encodeURIComponent('metadata_modified:[* TO 2020-01-01T00:00:00Z]')}`);
      assert.equal(old.body.result.count, 0);
      const facets = await ckan('package_search', `facet.field=${encodeURIComponent('["organization","groups","res_format"]')}&rows=0`);
      assert.equal(facets.body.result.facets.organization.tjj, 1);
      const org = facets.body.result.search_facets.organization;
      assert.equal(org.title, 'organization');
      assert.ok(org.items.some((i: { name: string; display_name: string; count: number }) => i.name === 'tjj' && i.count === 1 && i.display_name.length > 0));
      assert.ok(facets.body.result.search_facets.res_format.items.some((i: { name: string }) => i.name === 'CSV'));
      const negated = await ckan('package_search', `q=${encodeURIComponent('-organization:tjj')}&rows=1000`);
      assert.equal(negated.body.result.count, all.body.result.count - 1);
    });

    test('package_show: a dataset and its resources in CKAN’s shape; by id or name', async () => {
      const r = await ckan('package_show', 'id=public-resource-trading');
      assert.equal(r.status, 200);
      const p = r.body.result;
      for (const k of [
        'id',
        'name',
        'title',
        'notes',
        'license_id',
        'license_title',
        'metadata_created',
        'metadata_modified',
        'owner_org',
        'organization',
        'resources',
        'tags',
        'groups',
        'extras',
        'num_resources',
        'num_tags',
        'isopen',
        'private',
        'state',
        'type',
      ])
        assert.ok(k in p, `package_show has ${k}`);
      assert.equal(p.state, 'active');
      assert.equal(p.private, false);
      assert.equal(p.isopen, true);
      assert.match(p.metadata_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      assert.equal(p.organization.name, 'ggzy');
      assert.equal(p.organization.is_organization, true);
      assert.equal(p.num_resources, 2);
      assert.deepEqual(
        p.resources.map((x: { format: string }) => x.format),
        ['CSV', 'JSON'],
      );
      assert.equal(p.resources[0].url, `${BASE}/api/open/datasets/public-resource-trading/data?format=csv`);
      assert.equal(p.resources[0].package_id, p.id);
      const byId = await ckan('package_show', `id=${p.id}`);
      assert.equal(byId.body.result.name, 'public-resource-trading');
      const res = await ckan('resource_show', `id=${p.resources[1].id}`);
      assert.equal(res.body.success, true);
      assert.equal(res.body.result.format, 'JSON');
      assert.equal(res.body.result.package_id, p.id);
      // The resource's URL downloads the data (every record of the dataset).
      const dl = await t.inject({ method: 'GET', url: res.body.result.url.replace(BASE, '') });
      assert.equal(dl.statusCode, 200);
      assert.ok(Array.isArray(JSON.parse(dl.body).records));
    });

    test('POST with a JSON body, as clients such as ckanapi send; the /api/action/ path too', async () => {
      const r = await post('package_search', JSON.stringify({ q: 'indicator', rows: 5 }));
      assert.equal(r.status, 200);
      assert.ok(r.body.result.results.some((p: { name: string }) => p.name === 'macro-economy-indicators'));
      const form = await post('package_show', 'id=standard-addresses', 'application/x-www-form-urlencoded');
      assert.equal(form.body.result.name, 'standard-addresses');
      const legacy = await ckan('package_show', 'id=standard-addresses', '/open/api/action');
      assert.equal(legacy.body.result.name, 'standard-addresses');
      const v = await t.inject({ method: 'GET', url: '/open/api/3' });
      assert.deepEqual(JSON.parse(v.body), { version: 3 });
    });

    test('organizations and groups', async () => {
      const orgs = await ckan('organization_list');
      assert.ok(orgs.body.result.includes('tjj') && orgs.body.result.includes('ggzy'));
      const full = await ckan('organization_list', 'all_fields=true');
      const tjj = full.body.result.find((o: { name: string }) => o.name === 'tjj');
      assert.equal(tjj.package_count, 1);
      assert.equal(tjj.is_organization, true);
      const show = await ckan('organization_show', 'id=ggzy&include_datasets=true');
      assert.deepEqual(
        show.body.result.packages.map((p: { name: string }) => p.name),
        ['public-resource-trading'],
      );
      const groups = await ckan('group_list');
      assert.ok(groups.body.result.includes('economy'));
      const g = await ckan('group_show', 'id=health');
      assert.equal(g.body.result.name, 'health');
      assert.equal(g.body.result.is_organization, false);
      const status = await ckan('status_show');
      assert.match(status.body.result.ckan_version, /^2\.\d+/);
      assert.equal(status.body.result.site_url, BASE);
      const help = await ckan('help_show', 'name=package_search');
      assert.match(help.body.result, /rows/);
    });

    test('errors answer as CKAN does', async () => {
      const unknownParam = await ckan('package_search', 'q=x&foo=1');
      assert.equal(unknownParam.status, 400);
      assert.equal(unknownParam.body.success, false);
      assert.deepEqual(unknownParam.body.error, { __type: 'Search Query Error', message: `Search Query is invalid: "Invalid search parameters: ['foo']"` });
      assert.ok(unknownParam.body.help);
      const badRows = await ckan('package_search', 'rows=abc');
      assert.equal(badRows.status, 409);
      assert.deepEqual(badRows.body.error, { __type: 'Validation Error', rows: ['Invalid integer'] });
      const missing = await ckan('package_show');
      assert.equal(missing.status, 409);
      assert.deepEqual(missing.body.error, { __type: 'Validation Error', name_or_id: ['Missing value'] });
      const absent = await ckan('package_show', 'id=no-such-dataset');
      assert.equal(absent.status, 404);
      assert.deepEqual(absent.body.error, { __type: 'Not Found Error', message: 'Not found' });
      const noRes = await ckan('resource_show', 'id=nope');
      assert.equal(noRes.status, 404);
      assert.equal(noRes.body.error.__type, 'Not Found Error');
      const noAction = await ckan('package_explode');
      assert.equal(noAction.status, 400);
      assert.equal(noAction.body, 'Bad request - Action name not known: package_explode');
      const badJson = await post('package_search', '{"q": ');
      assert.equal(badJson.status, 400);
      assert.match(badJson.body, /^Bad request - JSON Error/);
      const badSort = await ckan('package_search', 'sort=nonsense%20desc');
      assert.equal(badSort.status, 409);
      assert.equal(badSort.body.error.__type, 'Search Error');
    });

    test('DCAT-AP 3: the catalogue and each dataset are JSON-LD that expands to RDF with nothing fetched', async () => {
      const offline = async (url: string) => {
        throw new Error(`nothing is fetched: ${url}`);
      };
      const r = await t.inject({ method: 'GET', url: '/open/catalog.jsonld' });
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /application\/ld\+json/);
      const doc = JSON.parse(r.body);
      const quads = (await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader: offline as never })) as unknown as string;
      const lines = quads.split('\n').filter(Boolean);
      const DCAT = 'http://www.w3.org/ns/dcat#';
      const DCT = 'http://purl.org/dc/terms/';
      const RDF_TYPE = '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>';
      const subjects = (type: string) => lines.filter((l) => l.includes(`${RDF_TYPE} <${type}>`)).map((l) => l.split(' ')[0]!);
      assert.deepEqual(subjects(`${DCAT}Catalog`), [`<${BASE}/open/catalog>`]);
      const datasets = subjects(`${DCAT}Dataset`);
      assert.equal(datasets.length, (await ckan('package_list')).body.result.length);
      // DCAT-AP 3 mandatory: Catalog title, description, publisher, dataset; Dataset title and description; Distribution accessURL.
      const has = (s: string, p: string) => lines.some((l) => l.startsWith(`${s} <${p}>`));
      for (const p of [`${DCT}title`, `${DCT}description`, `${DCT}publisher`, `${DCAT}dataset`]) assert.ok(has(`<${BASE}/open/catalog>`, p), p);
      for (const ds of datasets) for (const p of [`${DCT}title`, `${DCT}description`]) assert.ok(has(ds, p), `${ds} ${p}`);
      const distributions = subjects(`${DCAT}Distribution`);
      assert.ok(distributions.length >= 8);
      for (const x of distributions) assert.ok(has(x, `${DCAT}accessURL`), `${x} accessURL`);
      assert.ok(lines.some((l) => l.includes('"公共资源交易项目"@zh-hans') || l.includes('"公共资源交易项目"@zh-Hans')));
      const one = await t.inject({ method: 'GET', url: '/open/dataset/macro-economy-indicators/dcat.jsonld' });
      assert.equal(one.statusCode, 200);
      const oneQuads = (await jsonld.toRDF(JSON.parse(one.body), { format: 'application/n-quads', documentLoader: offline as never })) as unknown as string;
      assert.ok(oneQuads.includes(`<${BASE}/open/dataset/macro-economy-indicators> ${RDF_TYPE} <${DCAT}Dataset>`));
      assert.ok(oneQuads.includes('<http://publications.europa.eu/resource/authority/data-theme/ECON>'));
      assert.equal((await t.inject({ method: 'GET', url: '/open/dataset/nope/dcat.jsonld' })).statusCode, 404);
    });
  });
}
