/**
 * Composition root: builds the platform (storage, bus, profile, calendar, workflow) and the
 * HTTP app from a Config. `buildApp` is what `wudang start`, the tests and the benchmarks use.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fastifyStatic from '@fastify/static';
import { faviconIco, iconPng } from './favicon.js';
import { appManifest, serviceWorker } from './pwa.js';
import { type BlobStore, DirectoryBlobs, Files, S3Blobs, filesRoutes } from '../platform/files/index.js';
import { SUMMARIES_ZH } from './summaries-zh.js';
import { Type } from 'typebox';
import { auditRoutes } from '../platform/audit/audit.routes.js';
import { type EventBus, MemoryBus, openBus } from '../platform/bus/index.js';
import { Outbox } from '../platform/bus/outbox.js';
import { calendarRoutes } from '../platform/calendar/calendar.routes.js';
import { CalendarService } from '../platform/calendar/calendar.service.js';
import { PAGE_SECURITY_HEADERS, redactUrl, registerHttpPlatform, requestId } from '../platform/http/http.js';
import { lazyChildLogger } from '../platform/http/lazy-logger.js';
import { Notifier, notifyRoutes } from '../platform/notify/index.js';
import { type Job, every } from '../platform/jobs.js';
import { type CityProfile, loadProfile } from '../platform/profile/profile.js';
import { type Storage, openStorage } from '../platform/storage/db.js';
import { WorkflowEngine } from '../platform/workflow/engine.js';
import { type Brain, brainRoutes, startBrain } from '../modules/brain/index.js';
import { type Sharing, exchangeRoutes, sharingRoutes, startSharing } from '../modules/sharing/index.js';
import { type Licences, licenceRoutes, startLicences } from '../modules/licences/index.js';
import { type OpenData, openDataRoutes, openPortalRoutes, startOpenData } from '../modules/opendata/index.js';
import { type Urban, open311Routes, startUrban, urbanRoutes } from '../modules/urban/index.js';
import { type SuperApp, startSuperApp, superAppRoutes } from '../modules/superapp/index.js';
import { type Services, servicesRoutes, startServices } from '../modules/services/index.js';
import { type Command, commandRoutes, startCommand } from '../modules/command/index.js';
import { workflowRoutes } from '../platform/workflow/workflow.routes.js';
import {
  type IdentityContext,
  authenticate,
  authenticateTicket,
  ensureInitialAccounts,
  identityRoutes,
  seedCity,
  watchAccessChanges,
} from '../modules/identity/index.js';
import { type Sensing, sensingRoutes, startSensing } from '../modules/sensing/index.js';
import { type Warning, startWarning, warningRoutes } from '../modules/warning/index.js';
import { type Config, queryLimits } from './config.js';
import { type Platform, withOptions } from '../platform/context.js';
import { migrateAll } from './migrations.js';

const here = dirname(fileURLToPath(import.meta.url));

function findUp(...candidates: string[]): string | undefined {
  return candidates.map((c) => resolve(here, c)).find((c) => existsSync(c));
}

export const VERSION: string = (() => {
  const pkg = findUp('../package.json', '../../package.json');
  return pkg ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version : '0.0.0';
})();

export interface BuildOptions {
  /** Use this storage instead of opening one from the config (tests). */
  storage?: Storage;
  bus?: EventBus;
  now?: () => number;
  /** Start the workflow timer scheduler (default true). */
  scheduler?: boolean;
  /** Where the built web apps are; defaults to dist/web. */
  webDir?: string;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
}

export interface Wudang {
  app: FastifyInstance;
  platform: Platform;
  /** The configuration the app was built from. */
  config: Config;
  /** The platform as the identity module sees it (with its settings). */
  identity: IdentityContext;
  workflow: WorkflowEngine;
  sensing: Sensing;
  warning: Warning;
  command: Command;
  brain: Brain;
  sharing: Sharing;
  licences: Licences;
  opendata: OpenData;
  urban: Urban;
  superapp: SuperApp;
  services: Services;
  /** Set on first start when no admin password was configured: print it once. */
  generatedAdminPassword?: string;
  close(): Promise<void>;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<Wudang> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      // Fastify's request serializer, with secrets in the query string (?access_token=) redacted.
      serializers: {
        req: (req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method,
          url: redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    bodyLimit: config.bodyLimit,
    // One line per request at info level is the operator's choice (LOG_REQUESTS); errors are always logged.
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    childLoggerFactory: lazyChildLogger,
    genReqId: (req) => requestId(req.headers['x-request-id']),
    routerOptions: { ignoreTrailingSlash: true },
  });
  setValidators(app);

  const ownStorage = !opts.storage;
  const storage = opts.storage ?? openStorage({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir });
  let bus: EventBus | undefined;
  let engine: WorkflowEngine | undefined;
  let outbox: Outbox | undefined;
  let sensing: Sensing | undefined;
  let warning: Warning | undefined;
  let delivery: Job | undefined;
  try {
    await migrateAll(storage.db);
    bus = opts.bus ?? (await openBus(config.natsUrl, app.log));
    const profile = loadProfile(config.cityProfile);
    const calendar = new CalendarService(storage.db, bus, config.officeHours, profile.utcOffsetMinutes);
    await calendar.seedMissingYears();
    await calendar.watch();

    outbox = new Outbox(storage.db, bus, app.log);
    // Events left by a crash, or recorded while the broker was away, go out on start and then every second.
    await outbox.flush();
    outbox.startRelay(1000);
    // Messages to departments' endpoints for every module; the clock is the platform's (a test may replace it).
    const notifier = new Notifier(
      { db: storage.db, log: app.log, now: () => platform.now() },
      { egress: { allowHttp: config.webhookAllowHttp, allowPrivate: config.webhookAllowPrivate } },
    );
    const platform: Platform = {
      storage,
      db: storage.db,
      bus,
      outbox,
      profile,
      calendar,
      limits: queryLimits(config),
      notifier,
      files: new Files(storage.db, () => platform.now(), blobStore(config)),
      log: app.log,
      now: opts.now ?? Date.now,
    };
    await seedCity(platform);
    const identity = withOptions(platform, {
      ...(config.adminPassword ? { adminPassword: config.adminPassword } : {}),
      demoAccounts: config.demoAccounts,
      accessTokenTtl: config.accessTokenTtl,
      refreshTokenTtl: config.refreshTokenTtl,
      loginMaxFailures: config.loginMaxFailures,
      lockoutDuration: config.lockoutDuration,
      loginRateLimit: config.loginRateLimit,
    });
    const initial = await ensureInitialAccounts(identity);
    await watchAccessChanges(platform);

    engine = new WorkflowEngine(storage.db, outbox, calendar, () => platform.now());
    if (opts.scheduler !== false) engine.startScheduler(config.timerInterval * 1000, (err) => app.log.error({ err }, 'workflow timers failed'));

    // The API documentation says each route's purpose in Chinese beside the English.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { summary?: string } | undefined;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const zh = SUMMARIES_ZH[`${methods[0]} ${route.url}`];
      if (schema?.summary && zh && !schema.summary.includes(zh)) route.schema = { ...route.schema, summary: `${schema.summary} · ${zh}` };
    });
    const { registry } = await registerHttpPlatform(app, {
      db: storage.db,
      loginRateLimit: config.loginRateLimit,
      version: VERSION,
      city: profile.name,
      authenticate: (t) => authenticate(platform, t),
      authenticateTicket: (t) => authenticateTicket(platform, t),
      metricsToken: config.metricsToken,
    });
    notifier.registerMetrics(registry);

    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness: 200 while the process serves',
          security: [],
          response: { 200: Type.Object({ status: Type.String() }) },
        },
        config: { auth: 'public', quiet: true },
      },
      async () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      { schema: { tags: ['health'], summary: 'Readiness: the database and the event bus answer', security: [] }, config: { auth: 'public', quiet: true } },
      async (_req, reply) => {
        const check = async (fn: () => Promise<void>) => {
          try {
            await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout after 2 s')), 2000).unref())]);
            return 'ok';
          } catch (err) {
            return `error: ${(err as Error).message}`;
          }
        };
        const [database, eventBus] = await Promise.all([check(storage.ping), check(() => bus!.ping())]);
        const ok = database === 'ok' && eventBus === 'ok';
        return reply
          .status(ok ? 200 : 503)
          .send({ status: ok ? 'ready' : 'not ready', checks: { database, bus: eventBus }, dialect: storage.dialect, bus: bus!.kind });
      },
    );

    sensing = await startSensing(platform, {
      registry,
      timers: opts.scheduler !== false,
      settings: {
        maxPayload: config.maxPayload,
        deviceRateLimit: config.deviceRateLimit,
        deviceRateBurst: config.deviceRateBurst,
        healthSweep: config.healthSweep,
        retentionInterval: config.retentionInterval,
        mqtt: {
          enabled: config.mqttEnabled,
          url: config.mqttUrl,
          clientId: config.mqttClientId,
          shareGroup: config.mqttShareGroup,
          consumers: config.mqttConsumers,
          username: config.mqttUsername,
          password: config.mqttPassword,
          port: config.mqttPort,
          host: config.host,
        },
      },
    });
    const theSensing = sensing;
    warning = await startWarning(platform, theSensing, {
      registry,
      timers: opts.scheduler !== false,
      engine: config.warningEngine,
      partitions: config.warningPartitions,
      leaseMs: config.warningLease * 1000,
      escalation: { notifySimulated: config.simulate },
    });
    const theWarning = warning;

    const command = await startCommand(
      platform,
      { demoData: config.demoAccounts, chromiumPath: config.chromiumPath },
      engine!,
      theWarning.alerts,
      theSensing.live,
    );

    const sharing = await startSharing(platform, engine!, { demoPeople: config.sharingDemoPeople });
    // One key-sealing key for the issuers' keys and the city code's.
    const sealingKey = licenceKey(config, app.log);
    const licences = await startLicences(platform, { masterKey: sealingKey, alg: config.licenceAlg }, sharing.loads);
    const opendata = await startOpenData(platform, sharing.catalogue, sharing.records);
    const urban = await startUrban(platform, engine!, theWarning.alerts);
    const superapp = await startSuperApp(
      platform,
      {
        identity,
        records: sharing.records,
        loads: sharing.loads,
        gateway: sharing.gateway,
        licences: licences.licences,
        urban: urban.urban,
        alerts: theWarning.alerts,
        telemetry: theSensing.telemetry,
      },
      { masterKey: sealingKey, alg: config.licenceAlg, demo: config.demoAccounts && config.superappDemo },
    );
    const services = await startServices(
      platform,
      engine!,
      { licences: licences.licences, records: sharing.records, accounts: superapp.accounts, timeline: superapp.mycity },
      { masterKey: sealingKey, alg: config.licenceAlg, timers: opts.scheduler !== false },
    );
    const brain = await startBrain(platform, theSensing.telemetry, command.incidents, theWarning.alerts, {
      timers: opts.scheduler !== false,
      sharing: sharing.figures,
      urban: urban.urban,
      services: services.ratings,
    });

    // Each module's routes are a plugin of their own under /api, given what they need by name.
    const api = { prefix: '/api' };
    await app.register(sensingRoutes, { ...api, platform, sensing: theSensing });
    await app.register(warningRoutes, { ...api, platform, sensing: theSensing, warning: theWarning });
    await app.register(commandRoutes, {
      ...api,
      platform,
      incidents: command.incidents,
      resources: command.resources,
      telemetry: theSensing.telemetry,
      settings: command.settings,
    });
    await app.register(brainRoutes, { ...api, platform, indicators: brain.indicators, telemetry: theSensing.telemetry });
    await app.register(sharingRoutes, { ...api, platform, catalogue: sharing.catalogue, loads: sharing.loads });
    await app.register(licenceRoutes, { ...api, licences: licences.licences });
    const open = { platform, opendata: opendata.opendata, publicUrl: config.publicUrl ?? null };
    await app.register(openDataRoutes, { ...api, ...open });
    await app.register(openPortalRoutes, open);
    await app.register(urbanRoutes, { ...api, platform, urban: urban.urban, chromiumPath: config.chromiumPath });
    await app.register(open311Routes, {
      prefix: '/open311',
      platform,
      urban: urban.urban,
      authenticate: (key: string) => authenticate(platform, key),
      publicUrl: config.publicUrl ?? null,
    });
    await app.register(superAppRoutes, { ...api, app: superapp });
    await app.register(servicesRoutes, { ...api, services });
    await app.register(exchangeRoutes, { ...api, platform, catalogue: sharing.catalogue, requests: sharing.requests, gateway: sharing.gateway });
    await app.register(identityRoutes, { ...api, identity });
    await app.register(auditRoutes, { ...api, db: storage.db });
    await app.register(calendarRoutes, { ...api, calendar });
    await app.register(workflowRoutes, { ...api, engine: engine! });
    await app.register(notifyRoutes, { ...api, notifier });
    await app.register(filesRoutes, { ...api, files: platform.files });

    // Messages are rows: any process delivers them (claimed with a lease), once every module has
    // registered the subjects it notifies about.
    if (opts.scheduler !== false) delivery = every(1000, 'notification delivery', () => notifier.deliverDue(), app.log);
    const theDelivery = delivery;

    await registerWebApps(app, opts.webDir ?? findUp('../dist/web', '../web') ?? resolve('dist/web'), profile);

    const eng = engine;
    const theBus = bus;
    const theOutbox = outbox;
    return {
      app,
      platform,
      config,
      identity,
      workflow: eng,
      ...(initial.generatedAdminPassword ? { generatedAdminPassword: initial.generatedAdminPassword } : {}),
      sensing: theSensing,
      warning: theWarning,
      command,
      brain,
      sharing,
      licences,
      opendata,
      urban,
      superapp,
      services,
      close: async () => {
        await services.close();
        await sharing.close();
        await brain.close();
        await command.close();
        await theDelivery?.stop();
        await app.close();
        await theWarning.close();
        await theSensing.close();
        await eng.stopScheduler();
        await theOutbox.stop();
        if (!opts.bus) await theBus.close();
        if (ownStorage) await storage.close();
      },
    };
  } catch (err) {
    await delivery?.stop();
    await warning?.close().catch(() => undefined);
    await sensing?.close().catch(() => undefined);
    await engine?.stopScheduler();
    await outbox?.stop();
    if (bus && !opts.bus) await bus.close().catch(() => undefined);
    if (ownStorage) await storage.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Bodies are validated strictly (a number where a string belongs is an error, unknown fields
 * are refused); query strings and path parameters are text, so they are coerced.
 */
function setValidators(app: FastifyInstance): void {
  const make = (coerce: boolean) => {
    const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false });
    addFormats(ajv);
    return ajv;
  };
  const strict = make(false);
  const coercing = make(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
}

const WEB_APPS = ['console', 'brain', 'app', 'open'] as const;

/**
 * The key that seals licence issuers' private keys: LICENCE_KEY_SECRET, or one made once in the data
 * directory (a single-node deployment; several processes must share the configured one).
 */
/** Where uploaded photos' bytes go: a directory (FILES_DIR, DATA_DIR/files by default) or an S3-compatible store. */
function blobStore(config: Config): BlobStore {
  if (config.filesStore === 's3') {
    const missing = (['s3Endpoint', 's3Bucket', 's3AccessKeyId', 's3SecretAccessKey'] as const).filter((k) => !config[k]);
    if (missing.length) throw new Error(`FILES_STORE=s3 needs ${missing.map((k) => k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()).join(', ')}`);
    return new S3Blobs({
      endpoint: config.s3Endpoint!,
      region: config.s3Region,
      bucket: config.s3Bucket!,
      accessKeyId: config.s3AccessKeyId!,
      secretAccessKey: config.s3SecretAccessKey!,
      pathStyle: config.s3PathStyle,
      prefix: 'files/',
    });
  }
  return new DirectoryBlobs(config.filesDir ?? join(config.dataDir, 'files'));
}

function licenceKey(config: Config, log: FastifyBaseLogger): Buffer {
  if (config.licenceKeySecret) {
    const k = Buffer.from(config.licenceKeySecret, 'base64');
    if (k.length !== 32) throw new Error('LICENCE_KEY_SECRET must be 32 bytes in base64');
    return k;
  }
  const file = join(config.dataDir, 'licence-key.secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      log.warn({ file }, 'made a licence key-sealing key in the data directory; set LICENCE_KEY_SECRET for a deployment of several processes');
    } catch (err) {
      // Another process starting on the same directory made it first: use that one.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** Serves the built React apps: /console, /brain, /app, /open, each a single-page app. */
async function registerWebApps(app: FastifyInstance, webDir: string, profile: CityProfile): Promise<void> {
  const built = existsSync(join(webDir, 'console', 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false, serve: false });
    await app.register(fastifyStatic, {
      root: join(webDir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      preCompressed: true,
    });
  }
  for (const name of WEB_APPS) {
    const handler = async (_req: unknown, reply: import('fastify').FastifyReply) => {
      if (!built)
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The web apps are not built yet: run `npm run build`.\n网页应用尚未构建：请运行 npm run build。\n');
      reply.headers(PAGE_SECURITY_HEADERS);
      reply.header('cache-control', 'no-cache');
      return reply.sendFile(`${name}/index.html`);
    };
    app.get(`/${name}`, { schema: { hide: true }, config: { quiet: true } }, handler);
    app.get(`/${name}/*`, { schema: { hide: true }, config: { quiet: true } }, handler);
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console'));
  // The super app installs as a PWA: its manifest, icons and service worker (server/pwa.ts).
  const version = built ? String(Math.floor(statSync(join(webDir, 'app', 'index.html')).mtimeMs)) : 'unbuilt';
  app.get('/app/sw.js', { schema: { hide: true }, config: { quiet: true } }, async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('service-worker-allowed', '/app/')
      // A worker's own fetches obey its script's policy: it keeps the shell from this origin only.
      .header('content-security-policy', "default-src 'none'; connect-src 'self'")
      .send(serviceWorker(version)),
  );
  app.get('/app/manifest.webmanifest', { schema: { hide: true }, config: { quiet: true } }, async (_req, reply) =>
    reply
      .type('application/manifest+json; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(JSON.stringify(appManifest(profile))),
  );
  for (const size of [192, 512]) {
    const png = iconPng(size);
    app.get(`/app/icon-${size}.png`, { schema: { hide: true }, config: { quiet: true } }, async (_req, reply) =>
      reply.type('image/png').header('cache-control', 'public, max-age=86400').send(png),
    );
  }
  const icon = faviconIco();
  app.get('/favicon.ico', { schema: { hide: true }, config: { quiet: true } }, async (_req, reply) =>
    reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(icon),
  );
}

export { MemoryBus };
