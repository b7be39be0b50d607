import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings, loadConfig } from '../config.js';

describe('configuration', () => {
  it('has the defaults of SYSTEM.md', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.mqttPort, 1883);
    assert.equal(c.dataDir, './data');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.natsUrl, undefined);
    assert.equal(c.mqttUrl, undefined);
    assert.equal(c.simulate, true);
    assert.equal(c.adminPassword, undefined);
  });

  it('reads and converts environment variables', () => {
    const c = loadConfig({
      PORT: '9000',
      SIMULATE: '0',
      DATABASE_URL: 'postgres://u@h/db',
      ACCESS_TOKEN_TTL: '30m',
      BODY_LIMIT: '2mb',
      OFFICE_HOURS: '09:00-12:00,13:30-18:00',
    });
    assert.equal(c.port, 9000);
    assert.equal(c.simulate, false);
    assert.equal(c.databaseUrl, 'postgres://u@h/db');
    assert.equal(c.accessTokenTtl, 1800);
    assert.equal(c.bodyLimit, 2 * 1024 * 1024);
    assert.deepEqual(c.officeHours, [
      { start: 540, end: 720 },
      { start: 810, end: 1080 },
    ]);
  });

  it('stops on a bad value, naming the setting and what it accepts', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ PORT: 'eighty' }, 'PORT', /TCP port/],
      [{ PORT: '70000' }, 'PORT', /TCP port/],
      [{ SIMULATE: 'maybe' }, 'SIMULATE', /one of 1, 0/],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres:\/\//],
      [{ NATS_URL: 'not a url' }, 'NATS_URL', /nats:\/\//],
      [{ OFFICE_HOURS: '12:00-08:00' }, 'OFFICE_HOURS', /HH:MM-HH:MM/],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of fatal/],
      [{ ACCESS_TOKEN_TTL: '0' }, 'ACCESS_TOKEN_TTL', /duration/],
    ];
    for (const [env, name, accepts] of cases) {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.setting === name && accepts.test(err.message) && err.message.includes(name),
        `${JSON.stringify(env)} should name ${name}`,
      );
    }
  });

  it('reads a JSON config file under the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wd-config-'));
    const file = join(dir, 'wudang.json');
    writeFileSync(file, JSON.stringify({ PORT: 8181, DATA_DIR: '/srv/wudang' }));
    const c = loadConfig({ WUDANG_CONFIG: file, PORT: '8282' });
    assert.equal(c.port, 8282, 'environment wins');
    assert.equal(c.dataDir, '/srv/wudang');
    writeFileSync(file, JSON.stringify({ PROT: 1 }));
    assert.throws(() => loadConfig({ WUDANG_CONFIG: file }), /PROT/);
  });

  it('describes every setting for the README and --help', () => {
    const rows = describeSettings();
    for (const env of ['PORT', 'MQTT_PORT', 'DATA_DIR', 'DATABASE_URL', 'NATS_URL', 'MQTT_URL', 'SIMULATE', 'WUDANG_ADMIN_PASSWORD']) {
      assert.ok(
        rows.some((r) => r.env === env && r.description.length > 10),
        env,
      );
    }
  });
});
