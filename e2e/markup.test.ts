/**
 * Markup typed into any free-text field the wall shows (an incident's title, a device's name in an
 * alert's title, a resource's name, an indicator's name) shows as text on the wall, in the map's
 * tooltips (ECharts renders formatter strings as HTML) and in the leaders' view; nothing runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ZHANGWAN } from '../test/command-fixtures.js';
import { post } from '../test/ingest.js';
import { DEMO_PASSWORD } from '../test/helpers.js';
import { type ServedApp, launch, loginThroughForm, serve, shot } from './browser.js';

const MARK = (what: string) => `<img src=x onerror="window.__xss=(window.__xss||[]).concat('${what}')"><b>${what}</b>`;
const MIN = 60_000;

describe('markup on the wall shows as text', () => {
  let browser: Browser;
  let app: ServedApp;
  before(async () => {
    app = await serve();
    browser = await launch();
    const admin = await app.login('admin');
    const duty = await app.login('duty');
    const dev = await app.call('POST', '/api/devices', admin, {
      id: 'pond-markup',
      name: MARK('device'),
      type: 'FloodMonitoring',
      department: 'ZJJ',
      location: ZHANGWAN,
    });
    assert.equal(dev.status, 201, JSON.stringify(dev.body));
    const base = Date.now() - 10 * MIN;
    await post(app, 'pond-markup', dev.body.token, { ts: base, currentLevel: 0.2 });
    await post(app, 'pond-markup', dev.body.token, { ts: base + 3 * MIN, currentLevel: 0.22 });
    const inc = await app.call('POST', '/api/command/incidents', duty, {
      title: MARK('incident'),
      subkind: 'waterlogging',
      severity: 4,
      location: ZHANGWAN,
      source: 'phone',
      description: MARK('description'),
    });
    assert.equal(inc.status, 201, JSON.stringify(inc.body));
    const res = await app.call('POST', '/api/command/resources', admin, {
      kind: 'supply',
      type: 'sandbags',
      name: MARK('resource'),
      department: 'ZJJ',
      location: { lon: ZHANGWAN.lon + 0.01, lat: ZHANGWAN.lat },
      quantity: 10,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const ind = await app.call('POST', '/api/brain/indicators', admin, {
      id: 'markup-indicator',
      name: { zh: MARK('indicator'), en: MARK('indicator') },
      domain: 'drainage',
      owner: 'ZJJ',
      unit: 'm',
      source: { kind: 'reading', types: ['FloodMonitoring'], attr: 'currentLevel', agg: 'max' },
      breakdown: 'district',
      status: { direction: 'up', warn: 0.15, alarm: 0.3 },
    });
    assert.equal(ind.status, 201, JSON.stringify(ind.body));
    await app.brain.indicators.snapshot();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** What ran, and how many injected elements exist. */
  const injected = (page: Page) =>
    page.evaluate(() => ({
      ran: (window as { __xss?: string[] }).__xss ?? [],
      imgs: document.querySelectorAll('img[src="x"]').length,
      bold: document.querySelectorAll('b').length,
    }));

  it('on the wall: lists, tiles and every map tooltip', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/brain`);
    await loginThroughForm(page, 'duty', DEMO_PASSWORD);
    // The texts are there, as text.
    await page.getByTestId('brain-incidents').getByText(MARK('incident')).waitFor();
    await page.getByTestId('brain-alert-feed').getByText(MARK('device'), { exact: false }).waitFor();
    await page.getByText(MARK('indicator')).first().waitFor();
    await page.getByTestId('layer-resources').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="brain-map"]')?.getAttribute('data-resources')) >= 1);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="brain-map"]')?.getAttribute('data-incidents')) >= 1);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="brain-map"]')?.getAttribute('data-alerts')) >= 1);
    // Open each series' tooltip in turn, as hovering its mark would, and read it.
    const tips: Record<string, string> = {};
    for (const [series, what] of [
      ['alerts', 'device'],
      ['incidents', 'incident'],
      ['resources', 'resource'],
    ] as const) {
      const html = await page.evaluate(async (name) => {
        const box = document.querySelector('[data-testid="brain-map"]') as HTMLDivElement & {
          chart: { getOption(): { series: { name: string; data: unknown[] }[] }; dispatchAction(a: object): void };
        };
        const list = box.chart.getOption().series;
        const seriesIndex = list.findIndex((s) => s.name === name);
        const dataIndex = list[seriesIndex]!.data.findIndex((d) => JSON.stringify(d).includes('onerror'));
        box.chart.dispatchAction({ type: 'showTip', seriesIndex, dataIndex });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const tip = [...box.querySelectorAll('div')].find((d) => (d.textContent ?? '').includes('onerror'));
        return tip ? { text: tip.textContent ?? '', html: tip.innerHTML } : null;
      }, series);
      assert.ok(html, `the ${series} tooltip opened`);
      assert.ok(html.text.includes(`<b>${what}</b>`), `${series} tooltip shows the markup as text: ${html.text}`);
      assert.ok(!html.html.includes('<img'), `${series} tooltip holds no element from the text`);
      tips[series] = html.text;
    }
    await shot(page, 'brain-markup');
    const after = await injected(page);
    assert.deepEqual(after.ran, [], 'no injected script ran');
    assert.equal(after.imgs, 0, 'no injected element');
    // The leaders' view shows the same texts.
    await page.goto(`${app.url}/brain/leader`);
    await page.getByText(MARK('incident')).first().waitFor();
    const leader = await injected(page);
    assert.deepEqual(leader.ran, []);
    assert.equal(leader.imgs, 0);
    await ctx.close();
  });
});
