/**
 * Government services in Chromium: a resident on a phone finds 居住证补领, has her ID card read by
 * OCR and confirms the fields, reuses her household record (免提交, with consent), uploads a photo,
 * signs and submits, and pays the 20-yuan fee through the sandbox provider; the public security
 * bureau, on a PC, asks once for a clearer photo; she sends it; the bureau accepts and approves;
 * the permit arrives in her wallet and she rates the service. She also books a window at 市民之家.
 * An enterprise, on a PC, opens a restaurant through one 一件事 application that reaches the market
 * regulator and the urban-management commission.
 * Every page is read in Chinese by the UI audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_RESIDENT } from '../modules/superapp/index.js';
import { idCardOf } from '../test/ocr-cards.js';
import { type ServedApp, launch, loginThroughForm, serve, shot } from './browser.js';
import { auditPage } from './ui-audit.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe('government services in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  let phone: BrowserContext;
  let resident: Page;
  let applicationId: string;
  const audit = async (page: Page, what: string) => {
    const findings = await auditPage(page, 'zh');
    assert.deepEqual(findings, [], `${what}: ${JSON.stringify(findings)}`);
  };
  const bureau = async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'gaj.staff', 'Wudang@2026');
    await page.getByRole('menuitem', { name: '政务服务办件' }).click();
    return page;
  };

  before(async () => {
    app = await serve();
    browser = await launch();
    phone = await browser.newContext(PHONE);
    resident = await phone.newPage();
    await resident.goto(`${app.url}/app/`);
    await resident.getByTestId('signin-account').locator('input').fill('citizen');
    await resident.getByTestId('signin-password').locator('input').fill('Wudang@2026');
    await resident.getByTestId('signin-submit').click();
    await resident.getByTestId('home').waitFor();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a resident applies with her ID card read by OCR, her household record reused, signs and pays', async () => {
    await resident.goto(`${app.url}/app/services`);
    await resident.getByTestId('gs-search').locator('input').fill('居住证');
    await resident.getByTestId('gs-search').locator('input').press('Enter');
    await resident.getByTestId('item-SY-GAJ-005').click();
    await resident.getByTestId('apply-page').waitFor();
    // The form came filled from her record; clear two fields and let the card fill them.
    await resident.getByTestId('field-name').fill('');
    await resident.getByTestId('field-householdAddress').fill('');
    const card = await idCardOf(browser, { name: DEMO_RESIDENT.name, idNumber: DEMO_RESIDENT.idNumber, address: '湖北省十堰市茅箭区武当路街道人民北路18号' });
    await resident.getByTestId('ocr-photo').setInputFiles({ name: 'card.jpg', mimeType: 'image/jpeg', buffer: card });
    await resident.getByTestId('ocr-read').waitFor({ timeout: 60_000 });
    await resident.getByTestId('ocr-idNumber').getByText(DEMO_RESIDENT.idNumber).waitFor();
    await audit(resident, 'OCR confirmation');
    await resident.getByTestId('ocr-confirm').click();
    assert.equal(await resident.getByTestId('field-name').inputValue(), '赵晓');
    assert.match(await resident.getByTestId('field-householdAddress').inputValue(), /人民北路18号/);
    await resident.getByTestId('field-reason').getByText('遗失').click();
    await resident.getByTestId('upload-photo').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await resident.getByTestId('material-photo').getByText('photo.png').waitFor();
    // Without consent the reuse is refused, in words.
    await resident.getByTestId('apply-submit').click();
    await resident.getByTestId('apply-note').waitFor();
    await resident.getByTestId('consent').click();
    await audit(resident, 'apply');
    await shot(resident, 'app-services-apply');
    await resident.getByTestId('apply-submit').click();
    await resident.getByTestId('application-page').waitFor();
    await resident.getByTestId('gs-state').getByText('待受理').waitFor();
    applicationId = resident.url().split('/').pop()!;
    await resident.getByTestId('gs-pay').click();
    await resident.getByTestId('gs-paid').waitFor();
    await audit(resident, 'application');
    await shot(resident, 'app-services-paid');
  });

  it('the bureau asks once for a clearer photo; she sends it; accepted and approved; the permit is in her wallet; she rates it', async () => {
    let page = await bureau();
    await page
      .getByTestId('gs-inbox')
      .locator('tr', { hasText: applicationId.slice(-8) })
      .click();
    const drawer = page.getByTestId('gs-drawer');
    await drawer.getByText('签名有效').waitFor();
    await audit(page, 'inbox drawer');
    await drawer.getByTestId('gs-comment').fill('照片模糊，请上传近期清晰免冠照片');
    await drawer.getByTestId('gs-missing').getByText('近期免冠彩色照片').click();
    await drawer.getByTestId('gs-ask').click();
    await drawer.getByTestId('gs-c-state').getByText('待补正').waitFor();
    await shot(page, 'console-services-supplement');
    await page.close();

    await resident.reload();
    await resident.getByTestId('gs-supplement').waitFor();
    await resident.getByTestId('supplement-upload').setInputFiles({ name: 'photo-clear.png', mimeType: 'image/png', buffer: PNG });
    await resident.getByTestId('supplement-submit').click();
    await resident.getByTestId('gs-state').getByText('待受理').waitFor();

    page = await bureau();
    await page
      .getByTestId('gs-inbox')
      .locator('tr', { hasText: applicationId.slice(-8) })
      .click();
    await page.getByTestId('gs-drawer').getByTestId('gs-accept').click();
    await page.getByTestId('gs-drawer').getByTestId('gs-c-state').getByText('办理中').waitFor();
    await page.getByTestId('gs-drawer').getByTestId('gs-approve').click();
    await page.getByTestId('gs-drawer').getByTestId('gs-c-state').getByText('已办结').waitFor();
    await page.close();

    await resident.reload();
    await resident.getByTestId('gs-result').waitFor();
    await resident.getByTestId('gs-rate').getByText('非常满意').click();
    await resident.getByTestId('gs-rate').getByText('一次办好').click();
    await resident.getByTestId('gs-rate-submit').click();
    await resident.getByTestId('gs-rated').getByText('非常满意').waitFor();
    await audit(resident, 'rated');
    const wallet = await app.call('GET', '/api/people/wallet', await app.login('citizen'));
    assert.equal(wallet.body.licences.filter((l: { type: string }) => l.type === 'JZZ').length, 2, 'the new permit beside the old one');
  });

  it('she books a window at 市民之家 and sees it among her appointments', async () => {
    await resident.goto(`${app.url}/app/services/book`);
    await resident.getByTestId('book-hall').getByText('十堰市民之家').click();
    await resident.getByTestId('book-window').getByText('公安').click();
    // The first day from tomorrow on with a slot still open (weekends and holidays are closed).
    let booked = false;
    for (let i = 1; i < 7 && !booked; i++) {
      await resident.getByTestId('book-day').locator('.adm-selector-item').nth(i).click();
      const slot = resident.locator('[data-testid^="book-slot-"]').filter({ hasNotText: '已结束' }).first();
      await slot.or(resident.getByTestId('book-closed')).first().waitFor();
      if (await resident.getByTestId('book-closed').isVisible()) continue;
      await slot.click();
      booked = true;
    }
    assert.ok(booked, 'a slot was open within the week');
    await resident.getByTestId('my-appointment').first().waitFor();
    await audit(resident, 'appointments');
    await shot(resident, 'app-services-booked');
  });

  it('an enterprise files 我要开餐馆 once, on a PC; it reaches market regulation and urban management', async () => {
    const pc = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await pc.newPage();
    await page.goto(`${app.url}/app/`);
    await page.getByTestId('signin-account').locator('input').fill('enterprise');
    await page.getByTestId('signin-password').locator('input').fill('Wudang@2026');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('home').waitFor();
    await page.goto(`${app.url}/app/services`);
    await page.getByTestId('event-EV-RESTAURANT').click();
    await page.getByTestId('bundle-page').waitFor();
    await page.getByTestId('field-premises').fill('湖北省十堰市茅箭区北京北路66号（合成数据）');
    await page.getByTestId('field-mainBusiness').getByText('餐饮服务经营者').click();
    await page.getByTestId('field-items').fill('热食类食品制售');
    await page.getByTestId('field-location').fill('北京北路66号临街一层');
    await page.getByTestId('field-size').fill('6');
    for (const [key, name, mime, data] of [
      ['layout', 'layout.png', 'image/png', PNG],
      ['rules', 'rules.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n')],
      ['design', 'sign.png', 'image/png', PNG],
    ] as const) {
      await page.getByTestId(`upload-${key}`).setInputFiles({ name, mimeType: mime, buffer: data });
      await page.getByTestId(`material-${key}`).getByText(name).waitFor();
    }
    await page.getByTestId('consent').click();
    await audit(page, 'bundle');
    await page.getByTestId('bundle-submit').click();
    const done = page.getByTestId('bundle-done');
    await done.getByText('市市场监督管理局').waitFor();
    await done.getByText('市城市管理执法委员会').waitFor();
    await audit(page, 'bundle sent');
    await shot(page, 'app-services-bundle');
    const cgw = await app.login('cgw.staff');
    assert.ok((await app.call('GET', '/api/services/inbox', cgw)).body.some((a: { item: { code: string } }) => a.item.code === 'SY-CGW-001'));
    await pc.close();
  });

  it('政数局 keeps the item catalogue: a bad change is refused field by field, a good one is a new version', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'zsj.staff', 'Wudang@2026');
    await page.getByRole('menuitem', { name: '政务服务办件' }).click();
    await page.getByRole('tab', { name: '事项清单' }).click();
    await page.getByTestId('gs-items').locator('tr', { hasText: 'SY-GJJ-001' }).click();
    const editor = page.getByTestId('gs-item-editor');
    await editor.getByTestId('gs-promised').fill('9');
    await editor.getByTestId('gs-item-save').click();
    await editor.getByTestId('gs-item-error').getByText('/promisedDays').waitFor();
    await audit(page, 'item editor');
    await editor.getByTestId('gs-promised').fill('2');
    await editor.getByTestId('gs-note-input').fill('压缩承诺时限');
    await editor.getByTestId('gs-item-save').click();
    await editor.getByText('压缩承诺时限').waitFor();
    await shot(page, 'console-services-item-editor');
    assert.equal((await app.call('GET', '/api/services/items/SY-GJJ-001')).body.promisedDays, 2);
    await page.close();
  });
});
