/** The `wudang` command line. */
import { Command } from 'commander';
import { verifyAuditChain } from '../platform/audit/audit.js';
import { generatePassword } from '../platform/auth/password.js';
import { type Db, openStorage } from '../platform/storage/db.js';
import { getUserByUsername, setPassword, unlockUser } from '../modules/identity/index.js';
import { registerDeviceCommands } from '../modules/sensing/cli.js';
import { registerSharingCommands } from '../modules/sharing/cli.js';
import { provisionSimulated } from '../modules/sensing/sensing.service.js';
import { startSimulator, tokenFile } from '../simulator/shiyan.js';
import { VERSION, buildApp } from './app.js';
import { ConfigError, type Config, describeSettings, loadConfig } from './config.js';
import { migrateAll } from './migrations.js';
import { type CityProfile, loadProfile } from '../platform/profile/profile.js';

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`wudang: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

function storageFor(c: Config) {
  return openStorage({ ...(c.databaseUrl ? { databaseUrl: c.databaseUrl } : {}), dataDir: c.dataDir });
}

async function start(): Promise<void> {
  const c = config();
  const started = Date.now();
  const w = await buildApp(c);
  let stopping = false;
  const onStop: (() => Promise<void>)[] = [];
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    w.app.log.info({ signal }, 'shutting down');
    for (const f of onStop) await f();
    await w.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await w.app.listen({ port: c.port, host: c.host });
  // The demo city's simulator runs only for the profile it simulates.
  if (c.simulate && w.platform.profile.simulator === 'shiyan') {
    const mqttUrl = c.mqttUrl ?? (w.sensing.broker ? `mqtt://127.0.0.1:${w.sensing.broker.port}` : undefined);
    if (!mqttUrl) w.app.log.warn('SIMULATE is on but this process runs no MQTT ingestion; the simulator is not started');
    else {
      const sim = await startSimulator(
        {
          seed: c.simulateSeed,
          devices: c.simulateDevices,
          speed: c.simulateSpeed,
          tokensPath: tokenFile(c.dataDir),
          // The storm began half an hour ago: the rain is heavy from the first readings and peaks in 15 minutes.
          ...(c.simulateStorm ? { stormSince: 30 * 60_000 } : {}),
        },
        { mqttUrl, log: w.app.log, provision: (devices) => provisionSimulated(w.platform, devices) },
      );
      onStop.push(() => sim.stop());
    }
  }
  const base = `http://localhost:${c.port}`;
  const lines = [
    '',
    `  Wudang ${VERSION} · ${w.platform.profile.name.zh} ${w.platform.profile.name.en} · ready in ${Date.now() - started} ms`,
    `  Console 部门控制台   ${base}/console`,
    `  Brain   运行指挥中心 ${base}/brain`,
    `  App     城市超级APP  ${base}/app`,
    `  API     ${base}/docs`,
    `  Storage ${w.platform.storage.dialect}${c.databaseUrl ? '' : ` in ${c.dataDir}`} · bus ${w.platform.bus.kind}`,
  ];
  if (w.generatedAdminPassword) {
    lines.push(
      '',
      `  First start: user "admin", password ${w.generatedAdminPassword}`,
      '  (shown only this once; set WUDANG_ADMIN_PASSWORD to choose it, or run `wudang admin reset-password admin`)',
    );
  }
  console.log(`${lines.join('\n')}\n`);
}

const program = new Command()
  .name('wudang')
  .description('Wudang (武当): the open-source city platform, built first for Smart Shiyan (智慧十堰)')
  .version(VERSION)
  .addHelpText(
    'after',
    `\nSettings (environment variables, or a JSON file named by WUDANG_CONFIG):\n${describeSettings()
      .map((s) => `  ${s.env.padEnd(22)} ${s.description} [default: ${s.default}]`)
      .join('\n')}\n`,
  );

program
  .command('start', { isDefault: true })
  .description('Start the platform: API, web apps, workers')
  .option('--devices <n>', 'simulated devices (SIMULATE_DEVICES)')
  .option('--seed <n>', "the simulator's seed (SIMULATE_SEED)")
  .option('--speed <n>', 'simulated devices report n times as often (SIMULATE_SPEED)')
  .option('--no-simulate', 'run without the simulator (SIMULATE=0)')
  .option('--storm', 'start the simulated city in a rainstorm, for the emergency command demo (SIMULATE_STORM=1)')
  .action((o: { devices?: string; seed?: string; speed?: string; simulate: boolean; storm?: boolean }) => {
    // Flags override the environment, and go through the same checks.
    if (o.devices) process.env.SIMULATE_DEVICES = o.devices;
    if (o.seed) process.env.SIMULATE_SEED = o.seed;
    if (o.speed) process.env.SIMULATE_SPEED = o.speed;
    if (!o.simulate) process.env.SIMULATE = '0';
    if (o.storm) process.env.SIMULATE_STORM = '1';
    return start();
  });

program
  .command('migrate')
  .description('Bring the database schema up to date (start does this too)')
  .action(async () => {
    const s = storageFor(config());
    try {
      const applied = await migrateAll(s.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.');
    } finally {
      await s.close();
    }
  });

const admin = program.command('admin').description('Administration tasks');

/** Runs an administration task on a user named on the command line, on the configured database. */
async function onUser(username: string, task: (p: { db: Db; now: () => number; profile: CityProfile }, userId: string) => Promise<string>): Promise<void> {
  const c = config();
  const s = storageFor(c);
  try {
    await migrateAll(s.db);
    const user = await getUserByUsername(s.db, username);
    if (!user) {
      console.error(`wudang: no user named ${username}`);
      process.exitCode = 1;
      return;
    }
    console.log(await task({ db: s.db, now: Date.now, profile: loadProfile(c.cityProfile) }, user.id));
  } catch (err) {
    console.error(`wudang: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await s.close();
  }
}

const CLI_CONTEXT = { principal: null, ip: null, requestId: 'cli' };

admin
  .command('reset-password')
  .description("Set a user's password (generated when --password is not given) and end their sessions")
  .argument('<username>', 'the user, e.g. admin')
  .option('--password <password>', 'the new password (must meet the password policy)')
  .action((username: string, o: { password?: string }) =>
    onUser(username, async (p, id) => {
      const password = o.password ?? generatePassword();
      await setPassword(p, CLI_CONTEXT, id, password, { mustChange: !o.password });
      return o.password ? `Password of ${username} changed.` : `New password of ${username}: ${password}\n(it must be changed at the next login)`;
    }),
  );

admin
  .command('unlock')
  .description('Lift the login locks of a user (every source address) after repeated failed logins')
  .argument('<username>', 'the user, e.g. admin')
  .action((username: string) =>
    onUser(username, async (p, id) => {
      await unlockUser(p, CLI_CONTEXT, id);
      return `${username} is unlocked.`;
    }),
  );

registerDeviceCommands(program, () => `http://127.0.0.1:${process.env.PORT ?? '8080'}`);
registerSharingCommands(program, {
  async open() {
    const c = config();
    const s = storageFor(c);
    await migrateAll(s.db);
    return { db: s.db, profile: loadProfile(c.cityProfile), close: () => s.close() };
  },
});

const audit = program.command('audit').description('The audit log');
audit
  .command('verify')
  .description('Check the hash chain of the audit log; exits 1 if any record was edited or deleted')
  .action(async () => {
    const s = storageFor(config());
    try {
      await migrateAll(s.db);
      const r = await verifyAuditChain(s.db);
      if (r.ok) console.log(`Audit log intact: ${r.checked} records verified.`);
      else {
        console.log(`Audit log BROKEN: ${r.problems.length} problem(s) in ${r.checked} records`);
        for (const p of r.problems.slice(0, 50)) console.log(`  #${p.seq}: ${p.reason}`);
        process.exitCode = 1;
      }
    } finally {
      await s.close();
    }
  });

program
  .command('config')
  .description('Print every setting with its current value (secrets hidden)')
  .action(() => {
    const c = config() as unknown as Record<string, unknown>;
    const rows = describeSettings();
    const keys = Object.keys(c);
    rows.forEach((r, i) => {
      const v = c[keys[i]!];
      const secret = /PASSWORD|DATABASE_URL/.test(r.env) && v !== undefined;
      console.log(`${r.env.padEnd(22)} ${secret ? '(set)' : (JSON.stringify(v) ?? '(unset)')}`);
    });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
