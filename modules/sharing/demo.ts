/**
 * Synthetic demo records for the seven base databases (合成数据), made once on first start when
 * the city asks for them (`SHARING_DEMO_PEOPLE`): residents with valid ID numbers (GB 11643) in
 * the city's real districts, streets and roads; companies and other organisations with valid
 * credit codes (GB 32100) whose legal representatives are among those residents; their licences,
 * credit decisions, trading projects, standard addresses and macro indicators. Every record goes
 * through the same checked load as real data and is marked synthetic wherever it is shown.
 * Deterministic: the same size gives the same records.
 */
import type { Platform } from '../../platform/context.js';
import { makeCreditCode, makeIdNumber } from '../../platform/identifiers/index.js';
import { seedList } from '../../platform/profile/seeds.js';
import type { LoadService, SourceRow } from './loader.js';

export const DEMO_SEEDED_KEY = 'sharing.demo_data';

/** The city's own words (`id: "city"` in the seed): address prefix, names of issuers, number prefixes. */
interface CitySeed {
  addressPrefix: string;
  shortName: string;
  cityName: string;
  government: string;
  market: string;
  police: string;
  disabled: string;
  penaltyAuthorities: string[];
  licensingPrefix: string;
  penaltyPrefix: string;
  tradingPrefix: string;
  residencePrefix: string;
}

interface DistrictSeed {
  id: string;
  share: number;
  streets: string[];
  roads: string[];
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯峰婷雪琳晨欣怡佳思雨梓涵子轩博文浩然一诺嘉悦俊杰';
const INDUSTRIES: [string, string][] = [
  ['汽车零部件', '汽车零部件制造、销售'],
  ['商贸', '日用百货、五金交电销售'],
  ['建设工程', '房屋建筑工程、市政公用工程施工'],
  ['餐饮管理', '餐饮服务、食品销售'],
  ['旅游开发', '旅游资源开发、景区管理服务'],
  ['农业科技', '农作物种植、农产品销售'],
  ['物流', '普通货物道路运输、仓储服务'],
  ['信息技术', '软件开发、信息系统集成服务'],
  ['绿松石工艺', '工艺美术品制造、销售'],
  ['茶业', '茶叶种植、加工、销售'],
];
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoSizes {
  people: number;
}

/**
 * Generates and loads the demo records, once: a process that finds them made (or being made by
 * another process) does nothing. Returns how many records each base database received.
 */
export async function seedDemoData(p: Platform, loads: LoadService, sizes: DemoSizes): Promise<Record<string, number> | null> {
  if (sizes.people <= 0) return null;
  const now = p.now();
  // Claimed once for the whole deployment (the first process to insert the setting makes them).
  const claimed = await p.db
    .insertInto('settings')
    .values({ key: DEMO_SEEDED_KEY, value: JSON.stringify({ people: sizes.people, startedAt: now }), updated_at: now, updated_by: null })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) return null;
  const districts = seedList<DistrictSeed>(p, 'demo-population').filter((d) => /^\d{6}$/.test(d.id) && p.profile.districts.some((x) => x.adcode === d.id));
  const words = (seedList<{ words?: string[] }>(p, 'demo-population').find((d) => d.id === 'trade-names')?.words ?? ['示例']).filter(Boolean);
  const city = seedList<CitySeed>(p, 'demo-population').find((d) => d.id === 'city');
  if (districts.length === 0 || !city) {
    p.log.warn('no demo-population seed for this city: no synthetic base-database records');
    return null;
  }
  const names = new Map(p.profile.districts.map((d) => [d.adcode, d.name.zh]));
  const rnd = random(20261205);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const totalShare = districts.reduce((a, d) => a + d.share, 0);
  const districtOf = () => {
    let x = rnd() * totalShare;
    for (const d of districts) {
      x -= d.share;
      if (x <= 0) return d;
    }
    return districts[districts.length - 1]!;
  };
  const cal = await p.calendar.get();
  const today = cal.localDate(now);
  const thisYear = Number(today.slice(0, 4));
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const dateBetween = (y0: number, y1: number) => {
    for (;;) {
      const y = y0 + Math.floor(rnd() * (y1 - y0 + 1));
      const d = `${y}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}`;
      if (d <= today) return d;
    }
  };
  const address = (d: DistrictSeed) => `${city.addressPrefix}${names.get(d.id) ?? ''}${pick(d.streets)}${pick(d.roads)}${1 + Math.floor(rnd() * 300)}号`;
  const ctx = { principal: null, ip: null, requestId: null };
  const counts: Record<string, number> = {};
  const load = async (dataset: string, rows: Record<string, unknown>[]) => {
    const job = await loads.load(
      dataset,
      'synthetic demo data (合成数据)',
      rows.map((raw, i): SourceRow => ({ at: i + 1, raw })),
      ctx,
      { synthetic: true },
    );
    if (job.refused) p.log.warn({ dataset, refused: job.refused, first: job.errors[0] }, 'synthetic rows refused');
    counts[dataset] = job.inserted + job.updated;
  };
  const started = Date.now();

  // 人口: residents of every age, born 1940 to last year.
  const people: { id: string; name: string; district: DistrictSeed; birth: string }[] = [];
  const seen = new Set<string>();
  const residents: Record<string, unknown>[] = [];
  while (people.length < sizes.people) {
    const d = districtOf();
    const birth = dateBetween(1940, thisYear - 1);
    const seq = Math.floor(rnd() * 1000);
    const id = makeIdNumber(d.id, birth.replaceAll('-', ''), seq);
    if (seen.has(id)) continue;
    seen.add(id);
    const name = pick([...SURNAMES]) + pick([...GIVEN]) + (rnd() < 0.7 ? pick([...GIVEN]) : '');
    const home = address(d);
    people.push({ id, name, district: d, birth });
    residents.push({
      idNumber: id,
      name,
      gender: seq % 2 === 1 ? '1' : '2',
      birthDate: birth,
      ethnicity: rnd() < 0.97 ? '01' : pick(['03', '04', '08', '15']),
      householdAddress: home,
      residenceAddress: rnd() < 0.7 ? home : address(districtOf()),
      phone: `1990719${pad(people.length % 10_000, 4)}`,
      district: d.id,
    });
  }
  await load('population', residents);
  residents.length = 0;
  const adults = people.filter((x) => Number(x.birth.slice(0, 4)) <= thisYear - 20);

  // 法人: companies (91), individual businesses (92), public institutions (12), social organisations (52).
  const entityCount = Math.max(1, Math.round(sizes.people / 5));
  const entities: { code: string; name: string; district: DistrictSeed; type: string; founded: string; rep: (typeof people)[number] }[] = [];
  const entityRows: Record<string, unknown>[] = [];
  for (let i = 0; i < entityCount; i++) {
    const d = districtOf();
    const r = rnd();
    const [type, prefix] = r < 0.8 ? ['1100', '91'] : r < 0.95 ? ['1200', '92'] : r < 0.98 ? ['2100', '12'] : ['3100', '52'];
    let k = i;
    let org = '';
    for (let c = 0; c < 7; c++) {
      org = CODE_CHARS[k % 31] + org;
      k = Math.floor(k / 31);
    }
    const code = makeCreditCode(prefix[0]!, prefix[1]!, d.id, `MA${org}`);
    const [industry, scope] = pick(INDUSTRIES);
    const word = pick(words) + (i >= words.length ? pick([...GIVEN]) : '');
    const rep = pick(adults.length ? adults : people);
    const name =
      type === '1100'
        ? `${city.shortName}${word}${industry}有限公司`
        : type === '1200'
          ? `${names.get(d.id)}${word}${industry.slice(0, 2)}经营部`
          : type === '2100'
            ? `${city.cityName}${word}${pick(['服务中心', '事务中心', '研究所'])}`
            : `${city.cityName}${word}${pick(['协会', '商会', '促进会'])}`;
    const founded = dateBetween(1995, thisYear);
    const full = `${name}（${i + 1}）`;
    entities.push({ code, name: full, district: d, type, founded, rep });
    entityRows.push({
      creditCode: code,
      name: full,
      entityType: type,
      legalRepresentative: rep.name,
      legalRepresentativeId: rep.id,
      registeredCapital: type === '1100' ? Math.round(rnd() * 5000 * 100) / 100 : null,
      foundedOn: founded,
      address: address(d),
      businessScope: scope,
      status: rnd() < 0.92 ? '10' : pick(['20', '30']),
      district: d.id,
    });
  }
  await load('legal-entities', entityRows);
  entityRows.length = 0;

  // 电子证照: business licences, food business permits, residence permits, disability cards.
  const licences: Record<string, unknown>[] = [];
  const expiry = (issued: string, years: number) => `${Number(issued.slice(0, 4)) + years}${issued.slice(4)}`;
  const status = (expires: string | null) => (expires && expires < today ? 'expired' : rnd() < 0.01 ? 'revoked' : 'valid');
  entities.forEach((e, i) => {
    if (e.type === '1100' || e.type === '1200')
      licences.push({
        licenceNumber: `YYZZ-${e.code}`,
        licenceType: '营业执照',
        holderName: e.name,
        holderId: e.code,
        issuer: `${city.cityName}${names.get(e.district.id)}市场监督管理局`,
        issuedOn: e.founded,
        status: 'valid',
      });
    if (e.type === '1100' && i % 5 === 0) {
      const issued = dateBetween(Math.max(2019, Number(e.founded.slice(0, 4))), thisYear);
      const exp = expiry(issued, 5);
      licences.push({
        licenceNumber: `JY1${e.district.id}${pad(i, 7)}`,
        licenceType: '食品经营许可证',
        holderName: e.name,
        holderId: e.code,
        issuer: city.market,
        issuedOn: issued,
        expiresOn: exp,
        status: status(exp),
      });
    }
  });
  people.forEach((x, i) => {
    if (i % 20 === 0) {
      const issued = dateBetween(thisYear - 3, thisYear);
      const exp = expiry(issued, 3);
      licences.push({
        licenceNumber: `${city.residencePrefix}-${pad(i, 8)}`,
        licenceType: '居住证',
        holderName: x.name,
        holderId: x.id,
        issuer: `${city.police}${names.get(x.district.id)}分局`,
        issuedOn: issued,
        expiresOn: exp,
        status: status(exp),
      });
    }
    if (i % 97 === 0)
      licences.push({
        licenceNumber: `${x.id}${1 + (i % 7)}${1 + (i % 4)}`,
        licenceType: '残疾人证',
        holderName: x.name,
        holderId: x.id,
        issuer: `${city.cityName}${names.get(x.district.id)}${city.disabled}`,
        issuedOn: dateBetween(Math.max(2010, Number(x.birth.slice(0, 4))), thisYear),
        status: 'valid',
      });
  });
  await load('licences', licences);
  licences.length = 0;

  // 社会信用: 双公示 licensing and penalty decisions, with ratings and lists.
  const credit: Record<string, unknown>[] = [];
  entities.forEach((e, i) => {
    if (e.type !== '1100' && e.type !== '1200') return;
    if (i % 3 === 0)
      credit.push({
        decisionNumber: `${city.licensingPrefix}〔${e.founded.slice(0, 4)}〕${i + 1}号`,
        subjectCode: e.code,
        subjectName: e.name,
        rating: rnd() < 0.6 ? 'A' : 'B',
        listKind: rnd() < 0.05 ? 'red' : 'none',
        recordKind: 'licensing',
        decidedOn: e.founded,
        authority: city.market,
      });
    if (i % 25 === 0) {
      const black = i % 200 === 0;
      credit.push({
        decisionNumber: `${city.penaltyPrefix}〔${thisYear - (i % 3)}〕${i + 1}号`,
        subjectCode: e.code,
        subjectName: e.name,
        rating: black ? 'D' : 'C',
        listKind: black ? 'black' : 'none',
        recordKind: 'penalty',
        decidedOn: dateBetween(Math.max(thisYear - 2, Number(e.founded.slice(0, 4))), thisYear),
        authority: pick(city.penaltyAuthorities),
      });
    }
  });
  await load('credit', credit);
  credit.length = 0;

  // 公共资源交易: projects tendered by the city's departments, won by companies.
  const departments = (await p.db.selectFrom('departments').select('name_zh').where('district_adcode', 'is', null).execute()).map((d) => d.name_zh);
  const companies = entities.filter((e) => e.type === '1100');
  const projects: Record<string, unknown>[] = [];
  const projectCount = Math.max(1, Math.round(sizes.people / 50));
  const WHAT: Record<string, string[]> = {
    construction: ['道路改造工程', '排水管网改造工程', '老旧小区改造工程', '桥梁维修加固工程', '学校教学楼建设工程'],
    procurement: ['办公设备采购', '监测设备采购', '医疗设备采购', '信息化系统建设项目', '物业管理服务采购'],
    land: ['国有建设用地使用权出让', '采矿权出让'],
    property: ['国有股权转让', '国有资产租赁'],
  };
  for (let i = 0; i < projectCount; i++) {
    const category = pick(['construction', 'construction', 'procurement', 'procurement', 'land', 'property']);
    const winner = companies.length ? pick(companies) : null;
    const awarded = dateBetween(thisYear - 3, thisYear);
    projects.push({
      projectCode: `${city.tradingPrefix}-${awarded.slice(0, 4)}-${pad(i + 1, 5)}`,
      projectName: `${names.get(districtOf().id)}${pick(WHAT[category]!)}（${i + 1}）`,
      category,
      tenderer: departments.length ? pick(departments) : city.government,
      winner: winner?.name ?? null,
      winnerCode: winner?.code ?? null,
      amount: Math.round(rnd() * (category === 'land' ? 50_000 : 3_000) * 100) / 100,
      awardedOn: awarded,
    });
  }
  await load('trading', projects);

  // 宏观经济: yearly indicators for the city and each district, quarterly ones for the city.
  const macro: Record<string, unknown>[] = [];
  const INDICATORS: [string, string, string, number, number][] = [
    ['GDP', '地区生产总值', '亿元', 2000, 0.06],
    ['GDP1', '第一产业增加值', '亿元', 200, 0.03],
    ['GDP2', '第二产业增加值', '亿元', 800, 0.05],
    ['GDP3', '第三产业增加值', '亿元', 1000, 0.07],
    ['RETAIL', '社会消费品零售总额', '亿元', 1000, 0.06],
    ['INCOME_URBAN', '城镇常住居民人均可支配收入', '元', 36000, 0.055],
  ];
  const areas: [string, number][] = [[p.profile.adcode, 1], ...districts.map((d): [string, number] => [d.id, d.share / totalShare])];
  for (const [code, name, unit, base, growth] of INDICATORS)
    for (const [area, share] of areas)
      for (let y = thisYear - 6; y < thisYear; y++) {
        const perHead = unit === '元';
        const value = base * (perHead ? 1 : share) * (1 + growth) ** (y - (thisYear - 6)) * (0.97 + rnd() * 0.06);
        macro.push({ indicatorCode: code, indicatorName: name, area, period: String(y), value: Math.round(value * 10) / 10, unit });
      }
  for (let y = thisYear - 2; y <= thisYear; y++)
    for (let m = 1; m <= 12; m++) {
      const period = `${y}-${pad(m, 2)}`;
      if (`${period}-28` > today) break;
      macro.push({
        indicatorCode: 'CPI',
        indicatorName: '居民消费价格指数',
        area: p.profile.adcode,
        period,
        value: Math.round((99.5 + rnd() * 2.5) * 10) / 10,
        unit: '上年同月=100',
      });
    }
  await load('macro-economy', macro);

  // 自然资源与空间地理: standard addresses inside their district's boundary.
  const addresses: Record<string, unknown>[] = [];
  const bbox = p.profile.bbox;
  const addressCount = Math.max(1, Math.round(sizes.people / 10));
  const perStreet = new Map<string, number>();
  for (let tries = 0; addresses.length < addressCount && bbox && tries < addressCount * 50; tries++) {
    const lon = bbox[0] + rnd() * (bbox[2] - bbox[0]);
    const lat = bbox[1] + rnd() * (bbox[3] - bbox[1]);
    const district = p.profile.districtAt(lon, lat);
    const d = districts.find((x) => x.id === district);
    if (!d) continue;
    const si = Math.floor(rnd() * d.streets.length);
    const key = `${d.id}${pad(si + 1, 3)}`;
    const n = (perStreet.get(key) ?? 0) + 1;
    perStreet.set(key, n);
    addresses.push({
      addressCode: `${key}${pad(n, 6)}`,
      district: d.id,
      street: d.streets[si],
      fullAddress: `${city.addressPrefix}${names.get(d.id)}${d.streets[si]}${pick(d.roads)}${n}号`,
      lon: Math.round(lon * 1e6) / 1e6,
      lat: Math.round(lat * 1e6) / 1e6,
      gridCode: `${key}${pad(1 + Math.floor(rnd() * 40), 3)}`,
    });
  }
  await load('spatial', addresses);

  await p.db
    .updateTable('settings')
    .set({ value: JSON.stringify({ people: sizes.people, counts, finishedAt: p.now() }), updated_at: p.now() })
    .where('key', '=', DEMO_SEEDED_KEY)
    .execute();
  p.log.info({ counts, seconds: Math.round((Date.now() - started) / 100) / 10 }, 'synthetic base-database records made (合成数据)');
  return counts;
}
