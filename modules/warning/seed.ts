/**
 * Seed warning rules for Shiyan. Each cites where its thresholds come from; all are data that
 * the owning department can change in the console. A seed rule is added once: one deleted by
 * its department does not come back on the next start.
 */
import { appendAudit } from '../../platform/audit/audit.js';
import { getSetting, putSetting, transaction } from '../../platform/storage/db.js';
import type { Platform } from '../../platform/context.js';
import type { RuleDefinition } from './rules.js';
import { validateRule } from './rules.js';
import { catalog, insertRule } from './rules.service.js';

export const SEED_RULES: (RuleDefinition & { id: string; enabled?: boolean })[] = [
  {
    id: 'waterlogging-depth',
    name: { zh: '城市积水点积水深度', en: 'Ponding depth at waterlogging points' },
    description: '积水深度超过 15 cm 即为内涝；按深度分级。',
    source:
      'GB 51222-2017 城镇内涝防治技术标准 (road ponding deeper than 15 cm counts as waterlogging); deeper levels per the city drainage emergency practice',
    owner: 'ZJJ',
    task: 'drainage',
    scope: { types: ['FloodMonitoring'] },
    levels: [
      { level: 4, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.15, clear: 0.1, forSeconds: 120 } },
      { level: 3, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.3, clear: 0.25 } },
      { level: 2, condition: { kind: 'threshold', attr: 'currentLevel', op: '>=', value: 0.5, clear: 0.45 } },
    ],
  },
  {
    id: 'waterlogging-predicted',
    name: { zh: '积水点内涝预测', en: 'Waterlogging predicted at a ponding point' },
    description: '按近 15 分钟积水深度趋势（Holt 线性指数平滑）预测 30 分钟内将超过 15 cm。',
    source: 'GB 51222-2017 (15 cm); trend by Holt linear exponential smoothing over the last 15 minutes',
    owner: 'ZJJ',
    task: 'drainage',
    scope: { types: ['FloodMonitoring'] },
    levels: [
      {
        level: 4,
        condition: { kind: 'predict', attr: 'currentLevel', op: '>=', value: 0.15, horizonSeconds: 1800, fitSeconds: 900, minConfidence: 0.6 },
      },
    ],
  },
  {
    id: 'river-level',
    name: { zh: '河道与水库水位', en: 'River and reservoir levels' },
    description: '预计 2 小时内超警戒或 1 小时涨幅超 0.5 m 为蓝色；超警戒水位为黄色；超保证水位为橙色。',
    source: 'Each station’s own 警戒水位 (warning) and 保证水位 (guaranteed) levels; 《中华人民共和国防洪法》 and the provincial flood control practice',
    owner: 'SLJ',
    task: 'emergency',
    scope: { types: ['WaterObserved'] },
    levels: [
      {
        level: 4,
        condition: {
          kind: 'any',
          of: [
            { kind: 'rate', attr: 'waterLevel', change: 0.5, withinSeconds: 3600 },
            { kind: 'predict', attr: 'waterLevel', op: '>=', value: { property: 'warningLevel' }, horizonSeconds: 7200, fitSeconds: 3600, minConfidence: 0.6 },
          ],
        },
      },
      { level: 3, condition: { kind: 'threshold', attr: 'waterLevel', op: '>=', value: { property: 'warningLevel' } } },
      { level: 2, condition: { kind: 'threshold', attr: 'waterLevel', op: '>=', value: { property: 'guaranteedLevel' } } },
    ],
  },
  {
    id: 'gas-lel',
    name: { zh: '可燃气体浓度报警', en: 'Combustible gas alarm' },
    source: 'GB/T 50493-2019 石油化工可燃气体和有毒气体检测报警设计标准: first-level alarm ≤ 25 %LEL, second-level ≤ 50 %LEL',
    owner: 'ZJJ',
    task: 'emergency',
    scope: { types: ['CombustibleGasObserved'] },
    levels: [
      { level: 3, condition: { kind: 'threshold', attr: 'lel', op: '>=', value: 25, clear: 20 } },
      { level: 2, condition: { kind: 'threshold', attr: 'lel', op: '>=', value: 50, clear: 45 } },
    ],
  },
  {
    id: 'bridge-structure',
    name: { zh: '桥梁结构监测超限', en: 'Bridge structural limits' },
    description: '挠度或应变超过设计预警值；各桥应按设计值调整。',
    source: 'JT/T 1037-2016 公路桥梁结构监测技术规范 (alarm values set from each bridge’s design values; these are the defaults for the city’s bridges)',
    owner: 'JTJ',
    task: 'transport',
    scope: { types: ['BridgeStructureObserved'] },
    levels: [
      {
        level: 3,
        condition: {
          kind: 'any',
          of: [
            { kind: 'threshold', attr: 'deflection', op: '>=', value: 10, clear: 8 },
            { kind: 'threshold', attr: 'strain', op: '>=', value: 150, clear: 130 },
          ],
        },
      },
      {
        level: 2,
        condition: {
          kind: 'any',
          of: [
            { kind: 'threshold', attr: 'deflection', op: '>=', value: 15, clear: 13 },
            { kind: 'threshold', attr: 'strain', op: '>=', value: 200, clear: 180 },
          ],
        },
      },
    ],
  },
  {
    id: 'air-quality',
    name: { zh: '空气质量与重污染', en: 'Air quality and heavy pollution' },
    description: '实时 AQI 持续 1 小时：中度污染（>150）蓝色，重度污染（>200）黄色，严重污染（>300）橙色。',
    source: 'HJ 633-2026 环境空气质量指数 (AQI) 技术规定 (levels 4–6); the city heavy-pollution weather plan sets the response',
    owner: 'STHJJ',
    task: 'environment',
    scope: { types: ['AirQualityObserved'] },
    levels: [
      { level: 4, condition: { kind: 'threshold', attr: '$aqi', op: '>=', value: 151, clear: 140, forSeconds: 3600 } },
      { level: 3, condition: { kind: 'threshold', attr: '$aqi', op: '>=', value: 201, clear: 190, forSeconds: 3600 } },
      { level: 2, condition: { kind: 'threshold', attr: '$aqi', op: '>=', value: 301, clear: 290, forSeconds: 3600 } },
    ],
  },
  {
    id: 'danjiangkou-class',
    name: { zh: '丹江口水库水质低于Ⅱ类', en: 'Danjiangkou Reservoir below Class II' },
    description: '南水北调中线水源地按Ⅱ类管控：Ⅲ类蓝色，Ⅳ类及以下黄色。',
    source: 'GB 3838-2002 地表水环境质量标准 (lake and reservoir columns); the South-to-North Water Diversion source is held to Class II',
    owner: 'STHJJ',
    task: 'environment',
    scope: { types: ['WaterQualityObserved'], tags: ['danjiangkou'] },
    notify: ['SLJ'],
    levels: [
      { level: 4, condition: { kind: 'threshold', attr: '$waterClass', op: '>=', value: 3, forSeconds: 600 } },
      { level: 3, condition: { kind: 'threshold', attr: '$waterClass', op: '>=', value: 4, forSeconds: 600 } },
    ],
  },
  {
    id: 'black-odorous',
    name: { zh: '城市河道黑臭', en: 'Black-odorous urban rivers' },
    description: '按透明度、溶解氧、氧化还原电位、氨氮判定：轻度黑臭蓝色，重度黑臭黄色。',
    source: '住房城乡建设部《城市黑臭水体整治工作指南》(2015)',
    // Owned by 市生态环境局, whose water-quality stations it reads (a rule watches only its owner's
    // devices); the drainage task routes its alerts to 市住建局, which leads the remediation.
    owner: 'STHJJ',
    task: 'drainage',
    scope: { types: ['WaterQualityObserved'], tags: ['urban-river'] },
    notify: ['STHJJ'],
    levels: [
      { level: 4, condition: { kind: 'threshold', attr: '$blackOdorous', op: '>=', value: 1, forSeconds: 1800 } },
      { level: 3, condition: { kind: 'threshold', attr: '$blackOdorous', op: '>=', value: 2, forSeconds: 1800 } },
    ],
  },
  {
    id: 'scenic-capacity',
    name: { zh: '景区承载量预警', en: 'Scenic-area capacity' },
    description: '在园人数达瞬时承载量 80% 预警（蓝色），达 100% 限流（黄色）。',
    source: 'LB/T 034-2014 景区最大承载量核定导则; 《中华人民共和国旅游法》第四十五条',
    owner: 'WLJ',
    task: 'tourism',
    scope: { types: ['VisitorCounterObserved'] },
    levels: [
      { level: 4, condition: { kind: 'threshold', attr: '$load', op: '>=', value: 0.8, clear: 0.75 } },
      { level: 3, condition: { kind: 'threshold', attr: '$load', op: '>=', value: 1.0, clear: 0.95 } },
    ],
  },
  {
    id: 'drainage-wells-district',
    name: { zh: '区域排水井群满溢', en: 'Drainage wells overflowing across a district' },
    description: '同一区县 3 个以上排水井水位超 3 m 为黄色，10 个以上为橙色。',
    source: 'GB 51222-2017 (drainage system capacity); city drainage emergency practice',
    owner: 'ZJJ',
    task: 'drainage',
    scope: { types: ['DrainageWellObserved'] },
    levels: [
      { level: 3, condition: { kind: 'count', k: 3, by: 'district', of: { kind: 'threshold', attr: 'level', op: '>=', value: 3.0, clear: 2.8 } } },
      { level: 2, condition: { kind: 'count', k: 10, by: 'district', of: { kind: 'threshold', attr: 'level', op: '>=', value: 3.0, clear: 2.8 } } },
    ],
  },
  {
    id: 'traffic-anomaly',
    name: { zh: '路段车流量异常', en: 'Unusual traffic flow' },
    description: '与过去 4 周同一时段相比偏离 3 倍标准差以上（需至少 2 周数据）。',
    source: 'Baseline of the same hour of the week over the last four weeks',
    owner: 'JTJ',
    task: 'transport',
    scope: { types: ['TrafficFlowObserved'] },
    levels: [{ level: 4, condition: { kind: 'baseline', attr: 'intensity', weeks: 4, sigmas: 3 } }],
  },
  {
    id: 'devices-offline',
    name: { zh: '重点监测设备离线', en: 'Key monitoring devices offline' },
    description: '积水、水位、燃气、桥梁、空气站设备 15 分钟无数据。',
    source: 'Operations-centre practice: a silent safety sensor is a blind spot',
    owner: 'DSJZX',
    task: 'city-brain',
    routing: 'device',
    scope: { types: ['FloodMonitoring', 'WaterObserved', 'CombustibleGasObserved', 'BridgeStructureObserved', 'AirQualityObserved'] },
    levels: [{ level: 4, condition: { kind: 'absence', seconds: 900 } }],
  },
  {
    id: 'sensor-stuck',
    name: { zh: '监测数据停滞', en: 'Sensor value stuck' },
    description: '水位或积水深度 30 分钟内读数不变（至少 10 次）。',
    source: 'Operations-centre practice: a reading that never changes hides a fault',
    owner: 'DSJZX',
    task: 'city-brain',
    routing: 'device',
    scope: { types: ['WaterObserved', 'FloodMonitoring'] },
    levels: [
      {
        level: 4,
        condition: {
          kind: 'any',
          of: [
            { kind: 'stuck', attr: 'waterLevel', seconds: 1800, minReadings: 6 },
            { kind: 'stuck', attr: 'currentLevel', seconds: 1800, minReadings: 10 },
          ],
        },
      },
    ],
  },
];

const SEEDED_KEY = 'warning.seeded_rules';

/** Adds the seed rules not added before. */
export async function seedRules(p: Platform): Promise<void> {
  const seeded = new Set(await getSetting<string[]>(p.db, SEEDED_KEY, []));
  const todo = SEED_RULES.filter((r) => !seeded.has(r.id));
  if (todo.length === 0) return;
  const cat = await catalog(p);
  const now = p.now();
  await transaction(p.db, async (trx) => {
    for (const r of todo) {
      const { id, enabled = true, ...def } = r;
      const errors = validateRule(def, cat, `/seed/${id}`);
      if (errors.length) {
        // A profile without a department or task the rule needs (another city): skip it, say why.
        p.log.warn({ rule: id, errors }, 'seed rule skipped');
        continue;
      }
      const exists = await trx.selectFrom('warning_rules').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) {
        await insertRule(trx, id, def, enabled, null, now);
        await appendAudit(trx, { action: 'rule.seeded', targetType: 'warning_rule', targetId: id, details: { source: def.source }, at: now });
      }
      seeded.add(id);
    }
    await putSetting(trx, SEEDED_KEY, [...seeded].sort(), now);
  });
}
