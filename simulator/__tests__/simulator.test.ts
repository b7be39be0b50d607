import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { provisionSimulated } from '../../modules/sensing/sensing.service.js';
import { dialects, startApp, waitFor } from '../../test/helpers.js';
import { buildDevices, faultOf, reading, startSimulator, weather } from '../shiyan.js';

describe('Shiyan simulator model', () => {
  test('the same seed gives the same city; the national air stations are there', () => {
    const a = buildDevices(7, 120);
    const b = buildDevices(7, 120);
    assert.deepEqual(a, b);
    assert.equal(a.length, 120);
    const names = a.map((d) => d.name).join(' ');
    for (const site of ['武当山', '滨河新村', '刘家沟', '铁二处', '汉江', '丹江口水库', '堵河', '神定河', '泗河', '犟河'])
      assert.ok(names.includes(site), site);
    assert.ok(a.every((d) => d.tags.includes('simulated')));
    // Every device has a Chinese name as its owner would give it, never a data-model type name.
    for (const d of a) assert.match(d.name, /^[\u3400-\u9fff0-9 ]+$/, d.name);
  });
  test('a rainstorm raises rain, wells, waterlogging and rivers together', () => {
    const devices = buildDevices(2026, 60);
    // Find a storm peak and a dry moment in the first days.
    let wet = -1;
    let dry = -1;
    for (let t = Date.UTC(2026, 10, 26); t < Date.UTC(2026, 11, 3); t += 600_000) {
      const w = weather(2026, t).rain;
      if (w > 0.9 && wet < 0) wet = t;
      if (w === 0 && dry < 0) dry = t;
    }
    assert.ok(wet > 0 && dry > 0);
    const pick = (type: string) => devices.find((d) => d.type === type)!;
    for (const [type, attr] of [
      ['WeatherObserved', 'precipitation'],
      ['DrainageWellObserved', 'level'],
      ['FloodMonitoring', 'currentLevel'],
      ['WaterObserved', 'waterLevel'],
    ] as const) {
      const d = pick(type);
      assert.ok((reading(2026, d, wet)[attr] as number) > (reading(2026, d, dry)[attr] as number), `${type}.${attr}`);
    }
  });
  test('the demo’s storm on demand: waterlogging points pass 15 cm from the first readings, and dry up after 1.5 hours', () => {
    const devices = buildDevices(2026, 240).filter((d) => d.type === 'FloodMonitoring');
    assert.ok(devices.length > 0);
    // A dry moment of the seed's own weather, so only the asked-for storm can wet it.
    let dry = Date.UTC(2026, 10, 26);
    const wetWithin = (t: number) => Array.from({ length: 16 }, (_, i) => weather(2026, t - 30 * 60_000 + i * 600_000).rain).some((r) => r > 0);
    while (wetWithin(dry)) dry += 600_000;
    const stormAt = dry - 30 * 60_000;
    const depth = (t: number, at?: number) => Math.max(...devices.map((d) => reading(2026, d, t, at).currentLevel as number));
    assert.ok(depth(dry) < 0.05, 'dry without the storm');
    assert.ok(depth(dry, stormAt) >= 0.15, `the deepest point is ${depth(dry, stormAt)} m at once`);
    assert.ok(depth(stormAt + 95 * 60_000, stormAt) < 0.05, 'the storm passes');
  });
  test('some devices fail some hours, deterministically', () => {
    const hours = Array.from({ length: 2000 }, (_, h) => faultOf(1, 'sim-gas-1', h * 3_600_000));
    assert.ok(hours.includes('offline') && hours.includes('stuck') && hours.includes('spike'));
    assert.deepEqual(
      hours,
      Array.from({ length: 2000 }, (_, h) => faultOf(1, 'sim-gas-1', h * 3_600_000)),
    );
  });
});

const [sqlite] = await dialects();
test('the simulator provisions its devices and publishes over MQTT like real ones', async () => {
  const t = await startApp(sqlite!);
  const sim = await startSimulator(
    { seed: 1, devices: 40 },
    { mqttUrl: `mqtt://127.0.0.1:${t.sensing.broker!.port}`, log: { info() {}, warn() {} }, provision: (d) => provisionSimulated(t.platform, d) },
  );
  try {
    const admin = await t.login('admin');
    await waitFor(
      async () => {
        await t.sensing.sweep();
        const s = await t.call('GET', '/api/devices/status', admin);
        return s.body.online >= 20;
      },
      60_000,
      'twenty simulated devices online',
    );
    const list = await t.call('GET', '/api/devices?simulated=true&limit=100', admin);
    assert.equal(list.body.total, 40);
    const air = list.body.items.filter((d: { type: string }) => d.type === 'AirQualityObserved');
    assert.ok(air.every((d: { simulated: boolean }) => d.simulated));
    // Most air stations have reported PM2.5 by now (a few may be in a simulated outage).
    await waitFor(
      async () => {
        let withPm25 = 0;
        for (const d of air) {
          const detail = await t.call('GET', `/api/devices/${d.id}`, admin);
          assert.equal(detail.body.health.lastError, null, `${d.id}: ${detail.body.health.lastError}`);
          if (detail.body.latest.some((l: { attr: string }) => l.attr === 'pm25')) withPm25++;
        }
        return withPm25 >= air.length / 2;
      },
      60_000,
      'half the air stations reporting PM2.5',
    );
  } finally {
    await sim.stop();
    await t.close();
  }
});

test('--speed makes the devices report that many times as often', async () => {
  const [sqlite] = await dialects();
  const t = await startApp(sqlite!);
  const devices = buildDevices(3, 10);
  const sim = await startSimulator(
    { seed: 3, devices: 10, speed: 3600 },
    { mqttUrl: `mqtt://127.0.0.1:${t.sensing.broker!.port}`, log: { info() {}, warn() {} }, provision: (d) => provisionSimulated(t.platform, d) },
  );
  try {
    // At their own intervals (a minute or more) they would report once in these seconds; sped up,
    // every device that is not in a simulated outage reports every second.
    assert.ok(devices.every((d) => d.intervalSeconds >= 10));
    await waitFor(() => sim.published >= 40, 60_000, 'forty reports from ten devices');
  } finally {
    await sim.stop();
    await t.close();
  }
});

test('devices an earlier simulator named after their data model take their Chinese names; names people chose are kept', async () => {
  const [sqlite] = await dialects();
  const t = await startApp(sqlite!);
  try {
    const fillers = buildDevices(5, 60).filter((d) => d.id === 'sim-gas-1' || d.id === 'sim-well-1');
    assert.equal(fillers.length, 2);
    const gas = fillers.find((d) => d.id === 'sim-gas-1')!;
    const well = fillers.find((d) => d.id === 'sim-well-1')!;
    // As an older version provisioned them: one named after its type, one renamed by its owner since.
    await provisionSimulated(t.platform, [
      { ...gas, name: 'CombustibleGasObserved 1' },
      { ...well, name: '车城路 3 号井' },
    ]);
    await provisionSimulated(t.platform, fillers);
    const admin = await t.login('admin');
    assert.equal((await t.call('GET', '/api/devices/sim-gas-1', admin)).body.name, gas.name);
    assert.match(gas.name, /^燃气泄漏监测点 \d{3}$/);
    assert.equal((await t.call('GET', '/api/devices/sim-well-1', admin)).body.name, '车城路 3 号井');
  } finally {
    await t.close();
  }
});
