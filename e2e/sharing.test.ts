/**
 * The data catalogue in the console: a staff member finds the population database by a Chinese
 * word, opens its items (the ID number marked as sensitive, masked when not approved) and its
 * history; a provider loads a catalogue file, checks it first, and sees the entry it registered.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD } from '../test/helpers.js';
import { type ServedApp, launch, loginThroughForm, serve, shot } from './browser.js';

describe('the data catalogue in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  before(async () => {
    app = await serve();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finds the population database, shows its items and history', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'cgw.staff', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '数据资源目录' }).click();
    const table = page.getByTestId('catalogue-table');
    await table.getByText('标准地址与兴趣点').waitFor();
    await page.getByTestId('catalogue-search').fill('身份证');
    await page.getByTestId('catalogue-search').press('Enter');
    await table.getByText('人口基本信息').waitFor();
    await table.getByText('标准地址与兴趣点').waitFor({ state: 'detached' });
    await table.getByText('人口基本信息').click();
    const items = page.getByTestId('resource-items');
    const idRow = items.locator('tr', { hasText: '公民身份号码' });
    await idRow.getByText('敏感个人信息').waitFor();
    await idRow.getByText('证件号脱敏').waitFor();
    await shot(page, 'console-catalogue-population');
    await page.getByRole('tab', { name: '修订记录' }).click();
    await page.getByTestId('resource-history').getByText('登记').waitFor();
    await page.close();
  });

  it('a provider checks a catalogue file before loading it, and sees what it registered', async () => {
    const file = join(tmpdir(), `wd-catalogue-${process.pid}.csv`);
    const header =
      'code,classCode,nameZh,nameEn,kind,provider,abstract,format,sharingType,sharingCondition,legalBasis,sharingMethods,openType,updateCycle,publishedAt,related,keywords,dataset,status,itemKey,itemNameZh,itemNameEn,itemType,itemLength,itemSharing,itemGrade,itemLevel,itemSensitive,itemMask,itemDescription';
    const row = (key: string, zh: string) =>
      `,301009,城市道路桥梁台账,Roads and bridges,departmental,ZJJ,中心城区道路和桥梁的基本情况。,table,unconditional,,,api,closed,yearly,2026-10-01,,道路;桥梁,,published,${key},${zh},,string,50,unconditional,general,1,,none,`;
    writeFileSync(file, `${header}\n${row('bridgeName', '桥梁名称')}\n${row('roadName', '道路名称')}\n`);
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'zjj.staff', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '数据资源目录' }).click();
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-check').click();
    await page.getByTestId('import-summary').getByText('将登记 1 条').waitFor();
    const before = await app.call('GET', '/api/sharing/catalogue?q=%E6%A1%A5%E6%A2%81%E5%8F%B0%E8%B4%A6', await app.login('admin'));
    assert.equal(before.body.total, 0, 'a check writes nothing');
    await page.getByTestId('import-apply').click();
    await page.getByTestId('import-summary').getByText('已导入：登记 1 条').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('catalogue-search').fill('桥梁台账');
    await page.getByTestId('catalogue-search').press('Enter');
    await page.getByTestId('catalogue-table').getByText('301009/000001').waitFor();
    await page.close();
  });
});
