import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../test/helpers.js';
import { type ServedApp, choose, launch, loginThroughForm, serve, shot } from './browser.js';

describe('web apps in Chromium', () => {
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

  it('logs in to the console and sees the Shiyan city with its districts and departments', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${app.url}/console`);
    await page.locator('input[name="username"]').waitFor();
    await shot(page, 'console-login');
    await loginThroughForm(page, 'wrong', 'wrong-password');
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /用户名或密码错误/);
    await loginThroughForm(page, 'admin', ADMIN_PASSWORD);
    // Staff land on their to-do (我的待办); the city's overview is one click away.
    await page.getByTestId('todo').waitFor();
    await page.getByRole('menuitem', { name: '城市概览' }).click();
    await page.getByTestId('city-name').getByText('十堰市').waitFor();
    await page.locator('svg path[data-adcode]').first().waitFor();
    assert.equal(await page.locator('svg path[data-adcode]').count(), 8, 'eight districts on the map');
    for (const name of ['茅箭区', '张湾区', '郧阳区', '郧西县', '竹山县', '竹溪县', '房县', '丹江口市']) {
      assert.ok(await page.getByTestId('district-list').getByText(name, { exact: true }).isVisible(), name);
    }
    await shot(page, 'console-overview');

    await page.getByRole('menuitem', { name: '部门' }).click();
    await page.getByText('市应急管理局').waitFor();
    assert.ok(await page.getByText('张湾区人民政府').isVisible());
    await shot(page, 'console-departments');

    await page.getByRole('menuitem', { name: '用户' }).click();
    await page.getByRole('cell', { name: 'duty', exact: true }).waitFor();
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('用户名').fill('slj.zhou');
    await dialog.getByLabel('姓名').fill('水利局 周工');
    await dialog.getByLabel('密码').fill('River-Level-2026');
    await dialog.getByLabel('部门').click();
    await page.keyboard.type('SLJ');
    await page.keyboard.press('Enter');
    await shot(page, 'console-user-create');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: 'slj.zhou', exact: true }).waitFor();
    assert.ok(await page.getByRole('cell', { name: '水利局 周工' }).isVisible());
    await shot(page, 'console-users');

    await page.getByRole('menuitem', { name: '节假日日历' }).click();
    await choose(page, page.getByTestId('calendar-year'), '2026', { exact: true });
    await page.getByRole('cell', { name: '2026-02-14' }).waitFor();
    const row = page.getByRole('row', { name: /2026-02-14/ });
    assert.match((await row.textContent()) ?? '', /调休上班/);
    await shot(page, 'console-calendar');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Departments' }).waitFor();
    await page.getByRole('menuitem', { name: 'Departments' }).click();
    await page.getByText('Emergency Management Bureau').waitFor();
    await shot(page, 'console-english');
    await page.close();
  });

  it('shows a department user only the menus their role allows', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'cgw.staff', DEMO_PASSWORD);
    await page.getByTestId('current-user').waitFor();
    assert.equal(await page.getByRole('menuitem', { name: '审计日志' }).count(), 0);
    assert.equal(await page.getByRole('menuitem', { name: '用户' }).count(), 0);
    assert.equal(await page.getByRole('menuitem', { name: '部门' }).count(), 1);
    await page.close();
  });

  it('shares the login with the operations centre and the citizen app', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/brain`);
    await loginThroughForm(page, 'duty', DEMO_PASSWORD);
    await page.getByTestId('brain-districts').getByText('丹江口市').waitFor();
    assert.equal(await page.getByTestId('brain-districts').locator('li').count(), 8);
    await shot(page, 'brain');
    // Same origin, same session: the console opens without a second login.
    await page.goto(`${app.url}/console`);
    await page.getByTestId('current-user').waitFor();
    assert.match((await page.getByTestId('current-user').textContent()) ?? '', /王敏/);
    await ctx.close();

    const mobile = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const m = await mobile.newPage();
    await m.goto(`${app.url}/app`);
    // The super app's own sign-in (ID number, phone or username, and password).
    await m.getByTestId('signin-account').locator('input').fill('citizen');
    await m.getByTestId('signin-password').locator('input').fill(DEMO_PASSWORD);
    await m.getByTestId('signin-submit').click();
    await m.getByTestId('citizen-hello').waitFor();
    assert.match((await m.getByTestId('citizen-hello').textContent()) ?? '', /赵晓/);
    await shot(m, 'app-mobile');
    await mobile.close();
  });
});
