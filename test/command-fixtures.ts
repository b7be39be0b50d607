/** Test fixtures for emergency command: the waterlogging alert that starts the walk-through. */
import assert from 'node:assert/strict';
import type { EventBus } from '../platform/bus/bus.js';
import type { TestApp } from './helpers.js';
import { post } from './ingest.js';

export const ZHANGWAN = { lon: 110.772365, lat: 32.652516 }; // 张湾区 420303
export const MIN = 60_000;

/**
 * The ponding point under 人民北路 (市住建局's flood sensor in 张湾区) reports 18 then 20 cm three
 * minutes apart: the rule 城市积水点积水深度 raises one Ⅳ alert. Returns its id.
 */
export async function pondingAlert(t: TestApp<EventBus>, admin: string): Promise<string> {
  const r = await t.call('POST', '/api/devices', admin, {
    id: 'pond-renmin',
    name: '人民北路下穿积水点',
    type: 'FloodMonitoring',
    department: 'ZJJ',
    location: ZHANGWAN,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const base = Date.now() - 10 * MIN;
  await post(t, 'pond-renmin', r.body.token, { ts: base, currentLevel: 0.18 });
  await post(t, 'pond-renmin', r.body.token, { ts: base + 3 * MIN, currentLevel: 0.2 });
  const list = await t.call('GET', '/api/alerts?rule=waterlogging-depth', admin);
  assert.equal(list.body.total, 1, 'the readings raised one waterlogging alert');
  return list.body.items[0].id;
}
