/**
 * The urban-management demo in Chromium: an inspector on a phone-size screen reports exposed
 * garbage with a photo and the phone's position; the command centre files it and dispatches it to
 * 茅箭区城市管理执法局 from the console; the bureau's staff report back with a photo of the result;
 * the inspector verifies it on the phone and it closes; the month's evaluation ranks the bureau.
 * Every page is read in Chinese by the UI audit.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type ServedApp, launch, loginThroughForm, serve, shot } from './browser.js';
import { auditPage } from './ui-audit.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const UNIT_PASSWORD = 'Urban&Unit-2026';
// The phone's GPS (WGS-84) in 茅箭区's unit grids.
const PHONE = { longitude: 110.7745, latitude: 32.6225 };

describe('urban management in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  let phone: BrowserContext;
  const photo = join(tmpdir(), `wd-urban-${process.pid}.png`);
  before(async () => {
    writeFileSync(photo, PNG);
    app = await serve();
    browser = await launch();
    const admin = await app.login('admin');
    const u = await app.call('POST', '/api/users', admin, {
      username: 'mj.cgj',
      displayName: '茅箭区城管局 王科员（合成）',
      password: 'Temp-Passw0rd!',
      roles: ['dept_staff'],
      department: 'CGJ-420302',
      districts: ['420302'],
    });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const first = await app.login('mj.cgj', 'Temp-Passw0rd!');
    assert.equal((await app.call('POST', '/api/auth/password', first, { currentPassword: 'Temp-Passw0rd!', newPassword: UNIT_PASSWORD })).status, 204);
    phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: PHONE,
      permissions: ['geolocation'],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  let caseId: string;
  let inspector: Page;
  it('an inspector reports exposed garbage from a phone with a photo and the phone’s position', async () => {
    inspector = await phone.newPage();
    await inspector.goto(`${app.url}/app/report`);
    await loginThroughForm(inspector, 'grid.maojian', 'Wudang@2026');
    await inspector.getByTestId('report-category').selectOption('E0101');
    await inspector.getByTestId('report-photo').setInputFiles(photo);
    await inspector.locator('.patrol-photos img').waitFor();
    await inspector.getByTestId('report-locate').click();
    await inspector
      .getByTestId('report-place')
      .getByText(/4203004203020/)
      .waitFor();
    await inspector.getByTestId('report-description').fill('人行道旁堆放生活垃圾（合成数据）');
    await inspector.getByTestId('report-submit').click();
    const note = inspector.getByTestId('report-note');
    await note.getByText('已上报').waitFor();
    assert.deepEqual(await auditPage(inspector, 'zh'), []);
    await shot(inspector, 'app-urban-report');
    const centre = await app.login('cgw.staff');
    const listed = await app.call('GET', '/api/urban/cases?state=reported', centre);
    caseId = listed.body.find((c: { description: string }) => c.description.startsWith('人行道旁堆放生活垃圾')).id;
    assert.ok(caseId);
    assert.equal(listed.body.find((c: { id: string }) => c.id === caseId).photos.length, 1);
  });

  it('the centre files it and dispatches it to the district bureau from the console', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'cgw.staff', 'Wudang@2026');
    await page.getByRole('menuitem', { name: '城管案件' }).click();
    await page.getByRole('tab', { name: '待立案' }).click();
    await page.locator('tr', { hasText: caseId.slice(-8) }).click();
    await page.locator('[data-action=file]').click();
    await page.getByTestId('action-submit').click();
    await page.locator('[data-action=dispatch]').waitFor();
    assert.deepEqual(await auditPage(page, 'zh'), []);
    await page.getByTestId('action-submit').click();
    await page.locator('.ant-drawer').getByText('处置中').first().waitFor();
    await page.locator('.ant-drawer').getByText('茅箭区城市管理执法局').first().waitFor();
    await shot(page, 'console-urban-dispatched');
    await page.close();
  });

  it('the bureau reports back with a photo of the result', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'mj.cgj', UNIT_PASSWORD);
    await page.getByRole('menuitem', { name: '城管案件' }).click();
    await page.locator('tr', { hasText: caseId.slice(-8) }).click();
    await page.locator('[data-action=report_back]').click();
    assert.deepEqual(await auditPage(page, 'zh'), []);
    await page.locator('.ant-drawer textarea').fill('已清运并冲洗地面');
    await page.getByTestId('action-photo').setInputFiles(photo);
    await page.locator('[data-testid=action-submit]:not([disabled])').click();
    await page.locator('.ant-drawer').getByText('待核查').first().waitFor();
    await shot(page, 'console-urban-reported-back');
    await page.close();
  });

  it('the inspector verifies it on the phone and it closes; the evaluation ranks the bureau', async () => {
    await inspector.getByTestId('tab-tasks').click();
    const task = inspector.getByTestId('task').filter({ hasText: '人行道旁堆放生活垃圾' });
    await task.locator('img').first().waitFor();
    assert.deepEqual(await auditPage(inspector, 'zh'), []);
    await task.getByTestId('task-close').click();
    await inspector.getByTestId('task-note').getByText('已结案').waitFor();
    const centre = await app.login('cgw.staff');
    assert.equal((await app.call('GET', `/api/urban/cases/${caseId}`, centre)).body.state, 'closed');
    await inspector.getByTestId('tab-grids').click();
    await inspector.getByText('尚未为您分配网格').waitFor();

    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'cgw.staff', 'Wudang@2026');
    await page.getByRole('menuitem', { name: '城管综合评价' }).click();
    await page.locator('.ant-table-row', { hasText: '茅箭区城市管理执法局' }).first().waitFor();
    assert.deepEqual(await auditPage(page, 'zh'), []);
    await shot(page, 'console-urban-evaluation');

    // The centre changes a time limit: a new version of the classification.
    await page.getByRole('menuitem', { name: '城管部件事件分类' }).click();
    await page.getByTestId('edit-E0101').click();
    assert.deepEqual(await auditPage(page, 'zh'), []);
    await page.getByLabel('修改说明').fill('暴露垃圾改为 4 个工作小时内清理（测试）');
    await page.getByTestId('cls-save').click();
    await page.getByText('已保存为新版本').waitFor();
    const cls = await app.call('GET', '/api/urban/classification', await app.login('cgw.staff'));
    assert.equal(cls.body.version, 2);
    await shot(page, 'console-urban-classification');
  });
});
