import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../test/helpers.js';
import { type ServedApp, launch, loginThroughForm, serve, shot } from './browser.js';

const ZHANGWAN = { lon: 110.7705, lat: 32.6522 };
const MIN = 60_000;

describe('early-warning screens in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  let admin: string;
  const create = async (id: string, name: string, type: string, department: string) => {
    const r = await app.call('POST', '/api/devices', admin, { id, name, type, department, location: ZHANGWAN });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.token as string;
  };
  const ingest = async (id: string, token: string, body: unknown) => {
    const r = await app.inject({
      method: 'POST',
      url: `/api/ingest/${id}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    assert.equal(r.statusCode, 202, r.body);
    await app.sensing.announced();
    await app.warning.engine!.idle();
  };
  before(async () => {
    app = await serve();
    browser = await launch();
    admin = await app.login('admin');
    // A rainstorm at a ponding point: the depth rises 2 cm a minute for twenty minutes.
    const pond = await create('pond-chezhan', '火车站广场积水点', 'FloodMonitoring', 'ZJJ');
    const start = Date.now() - 25 * MIN;
    for (let i = 0; i <= 20; i++) await ingest('pond-chezhan', pond, { ts: start + i * MIN, currentLevel: Math.round(i * 2) / 100, precipitation: 20 });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('the inbox shows predicted and actual waterlogging alerts; detail has the evidence chart and timeline; acknowledging is recorded; new alerts arrive live', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'duty', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '预警信息' }).click();
    const table = page.getByTestId('alerts-table');
    await table.getByText('城市积水点积水深度：火车站广场积水点').waitFor();
    await table.getByText('积水点内涝预测：火车站广场积水点').waitFor();
    assert.ok(await table.getByText('预测', { exact: true }).first().isVisible(), 'the prediction is marked');
    await shot(page, 'console-alerts');

    await table.getByText('积水点内涝预测：火车站广场积水点').click();
    let drawer = page.locator('.ant-drawer-content');
    await drawer.getByTestId('expected-at').first().waitFor();
    await drawer.getByText('发布预测预警').waitFor();
    await page.keyboard.press('Escape');

    await table.getByText('城市积水点积水深度：火车站广场积水点').click();
    drawer = page.locator('.ant-drawer-content');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="evidence-chart"]')?.getAttribute('data-points') ?? 0) >= 10);
    assert.ok(await drawer.locator('[data-testid="evidence-chart"] canvas').first().isVisible(), 'ECharts drew the evidence');
    await drawer.getByText('发布预警').waitFor();
    await drawer.getByText('预警升级').waitFor();
    await drawer.getByTestId('ack').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="alert-status"]')?.textContent === '已确认');
    await drawer.getByText('值班员 王敏').waitFor();
    await shot(page, 'console-alert-detail');
    await page.keyboard.press('Escape');

    // A gas leak while the inbox is open: it appears without reloading the page.
    const gas = await create('gas-chezhan', '火车站燃气监测', 'CombustibleGasObserved', 'ZJJ');
    await ingest('gas-chezhan', gas, { lel: 58 });
    await table.getByText('可燃气体浓度报警：火车站燃气监测').waitFor({ timeout: 30_000 });
    const row = table.locator('tr', { hasText: '火车站燃气监测' });
    assert.match((await row.getByTestId('level-tag').textContent()) ?? '', /Ⅱ级 橙色/);
    await shot(page, 'console-alerts-live');
    await page.close();
  });

  it('edits a rule through the form with a live check and a backtest, and saves a new version', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('menuitem', { name: '预警规则' }).click();
    await page.getByTestId('rules-table').getByText('waterlogging-depth · 版本 1').waitFor();
    await page.getByTestId('edit-waterlogging-depth').click();
    const editor = page.getByTestId('rule-editor');
    await editor.getByText('规则有效').waitFor();

    // A clear level above the raise level is refused, with the field named.
    const clear = editor.getByTestId('l0-clear');
    await clear.fill('0.5');
    await editor.getByTestId('rule-check').getByText('预警级别第 1 项 · 条件 · 解除值：解除值不能高于触发值 0.15').waitFor();
    assert.ok(await editor.getByTestId('rule-save').isDisabled());
    await clear.fill('0.1');
    await editor.getByText('规则有效').waitFor();

    // Raise at 20 cm instead of 15; the backtest over the stored storm shows when it would have fired.
    await editor.getByTestId('l0-value').fill('0.2');
    await editor.getByText('规则有效').waitFor();
    await editor.getByTestId('rule-backtest').click();
    const result = editor.getByTestId('backtest-result');
    await result.getByText('触发时段: 1').waitFor();
    assert.ok(await result.getByText('pond-chezhan').isVisible());
    await shot(page, 'console-rule-editor');
    await editor.getByTestId('rule-save').click();
    await page.getByTestId('rules-table').getByText('waterlogging-depth · 版本 2').waitFor();

    // A new rule: the empty form shows no errors until a field is touched, and an id the server
    // would refuse is refused by the live check too (规则有效 means saving will succeed).
    await page.getByTestId('new-rule').click();
    const fresh = page.getByTestId('rule-editor');
    await fresh.getByTestId('rule-id').waitFor();
    assert.equal(await fresh.locator('.ant-form-item-explain-error').count(), 0, 'no errors on an empty form');
    await fresh.getByTestId('rule-id').fill('测试 规则!!');
    await fresh.getByText('规则编号须为 2–64 个小写字母、数字或 -').first().waitFor();
    assert.equal(await fresh.getByText('规则有效').count(), 0);
    await shot(page, 'console-rule-new-invalid-id');
    const stored = await app.call('GET', '/api/warning/rules/waterlogging-depth', admin);
    assert.equal(stored.body.levels[0].condition.value, 0.2);
    await page.close();
  });

  it('silences a device for maintenance, adds a signed webhook for 市住建局, and shows the escalation policy', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('menuitem', { name: '预警设置' }).click();

    // Maintenance: a device, with its reason; it is listed and the API has it.
    const mw = page.getByTestId('maintenance-card');
    await mw.getByTestId('mw-device').fill('pond-chezhan');
    await mw.getByTestId('mw-reason').fill('更换液位计 (replacing the level gauge)');
    await mw.getByTestId('mw-add').click();
    await page.getByTestId('maintenance-table').getByText('更换液位计 (replacing the level gauge)').waitFor();
    const windows = await app.call('GET', '/api/warning/maintenance', admin);
    assert.equal(windows.body.length, 1);
    assert.equal(windows.body[0].deviceId, 'pond-chezhan');
    assert.equal(windows.body[0].department, 'ZJJ');

    // Endpoints: a bad address is refused on its field; a good one is listed, signed.
    const ep = page.getByTestId('endpoints-card');
    await ep.getByTestId('ep-department').click();
    await page.keyboard.type('住房');
    // Choose the option itself: Enter could take whichever option was active before the filter applied.
    await page.locator('.ant-select-item-option', { hasText: '市住房和城乡建设局' }).click();
    await ep.getByTestId('ep-address').fill('not a url');
    await ep.getByTestId('ep-add').click();
    await ep.getByText('须为 https 网址').waitFor();
    await ep.getByTestId('ep-address').fill('https://zjj.shiyan.example/hooks/wudang');
    // The server's message on the field goes once the field changes; a click before that was refused by the form.
    await ep.getByText('须为 https 网址').waitFor({ state: 'detached' });
    await ep.locator('input[type="password"]').fill('zjj-signing-key-0001');
    await ep.getByTestId('ep-add').click();
    const table = page.getByTestId('endpoints-table');
    await table.getByText('https://zjj.shiyan.example/hooks/wudang').waitFor();
    assert.equal((await table.locator('tr', { hasText: 'zjj.shiyan.example' }).textContent())?.includes('✔'), true, 'shown as signed');
    const endpoints = await app.call('GET', '/api/warning/endpoints', admin);
    assert.deepEqual(
      endpoints.body.map((e: { department: string; channel: string; hasSecret: boolean }) => [e.department, e.channel, e.hasSecret]),
      [['ZJJ', 'webhook', true]],
    );

    // The escalation policy, editable by the city-wide admin.
    await page.getByTestId('escalation-card').getByText('通知部门领导（分钟）').waitFor();
    await shot(page, 'console-warning-settings');
    await page.close();
  });
});
