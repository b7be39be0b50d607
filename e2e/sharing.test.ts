/**
 * The data catalogue in the console: a staff member finds the population database by a Chinese
 * word, opens its items (the ID number marked as sensitive, masked when not approved) and its
 * history; a provider loads a catalogue file, checks it first, and sees the entry it registered.
 * A sharing request from application to approval: 市卫生健康委 applies for items of the population
 * database, the data authority passes it, 市公安局 approves some of them; 卫健委 registers its
 * system, which reads exactly what was approved; the data authority finds the read in the
 * resident's data-use record.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { makeIdNumber } from '../platform/identifiers/index.js';
import { DEMO_PASSWORD } from '../test/helpers.js';
import { type ServedApp, choose, launch, loginThroughForm, serve, shot } from './browser.js';

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

  it('a sharing request from application to approval, and the system reads what was approved', async () => {
    const gaj = await app.login('gaj.staff');
    const resident = makeIdNumber('420302', '19760412', 515);
    const load = await app.call('POST', '/api/sharing/databases/population/loads', gaj, {
      format: 'csv',
      source: 'e2e.csv',
      content: `idNumber,name,gender,birthDate,phone,residenceAddress,district\n${resident},欧阳明月,1,1976-04-12,13907191234,湖北省十堰市茅箭区武当路街道北京北路9号,420302\n`,
    });
    assert.equal(load.status, 201, JSON.stringify(load.body));
    const open = async (user: string) => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      await page.goto(`${app.url}/console`);
      await loginThroughForm(page, user, DEMO_PASSWORD);
      return page;
    };
    const openRequest = async (page: import('playwright-core').Page) => {
      await page.getByRole('menuitem', { name: '共享申请' }).click();
      await page.getByTestId('requests-table').getByText('人口基本信息').first().click();
      return page.getByTestId('request-drawer');
    };

    // 卫健委 applies.
    const wjw = await open('wjw.staff');
    await wjw.getByRole('menuitem', { name: '共享申请' }).click();
    await wjw.getByTestId('new-request').click();
    await choose(wjw, wjw.getByTestId('request-resource'), '人口基本信息');
    for (const item of ['idNumber', 'name', 'phone']) await wjw.getByTestId(`item-${item}`).click();
    await wjw.getByTestId('request-purpose').fill('家庭医生签约服务核验居民身份');
    await wjw.getByTestId('request-basis').fill('《中华人民共和国基本医疗卫生与健康促进法》第三十一条');
    await wjw.getByTestId('request-scope').fill('市卫生健康委家庭医生签约系统');
    await wjw.getByTestId('request-submit').click();
    await wjw.getByTestId('request-state').getByText('合规审核').waitFor();
    await wjw.getByTestId('request-drawer').getByText('数据主管部门').first().waitFor();
    await shot(wjw, 'console-sharing-request-applied');

    // The data authority finds it on its to-do list, where staff land, and passes the compliance check.
    const zsj = await open('zsj.staff');
    await zsj.getByTestId('todo-requests').getByText('人口基本信息').click();
    let drawer = zsj.getByTestId('request-drawer');
    await drawer.getByTestId('action-pass_compliance').click();
    await zsj.getByTestId('action-confirm').click();
    await drawer.getByTestId('request-state').getByText('提供方答复').waitFor();

    // 公安局 approves the ID number and the name, not the phone number.
    const gajPage = await open('gaj.staff');
    drawer = await openRequest(gajPage);
    await drawer.getByTestId('action-approve').click();
    await gajPage.getByTestId('scope-items').getByText('联系电话').click();
    await gajPage.getByTestId('action-confirm').click();
    await drawer.getByTestId('request-state').getByText('已同意').waitFor();
    const approval = drawer.getByTestId('request-approval');
    await approval.getByText('公民身份号码').waitFor();
    assert.equal(await approval.getByText('联系电话').count(), 0, 'the phone number is not approved');
    await shot(gajPage, 'console-sharing-request-approved');

    // 卫健委 registers its system and reads through the gateway.
    const close = async (page: import('playwright-core').Page) => {
      await page.getByTestId('request-drawer').locator('.ant-drawer-close').click();
      await page.getByTestId('request-drawer').waitFor({ state: 'hidden' });
    };
    await close(wjw);
    await wjw.getByRole('menuitem', { name: '共享交换网关' }).click();
    await wjw.getByTestId('client-name').fill('家庭医生签约系统');
    await wjw.getByTestId('client-create').click();
    const secret = ((await wjw.getByTestId('client-secret').textContent()) ?? '').trim();
    assert.match(secret, /^wdg_/);
    const read = await app.inject({
      method: 'POST',
      url: '/api/sharing/gateway/population/lookup',
      headers: { 'x-api-key': secret, 'content-type': 'application/json' },
      payload: JSON.stringify({ keys: [resident] }),
    });
    assert.equal(read.statusCode, 200, read.body);
    const rec = JSON.parse(read.body).records[0];
    assert.deepEqual([rec.idNumber, rec.name, rec.phone], [resident, '欧阳明月', '139****1234']);
    const outside = await app.inject({
      method: 'POST',
      url: '/api/sharing/gateway/population/lookup',
      headers: { 'x-api-key': secret, 'content-type': 'application/json' },
      payload: JSON.stringify({ keys: [resident], items: ['phone'] }),
    });
    assert.equal(outside.statusCode, 403);

    // The data authority answers the resident: who read their record, and why.
    await close(zsj);
    await zsj.getByRole('menuitem', { name: '共享交换网关' }).click();
    await zsj.getByRole('tab', { name: '数据使用记录' }).click();
    await zsj.getByTestId('data-use-subject').fill(resident);
    await zsj.getByTestId('data-use-search').click();
    await zsj.getByTestId('data-use-table').getByText('家庭医生签约服务核验居民身份').waitFor();
    await zsj.getByTestId('data-use-table').getByText('市卫生健康委员会').waitFor();
    await shot(zsj, 'console-sharing-data-use');
    for (const p of [wjw, zsj, gajPage]) await p.close();
  });
});
