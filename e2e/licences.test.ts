/**
 * The licence demo, in Chromium: 市市场监管局's staff issue a business licence to a synthetic
 * enterprise from the console and save its QR code; the verifier page in the app (no login) reads
 * the image and says valid; after the issuer revokes it, revoked; a copy with one changed byte,
 * forged; an image without a code, a clear message.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { makeCreditCode } from '../platform/identifiers/index.js';
import { type ServedApp, choose, launch, loginThroughForm, serve, shot } from './browser.js';
import { auditPage } from './ui-audit.js';

const ORG = makeCreditCode('9', '1', '420303', 'MA49E2E01');
const PASSWORD = 'Market&Licence-77';

describe('electronic licences in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  before(async () => {
    app = await serve();
    browser = await launch();
    const admin = await app.login('admin');
    const u = await app.call('POST', '/api/users', admin, {
      username: 'scj.staff',
      displayName: '市场监管局 周科员',
      password: 'Scj-Staff-2026!',
      roles: ['dept_staff'],
      department: 'SCJGJ',
      districts: ['*'],
    });
    assert.equal(u.status, 201);
    const first = await app.login('scj.staff', 'Scj-Staff-2026!');
    assert.equal((await app.call('POST', '/api/auth/password', first, { currentPassword: 'Scj-Staff-2026!', newPassword: PASSWORD })).status, 204);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const verifyImage = async (page: Page, file: string, verdict: string) => {
    await page.getByTestId('verify-image').setInputFiles(file);
    await page.locator(`[data-testid=verify-result][data-verdict=${verdict}]`).waitFor();
  };

  it('issued from the console, verified from its QR image: valid, then revoked; a changed copy is forged', async () => {
    const console = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await console.goto(`${app.url}/console`);
    await loginThroughForm(console, 'scj.staff', PASSWORD);
    await console.getByRole('menuitem', { name: '电子证照' }).click();
    await choose(console, console.getByTestId('lic-type'), '营业执照');
    await console.getByTestId('lic-holder-id').fill(ORG);
    await console.getByTestId('lic-holder-name').fill('十堰示例商贸有限公司（合成数据）');
    await console.getByTestId('lic-field-entityType').fill('有限责任公司');
    await console.getByTestId('lic-field-legalRepresentative').fill('张三');
    const founded = console.getByLabel('成立日期');
    await founded.click();
    await founded.fill('2020-05-01');
    await founded.press('Enter');
    await console.getByTestId('lic-field-address').fill('湖北省十堰市张湾区花果街道人民北路1号');
    await console.getByTestId('lic-field-businessScope').fill('日用百货销售');
    await console.getByTestId('lic-submit').click();
    await console.getByTestId('licence-qr').waitFor();
    await console.getByTestId('lic-status').getByText('有效').waitFor();
    assert.deepEqual(await auditPage(console, 'zh'), []);
    await shot(console, 'console-licence-issued');
    // The QR code as the holder would save or print it.
    const png = await console.getByTestId('licence-qr').evaluate((c) => (c as HTMLCanvasElement).toDataURL('image/png'));
    const qrFile = join(tmpdir(), `wd-licence-${process.pid}.png`);
    writeFileSync(qrFile, Buffer.from(png.split(',')[1]!, 'base64'));

    const verifier = await browser.newPage({ viewport: { width: 414, height: 900 } });
    await verifier.goto(`${app.url}/app/verify`);
    await verifyImage(verifier, qrFile, 'valid');
    await verifier.getByTestId('verify-result').getByText('十堰示例商贸有限公司（合成数据）').waitFor();
    assert.deepEqual(await auditPage(verifier, 'zh'), []);
    await shot(verifier, 'app-verify-valid');

    // The issuer revokes it; the same image now says revoked.
    await console.getByTestId('lic-revoke').click();
    await console.getByTestId('lic-reason').fill('以欺骗手段取得登记，依法撤销');
    await console.getByTestId('lic-confirm').click();
    await console.getByTestId('lic-status').getByText('已注销').waitFor();
    await verifier.reload();
    await verifyImage(verifier, qrFile, 'revoked');
    await shot(verifier, 'app-verify-revoked');

    // A copy with one byte of its content changed, put in a QR code of its own: forged.
    const number = (await console.getByTestId('lic-facts').locator('td').first().textContent())!.trim();
    const found = await app.call('GET', `/api/licences/${encodeURIComponent(number)}`, await app.login('scj.staff', PASSWORD));
    const [head, payload, sig] = (found.body.document as string).split('.');
    const json = Buffer.from(payload!, 'base64url').toString('utf8').replace('日用百货销售', '日用百货批发');
    const forged = `${head}.${Buffer.from(json, 'utf8').toString('base64url')}.${sig}`;
    const forgedFile = join(tmpdir(), `wd-licence-forged-${process.pid}.png`);
    await QRCode.toFile(forgedFile, forged, { errorCorrectionLevel: 'M', margin: 2, width: 480 });
    await verifier.reload();
    await verifyImage(verifier, forgedFile, 'forged');
    await verifier.getByText('伪造或被篡改').waitFor();
    // What a forged copy claims is not shown as if it were true.
    assert.equal(await verifier.getByTestId('verify-result').getByText('日用百货批发').count(), 0);
    await shot(verifier, 'app-verify-forged');

    // An image with no code in it: a message, not a crash.
    await verifier
      .getByTestId('verify-image')
      .setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: await console.screenshot({ clip: { x: 0, y: 0, width: 200, height: 80 } }) });
    await verifier.getByRole('alert').waitFor();
    await console.close();
    await verifier.close();
  });

  it('the verifier page reads in English too, and the pasted text of a licence checks the same way', async () => {
    const page = await browser.newPage({ viewport: { width: 414, height: 900 } });
    await page.goto(`${app.url}/app/verify`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('verify-text').fill('not a licence');
    await page.getByTestId('verify-submit').click();
    await page.locator('[data-testid=verify-result][data-verdict=malformed]').waitFor();
    await page.getByText('Not a licence of the city').waitFor();
    assert.deepEqual(await auditPage(page, 'en'), []);
    await page.close();
  });
});
