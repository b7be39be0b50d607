/**
 * Electronic licences benchmark (issue 19), the platform in this process on SQLite (or PostgreSQL
 * with DATABASE_URL), through its HTTP API:
 * 1. Issuing `--count` (500) business licences one after another (check, SM2/SM3 signature, store,
 *    version, audit, mirror into the licence base database): p50/p95. Target p95 < 5 ms.
 * 2. Verifying them through `POST /api/open/licences/verify` one after another (decode, key,
 *    signature, status, audit): p50/p95 and verifications a second, and the signature check alone
 *    (`sm2Verify`) for comparison; then `--rounds` (4) times all of them again with `--concurrency`
 *    (16) in flight: the rate, and the CPU a verification costs. Targets: p95 < 5 ms; at least
 *    1,000 verifications/s on one core.
 *
 *   npx tsx bench/licences.ts [--count 500]
 */
import { benchApp } from './app.js';
import { benchArgs } from './args.js';

const args = benchArgs();
const COUNT = Number(args.count ?? 500);
const { w, config } = await benchApp('licences', { SHARING_DEMO_PEOPLE: '0' });
const { makeCreditCode } = await import('../platform/identifiers/index.js');
const { decodeDocument } = await import('../platform/crypto/signed-document.js');
const { sm2Verify } = await import('../platform/crypto/sm2.js');
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const admin = JSON.parse((await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'Bench-Passw0rd!' } })).body)
  .token as string;
const CODE = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const docs: string[] = [];
const issue: number[] = [];
for (let i = 0; i < COUNT; i++) {
  let k = i;
  let org = '';
  for (let c = 0; c < 7; c++) {
    org = CODE[k % 31] + org;
    k = Math.floor(k / 31);
  }
  const s = performance.now();
  const r = await w.app.inject({
    method: 'POST',
    url: '/api/licences',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    payload: JSON.stringify({
      type: 'YYZZ',
      holder: { id: makeCreditCode('9', '1', '420303', `MA${org}`), name: `基准测试商贸有限公司${i}（合成数据）` },
      fields: {
        entityType: '有限责任公司',
        legalRepresentative: '张三',
        foundedOn: '2020-05-01',
        address: '湖北省十堰市张湾区花果街道人民北路1号',
        businessScope: '日用百货销售',
      },
    }),
  });
  issue.push(performance.now() - s);
  if (r.statusCode !== 201) throw new Error(`issue: ${r.statusCode} ${r.body.slice(0, 200)}`);
  docs.push(JSON.parse(r.body).document);
}
const verifyMs: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const d of docs) {
  const s = performance.now();
  const r = await w.app.inject({
    method: 'POST',
    url: '/api/open/licences/verify',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ document: d }),
  });
  verifyMs.push(performance.now() - s);
  if (JSON.parse(r.body).verdict !== 'valid') throw new Error(`verify: ${r.body.slice(0, 200)}`);
}
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// The same documents again, 16 in flight at a time (as counters and banks would send them): the
// rate and the CPU a verification costs, so the share of a core per 1,000/s.
const CONCURRENCY = Number(args.concurrency ?? 16);
const ROUNDS = Number(args.rounds ?? 4);
const cpu1 = process.cpuUsage();
const t1 = performance.now();
let next = 0;
const total = docs.length * ROUNDS;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) {
      const d = docs[next++ % docs.length]!;
      const r = await w.app.inject({
        method: 'POST',
        url: '/api/open/licences/verify',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ document: d }),
      });
      if (JSON.parse(r.body).verdict !== 'valid') throw new Error(`verify: ${r.body.slice(0, 200)}`);
    }
  }),
);
const secs2 = (performance.now() - t1) / 1000;
const cpu2 = process.cpuUsage(cpu1);
const keys = JSON.parse((await w.app.inject({ method: 'GET', url: '/api/open/licence-keys' })).body).keys as { kid: string; publicKey: string }[];
const sigOnly: number[] = [];
for (const d of docs) {
  const x = decodeDocument<{ kid: string; alg: 'SM2-SM3' }>(d);
  if (!x.ok) throw new Error('decode');
  const key = keys.find((k) => k.kid === x.payload.kid)!;
  const s = performance.now();
  if (!sm2Verify(x.bytes, x.signature, key.publicKey)) throw new Error('signature');
  sigOnly.push(performance.now() - s);
}
console.log(`licences, ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}, ${COUNT} business licences (SM2/SM3):`);
console.log(
  `  issue (check, sign, store, version, audit, mirror): p50 ${pct(issue, 0.5).toFixed(2)} ms, p95 ${pct(issue, 0.95).toFixed(2)} ms (target p95 < 5 ms)`,
);
console.log(
  `  verify through the API: p50 ${pct(verifyMs, 0.5).toFixed(2)} ms, p95 ${pct(verifyMs, 0.95).toFixed(2)} ms (target < 5 ms), ${(COUNT / secs).toFixed(0)}/s one at a time, CPU ${((cpu.user + cpu.system) / 1000 / COUNT).toFixed(2)} ms each (target ≥ 1,000/s on one core)`,
);
console.log(
  `  verify, ${CONCURRENCY} in flight (${total} verifications): ${(total / secs2).toFixed(0)}/s, CPU ${((cpu2.user + cpu2.system) / 1000 / total).toFixed(2)} ms each = ${(1000 / ((cpu2.user + cpu2.system) / 1000 / total)).toFixed(0)}/s on one core`,
);
console.log(`  the SM2 signature check alone: p50 ${pct(sigOnly, 0.5).toFixed(2)} ms, p95 ${pct(sigOnly, 0.95).toFixed(2)} ms`);
await w.close();
