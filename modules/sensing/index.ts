/**
 * The sensing hub: device registry, ingestion (embedded broker, external broker, HTTP), telemetry
 * storage, device health and live push. `startSensing` wires it from the platform; the routes are
 * in sensing.routes.ts.
 */
import { hostname } from 'node:os';
import { Gauge, type Registry } from 'prom-client';
import { pacer } from '../../platform/pace.js';
import {
  type EmbeddedBroker,
  type ExternalConsumer,
  MqttConnectRefusal,
  MqttRefusal,
  type MqttHooks,
  startEmbeddedBroker,
  startExternalConsumer,
} from '../../platform/mqtt/broker.js';
import type { Platform } from '../../platform/context.js';
import { type Job, every } from '../../platform/jobs.js';
import { adaptorForTopic } from './adaptors.js';
import { DeviceDirectory, type DeviceInfo, IngestError, IngestPipeline, ingestMetrics } from './ingest.js';
import { type LiveBatch, LiveHub } from './live.js';
import type { Sensing } from './sensing.types.js';
import { applyRetention, ensureSeedTypes } from './sensing.service.js';
import { sweepStatus } from './sensing.store.js';
import { openTelemetryStore } from './telemetry.store.js';

export { sensingRoutes } from './sensing.routes.js';
export { migrations } from './migrations/index.js';
export type { Sensing } from './sensing.types.js';
// What other modules use: the device directory's queries, the telemetry store's type and units,
// and the shape of the committed readings announced to live clients and rule engines.
export { type DeviceRef, type DeviceRefQuery, deviceRefs, lastSeen, listDevices, listTypes, placedDevices, statusByOwner } from './sensing.store.js';
export { HOUR, type TelemetryStore } from './telemetry.store.js';
export type { LiveBatch, LiveHub } from './live.js';

/** The sensing hub's own settings (from the configuration; intervals in seconds). */
export interface SensingSettings {
  /** Largest payload accepted from a device, in bytes. */
  maxPayload: number;
  deviceRateLimit: number;
  deviceRateBurst: number;
  healthSweep: number;
  retentionInterval: number;
  mqtt: {
    enabled: boolean;
    /** An external broker to consume from; the embedded broker listens on host:port when absent. */
    url?: string | undefined;
    clientId?: string | undefined;
    shareGroup: string;
    consumers: number;
    username?: string | undefined;
    password?: string | undefined;
    port: number;
    host: string;
  };
}

export interface SensingOptions {
  settings: SensingSettings;
  registry?: Registry;
  /** Run the periodic health sweep and retention (default true). */
  timers?: boolean;
}

/**
 * How often the timer writes devices' health counters and last-seen times (status is swept every
 * HEALTH_SWEEP against them; the offline grace is at least a minute, so 15 s late is harmless).
 * With 50,000 devices each flush updates ~40,000 rows: every 5 s that cost as much as ingest.
 */
const HEALTH_FLUSH_MS = 15_000;

/** How often closed buckets' rollups are written, and how long each turn may work. */
const ROLLUP_INTERVAL_MS = 1_000;
const ROLLUP_BUDGET_MS = 15;

const TOPIC_RE = /^devices\/([^/]+)\/([^/]+)$/;

/**
 * The MQTT client ids a device may use: its own id, or its id, a colon and anything (a colon is
 * never part of a device id, so no device's ids overlap another's).
 */
export function clientIdBoundTo(clientId: string, deviceId: string): boolean {
  return clientId === deviceId || clientId.startsWith(`${deviceId}:`);
}

export async function startSensing(p: Platform, opts: SensingOptions): Promise<Sensing> {
  const settings = opts.settings;
  await ensureSeedTypes(p);
  const telemetry = openTelemetryStore(p.storage);
  await telemetry.init();
  const directory = new DeviceDirectory(p.db, p.now);
  await directory.watch(p.bus);
  const metrics = ingestMetrics(opts.registry);
  const pipeline = new IngestPipeline(directory, telemetry, p.db, p.now, metrics, {
    maxPayloadBytes: settings.maxPayload,
    rateLimit: { perSecond: settings.deviceRateLimit, burst: settings.deviceRateBurst },
    maxBatchRows: 20_000,
  });
  const live = new LiveHub(opts.registry);
  // Observations reach the live clients of every process: each process announces its commits on
  // the bus, one notification per tick, and every process's hub delivers from the announcements.
  let announce: LiveBatch = [];
  let announced: (() => void)[] = [];
  pipeline.onCommitted((device, rows) => {
    if (announce.length === 0) {
      setImmediate(() => {
        const batch = announce;
        announce = [];
        p.bus.notify('live.observations', batch);
        const waiting = announced;
        announced = [];
        for (const w of waiting) w();
      });
    }
    announce.push({
      device: {
        id: device.id,
        typeId: device.typeId,
        department: device.department,
        district: device.district,
        tags: device.tags,
        ...(device.simulated ? { simulated: true } : {}),
      },
      values: rows.map((r) => ({ attr: r.attr, ts: r.ts, value: r.v ?? r.s })),
    });
  });
  const liveSub = await p.bus.onNotify('live.observations', (batch) => {
    for (const item of batch as LiveBatch) live.observations(item.device, item.values);
  });
  await p.bus.subscribe(
    'device.status_changed',
    (e) => {
      const d = e.data;
      live.status({ id: d.id, typeId: d.type, department: d.department, district: d.district, tags: d.tags }, d.status, d.at);
    },
    { group: 'live-push', broadcast: true },
  );

  // Rejections are logged at most once a minute per device, so one broken device cannot flood the log.
  const lastLogged = new Map<string, number>();
  const logRefusal = (deviceId: string, reason: string, outcome: string) => {
    const now = p.now();
    if ((lastLogged.get(deviceId) ?? 0) > now - 60_000) return;
    lastLogged.set(deviceId, now);
    p.log.warn({ device: deviceId, outcome, reason }, 'device message refused');
  };

  const hooks: MqttHooks<DeviceInfo> = {
    log: p.log,
    authenticate: async (clientId, username, password) => {
      const id = username ?? clientId;
      const device = password ? await directory.authenticate(id, password.toString('utf8')) : null;
      if (!device) {
        pipeline.refuse('mqtt', 'unauthorized');
        logRefusal(id, 'wrong device id or token', 'unauthorized');
        return null;
      }
      // A client id names an MQTT session, and a new connection with a session's id ends the old
      // one: a device may only use ids bound to it, or one device could knock another off.
      if (!clientIdBoundTo(clientId, device.id)) {
        pipeline.refuse('mqtt', 'client_id_refused', device, `client id "${clientId.slice(0, 80)}" is not bound to this device`);
        logRefusal(device.id, `client id "${clientId.slice(0, 80)}" is not bound to this device`, 'client_id_refused');
        throw new MqttConnectRefusal(`client id must be "${device.id}" or start with "${device.id}:"`, 2);
      }
      return device;
    },
    onPublish: async (session, topic, payload) => {
      const m = TOPIC_RE.exec(topic);
      const adaptor = m ? adaptorForTopic(m[2]!) : undefined;
      const external = session === null;
      if (!m || !adaptor) {
        pipeline.refuse('mqtt', 'acl_denied', session ?? undefined, `publish to ${topic} is not allowed`);
        throw new MqttRefusal(`devices publish only to devices/{id}/telemetry or devices/{id}/senml, not ${topic}`, !external, 'acl_denied');
      }
      let device = session;
      if (external) {
        device = await directory.get(m[1]!);
        if (!device || device.disabled) {
          pipeline.refuse('mqtt', 'unknown_device');
          logRefusal(m[1]!, 'unknown or disabled device', 'unknown_device');
          throw new MqttRefusal(`unknown device ${m[1]}`, false, 'unknown_device');
        }
      } else if (m[1] !== session!.id) {
        pipeline.refuse('mqtt', 'acl_denied', session!, `publish to another device's topic ${topic}`);
        logRefusal(session!.id, `published to ${topic}`, 'acl_denied');
        throw new MqttRefusal(`device ${session!.id} may not publish to ${topic}`, true, 'acl_denied');
      }
      try {
        await pipeline.ingest(device!, adaptor, payload, 'mqtt');
      } catch (err) {
        if (err instanceof IngestError) {
          logRefusal(device!.id, err.message, err.reason);
          const fatal = !external && (err.reason === 'rate_limited' || err.reason === 'too_large');
          throw new MqttRefusal(err.message, fatal, err.reason);
        }
        throw err;
      }
    },
    maySubscribe: (session, topic) => topic === `devices/${session.id}/errors` || topic.startsWith(`devices/${session.id}/commands`),
    errorTopic: (_session, topic) => {
      const m = TOPIC_RE.exec(topic);
      return m ? `devices/${m[1]}/errors` : undefined;
    },
  };

  let broker: EmbeddedBroker | undefined;
  let external: ExternalConsumer | undefined;
  try {
    ({ broker, external } = await startTransport(p, settings.mqtt, hooks, opts.registry));
  } catch (err) {
    await pipeline.close().catch(() => undefined);
    await telemetry.close().catch(() => undefined);
    throw err;
  }
  let flushedAt = Number.NEGATIVE_INFINITY;
  /** `counters: false` skips writing the health counters unless HEALTH_FLUSH_MS has passed. */
  const sweep = async (o: { counters?: boolean } = {}) => {
    if (o.counters !== false || performance.now() - flushedAt >= HEALTH_FLUSH_MS) {
      flushedAt = performance.now();
      await pipeline.health.flush();
    }
    const changes = await sweepStatus(p.db, p.now());
    // Announced a slice at a time, the event loop free between slices (a fleet coming online at once).
    const pace = pacer(8); // status can lag a few seconds; acknowledgements must not
    for (const [i, c] of changes.entries()) {
      if (i > 0 && i % 200 === 0) await pace();
      await p.bus.publish(
        'device.status_changed',
        { id: c.id, status: c.status, at: p.now(), type: c.typeId, department: c.department, district: c.district, tags: c.tags },
        { key: c.id },
      );
    }
  };
  const jobs: Job[] = [];
  let stopRollups = () => {};
  const startTimers = () => {
    if (jobs.length > 0) return;
    jobs.push(every(settings.healthSweep * 1000, 'device health sweep', () => sweep({ counters: false }), p.log));
    jobs.push(
      every(
        settings.retentionInterval * 1000,
        'telemetry retention',
        async () => {
          const r = await applyRetention(p, telemetry);
          if (r.droppedPartitions.length || r.deletedRows) p.log.info(r, 'telemetry retention applied');
        },
        p.log,
      ),
    );
    // Rollups of closed buckets (SQLite), a few milliseconds at a time between ingest commits;
    // sooner while there is a backlog (after a restart).
    let rolling: NodeJS.Timeout | undefined;
    const rollup = () => {
      telemetry
        .materialize(p.now(), ROLLUP_BUDGET_MS)
        .then(({ pending }) => {
          rolling = setTimeout(rollup, pending ? 4 * ROLLUP_BUDGET_MS : ROLLUP_INTERVAL_MS);
          rolling.unref();
        })
        .catch((err) => {
          p.log.error({ err }, 'telemetry rollup failed');
          rolling = setTimeout(rollup, ROLLUP_INTERVAL_MS);
          rolling.unref();
        });
    };
    rolling = setTimeout(rollup, ROLLUP_INTERVAL_MS);
    rolling.unref();
    stopRollups = () => clearTimeout(rolling);
  };
  if (opts.timers !== false) startTimers();

  return {
    announced: () => (announce.length === 0 ? Promise.resolve() : new Promise<void>((r) => announced.push(r))),
    directory,
    telemetry,
    pipeline,
    live,
    ...(broker ? { broker } : {}),
    ...(external ? { external } : {}),
    sweep,
    startTimers,
    close: async () => {
      for (const j of jobs) await j.stop();
      stopRollups();
      await liveSub.unsubscribe();
      live.closeAll();
      await external?.close();
      await broker?.close();
      await pipeline.close();
      await telemetry.close();
    },
  };
}

async function startTransport(
  p: Platform,
  mqtt: SensingSettings['mqtt'],
  hooks: MqttHooks<DeviceInfo>,
  registry: Registry | undefined,
): Promise<{ broker?: EmbeddedBroker; external?: ExternalConsumer }> {
  let broker: EmbeddedBroker | undefined;
  let external: ExternalConsumer | undefined;
  const clientsGauge = new Gauge({ name: 'wudang_mqtt_clients', help: 'Devices connected to the embedded MQTT broker', registers: registry ? [registry] : [] });
  hooks.onConnectionChange = (n) => clientsGauge.set(n);
  if (mqtt.enabled) {
    if (mqtt.url) {
      external = await startExternalConsumer(
        {
          url: mqtt.url,
          clientId: mqtt.clientId ?? `wudang-ingest-${hostname()}`,
          group: mqtt.shareGroup,
          connections: mqtt.consumers,
          topics: ['devices/+/telemetry', 'devices/+/senml'],
          ...(mqtt.username ? { username: mqtt.username } : {}),
          ...(mqtt.password ? { password: mqtt.password } : {}),
        },
        hooks,
      );
    } else {
      broker = await startEmbeddedBroker({ port: mqtt.port, host: mqtt.host }, hooks);
      p.log.info({ port: broker.port }, 'embedded MQTT broker listening');
    }
  }

  return { ...(broker ? { broker } : {}), ...(external ? { external } : {}) };
}
