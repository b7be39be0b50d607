import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD } from '../test/helpers.js';
import { type ServedApp, launch, loginThroughForm, serve, shot } from './browser.js';

const MAOJIAN = { lon: 110.78621, lat: 32.644463 };
const ZHANGWAN = { lon: 110.7705, lat: 32.6522 };

describe('sensing screens in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  before(async () => {
    app = await serve();
    browser = await launch();
    const admin = await app.login('admin');
    const create = async (id: string, name: string, type: string, department: string, location: { lon: number; lat: number }) => {
      const r = await app.call('POST', '/api/devices', admin, { id, name, type, department, location });
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
    };
    // An air station with an hour of readings, one a minute: the chart has something to draw.
    const air = await create('aq-maojian', '茅箭区空气站', 'AirQualityObserved', 'STHJJ', MAOJIAN);
    const now = Date.now();
    await ingest(
      'aq-maojian',
      air,
      Array.from({ length: 60 }, (_, i) => ({ ts: now - (60 - i) * 60_000, pm25: 30 + 10 * Math.sin(i / 6), pm10: 60 + i / 2 })),
    );
    const well = await create('well-zhangwan', '张湾排水井', 'DrainageWellObserved', 'ZJJ', ZHANGWAN);
    await ingest('well-zhangwan', well, { level: 1.2, overflow: false });
    const gas = await create('gas-maojian', '茅箭燃气监测', 'CombustibleGasObserved', 'ZJJ', { lon: MAOJIAN.lon + 0.01, lat: MAOJIAN.lat });
    await ingest('gas-maojian', gas, { lel: 3 });
    await create('light-zhangwan', '张湾路灯', 'Streetlight', 'CGW', { lon: ZHANGWAN.lon + 0.01, lat: ZHANGWAN.lat });
    await app.sensing.sweep();
    // The gas monitor then falls silent for an hour: offline.
    const seq = (await app.sensing.directory.get('gas-maojian'))!.seq;
    await app.storage.db
      .updateTable('device_health')
      .set({ last_seen: now - 3_600_000 })
      .where('dev', '=', seq)
      .execute();
    await app.sensing.sweep();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists devices by health on the map, shows a device with its latest values and chart, and imports CSV', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'admin', ADMIN_PASSWORD);
    await page.getByRole('menuitem', { name: '感知设备' }).click();
    await page.getByRole('cell', { name: 'aq-maojian', exact: true }).waitFor();
    assert.match((await page.getByTestId('count-online').textContent()) ?? '', /在线 2/);
    assert.match((await page.getByTestId('count-offline').textContent()) ?? '', /离线 1/);
    assert.match((await page.getByTestId('count-unknown').textContent()) ?? '', /未上报 1/);
    assert.equal(await page.locator('svg circle[data-device]').count(), 4, 'every device on the map');
    const offlineDot = page.locator('svg circle[data-device="gas-maojian"]');
    const onlineDot = page.locator('svg circle[data-device="aq-maojian"]');
    assert.notEqual(await offlineDot.getAttribute('fill'), await onlineDot.getAttribute('fill'), 'health decides the colour');
    await shot(page, 'console-devices');

    await page.getByRole('cell', { name: 'aq-maojian', exact: true }).click();
    const drawer = page.locator('.ant-drawer-content');
    await drawer.getByText('urn:ngsi-ld:AirQualityObserved:aq-maojian').waitFor();
    await drawer.getByText('最新读数').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="device-chart"]')?.getAttribute('data-points') ?? 0) >= 50);
    assert.ok(await drawer.locator('canvas').first().isVisible(), 'ECharts drew the chart');
    assert.ok(await drawer.getByText('茅箭区', { exact: true }).isVisible(), 'the district by name, not code');
    const latest = (await drawer.locator('.ant-table').first().textContent()) ?? '';
    assert.match(latest, /PM2\.5\d+(\.\d{1,4})? µg\/m³/, `readings shown without float noise: ${latest}`);
    await shot(page, 'console-device-detail');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: '批量导入' }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .locator('textarea')
      .fill(
        ['id,name,type,department,lon,lat', 'well-csv-1,CSV 导入井,DrainageWellObserved,ZJJ,110.78,32.64', 'bad-1,坏行,NoSuchType,ZJJ,110.78,32.64'].join('\n'),
      );
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.getByText('created 1, failed 1').waitFor();
    assert.match((await dialog.locator('pre').textContent()) ?? '', /row 2 bad-1: no device type "NoSuchType"/);
    await shot(page, 'console-devices-import');
    await page.keyboard.press('Escape');
    await page.getByRole('cell', { name: 'well-csv-1', exact: true }).waitFor();

    await page.getByRole('menuitem', { name: '设备类型' }).click();
    // The devices list (with its few rows) is replaced by the fifteen seeded types.
    await page.waitForFunction(() => document.querySelectorAll('.ant-table-row').length >= 15);
    for (const name of ['水质自动监测站', '景区客流计数']) assert.ok(await page.getByText(name, { exact: true }).first().isVisible(), name);
    await shot(page, 'console-device-types');
    await page.close();
  });
});
