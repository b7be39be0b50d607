/**
 * The platform in this process for a benchmark: a fresh data directory, no simulator, no MQTT,
 * warnings only, no timers. The environment overrides any of it (DATABASE_URL for PostgreSQL).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_ADMIN_PASSWORD = 'Bench-Passw0rd!';

export async function benchApp(name: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), `wd-bench-${name}-`));
  const { buildApp } = await import('../server/app.js');
  const { loadConfig } = await import('../server/config.js');
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    WUDANG_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    SIMULATE: '0',
    MQTT_ENABLED: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    ...env,
    ...process.env,
  });
  const w = await buildApp(config, { scheduler: false });
  return { w, config, dir };
}
