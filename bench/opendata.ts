/**
 * Open data benchmark (issue 19), the platform in this process on SQLite (or PostgreSQL with
 * DATABASE_URL): `--datasets` (2,000) datasets published from the catalogue, then CKAN's
 * package_search through the action API one call after another, in the mix a portal and a
 * harvester send: everything (rows 10), a Chinese word, an organisation filter, words with four
 * facets, and a harvester's page of 100 full package dictionaries modified since yesterday.
 * p50/p95 per kind and overall. Target: p95 < 50 ms.
 *
 *   npx tsx bench/opendata.ts [--datasets 2000] [--calls 2000]
 */
import { benchApp } from './app.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const DATASETS = Number(args.datasets ?? 2000);
const CALLS = Number(args.calls ?? 2000);
const { w, config } = await benchApp('opendata', { SHARING_DEMO_PEOPLE: '0' });
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

// Published through the service as the system would seed them: varied titles, themes and keywords.
const RESOURCES = [
  { resource: '107001/000001', items: ['indicatorCode', 'indicatorName', 'area', 'period', 'value', 'unit'] },
  { resource: '106001/000001', items: ['projectCode', 'projectName', 'category', 'amount'] },
  { resource: '103001/000001', items: ['addressCode', 'district', 'street', 'fullAddress'] },
  { resource: '301002/000001', items: ['institutionCode', 'name', 'category', 'beds'] },
];
const WORDS = ['交通', '医疗', '教育', '环境', '水质', '空气', '公交', '停车', '养老', '旅游', '税收', '就业', '住房', '农业', '文化', '安全'];
const THEMES = ['economy', 'finance', 'transport', 'health', 'education', 'environment', 'urban', 'society', 'safety', 'culture'];
const ctx = { principal: null, ip: null, requestId: null };
const p0 = performance.now();
for (let i = 0; i < DATASETS; i++) {
  const r = RESOURCES[i % RESOURCES.length]!;
  const word = WORDS[i % WORDS.length]!;
  await w.opendata.opendata.publish(
    {
      ...r,
      name: `bench-${String(i).padStart(5, '0')}`,
      title: { zh: `${word}数据集 ${i}`, en: `Dataset ${i}` },
      description: { zh: `基准测试用的${word}相关开放数据 ${i}`, en: `Benchmark open data ${i}` },
      themes: [THEMES[i % THEMES.length]!, THEMES[(i * 7) % THEMES.length]!],
      keywords: [word, WORDS[(i * 3) % WORDS.length]!],
    },
    ctx,
  );
}
const publishMs = (performance.now() - p0) / DATASETS;

const KINDS: [string, string][] = [
  ['all, rows 10', 'rows=10'],
  ['a Chinese word', `q=${encodeURIComponent('交通')}&rows=20`],
  ['organisation filter', `fq=${encodeURIComponent('organization:tjj')}&rows=50`],
  ['words + 4 facets', `q=${encodeURIComponent('数据集 医疗')}&facet.field=${encodeURIComponent('["organization","groups","tags","res_format"]')}&rows=10`],
  [
    'harvester page of 100',
    `fq=${encodeURIComponent('metadata_modified:[NOW-1DAY TO *]')}&sort=${encodeURIComponent('metadata_modified asc')}&rows=100&start=500`,
  ],
];
const call = async (query: string) => {
  const r = await w.app.inject({ method: 'GET', url: `/open/api/3/action/package_search?${query}` });
  if (r.statusCode !== 200 || !JSON.parse(r.body).success) throw new Error(`package_search: ${r.statusCode} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body).result.count as number;
};
const c0 = performance.now();
const total = await call('rows=0');
const cold = performance.now() - c0;
if (total < DATASETS) throw new Error(`only ${total} datasets found`);
for (const [, q] of KINDS) await call(q);
const by = new Map<string, number[]>(KINDS.map(([k]) => [k, []]));
const all: number[] = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < CALLS; i++) {
  const [kind, q] = KINDS[i % KINDS.length]!;
  const s = performance.now();
  await call(q);
  const ms = performance.now() - s;
  by.get(kind)!.push(ms);
  all.push(ms);
}
const cpu = process.cpuUsage(cpu0);
console.log(`open data, ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${total} datasets (published at ${publishMs.toFixed(2)} ms each):`);
console.log(`  package_search first call after publishing (reads the index): ${cold.toFixed(1)} ms`);
for (const [kind, xs] of by) console.log(`  package_search ${kind}: p50 ${pct(xs, 0.5).toFixed(2)} ms, p95 ${pct(xs, 0.95).toFixed(2)} ms`);
console.log(
  `  package_search overall (${CALLS} calls, one at a time): p50 ${pct(all, 0.5).toFixed(2)} ms, p95 ${pct(all, 0.95).toFixed(2)} ms (target p95 < 50 ms), CPU ${((cpu.user + cpu.system) / 1000 / CALLS).toFixed(2)} ms a call`,
);
await w.close();
