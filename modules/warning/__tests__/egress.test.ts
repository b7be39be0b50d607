/**
 * Webhooks cannot be turned against the platform's own network (server-side request forgery):
 * only https to public addresses unless configured, the address checked again when the delivery
 * is made (after DNS), no redirects, generic errors, and a removed endpoint receives nothing more.
 * The listeners here are on loopback only, with the allowance switched on where a test needs it.
 */
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { STRICT_EGRESS, checkEgressUrl, egressPost, isBlockedAddress, setEgressResolver } from '../../../platform/http/egress.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { post } from '../../../test/ingest.js';

const ZHANGWAN = { lon: 110.772365, lat: 32.652516 };
const [sqlite] = await dialects();

function listener(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  return new Promise<{ server: Server; port: number; hits: string[] }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, hits })),
  );
}

describe('webhook egress rules', () => {
  test('blocked ranges: loopback, private, link-local, shared, metadata, documentation; public addresses pass', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::1',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
    ])
      assert.equal(isBlockedAddress(ip), true, ip);
    for (const ip of ['114.114.114.114', '223.5.5.5', '2400:3200::1']) assert.equal(isBlockedAddress(ip), false, ip);
  });

  test('registration: https only, no credentials, no local names or blocked literals unless configured', () => {
    assert.equal(checkEgressUrl('https://zjj.shiyan.example/hooks', STRICT_EGRESS), undefined);
    assert.match(checkEgressUrl('http://zjj.shiyan.example/hooks', STRICT_EGRESS)!.en, /https/);
    assert.match(checkEgressUrl('https://127.0.0.1:6379/', STRICT_EGRESS)!.en, /public address/);
    assert.match(checkEgressUrl('https://[::1]/', STRICT_EGRESS)!.en, /public address/);
    assert.match(checkEgressUrl('https://169.254.169.254/latest/meta-data', STRICT_EGRESS)!.en, /public address/);
    assert.match(checkEgressUrl('https://localhost/', STRICT_EGRESS)!.en, /local names/);
    assert.match(checkEgressUrl('https://user:pw@zjj.shiyan.example/', STRICT_EGRESS)!.en, /without a user name/);
    assert.match(checkEgressUrl('gopher://x/', STRICT_EGRESS)!.en, /https/);
    assert.equal(checkEgressUrl('http://127.0.0.1:8080/', { allowHttp: true, allowPrivate: true }), undefined);
  });

  test('at send time a name that resolves to a blocked address is refused, before any connection', async () => {
    const l = await listener((_q, r) => r.end());
    // A public-looking name whose DNS answer is loopback (or changes to it after registration).
    const restore = setEgressResolver((host, cb) =>
      host === 'hooks.rebind.example' ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(new Error('ENOTFOUND'), []),
    );
    try {
      await assert.rejects(egressPost(`https://hooks.rebind.example:${l.port}/x`, {}, '{}', { policy: STRICT_EGRESS, timeoutMs: 2000 }), /not allowed/);
      await assert.rejects(
        egressPost(`http://hooks.rebind.example:${l.port}/x`, {}, '{}', { policy: { allowHttp: true, allowPrivate: false }, timeoutMs: 2000 }),
        /not allowed/,
      );
      assert.deepEqual(l.hits, []);
      // With private addresses allowed (a closed network), the same name is reached.
      const ok = await egressPost(`http://hooks.rebind.example:${l.port}/x`, {}, '{}', { policy: { allowHttp: true, allowPrivate: true }, timeoutMs: 2000 });
      assert.equal(ok.status, 200);
      assert.deepEqual(l.hits, ['POST /x']);
    } finally {
      restore();
      l.server.close();
    }
  });

  test('redirects are not followed', async () => {
    const target = await listener((_q, r) => r.end('secret'));
    const redirector = await listener((_q, r) => {
      r.writeHead(302, { location: `http://127.0.0.1:${target.port}/internal` });
      r.end();
    });
    try {
      const r = await egressPost(`http://127.0.0.1:${redirector.port}/hook`, {}, '{}', { policy: { allowHttp: true, allowPrivate: true }, timeoutMs: 2000 });
      assert.equal(r.status, 302);
      assert.deepEqual(target.hits, [], 'the redirect target was never called');
    } finally {
      target.server.close();
      redirector.server.close();
    }
  });
});

describe('webhook endpoints through the API', () => {
  let strict: TestApp;
  before(async () => {
    strict = await startApp(sqlite!);
  });
  after(() => strict.close());

  test('staff cannot register loopback, link-local or plain-http endpoints on a default platform', async () => {
    const zjj = await strict.login('zjj.staff');
    for (const address of [
      'http://127.0.0.1:5432/',
      'https://127.0.0.1:6379/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]:22/',
      'http://zjj.example/hook',
    ]) {
      const r = await strict.call('POST', '/api/warning/endpoints', zjj, { department: 'ZJJ', channel: 'webhook', address });
      assert.equal(r.status, 400, address);
      assert.equal(r.body.errors[0].pointer, '/body/address');
    }
    assert.equal(
      (await strict.call('POST', '/api/warning/endpoints', zjj, { department: 'ZJJ', channel: 'webhook', address: 'https://zjj.shiyan.example/hooks' })).status,
      201,
    );
  });

  test('a delivery that meets a blocked address at send time fails with a generic error, and a removed endpoint gets nothing more', async () => {
    // Plain http allowed, private addresses not: a name resolving to loopback is stopped at send time.
    const t = await startApp(sqlite!, { webhookAllowHttp: true });
    const l = await listener((_q, r) => r.end());
    const restore = setEgressResolver((host, cb) =>
      host === 'hooks.rebind.example' ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(new Error('ENOTFOUND'), []),
    );
    try {
      const admin = await t.login('admin');
      const ep = await t.call('POST', '/api/warning/endpoints', admin, {
        department: 'ZJJ',
        channel: 'webhook',
        address: `http://hooks.rebind.example:${l.port}/hook`,
      });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      const dev = await t.call('POST', '/api/devices', admin, {
        id: 'gas-egress',
        name: '燃气',
        type: 'CombustibleGasObserved',
        department: 'ZJJ',
        location: ZHANGWAN,
      });
      await post(t, 'gas-egress', dev.body.token, { lel: 55 });
      const alert = (await t.call('GET', '/api/alerts?device=gas-egress', admin)).body.items[0];
      await t.notificationsDue();
      const n = (await t.call('GET', `/api/alerts/${alert.id}`, admin)).body.notifications.find((x: { channel: string }) => x.channel === 'webhook');
      assert.equal(n.lastError, 'refused: the address is not allowed');
      assert.ok(!String(n.lastError).includes(String(l.port)), 'no port in what the user reads');
      assert.deepEqual(l.hits, []);
      // Removing the endpoint cancels what is still queued for it.
      assert.equal((await t.call('DELETE', `/api/warning/endpoints/${ep.body.id}`, admin)).status, 204);
      const after = (await t.call('GET', `/api/alerts/${alert.id}`, admin)).body.notifications.find((x: { channel: string }) => x.channel === 'webhook');
      assert.equal(after.status, 'cancelled');
    } finally {
      restore();
      l.server.close();
      await t.close();
    }
  });
});
