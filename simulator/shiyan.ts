/**
 * The Shiyan simulator: the demo city's sensors. It provisions its devices (marked simulated) and then
 * publishes over MQTT exactly as real devices do, each device with its own connection and token.
 *
 * Deterministic from a seed: sites, values, weather episodes (a rainstorm raises rain gauges, wells,
 * waterlogging points and rivers together; heavy pollution raises PM2.5) and faults (devices going
 * offline, stuck values, spikes) all follow from the seed and the clock.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';

export interface SimDevice {
  id: string;
  name: string;
  type: string;
  department: string;
  location: { lon: number; lat: number };
  tags: string[];
  intervalSeconds: number;
  /** Site parameters the value model uses (base level, capacity, ...). */
  site: Record<string, number>;
  /** Device properties the rules read (a station's warning and guaranteed levels, a capacity). */
  properties?: Record<string, unknown>;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable number in [0, 1) from a string and a number (for per-device, per-window decisions). */
function hash01(s: string, n: number): number {
  let h = 2166136261 ^ n;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1_000_003) / 1_000_003;
}

// Real places in Shiyan (GCJ-02, approximate). Air: the four national stations first.
const AIR = [
  ['武当山', 111.004, 32.4015],
  ['滨河新村', 110.7622, 32.6398],
  ['刘家沟', 110.8213, 32.6571],
  ['铁二处', 110.7385, 32.6191],
  ['茅箭区政府', 110.8133, 32.5923],
  ['郧阳城区', 110.8121, 32.8352],
  ['丹江口城区', 111.5131, 32.5403],
  ['竹山城关', 110.2296, 32.2258],
] as const;
const RIVERS = [
  // name, lon, lat, base level (m), warning level (m)
  ['汉江郧阳站', 110.8208, 32.8285, 152.0],
  ['丹江口水库坝前', 111.5089, 32.5466, 160.0],
  ['堵河黄龙站', 110.5621, 32.7355, 196.0],
  ['神定河口', 110.8331, 32.7766, 172.5],
  ['泗河口', 110.8995, 32.7431, 168.0],
  ['犟河张湾段', 110.7392, 32.6563, 224.0],
] as const;
const URBAN = [110.72, 32.58, 110.86, 32.68] as const; // 张湾-茅箭 urban area
const WATERLOGGING = [
  ['人民北路下穿', 110.7912, 32.6561],
  ['火车站广场', 110.7829, 32.6488],
  ['北京路口', 110.8023, 32.6475],
  ['车城路下穿', 110.7621, 32.6521],
  ['东岳路口', 110.7725, 32.6412],
] as const;
const SCENIC = [
  ['武当山金顶', 111.0042, 32.4005, 30000],
  ['武当山太子坡', 111.0259, 32.4341, 15000],
  ['丹江口大坝景区', 111.5086, 32.5496, 12000],
  ['赛武当', 110.685, 32.52, 8000],
  ['郧阳恐龙蛋化石群', 110.8891, 32.8513, 6000],
] as const;

/** The city's simulated devices; `total` adds filler devices of the common types beyond the named sites. */
export function buildDevices(seed: number, total: number): SimDevice[] {
  const r = rng(seed);
  const out: SimDevice[] = [];
  const jitter = () => (r() - 0.5) * 0.01;
  const inUrban = () => ({ lon: URBAN[0] + r() * (URBAN[2] - URBAN[0]), lat: URBAN[1] + r() * (URBAN[3] - URBAN[1]) });
  const add = (d: Omit<SimDevice, 'tags'> & { tags?: string[] }): void => {
    out.push({ ...d, tags: ['simulated', ...(d.tags ?? [])] });
  };
  AIR.forEach(([name, lon, lat], i) => {
    add({
      id: `sim-aq-${i + 1}`,
      name: `${name}空气站`,
      type: 'AirQualityObserved',
      department: 'STHJJ',
      location: { lon, lat },
      intervalSeconds: 60,
      site: { base: 30 + r() * 15 },
      tags: i < 4 ? ['national'] : [],
    });
  });
  RIVERS.forEach(([name, lon, lat, base], i) => {
    const reservoir = name.includes('水库');
    add({
      id: `sim-wl-${i + 1}`,
      name: `${name}水位`,
      type: 'WaterObserved',
      department: 'SLJ',
      location: { lon, lat },
      intervalSeconds: 300,
      site: { base },
      tags: [reservoir ? 'reservoir' : 'river'],
      // Each station's own levels (警戒水位 / 保证水位), which the river rules compare with.
      properties: { warningLevel: round(base + 1.6, 2), guaranteedLevel: round(base + 2.3, 2) },
    });
    add({
      id: `sim-wq-${i + 1}`,
      name: `${name}水质`,
      type: 'WaterQualityObserved',
      department: 'STHJJ',
      location: { lon: lon + 0.002, lat },
      intervalSeconds: 300,
      site: { danjiangkou: name.includes('丹江口') ? 1 : 0, urban: name.includes('神定河') || name.includes('泗河') ? 1 : 0 },
      tags: name.includes('丹江口') ? ['reservoir', 'danjiangkou'] : name.includes('神定河') || name.includes('泗河') ? ['river', 'urban-river'] : ['river'],
      ...(reservoir ? { properties: { lakeOrReservoir: true } } : {}),
    });
  });
  WATERLOGGING.forEach(([name, lon, lat], i) => {
    add({
      id: `sim-wlog-${i + 1}`,
      name: `${name}积水点`,
      type: 'FloodMonitoring',
      department: 'ZJJ',
      location: { lon, lat },
      intervalSeconds: 60,
      site: { depth: 0.3 + r() * 0.5 },
      tags: ['waterlogging'],
    });
  });
  for (let i = 0; i < 6; i++)
    add({ id: `sim-wx-${i + 1}`, name: `气象站${i + 1}`, type: 'WeatherObserved', department: 'QXJ', location: inUrban(), intervalSeconds: 300, site: {} });
  SCENIC.forEach(([name, lon, lat, capacity], i) => {
    add({
      id: `sim-vc-${i + 1}`,
      name: `${name}客流`,
      type: 'VisitorCounterObserved',
      department: 'WLJ',
      location: { lon, lat },
      intervalSeconds: 60,
      site: { capacity },
      tags: ['scenic'],
      properties: { capacity },
    });
  });
  // Filler devices are named as their owners would name them: what they watch and a number.
  const kinds: [string, string, string, number, string][] = [
    ['sim-well', 'DrainageWellObserved', 'ZJJ', 120, '排水井监测点'],
    ['sim-gas', 'CombustibleGasObserved', 'ZJJ', 60, '燃气泄漏监测点'],
    ['sim-bridge', 'BridgeStructureObserved', 'JTJ', 60, '桥梁结构监测点'],
    ['sim-pipe', 'PipeNetworkObserved', 'ZJJ', 60, '供水管网监测点'],
    ['sim-traffic', 'TrafficFlowObserved', 'JTJ', 60, '交通流量监测点'],
    ['sim-noise', 'NoiseLevelObserved', 'STHJJ', 60, '噪声监测点'],
  ];
  let i = 0;
  while (out.length < total) {
    const [prefix, type, department, interval, label] = kinds[i % kinds.length]!;
    const n = Math.floor(i / kinds.length) + 1;
    const loc = inUrban();
    add({
      id: `${prefix}-${n}`,
      name: `${label} ${String(n).padStart(3, '0')}`,
      type,
      department,
      location: { lon: loc.lon + jitter(), lat: loc.lat + jitter() },
      intervalSeconds: interval,
      site: { base: r() },
    });
    i++;
  }
  return out.slice(0, Math.max(total, 0));
}

const HOUR = 3_600_000;

/**
 * Weather and city episodes at time t: a rainstorm in some three-hour windows, heavy pollution in
 * some six-hour ones, a black-odorous spell on the urban rivers in some twelve-hour ones, and a
 * crowd at the scenic areas in some four-hour ones.
 */
export function episodes(seed: number, t: number, stormAt?: number): { rain: number; pollution: number; odour: number; crowd: number } {
  const w = weather(seed, t);
  const rain = Math.max(w.rain, stormAt === undefined ? 0 : forcedStorm(stormAt, t));
  const pollution = w.pollution;
  const ow = Math.floor(t / (12 * HOUR));
  const odour = hash01(`odour${seed}`, ow) < 0.25 ? Math.sin(((t % (12 * HOUR)) / (12 * HOUR)) * Math.PI) : 0;
  const cw = Math.floor(t / (4 * HOUR));
  const crowd = hash01(`crowd${seed}`, cw) < 0.3 ? Math.sin(((t % (4 * HOUR)) / (4 * HOUR)) * Math.PI) : 0;
  return { rain, pollution, odour, crowd };
}

/** A storm asked for (the demo's): rain rises and falls over 1.5 hours from `at`. */
export function forcedStorm(at: number, t: number): number {
  const into = (t - at) / (1.5 * HOUR);
  return into >= 0 && into <= 1 ? Math.sin(into * Math.PI) : 0;
}

/** Weather at time t: a rainstorm in some three-hour windows, heavy pollution in some six-hour ones. */
export function weather(seed: number, t: number): { rain: number; pollution: number } {
  const w = Math.floor(t / (3 * HOUR));
  const into = (t % (3 * HOUR)) / HOUR; // hours into the window
  const storm = hash01(`storm${seed}`, w) < 0.3 && into < 1.5 ? Math.sin((into / 1.5) * Math.PI) : 0;
  const pw = Math.floor(t / (6 * HOUR));
  const pollution = hash01(`smog${seed}`, pw) < 0.2 ? Math.sin(((t % (6 * HOUR)) / (6 * HOUR)) * Math.PI) : 0;
  return { rain: storm, pollution };
}

export type Fault = 'offline' | 'stuck' | 'spike' | null;

/** A device's fault at time t: a few devices are offline, stuck or spiking in some hours. */
export function faultOf(seed: number, id: string, t: number): Fault {
  const h = hash01(`${seed}${id}`, Math.floor(t / HOUR));
  if (h < 0.03) return 'offline';
  if (h < 0.045) return 'stuck';
  if (h < 0.05) return 'spike';
  return null;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** One message of a device at time t (local time of day drives the daily cycles). */
export function reading(seed: number, d: SimDevice, t: number, stormAt?: number): Record<string, number | boolean | string> {
  const local = new Date(t + 8 * HOUR);
  const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
  const weekend = [0, 6].includes(local.getUTCDay());
  const day = Math.sin(((hour - 9) / 24) * 2 * Math.PI); // peak mid-afternoon
  const rush = Math.exp(-((hour - 8) ** 2) / 2) + Math.exp(-((hour - 18) ** 2) / 2);
  const noise = (k: number) => (hash01(d.id, Math.floor(t / 1000) + k) - 0.5) * 2;
  const { rain, pollution, odour, crowd } = episodes(seed, t, stormAt);
  const s = d.site;
  switch (d.type) {
    case 'AirQualityObserved': {
      const pm25 = Math.max(3, s.base! * (1 + 0.3 * rush) * (1 - 0.5 * rain) + 180 * pollution + 4 * noise(1));
      return {
        pm25: round(pm25, 0),
        pm10: round(pm25 * 1.6 + 5 * noise(2), 0),
        so2: round(8 + 3 * noise(3), 0),
        no2: round(25 + 20 * rush + 5 * noise(4), 0),
        co: round(0.6 + 0.3 * rush + 0.05 * noise(5), 1),
        o3: round(Math.max(5, 60 + 50 * day + 10 * noise(6)), 0),
        temperature: round(10 + 6 * day + noise(7)),
        relativeHumidity: round(Math.min(100, 65 - 15 * day + 30 * rain + 3 * noise(8)), 0),
      };
    }
    case 'WaterObserved':
      return { waterLevel: round(s.base! + 0.15 * day + 2.5 * rain + 0.02 * noise(1), 2), flow: round(800 + 3000 * rain + 50 * noise(2), 0) };
    case 'WaterQualityObserved':
      return {
        temperature: round(12 + 2 * day, 1),
        pH: round(7.9 + 0.1 * noise(1), 2),
        O2: round(Math.max(0.1, 8.5 - 1.5 * rain - 7.5 * odour * (s.urban ?? 0) + 0.2 * noise(2)), 2),
        orp: round(180 - 320 * odour * (s.urban ?? 0) + 10 * noise(6), 0),
        cod: round((s.danjiangkou ? 1.8 : 3.5) + 2 * rain + 0.2 * noise(3), 2),
        NH4: round((s.danjiangkou ? 0.08 : 0.4) + 0.6 * rain + 0.03 * noise(4), 3),
        'P-TOT': round((s.danjiangkou ? 0.015 : 0.08) + 0.1 * rain, 3),
        turbidity: round(5 + 60 * rain + noise(5), 1),
      };
    case 'FloodMonitoring':
      return { currentLevel: round(Math.max(0, rain * s.depth! + 0.01 * noise(1)), 2), precipitation: round(Math.max(0, 25 * rain * (1 + 0.2 * noise(2))), 1) };
    case 'WeatherObserved':
      return {
        temperature: round(10 + 6 * day - 3 * rain + 0.5 * noise(1), 1),
        relativeHumidity: round(Math.min(100, 60 - 15 * day + 35 * rain), 0),
        precipitation: round(Math.max(0, 20 * rain * (1 + 0.3 * noise(2))), 1),
        windSpeed: round(Math.max(0, 2 + 1.5 * noise(3) + 6 * rain), 1),
        windDirection: round((180 + 90 * noise(4) + 360) % 360, 0),
        atmosphericPressure: round(985 - 8 * rain + 2 * noise(5), 1),
      };
    case 'VisitorCounterObserved': {
      const open = hour >= 7 && hour <= 18 ? Math.sin(((hour - 7) / 11) * Math.PI) : 0;
      const share = Math.max(weekend ? 0.85 : 0.45, 1.08 * crowd);
      const inside = Math.round(s.capacity! * share * open * (1 - 0.6 * rain) * (1 + 0.05 * noise(1)));
      return { visitorsInside: Math.max(0, inside), entries: Math.max(0, Math.round(inside / 40)), capacity: s.capacity! };
    }
    case 'DrainageWellObserved': {
      const level = 0.4 + s.base! * 0.3 + 3.2 * rain + 0.02 * noise(1);
      return { level: round(level, 2), overflow: level > 3.2 };
    }
    case 'CombustibleGasObserved':
      return { lel: round(Math.max(0, 0.5 + 0.4 * noise(1)), 1), temperature: round(12 + 4 * day, 1) };
    case 'BridgeStructureObserved':
      return {
        strain: round(40 * rush + 15 * noise(1) + 20 * s.base!, 1),
        deflection: round(2 + 3 * rush + 0.3 * noise(2), 2),
        acceleration: round(0.02 * noise(3) * (1 + 3 * rush), 3),
        temperature: round(10 + 5 * day, 1),
      };
    case 'PipeNetworkObserved':
      return { pressure: round(0.32 - 0.05 * rush + 0.005 * noise(1), 3), flow: round(300 + 250 * rush + 20 * noise(2), 0) };
    case 'TrafficFlowObserved':
      return {
        intensity: Math.max(0, Math.round(20 + 80 * rush + 5 * noise(1))),
        occupancy: round(Math.min(1, 0.1 + 0.5 * rush), 2),
        averageVehicleSpeed: round(Math.max(5, 45 - 25 * rush - 10 * rain + 3 * noise(2)), 0),
        congested: rush > 0.7,
      };
    case 'NoiseLevelObserved':
      return { LAeq: round(52 + 10 * rush + 2 * noise(1), 1), LAmax: round(68 + 12 * rush + 3 * noise(2), 1) };
    default:
      return {};
  }
}

export interface SimulatorPorts {
  /** Provisions devices (marked simulated) and returns their tokens by id; existing ones get a new token. */
  provision(devices: SimDevice[]): Promise<Map<string, string>>;
  mqttUrl: string;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface Simulator {
  readonly devices: number;
  readonly published: number;
  stop(): Promise<void>;
}

/** Tokens are kept beside the data so a restart reuses the simulated devices. */
export function tokenFile(dataDir: string): string {
  return `${dataDir}/simulator-tokens.json`;
}

export async function startSimulator(
  /** speed: devices report this many times as often as their interval (at most once a second). */
  opts: {
    seed: number;
    devices: number;
    tokensPath?: string;
    speed?: number;
    /** Start in a rainstorm: it began this long ago (ms), so the rain is heavy from the first readings. */
    stormSince?: number;
  },
  ports: SimulatorPorts,
): Promise<Simulator> {
  const devices = buildDevices(opts.seed, opts.devices);
  const saved: Record<string, string> = opts.tokensPath && existsSync(opts.tokensPath) ? JSON.parse(readFileSync(opts.tokensPath, 'utf8')) : {};
  const missing = devices.filter((d) => !saved[d.id]);
  if (missing.length > 0) {
    const fresh = await ports.provision(missing);
    for (const [id, token] of fresh) saved[id] = token;
    if (opts.tokensPath) {
      mkdirSync(dirname(opts.tokensPath), { recursive: true });
      writeFileSync(opts.tokensPath, JSON.stringify(saved), { mode: 0o600 });
    }
  }
  const clients = new Map<string, MqttClient>();
  const last = new Map<string, Record<string, number | boolean | string>>();
  let published = 0;
  let stopped = false;
  const connectOne = (d: SimDevice) => {
    const token = saved[d.id];
    if (!token) return;
    const c = mqtt.connect(ports.mqttUrl, { clientId: d.id, username: d.id, password: token, reconnectPeriod: 5000, connectTimeout: 10_000 });
    c.on('error', () => undefined);
    clients.set(d.id, c);
  };
  for (const d of devices) connectOne(d);
  ports.log.info({ devices: devices.length, mqtt: ports.mqttUrl }, 'simulator started: every reading it publishes is marked as simulated');

  const due = new Map<string, number>();
  const start = Date.now();
  const stormAt = opts.stormSince === undefined ? undefined : start - opts.stormSince;
  if (stormAt !== undefined) ports.log.info({ peakAt: new Date(stormAt + 0.75 * HOUR).toISOString() }, 'simulator: a rainstorm is under way');
  const every = (d: SimDevice) => Math.max(1000, (d.intervalSeconds * 1000) / (opts.speed ?? 1));
  // Devices report soon after they connect (spread over a few seconds), then every interval.
  for (const d of devices) due.set(d.id, start + 1000 + hash01(d.id, 0) * Math.min(d.intervalSeconds, 5) * 1000);
  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    for (const d of devices) {
      const at = due.get(d.id)!;
      if (at > now) continue;
      due.set(d.id, at + every(d));
      const fault = faultOf(opts.seed, d.id, now);
      if (fault === 'offline') continue;
      const c = clients.get(d.id);
      if (!c?.connected) continue;
      let values = reading(opts.seed, d, now, stormAt);
      if (fault === 'stuck' && last.has(d.id)) values = last.get(d.id)!;
      if (fault === 'spike') {
        const [k, v] = Object.entries(values).find(([, v]) => typeof v === 'number') ?? [];
        if (k && typeof v === 'number') values = { ...values, [k]: v * 3 };
      }
      last.set(d.id, values);
      c.publish(`devices/${d.id}/telemetry`, JSON.stringify({ ts: now, ...values }), { qos: 1 }, (err) => {
        if (!err) published++;
      });
    }
  };
  const timer = setInterval(tick, 1000);
  timer.unref();
  return {
    devices: devices.length,
    get published() {
      return published;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...clients.values()].map((c) => c.endAsync(true).catch(() => undefined)));
    },
  };
}
