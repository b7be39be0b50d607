/** The API's routes as registered: every module's plugin under /api, once (a path written with its own /api would be doubled). */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { dialects, startApp } from './helpers.js';

describe('the API routes', async () => {
  const [d] = await dialects();
  const t = await startApp(d!);
  after(() => t.close());

  it('are all under /api once, beside the health and metrics endpoints', async () => {
    await t.app.ready();
    const paths = Object.keys((t.app.swagger() as { paths: Record<string, unknown> }).paths);
    assert.ok(paths.length > 80, `${paths.length} paths`);
    const odd = paths.filter((p) => !(p.startsWith('/api/') && !p.startsWith('/api/api/')) && !['/healthz', '/readyz', '/metrics'].includes(p));
    assert.deepEqual(odd, []);
  });

  it('answer where the web apps and the tests call them', async () => {
    const admin = await t.login('admin');
    for (const url of [
      '/api/alerts',
      '/api/command/incidents',
      '/api/warning/rules',
      '/api/brain/indicators',
      '/api/devices',
      '/api/audit',
      '/api/calendar/years',
    ])
      assert.equal((await t.call('GET', url, admin)).status, 200, url);
  });
});
