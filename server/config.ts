/**
 * One typed schema for every setting. Each setting is read from its environment variable,
 * else from the optional JSON config file named by WUDANG_CONFIG, else its default.
 * A bad value stops start-up with a message that names the setting and what it accepts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OfficeWindow } from '../platform/calendar/calendar.js';
import type { QueryLimits } from '../platform/http/limits.js';

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly accepts: string,
    readonly got: string,
  ) {
    super(`Invalid setting ${setting}=${JSON.stringify(got)}: expected ${accepts}`);
    this.name = 'ConfigError';
  }
}

interface Parser<T> {
  accepts: string;
  parse(raw: string): T | undefined;
}

const port: Parser<number> = {
  accepts: 'an integer TCP port from 0 to 65535',
  parse: (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n <= 65535 ? n : undefined;
  },
};

const str: Parser<string> = { accepts: 'a non-empty string', parse: (raw) => (raw.length > 0 ? raw : undefined) };
const optionalStr: Parser<string | undefined> = { accepts: 'a string (or empty)', parse: (raw) => (raw.length > 0 ? raw : undefined) };

const optionalUrl = (schemes: string[]): Parser<string | undefined> => ({
  accepts: `a URL with scheme ${schemes.map((s) => `${s}://`).join(' or ')} (or empty to disable)`,
  parse: (raw) => {
    if (raw === '') return undefined;
    try {
      const u = new URL(raw);
      return schemes.includes(u.protocol.replace(/:$/, '')) ? raw : undefined;
    } catch {
      return undefined;
    }
  },
});

/** An http(s) origin with an optional path, kept without a trailing slash. */
const publicUrl: Parser<string> = {
  accepts: 'an http:// or https:// address',
  parse: (raw) => {
    try {
      const u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
      return u.origin + u.pathname.replace(/\/+$/, '');
    } catch {
      return undefined;
    }
  },
};

const bool: Parser<boolean> = {
  accepts: 'one of 1, 0, true, false, on, off, yes, no',
  parse: (raw) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'on', 'yes'].includes(v)) return true;
    if (['0', 'false', 'off', 'no'].includes(v)) return false;
    return undefined;
  },
};

const positiveInt = (max = Number.MAX_SAFE_INTEGER): Parser<number> => ({
  accepts: `a positive integer up to ${max}`,
  parse: (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= 1 && n <= max ? n : undefined;
  },
});

const countUpTo = (max: number): Parser<number> => ({
  accepts: `a whole number from 0 to ${max}`,
  parse: (raw) => (/^\d+$/.test(raw) && Number(raw) <= max ? Number(raw) : undefined),
});

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** Durations such as `900`, `900s`, `15m`, `12h`, `7d`; parsed to seconds. */
const duration: Parser<number> = {
  accepts: 'a duration such as 900, 900s, 15m, 12h or 7d',
  parse: (raw) => {
    const m = /^(\d+)([smhd]?)$/.exec(raw.trim());
    if (!m) return undefined;
    const n = Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
    return n > 0 ? n : undefined;
  },
};

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2 };
const bytes: Parser<number> = {
  accepts: 'a size such as 1048576, 512kb or 1mb (at most 64mb)',
  parse: (raw) => {
    const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
    if (!m) return undefined;
    const n = Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()]!;
    return n > 0 && n <= 64 * 1024 ** 2 ? n : undefined;
  },
};

const oneOf = <T extends string>(values: readonly T[]): Parser<T> => ({
  accepts: `one of ${values.join(', ')}`,
  parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined),
});

/** Office hours as `HH:MM-HH:MM` windows separated by commas, e.g. `08:30-12:00,14:30-17:30`. */
const officeHours: Parser<OfficeWindow[]> = {
  accepts: 'comma-separated HH:MM-HH:MM windows in ascending order, e.g. 08:30-12:00,14:30-17:30',
  parse: (raw) => {
    const windows: OfficeWindow[] = [];
    for (const part of raw.split(',')) {
      const m = /^\s*(\d{2}):(\d{2})-(\d{2}):(\d{2})\s*$/.exec(part);
      if (!m) return undefined;
      const start = Number(m[1]) * 60 + Number(m[2]);
      const end = Number(m[3]) * 60 + Number(m[4]);
      if (Number(m[2]) > 59 || Number(m[4]) > 59 || end > 24 * 60 || start >= end) return undefined;
      const prev = windows.at(-1);
      if (prev && start < prev.end) return undefined;
      windows.push({ start, end });
    }
    return windows.length > 0 ? windows : undefined;
  },
};

interface Setting<T> {
  env: string;
  description: string;
  /** Default as the user would type it; `undefined` means unset. */
  default: string | undefined;
  parser: Parser<T>;
  secret?: boolean;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

export const SETTINGS = {
  port: setting({ env: 'PORT', description: 'HTTP port for the API and web apps', default: '8080', parser: port }),
  host: setting({ env: 'HOST', description: 'Address the HTTP server binds to', default: '0.0.0.0', parser: str }),
  mqttPort: setting({ env: 'MQTT_PORT', description: 'Port of the embedded MQTT broker', default: '1883', parser: port }),
  dataDir: setting({ env: 'DATA_DIR', description: 'Directory for the SQLite database and files', default: './data', parser: str }),
  filesStore: setting({
    env: 'FILES_STORE',
    description: 'Where uploaded photos are kept: directory (FILES_DIR) or s3 (an S3-compatible object store, S3_*)',
    default: 'directory',
    parser: oneOf(['directory', 's3'] as const),
  }),
  filesDir: setting({
    env: 'FILES_DIR',
    description: 'Directory of uploaded photos (every process of a deployment mounts the same); default DATA_DIR/files',
    default: '',
    parser: optionalStr,
  }),
  s3Endpoint: setting({
    env: 'S3_ENDPOINT',
    description: 'S3-compatible object store address, e.g. http://127.0.0.1:9000',
    default: '',
    parser: optionalUrl(['http', 'https']),
  }),
  s3Region: setting({ env: 'S3_REGION', description: 'Object store region', default: 'us-east-1', parser: str }),
  s3Bucket: setting({ env: 'S3_BUCKET', description: 'Object store bucket for uploaded photos', default: '', parser: optionalStr }),
  s3AccessKeyId: setting({ env: 'S3_ACCESS_KEY_ID', description: 'Object store access key', default: '', parser: optionalStr, secret: true }),
  s3SecretAccessKey: setting({ env: 'S3_SECRET_ACCESS_KEY', description: 'Object store secret key', default: '', parser: optionalStr, secret: true }),
  s3PathStyle: setting({ env: 'S3_PATH_STYLE', description: 'Bucket in the path (MinIO) rather than in the host name', default: '1', parser: bool }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    description: 'PostgreSQL URL; when set, used instead of SQLite',
    default: undefined,
    parser: optionalUrl(['postgres', 'postgresql']),
    secret: true,
  }),
  natsUrl: setting({
    env: 'NATS_URL',
    description: 'NATS server with JetStream; when set, the event bus runs on it instead of in-process',
    default: undefined,
    parser: optionalUrl(['nats', 'tls']),
  }),
  mqttUrl: setting({
    env: 'MQTT_URL',
    description: 'External MQTT broker; when set, ingestion consumes from it instead of the embedded broker',
    default: undefined,
    parser: optionalUrl(['mqtt', 'mqtts', 'tcp', 'ws', 'wss']),
  }),
  mqttEnabled: setting({
    env: 'MQTT_ENABLED',
    description: 'Run MQTT ingestion (the embedded broker, or the consumer of MQTT_URL); off for API-only processes',
    default: '1',
    parser: bool,
  }),
  mqttShareGroup: setting({
    env: 'MQTT_SHARE_GROUP',
    description: 'Shared-subscription group on the external broker; ingest processes in one group split the load',
    default: 'wudang-ingest',
    parser: str,
  }),
  mqttClientId: setting({
    env: 'MQTT_CLIENT_ID',
    description: 'Client id on the external broker (keep it stable per process: its session holds unacknowledged messages)',
    default: undefined,
    parser: str,
  }),
  mqttConsumers: setting({
    env: 'MQTT_CONSUMERS',
    description: "Connections this process opens to the external broker's shared subscription (each handles one message at a time until it is committed)",
    default: '8',
    parser: positiveInt(64),
  }),
  mqttUsername: setting({ env: 'MQTT_USERNAME', description: 'User name for the external broker', default: undefined, parser: str }),
  mqttPassword: setting({ env: 'MQTT_PASSWORD', description: 'Password for the external broker', default: undefined, parser: str, secret: true }),
  maxPayload: setting({ env: 'DEVICE_MAX_PAYLOAD', description: 'Largest device message accepted', default: '64kb', parser: bytes }),
  deviceRateLimit: setting({
    env: 'DEVICE_RATE_LIMIT',
    description: 'Messages per second one device may send (sustained); excess is refused',
    default: '20',
    parser: positiveInt(100_000),
  }),
  deviceRateBurst: setting({
    env: 'DEVICE_RATE_BURST',
    description: 'Messages one device may send in a burst',
    default: '200',
    parser: positiveInt(1_000_000),
  }),
  healthSweep: setting({
    env: 'HEALTH_SWEEP',
    description: 'How often devices are checked for going online or offline, and health counters are saved',
    default: '5s',
    parser: duration,
  }),
  chromiumPath: setting({
    env: 'CHROMIUM_PATH',
    description: 'Chromium used headless to print reports (incident reviews) as PDF; without it reports are HTML only',
    default: '/usr/bin/chromium',
    parser: str,
  }),
  warningEngine: setting({
    env: 'WARNING_ENGINE',
    description: 'Evaluate warning rules in this process (several processes share the work by leases; 0 for an API-only process)',
    default: '1',
    parser: bool,
  }),
  warningLease: setting({
    env: 'WARNING_LEASE',
    description: 'How long a process holds its share of rule evaluation without renewing; after a crash, others take over after this',
    default: '15s',
    parser: duration,
  }),
  warningPartitions: setting({
    env: 'WARNING_PARTITIONS',
    description: 'Partitions the devices are split into for rule evaluation (the most processes that can share it; the same in every process)',
    default: '32',
    parser: positiveInt(1024),
  }),
  retentionInterval: setting({ env: 'RETENTION_INTERVAL', description: 'How often telemetry retention is applied', default: '1h', parser: duration }),
  simulate: setting({ env: 'SIMULATE', description: 'Run the demo-city simulator (clearly marked as simulated)', default: '1', parser: bool }),
  simulateDevices: setting({ env: 'SIMULATE_DEVICES', description: 'How many devices the simulator runs', default: '240', parser: positiveInt(200_000) }),
  simulateSeed: setting({
    env: 'SIMULATE_SEED',
    description: "The simulator's seed: the same seed gives the same city",
    default: '2026',
    parser: positiveInt(),
  }),
  simulateSpeed: setting({
    env: 'SIMULATE_SPEED',
    description: "How many times as often as their reporting interval the simulator's devices report (at most once a second each)",
    default: '1',
    parser: positiveInt(3600),
  }),
  simulateStorm: setting({
    env: 'SIMULATE_STORM',
    description:
      'Start the simulated city in a rainstorm (waterlogging points fill within minutes, for the emergency command demo); otherwise storms come only in the seed’s own windows',
    default: '0',
    parser: bool,
  }),
  adminPassword: setting({
    env: 'WUDANG_ADMIN_PASSWORD',
    description: 'Initial password of `admin` on first start; generated and printed once when unset',
    default: undefined,
    parser: str,
    secret: true,
  }),
  cityProfile: setting({ env: 'CITY_PROFILE', description: 'City profile: a name under profiles/ or a directory path', default: 'shiyan', parser: str }),
  demoAccounts: setting({ env: 'DEMO_ACCOUNTS', description: 'Create the demo accounts for each role on first start', default: '1', parser: bool }),
  licenceKeySecret: setting({
    env: 'LICENCE_KEY_SECRET',
    description:
      'The key (32 bytes, base64) that seals the licence issuers’ private keys at rest; every process of a deployment needs the same. Unset: made once in DATA_DIR/licence-key.secret',
    default: undefined,
    parser: str,
    secret: true,
  }),
  publicUrl: setting({
    env: 'PUBLIC_URL',
    description:
      'The address the public reaches this deployment at (https://data.example.gov.cn): the base of links in open-data metadata (DCAT, CKAN). Unset: the address of each request',
    default: undefined,
    parser: publicUrl,
  }),
  licenceAlg: setting({
    env: 'LICENCE_SIGNATURE_ALG',
    description: 'Signature algorithm of new licence keys: SM2-SM3 (GB/T 32918, default) or Ed25519',
    default: 'SM2-SM3',
    parser: oneOf(['SM2-SM3', 'Ed25519'] as const),
  }),
  sharingDemoPeople: setting({
    env: 'SHARING_DEMO_PEOPLE',
    description:
      'Synthetic residents to generate on first start for the base databases (with a fifth as many organisations, their licences, credit records, trading projects, addresses and indicators, all marked synthetic); 0 for none',
    default: '100000',
    parser: countUpTo(5_000_000),
  }),
  superappDemo: setting({
    env: 'SUPERAPP_DEMO',
    description:
      'Make the super app demo: the demo citizen and enterprise accounts become a verified resident and company (synthetic records in the population and legal-entity databases, with licences), and one more resident to register',
    default: '1',
    parser: bool,
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    description: 'Log level of the JSON logs',
    default: 'info',
    parser: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  }),
  logRequests: setting({ env: 'LOG_REQUESTS', description: 'Log every request and response (at info level)', default: '1', parser: bool }),
  accessTokenTtl: setting({ env: 'ACCESS_TOKEN_TTL', description: 'Lifetime of an access token', default: '15m', parser: duration }),
  refreshTokenTtl: setting({ env: 'REFRESH_TOKEN_TTL', description: 'Lifetime of a refresh token (a login session)', default: '7d', parser: duration }),
  loginMaxFailures: setting({
    env: 'LOGIN_MAX_FAILURES',
    description: 'Failed logins in a row that lock an account',
    default: '5',
    parser: positiveInt(100),
  }),
  lockoutDuration: setting({ env: 'LOCKOUT_DURATION', description: 'How long a locked account stays locked', default: '15m', parser: duration }),
  loginRateLimit: setting({
    env: 'LOGIN_RATE_LIMIT',
    description: 'Login attempts per minute from one address',
    default: '20',
    parser: positiveInt(100000),
  }),
  webhookAllowHttp: setting({
    env: 'WEBHOOK_ALLOW_HTTP',
    description: 'Let alert webhooks use plain http:// (otherwise https only)',
    default: '0',
    parser: bool,
  }),
  webhookAllowPrivate: setting({
    env: 'WEBHOOK_ALLOW_PRIVATE',
    description: 'Let alert webhooks reach loopback, private, link-local and cloud-metadata addresses (a closed network; off by default)',
    default: '0',
    parser: bool,
  }),
  metricsToken: setting({
    env: 'METRICS_TOKEN',
    description: 'Bearer token Prometheus sends for /metrics; when unset, /metrics answers only direct requests from this host',
    default: undefined,
    parser: str,
    secret: true,
  }),
  bodyLimit: setting({ env: 'BODY_LIMIT', description: 'Largest accepted request body', default: '1mb', parser: bytes }),
  officeHours: setting({
    env: 'OFFICE_HOURS',
    description: 'Office hours used for working-hour deadlines, in the city time zone',
    default: '08:30-12:00,14:30-17:30',
    parser: officeHours,
  }),
  queryMaxPoints: setting({
    env: 'QUERY_MAX_POINTS',
    description: 'Points or rows one answer may hold (series, backtests, exports)',
    default: '10000',
    parser: positiveInt(1_000_000),
  }),
  queryMaxOffset: setting({
    env: 'QUERY_MAX_OFFSET',
    description: 'How far a listing may page (rows skipped); further is refused',
    default: '100000',
    parser: positiveInt(100_000),
  }),
  queryMaxSpanRaw: setting({
    env: 'QUERY_MAX_SPAN_RAW',
    description: 'Longest span of one series at raw resolution',
    default: '7d',
    parser: duration,
  }),
  queryMaxSpanMinute: setting({
    env: 'QUERY_MAX_SPAN_MINUTE',
    description: 'Longest span of one series at minute resolution',
    default: '93d',
    parser: duration,
  }),
  queryMaxSpanHour: setting({
    env: 'QUERY_MAX_SPAN_HOUR',
    description: 'Longest span of one series at hour resolution',
    default: '3660d',
    parser: duration,
  }),
  queryMaxRange: setting({
    env: 'QUERY_MAX_RANGE',
    description: 'Longest from–to range of a listing (alerts, audit, statistics)',
    default: '3660d',
    parser: duration,
  }),
  timerInterval: setting({
    env: 'TIMER_INTERVAL',
    description: 'How often due workflow timers (deadlines, reminders) are checked',
    default: '5s',
    parser: duration,
  }),
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never };

export type ConfigSource = Record<string, string | undefined>;

function readConfigFile(path: string): ConfigSource {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError('WUDANG_CONFIG', 'the path of a readable JSON file', `${path} (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError('WUDANG_CONFIG', 'a JSON object of setting names (e.g. {"PORT": "8080"})', path);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('WUDANG_CONFIG', 'a JSON object of setting names (e.g. {"PORT": "8080"})', path);
  }
  const known = new Set(Object.values(SETTINGS).map((s) => s.env));
  const out: ConfigSource = {};
  for (const [k, v] of Object.entries(data)) {
    if (!known.has(k)) throw new ConfigError(k, `a known setting name (${[...known].join(', ')})`, String(v));
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** Reads and validates every setting; throws ConfigError naming the first bad one. */
export function loadConfig(env: ConfigSource = process.env, overrides: Partial<Config> = {}): Config {
  const file = env.WUDANG_CONFIG ? readConfigFile(env.WUDANG_CONFIG) : {};
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS) as [keyof Settings, Setting<unknown>][]) {
    if (key in overrides) {
      out[key] = overrides[key];
      continue;
    }
    const raw = env[s.env] ?? file[s.env] ?? s.default;
    if (raw === undefined) {
      out[key] = undefined;
      continue;
    }
    const value = s.parser.parse(raw);
    const emptyAllowed = raw === '' && s.parser.accepts.includes('or empty');
    if (value === undefined && !emptyAllowed) throw new ConfigError(s.env, s.parser.accepts, raw);
    out[key] = value;
  }
  return out as Config;
}

/** The query limits in force (platform/http/limits.ts). */
export function queryLimits(c: Config): QueryLimits {
  return {
    maxPoints: c.queryMaxPoints,
    maxOffset: c.queryMaxOffset,
    span: { raw: c.queryMaxSpanRaw * 1000, minute: c.queryMaxSpanMinute * 1000, hour: c.queryMaxSpanHour * 1000 },
    maxRangeMs: c.queryMaxRange * 1000,
  };
}

/** Rows for the README configuration table and `wudang --help`. */
export function describeSettings(): { env: string; default: string; description: string; accepts: string }[] {
  return Object.values(SETTINGS).map((s) => ({
    env: s.env,
    default: s.default ?? '(unset)',
    description: s.description,
    accepts: s.parser.accepts,
  }));
}
