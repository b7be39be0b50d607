/**
 * Seed plans for Shiyan: one special plan (专项预案) per subkind the platform handles, with the
 * units of the responsibility matrix (../shared/plan/responsibility-matrix.json) and `$district`
 * for the government of the incident's district. Structure per GB/T 29639 and the Emergency
 * Response Law: per level the lead unit, each unit's tasks, resources, and when to raise, lower
 * or end. Deadlines are the platform's defaults for a city of Shiyan's size; each plan's owner
 * revises them through the plan editor, and every revision is a new version.
 */
import { appendAudit } from '../../platform/audit/audit.js';
import { getSetting, putSetting, transaction } from '../../platform/storage/db.js';
import { type Platform, SYSTEM_CONTEXT } from '../../platform/context.js';
import { DISTRICT_UNIT, type Label, type LevelPlan, type PlanDefinition, type ResourceNeed, type ResponseLevel, validatePlan } from './plans.js';
import { insertPlan, planCatalog } from './plans.service.js';
import type { ResourceInput, ResourceService } from './resources.service.js';

const SEEDED_KEY = 'command.seeded_plans';
const LAW = '《中华人民共和国突发事件应对法》(2024 修订); 《国家突发公共事件总体应急预案》; GB/T 29639 应急预案编制导则';
const REVIEW_BY = '2027-06-30';

type T = [key: string, zh: string, en: string, accept: number, deadline: number, report: number];

/** One level: lead, units with their tasks, resources; deadlines shrink as the level rises. */
function level(
  lvl: ResponseLevel,
  lead: string,
  units: Record<string, T[]>,
  resources: ResourceNeed[],
  when: { raise?: Label; lower?: Label; end: Label },
): LevelPlan {
  // Ⅳ as written; each level up halves the time to accept and to finish (at least 5 and 15 minutes).
  const f = 2 ** (4 - lvl);
  return {
    level: lvl,
    lead,
    units: Object.entries(units).map(([unit, tasks]) => ({
      unit,
      tasks: tasks.map(([key, zh, en, accept, deadline, report]) => {
        const a = Math.max(5, Math.round(accept / f));
        const d = Math.max(a + 10, Math.round(deadline / f));
        return { key, title: { zh, en }, acceptMinutes: a, deadlineMinutes: d, reportEveryMinutes: Math.min(d, Math.max(10, Math.round(report / f))) };
      }),
    })),
    resources: resources.map((r) => ({ ...r, quantity: r.quantity * f })),
    ...(when.raise ? { raiseWhen: when.raise } : {}),
    ...(when.lower ? { lowerWhen: when.lower } : {}),
    endWhen: when.end,
  };
}

/** Levels Ⅳ to Ⅰ from one unit table; Ⅰ and Ⅱ add the emergency bureau (YJJ) to coordinate. */
function ladder(lead: string, units: Record<string, T[]>, resources: ResourceNeed[], end: Label, what: Label): LevelPlan[] {
  const coord: T[] = [['coordinate', '市应急指挥部统一协调、发布信息', 'Coordinate through the city emergency command; issue public information', 15, 240, 60]];
  return ([4, 3, 2, 1] as ResponseLevel[]).map((l) => {
    const u = l <= 2 && !units.YJJ ? { ...units, YJJ: coord } : units;
    const raise = l > 1 ? { zh: `${what.zh}超出本级处置能力或持续扩大`, en: `${what.en} exceeds this level's means or keeps growing` } : undefined;
    const lower = l < 4 ? { zh: `${what.zh}得到控制、险情减轻`, en: `${what.en} under control and easing` } : undefined;
    return level(l, l <= 2 ? 'YJJ' : lead, u, resources, { ...(raise ? { raise } : {}), ...(lower ? { lower } : {}), end });
  });
}

export const SEED_PLANS: (PlanDefinition & { id: string })[] = [
  {
    id: 'urban-waterlogging',
    title: { zh: '十堰市城市内涝专项应急预案', en: 'Shiyan urban waterlogging special plan' },
    kind: 'special',
    subkinds: ['waterlogging'],
    owner: 'ZJJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 十堰市新型智慧城市规划 智慧排水 (市住建局牵头); GB 51222 城镇内涝防治技术规范`,
    levels: ladder(
      'ZJJ',
      {
        ZJJ: [
          ['pump_out', '调派排涝泵车、抢排积水点', 'Send pump trucks and drain the ponding points', 15, 120, 30],
          ['inspect_network', '排查管网、疏通雨水口', 'Inspect the drainage network and clear the inlets', 30, 240, 60],
        ],
        CGW: [['clear_inlets', '清理雨水箅子、设置警示', 'Clear gully gratings and put up warnings', 15, 90, 30]],
        JTJ: [['divert_traffic', '下穿通道封闭与交通疏导、公交绕行', 'Close underpasses, divert traffic and reroute buses', 15, 60, 30]],
        [DISTRICT_UNIT]: [['evacuate', '转移低洼地带群众、值守积水点', 'Move residents of low-lying areas; watch the ponding points', 15, 120, 30]],
      },
      [
        { type: 'pump_truck', quantity: 2 },
        { type: 'rescue_team', quantity: 1 },
        { type: 'sandbags', quantity: 500, unit: 'bag' },
      ],
      { zh: '积水退去、交通恢复、无新增险情', en: 'Water gone, traffic restored, no new danger' },
      { zh: '城市内涝', en: 'Waterlogging' },
    ),
  },
  {
    id: 'flood',
    title: { zh: '十堰市防汛专项应急预案', en: 'Shiyan flood special plan' },
    kind: 'special',
    subkinds: ['flood'],
    owner: 'SLJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《中华人民共和国防洪法》; 十堰市新型智慧城市规划 智慧水务`,
    levels: ladder(
      'SLJ',
      {
        SLJ: [['dispatch_reservoirs', '水库调度、河道巡查、发布水情', 'Operate reservoirs, patrol rivers, publish water levels', 15, 240, 60]],
        ZRZYJ: [['geohazard_watch', '地质灾害隐患点巡查', 'Patrol geological hazard points', 30, 240, 60]],
        QXJ: [['forecast', '滚动发布降雨预报', 'Issue rolling rainfall forecasts', 15, 240, 60]],
        [DISTRICT_UNIT]: [['evacuate', '组织沿河群众转移', 'Move riverside residents to safety', 15, 180, 30]],
      },
      [
        { type: 'rescue_team', quantity: 2 },
        { type: 'sandbags', quantity: 2000, unit: 'bag' },
        { type: 'shelter', quantity: 2 },
      ],
      { zh: '水位回落至警戒水位以下', en: 'Levels back below the warning level' },
      { zh: '汛情', en: 'The flood' },
    ),
  },
  {
    id: 'gas-leak',
    title: { zh: '十堰市城镇燃气事故专项应急预案', en: 'Shiyan town gas accident special plan' },
    kind: 'special',
    subkinds: ['gas_leak'],
    owner: 'ZJJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《城镇燃气管理条例》; GB 50494 城镇燃气技术规范`,
    levels: ladder(
      'ZJJ',
      {
        ZJJ: [['isolate', '督促燃气企业关阀、抢修', 'Have the gas company shut the valves and repair', 10, 90, 20]],
        GAJ: [['cordon', '现场警戒、疏散群众', 'Cordon the site and evacuate people', 10, 60, 20]],
        YJJ: [['coordinate', '协调救援力量', 'Coordinate rescue forces', 10, 120, 30]],
        [DISTRICT_UNIT]: [['shelter_people', '安置疏散群众', 'Shelter the evacuated', 15, 120, 30]],
      },
      [
        { type: 'rescue_team', quantity: 1 },
        { type: 'gas_detector', quantity: 4 },
      ],
      { zh: '泄漏点封堵、浓度低于 25%LEL 并持续 1 小时', en: 'Leak sealed, below 25 % LEL for an hour' },
      { zh: '燃气泄漏', en: 'The gas leak' },
    ),
  },
  {
    id: 'bridge-structural',
    title: { zh: '十堰市桥梁突发事件专项应急预案', en: 'Shiyan bridge emergency special plan' },
    kind: 'special',
    subkinds: ['bridge_structural'],
    owner: 'JTJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《城市桥梁养护技术标准》CJJ 99; JTG/T H21 公路桥梁技术状况评定标准`,
    levels: ladder(
      'JTJ',
      {
        JTJ: [['inspect_bridge', '桥梁专项检查、限载或封闭', 'Inspect the bridge; restrict loads or close it', 15, 120, 30]],
        ZJJ: [['structural_experts', '组织结构专家会商', 'Convene structural experts', 30, 180, 60]],
        GAJ: [['traffic_control', '交通管制与绕行', 'Control and divert traffic', 10, 60, 20]],
      },
      [{ type: 'expert', quantity: 2 }],
      { zh: '结构监测恢复正常、专家评估安全', en: 'Monitoring normal again and experts judge it safe' },
      { zh: '桥梁结构异常', en: 'The structural anomaly' },
    ),
  },
  {
    id: 'hazardous-chemical',
    title: { zh: '十堰市危险化学品事故专项应急预案', en: 'Shiyan hazardous chemicals accident special plan' },
    kind: 'special',
    subkinds: ['hazardous_chemical'],
    owner: 'YJJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《危险化学品安全管理条例》`,
    levels: ladder(
      'YJJ',
      {
        YJJ: [['command', '现场指挥、调派专业救援队', 'Command the site; send specialised rescue teams', 10, 120, 20]],
        STHJJ: [['monitor_pollution', '环境应急监测', 'Emergency environmental monitoring', 15, 120, 30]],
        GAJ: [['cordon', '警戒、疏散、交通管制', 'Cordon, evacuate, control traffic', 10, 60, 20]],
        WJW: [['medical', '医疗救治', 'Medical treatment', 15, 120, 30]],
      },
      [
        { type: 'hazmat_team', quantity: 1 },
        { type: 'ambulance', quantity: 2 },
      ],
      { zh: '泄漏控制、环境监测达标', en: 'Release contained and monitoring back within limits' },
      { zh: '危化品泄漏', en: 'The release' },
    ),
  },
  {
    id: 'forest-fire',
    title: { zh: '十堰市森林火灾专项应急预案', en: 'Shiyan forest fire special plan' },
    kind: 'special',
    subkinds: ['forest_fire'],
    owner: 'LYJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《森林防火条例》; 十堰市新型智慧城市规划 智慧应急 (森林防火)`,
    levels: ladder(
      'LYJ',
      {
        LYJ: [['fight_fire', '调派森林消防队扑救', 'Send forest firefighters', 10, 240, 30]],
        QXJ: [['weather', '火场气象保障', 'Weather support at the fire', 15, 240, 60]],
        [DISTRICT_UNIT]: [['evacuate', '组织林区群众转移', 'Move people out of the forest area', 15, 180, 30]],
      },
      [{ type: 'forest_fire_team', quantity: 2 }],
      { zh: '明火扑灭、余火清理、看守无复燃', en: 'Fire out, embers cleared, no rekindling under watch' },
      { zh: '火情', en: 'The fire' },
    ),
  },
  {
    id: 'heavy-air-pollution',
    title: { zh: '十堰市重污染天气应急预案', en: 'Shiyan heavy air pollution plan' },
    kind: 'special',
    subkinds: ['heavy_air_pollution'],
    owner: 'STHJJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《中华人民共和国大气污染防治法》; HJ 633 环境空气质量指数`,
    levels: ladder(
      'STHJJ',
      {
        STHJJ: [['restrict_emissions', '落实工业企业减排措施', 'Enforce industrial emission cuts', 30, 480, 120]],
        ZJJ: [['stop_dust', '停止土石方作业、工地降尘', 'Stop earthworks; suppress dust on sites', 30, 240, 120]],
        JTJ: [['restrict_traffic', '重型车辆限行', 'Restrict heavy vehicles', 30, 240, 120]],
        JYJ: [['schools', '学校减少户外活动', 'Schools cut outdoor activity', 60, 240, 120]],
      },
      [],
      { zh: 'AQI 连续 24 小时低于 200', en: 'AQI below 200 for 24 hours' },
      { zh: '空气污染', en: 'The pollution' },
    ),
  },
  {
    id: 'scenic-overcrowding',
    title: { zh: '十堰市景区客流超载应急预案', en: 'Shiyan scenic-area overcrowding plan' },
    kind: 'special',
    subkinds: ['scenic_overcrowding'],
    owner: 'WLJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《旅游景区最大承载量核定导则》LB/T 034`,
    levels: ladder(
      'WLJ',
      {
        WLJ: [['limit_entry', '景区限流、分时预约', 'Limit entry; timed reservations', 10, 60, 20]],
        GAJ: [['crowd_control', '现场秩序与踩踏防范', 'Keep order; prevent crushes', 10, 60, 20]],
        JTJ: [['shuttles', '增开接驳车辆', 'Add shuttle buses', 30, 120, 30]],
      },
      [{ type: 'police_team', quantity: 1 }],
      { zh: '客流回落至最大承载量 80% 以下', en: 'Visitors back under 80 % of capacity' },
      { zh: '客流', en: 'The crowd' },
    ),
  },
  {
    id: 'major-traffic-accident',
    title: { zh: '十堰市重大道路交通事故应急预案', en: 'Shiyan major road traffic accident plan' },
    kind: 'special',
    subkinds: ['major_traffic_accident'],
    owner: 'GAJ',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《中华人民共和国道路交通安全法》`,
    levels: ladder(
      'GAJ',
      {
        GAJ: [['scene', '现场处置、交通管制', 'Secure the scene; control traffic', 10, 120, 20]],
        WJW: [['medical', '伤员救治', 'Treat the injured', 10, 120, 20]],
        JTJ: [['clear_road', '清障与道路恢复', 'Clear and reopen the road', 15, 180, 30]],
      },
      [{ type: 'ambulance', quantity: 2 }],
      { zh: '伤员救治完毕、道路恢复通行', en: 'Injured treated and the road reopened' },
      { zh: '事故', en: 'The accident' },
    ),
  },
  {
    id: 'epidemic',
    title: { zh: '十堰市突发公共卫生事件应急预案', en: 'Shiyan public health emergency plan' },
    kind: 'special',
    subkinds: ['epidemic'],
    owner: 'WJW',
    reviewBy: REVIEW_BY,
    source: `${LAW}; 《中华人民共和国传染病防治法》; 《突发公共卫生事件应急条例》`,
    levels: ladder(
      'WJW',
      {
        WJW: [['investigate', '流行病学调查、医疗救治', 'Epidemiological investigation; treatment', 15, 480, 120]],
        GAJ: [['support', '协助排查与管控', 'Help trace and contain', 30, 480, 120]],
        JYJ: [['schools', '学校晨午检与停课评估', 'School checks; decide on closures', 60, 480, 240]],
        [DISTRICT_UNIT]: [['community', '社区防控', 'Community prevention', 30, 480, 120]],
      },
      [{ type: 'medical_team', quantity: 1 }],
      { zh: '最后一例病例后经过一个最长潜伏期无新增', en: 'No new case for one longest incubation period after the last' },
      { zh: '疫情', en: 'The outbreak' },
    ),
  },
];

/** Stores the seed plans not yet seeded (never overwrites a plan a department has revised). */
export async function seedPlans(p: Platform): Promise<void> {
  const seeded = new Set(await getSetting<string[]>(p.db, SEEDED_KEY, []));
  const todo = SEED_PLANS.filter((x) => !seeded.has(x.id));
  if (todo.length === 0) return;
  const cat = await planCatalog(p.db);
  const now = p.now();
  await transaction(p.db, async (trx) => {
    for (const { id, ...def } of todo) {
      const errors = validatePlan(def, cat, `/seed/${id}`);
      if (errors.length) {
        p.log.warn({ plan: id, errors }, 'seed plan not valid here; skipped');
        continue;
      }
      const exists = await trx.selectFrom('em_plans').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) {
        await insertPlan(trx, id, def, null, now, 'seed');
        await appendAudit(trx, { action: 'plan.seeded', targetType: 'em_plan', targetId: id, details: { source: def.source }, at: now });
      }
      seeded.add(id);
    }
    await putSetting(trx, SEEDED_KEY, [...seeded].sort(), now);
  });
}

const RESOURCES_KEY = 'command.seeded_resources';

/** Sample resources for the demo: names say 示例 (sample); places are in the city's districts. */
export const SAMPLE_RESOURCES: ResourceInput[] = [
  {
    kind: 'vehicle',
    type: 'pump_truck',
    name: '示例 住建局排涝泵车队（张湾）',
    department: 'ZJJ',
    location: { lon: 110.7705, lat: 32.6551 },
    quantity: 4,
    unit: '台',
    contact: '0719-8000001',
  },
  {
    kind: 'vehicle',
    type: 'pump_truck',
    name: '示例 住建局排涝泵车队（茅箭）',
    department: 'ZJJ',
    location: { lon: 110.7862, lat: 32.6444 },
    quantity: 3,
    unit: '台',
    contact: '0719-8000002',
  },
  {
    kind: 'team',
    type: 'rescue_team',
    name: '示例 市综合应急救援队',
    department: 'YJJ',
    location: { lon: 110.7981, lat: 32.6296 },
    quantity: 2,
    unit: '支',
    contact: '13800000001',
  },
  { kind: 'supply', type: 'sandbags', name: '示例 城区防汛物资仓库', department: 'ZJJ', location: { lon: 110.7839, lat: 32.6435 }, quantity: 5000, unit: '袋' },
  {
    kind: 'shelter',
    type: 'shelter',
    name: '示例 人民公园应急避难场所',
    department: 'GOV-420303',
    location: { lon: 110.7762, lat: 32.6498 },
    quantity: 3000,
    unit: '人',
  },
  {
    kind: 'shelter',
    type: 'shelter',
    name: '示例 茅箭区应急避难场所',
    department: 'GOV-420302',
    location: { lon: 110.7865, lat: 32.6442 },
    quantity: 5000,
    unit: '人',
  },
  {
    kind: 'expert',
    type: 'expert',
    name: '示例 桥梁结构专家组',
    department: 'JTJ',
    location: { lon: 110.7901, lat: 32.6372 },
    quantity: 3,
    unit: '人',
    contact: '13800000002',
  },
  {
    kind: 'vehicle',
    type: 'ambulance',
    name: '示例 市急救中心救护车',
    department: 'WJW',
    location: { lon: 110.7932, lat: 32.6453 },
    quantity: 6,
    unit: '辆',
    contact: '120',
  },
];

export async function seedResources(p: Platform, resources: ResourceService): Promise<void> {
  if ((await getSetting<number | null>(p.db, RESOURCES_KEY, null)) !== null) return;
  const departments = new Set((await p.db.selectFrom('departments').select('code').execute()).map((d) => d.code));
  for (const r of SAMPLE_RESOURCES) if (departments.has(r.department)) await resources.create(r, SYSTEM_CONTEXT);
  await putSetting(p.db, RESOURCES_KEY, SAMPLE_RESOURCES.length, p.now());
}
