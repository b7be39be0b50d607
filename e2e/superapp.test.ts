/**
 * The super app in Chromium, at a phone's, a PC's and a kiosk's size: a resident registers and is
 * verified against the population database; shows a city code that a counter's scanner verifies
 * (and the same code shown again, a screenshot, fails; offline, the scanner checks on the device
 * and sends the scan when back online); shares a licence from the wallet with consent and the
 * receiver opens the link; reserves a scenic-area slot; sees who used their data; reports a city
 * problem (随手拍) and follows it to closure, sees the result photo and rates it; complains about a
 * scenic area and the complaint reaches the tourism bureau; an enterprise's
 * legal representative authorises an agent; elder mode enlarges text and targets; the kiosk signs
 * in by ID number and wipes itself when left idle. Every page is read in Chinese by the UI audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_RESIDENT, DEMO_UNREGISTERED } from '../modules/superapp/index.js';
import { type ServedApp, launch, serve, shot } from './browser.js';
import { auditPage } from './ui-audit.js';

const PASSWORD = 'Mountain&River-2026';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe('the super app in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  let admin: string;
  let phone: BrowserContext;
  let point: string;

  /** The code the development SMS gateway last sent to a number. */
  const lastCode = async (to: string): Promise<string> => {
    const out = await app.call('GET', '/api/dev/outbox?limit=50', admin);
    const msg = (out.body as { address: string; body: string }[]).find((m) => m.address === to);
    assert.ok(msg, `an SMS went to ${to}`);
    return /(\d{6})/.exec(msg.body)![1]!;
  };
  const audit = async (page: Page, what: string) => {
    const findings = await auditPage(page, 'zh');
    assert.deepEqual(findings, [], `${what}: ${JSON.stringify(findings)}`);
  };
  const signIn = async (page: Page, account: string, password: string) => {
    // Each test signs in afresh: the context keeps the last one's session.
    await page.goto(`${app.url}/app/verify`);
    await page.evaluate(() => localStorage.removeItem('wudang.session'));
    await page.goto(`${app.url}/app/`);
    await page.getByTestId('signin-account').locator('input').fill(account);
    await page.getByTestId('signin-password').locator('input').fill(password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('home').waitFor();
  };

  before(async () => {
    app = await serve();
    browser = await launch();
    admin = await app.login('admin');
    const gaj = await app.login('gaj.staff');
    const p = await app.call('POST', '/api/citycode/points', gaj, {
      name: { zh: '市民之家公安窗口', en: 'Police counter' },
      kind: 'counter',
      reveals: 'identity',
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    point = p.body.id;
    phone = await browser.newContext(PHONE);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a resident registers on a phone and is verified against the population database', async () => {
    const page = await phone.newPage();
    await page.goto(`${app.url}/app/`);
    await audit(page, 'sign-in');
    await page.getByTestId('go-register').click();
    await page.getByTestId('register-id').locator('input').fill(DEMO_UNREGISTERED.idNumber);
    await page.getByTestId('register-name').locator('input').fill('钱民'); // a wrong name first
    await page.getByTestId('register-phone').locator('input').fill(DEMO_UNREGISTERED.phone);
    await page.getByTestId('register-send').click();
    await page.getByText('验证码已发送').waitFor();
    await page
      .getByTestId('register-code')
      .locator('input')
      .fill(await lastCode(DEMO_UNREGISTERED.phone));
    await page.getByTestId('register-password').locator('input').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await page.getByTestId('register-error').getByText('身份信息核验未通过').waitFor();
    await shot(page, 'app-register-refused');
    // With the right name and a new code (the refused try took the last one; the button waits a
    // minute before it sends again, so the code is asked for a minute on, as the phone would).
    await page.getByTestId('register-name').locator('input').fill(DEMO_UNREGISTERED.name);
    app.platform.now = () => Date.now() + 61_000;
    try {
      assert.equal((await app.call('POST', '/api/people/codes', undefined, { phone: DEMO_UNREGISTERED.phone, purpose: 'register' })).status, 202);
    } finally {
      app.platform.now = Date.now;
    }
    await page
      .getByTestId('register-code')
      .locator('input')
      .fill(await lastCode(DEMO_UNREGISTERED.phone));
    await page.getByTestId('register-submit').click();
    await page.getByTestId('citizen-hello').getByText(DEMO_UNREGISTERED.name).waitFor();
    await shot(page, 'app-home-phone');
    await audit(page, 'home');
    await page.close();
  });

  it('a city code verifies at a counter; the same code shown again fails; offline the scanner checks on the device and sends later', async () => {
    const page = await phone.newPage();
    await signIn(page, DEMO_RESIDENT.idNumber, 'Wudang@2026'); // the demo resident by ID number
    await page.getByTestId('open-code').click();
    const box = page.getByTestId('citycode');
    await box.waitFor();
    const code = (await box.getAttribute('data-code'))!;
    assert.match(code, /^WD1\./);
    await page.getByTestId('code-left').getByText('截图无效').waitFor();
    await shot(page, 'app-citycode');
    await audit(page, 'city code');

    const counter = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const scan = await counter.newPage();
    await scan.goto(`${app.url}/app/scan`);
    await scan.locator('input[name="username"]').fill('gaj.staff');
    await scan.locator('input[name="password"]').fill('Wudang@2026');
    await scan.locator('button[type="submit"]').click();
    await scan.getByTestId('scan-point').waitFor();
    await scan.waitForFunction(() => (JSON.parse(localStorage.getItem('wudang.citycode.keys') ?? '{"keys":[]}') as { keys: unknown[] }).keys.length > 0);
    assert.equal(await scan.getByTestId('scan-point').inputValue(), point);
    await scan.getByTestId('qr-text').fill(code);
    await scan.getByTestId('qr-submit').click();
    await scan.locator('[data-testid="scan-answer"][data-verdict="valid"]').waitFor();
    assert.equal(await scan.getByTestId('scan-local').getAttribute('data-verdict'), 'valid');
    await scan.getByTestId('scan-answer').getByText(DEMO_RESIDENT.name).waitFor();
    await shot(scan, 'app-scanner-valid');
    await audit(scan, 'scanner');
    // The same code again (a screenshot shown twice): the signature still holds here, the server refuses it.
    await scan.getByTestId('qr-text').fill(code);
    await scan.getByTestId('qr-submit').click();
    await scan.locator('[data-testid="scan-answer"][data-verdict="replayed"]').waitFor();
    await shot(scan, 'app-scanner-replayed');

    // Offline: a fresh code checked with the kept keys; the scan waits and goes when the network is back.
    const fresh = (await app.call('GET', '/api/people/citycode', await app.login('citizen'))).body.code as string;
    await counter.setOffline(true);
    await scan.getByTestId('qr-text').fill(fresh);
    await scan.getByTestId('qr-submit').click();
    await scan.locator('[data-testid="scan-local"][data-verdict="valid"]').waitFor();
    await scan.getByText('待上传 1').waitFor();
    await counter.setOffline(false);
    await scan.getByText('待上传 0').waitFor();
    const scans = await app.call('GET', '/api/people/scans', await app.login('citizen'));
    assert.deepEqual(
      scans.body.slice(0, 3).map((s: { verdict: string; offline: boolean }) => [s.verdict, s.offline]),
      [
        ['valid', true],
        ['replayed', false],
        ['valid', false],
      ],
    );
    await counter.close();
    await page.close();
  });

  it('a licence shared from the wallet with consent opens by its link; the holder sees the view', async () => {
    const page = await phone.newPage();
    await signIn(page, 'citizen', 'Wudang@2026');
    await page.goto(`${app.url}/app/wallet`);
    await page.getByTestId('licence-JZZ').click();
    await page.getByTestId('licence-detail').getByText('居住证').first().waitFor();
    await page.getByTestId('share-open').click();
    await page.getByText('企业或个人').click();
    await page.getByTestId('share-business').locator('input').fill('示例房屋中介（合成）');
    await page.getByTestId('share-purpose').locator('input').fill('办理租房登记');
    await page.getByTestId('share-submit').click();
    const link = await page.getByTestId('share-link').locator('input').inputValue();
    assert.match(link, /\/app\/shared#wds_/);
    await shot(page, 'app-wallet-shared');
    await audit(page, 'wallet');

    const receiver = await browser.newPage();
    await receiver.goto(link);
    await receiver.getByTestId('shared-licence').getByText('居住证 · 有效').waitFor();
    await shot(receiver, 'app-shared-licence');
    await audit(receiver, 'shared licence');
    await receiver.close();
    await page.goto(`${app.url}/app/wallet`);
    await page.getByTestId('share-row').getByText('查看次数 1').waitFor();
    await page.close();
  });

  it('a scenic-area slot is reserved, and the data-use record shows who read the resident’s data', async () => {
    const page = await phone.newPage();
    await signIn(page, 'citizen', 'Wudang@2026');
    await page.goto(`${app.url}/app/travel`);
    await page.getByTestId('area-SWD').click();
    await page.getByTestId('area-detail').waitFor();
    const open = page.locator('[data-testid^="slot-"]').filter({ hasNotText: '已结束' }).first();
    if ((await open.count()) === 0) {
      // Late in the day every slot of today is over: tomorrow's.
      await page.getByTestId('area-detail').locator('.adm-selector-item').nth(1).click();
    }
    await page.locator('[data-testid^="slot-"]').filter({ hasNotText: '已结束' }).first().click();
    await page.getByTestId('reserve').click();
    await page.getByTestId('reserve-note').getByText('预约成功').waitFor();
    await page.getByTestId('booking-row').first().getByText('赛武当').waitFor();
    await shot(page, 'app-travel');
    await audit(page, 'travel');

    // 卫健委's system reads the resident's record through the exchange, under an approved request.
    const [wjw, zsj, gaj] = await Promise.all(['wjw.staff', 'zsj.staff', 'gaj.staff'].map((u) => app.login(u)));
    const req = await app.call('POST', '/api/sharing/requests', wjw, {
      resource: '101001/000001',
      items: ['idNumber', 'name'],
      purpose: '家庭医生签约服务核验居民身份',
      legalBasis: '《基本医疗卫生与健康促进法》第三十一条',
      useScope: '市卫生健康委家庭医生签约系统',
      periodFrom: '2026-01-01',
      periodTo: '2027-12-31',
    });
    await app.call('POST', `/api/sharing/requests/${req.body.id}/actions`, zsj, { action: 'pass_compliance' });
    await app.call('POST', `/api/sharing/requests/${req.body.id}/actions`, gaj, { action: 'approve' });
    const client = await app.call('POST', '/api/sharing/clients', wjw, { name: '家庭医生签约系统' });
    const read = await app.inject({
      method: 'POST',
      url: '/api/sharing/gateway/population/lookup',
      headers: { 'x-api-key': client.body.secret, 'content-type': 'application/json', 'x-purpose': encodeURIComponent('签约核验') },
      payload: JSON.stringify({ keys: [DEMO_RESIDENT.idNumber] }),
    });
    assert.equal(read.statusCode, 200, read.body);
    await page.goto(`${app.url}/app/city?tab=data`);
    await page.getByTestId('data-use').getByText('市卫生健康委员会').waitFor();
    await shot(page, 'app-data-use');
    await audit(page, 'my city');
    await page.close();
  });

  it('a resident’s 随手拍 report is followed to closure, with the result photo, and rated; a scenic-area complaint reaches the tourism bureau', async () => {
    const ctx = await browser.newContext({ ...PHONE, geolocation: { longitude: 110.7745, latitude: 32.6225 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signIn(page, 'citizen', 'Wudang@2026');
    await page.goto(`${app.url}/app/report`);
    await page.getByTestId('report-category').selectOption('E0101');
    await page.getByTestId('report-photo').setInputFiles({ name: 'garbage.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.patrol-photos img').waitFor();
    await page.getByTestId('report-locate').click();
    await page
      .getByTestId('report-place')
      .getByText(/4203004203020/)
      .waitFor();
    await page.getByTestId('report-description').fill('小区门口垃圾满溢（合成数据）');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-note').getByText('已上报').waitFor();
    await audit(page, 'snap report');

    // The loop runs: the centre files and dispatches, the district bureau reports back with a
    // photo of the result, an inspector of the district verifies on site.
    const centre = await app.login('cgw.staff');
    const reported = await app.call('GET', '/api/urban/cases?state=reported', centre);
    const id = reported.body.find((c: { description: string }) => c.description === '小区门口垃圾满溢（合成数据）').id as string;
    assert.equal((await app.call('POST', `/api/urban/cases/${id}/file`, centre, {})).status, 200);
    assert.equal((await app.call('POST', `/api/urban/cases/${id}/dispatch`, centre, {})).body.unit, 'CGJ-420302');
    const u = await app.call('POST', '/api/users', admin, {
      username: 'mj.cgj.app',
      displayName: '茅箭区城管局 李科员（合成）',
      password: 'Temp-Passw0rd!',
      roles: ['dept_staff'],
      department: 'CGJ-420302',
      districts: ['420302'],
    });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const first = await app.login('mj.cgj.app', 'Temp-Passw0rd!');
    assert.equal((await app.call('POST', '/api/auth/password', first, { currentPassword: 'Temp-Passw0rd!', newPassword: 'Urban&Unit-2026' })).status, 204);
    const unit = await app.login('mj.cgj.app', 'Urban&Unit-2026');
    const result = await app.call('POST', '/api/files', unit, { name: 'result.png', contentType: 'image/png', data: PNG.toString('base64') });
    assert.equal(result.status, 201, JSON.stringify(result.body));
    const back = await app.call('POST', `/api/urban/cases/${id}/report-back`, unit, { comment: '已清运', photos: [result.body.id] });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    const closed = await app.call('POST', `/api/urban/cases/${id}/verify`, await app.login('grid.maojian'), { ok: true });
    assert.equal(closed.body.state, 'closed', JSON.stringify(closed.body));

    // The resident follows it: closed, with the result photo, and rates it once.
    await page.goto(`${app.url}/app/report?tab=mine`);
    const card = page.getByTestId('my-report').filter({ hasText: id.slice(-8) });
    await card.getByTestId('case-state').getByText('已结案').waitFor();
    await card.getByText('处置后照片').waitFor();
    await card.locator('.patrol-photos img').first().waitFor();
    await audit(page, 'my reports');
    await card.getByTestId('star-4').click();
    await card.getByTestId('rate-submit').click();
    await card.getByTestId('rated').getByText('★★★★☆').waitFor();
    await shot(page, 'app-report-rated');
    assert.equal((await app.call('GET', `/api/urban/cases/${id}`, centre)).body.rating, 4);

    // A complaint from the scenic-area page becomes a case for the tourism bureau.
    await page.goto(`${app.url}/app/travel`);
    await page.getByTestId('area-WDS-JD').click();
    const form = page.getByTestId('complaint');
    await form.getByText('价格收费').click();
    await form.getByTestId('complaint-text').locator('textarea').fill('索道排队处无人疏导，插队严重（合成数据）');
    await form.getByTestId('complaint-submit').click();
    await form.getByTestId('complaint-note').getByText('投诉已受理').waitFor();
    await audit(page, 'scenic complaint');
    await shot(page, 'app-scenic-complaint');
    const complaint = (await app.call('GET', '/api/urban/cases?state=reported', centre)).body.find(
      (c: { description: string }) => c.description === '【价格收费】索道排队处无人疏导，插队严重（合成数据）',
    );
    assert.ok(complaint, 'the centre has the complaint');
    assert.deepEqual([complaint.subcategory, complaint.district, complaint.address], ['E0605', '420381', '武当山金顶']);
    await form.getByRole('link', { name: '跟踪处理进度' }).click();
    await page
      .getByTestId('my-report')
      .filter({ hasText: complaint.id.slice(-8) })
      .waitFor();
    await ctx.close();
  });

  it('an enterprise’s legal representative authorises an agent, on a PC', async () => {
    const pc = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await pc.newPage();
    await signIn(page, 'enterprise', 'Wudang@2026');
    assert.ok(await page.locator('.sa-side').isVisible(), 'a side menu on a PC');
    assert.ok(!(await page.locator('.sa-tabbar').isVisible()), 'no tab bar on a PC');
    await page.goto(`${app.url}/app/me`);
    await page.getByTestId('agent-id').locator('input').fill(DEMO_UNREGISTERED.idNumber);
    await page.getByTestId('agent-name').locator('input').fill(DEMO_UNREGISTERED.name);
    await page.getByTestId('agent-submit').click();
    await page.getByTestId('agents').getByText(DEMO_UNREGISTERED.name).waitFor();
    await shot(page, 'app-agents-pc');
    await audit(page, 'me (enterprise)');
    // The agent now acts for the enterprise.
    const agent = await app.call('POST', '/api/people/login', undefined, { account: DEMO_UNREGISTERED.idNumber, password: PASSWORD });
    const me = await app.call('GET', '/api/people/me', agent.body.token);
    assert.equal(me.body.actsFor[0].name, '十堰示例科技有限公司');
    await pc.close();
  });

  it('elder mode enlarges text and touch targets (18 px text, 60 px targets)', async () => {
    const page = await phone.newPage();
    await signIn(page, 'citizen', 'Wudang@2026');
    await page.getByTestId('elder-home').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('elder'));
    const sizes = await page
      .locator('.sa-svc')
      .evaluateAll((els) =>
        els.map((e) => ({ font: Number.parseFloat(getComputedStyle(e).fontSize), h: e.getBoundingClientRect().height, w: e.getBoundingClientRect().width })),
      );
    assert.ok(sizes.length > 0);
    for (const s of sizes) assert.ok(s.font >= 18 && s.h >= 60 && s.w >= 60, JSON.stringify(s));
    await shot(page, 'app-elder');
    await audit(page, 'elder home');
    await page.getByTestId('elder-home').click();
    await page.waitForFunction(() => !document.documentElement.classList.contains('elder'));
    await page.close();
  });

  it('installs as an app: a manifest with icons, and a service worker that opens the shell offline', async () => {
    const manifest = await (await fetch(`${app.url}/app/manifest.webmanifest`)).json();
    assert.equal(manifest.start_url, '/app/');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons as { src: string; sizes: string }[]) {
      const r = await fetch(`${app.url}${icon.src}`);
      assert.equal(r.headers.get('content-type'), 'image/png');
      const png = Buffer.from(await r.arrayBuffer());
      assert.equal(png.readUInt32BE(16), Number(icon.sizes.split('x')[0]), 'the PNG is the size it says');
    }
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await page.goto(`${app.url}/app/`);
    await page.getByTestId('signin-submit').waitFor();
    const sw = await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker.ready.then((r) => r.active?.scriptURL),
        new Promise<string>((resolve) => setTimeout(() => resolve('not ready after 30 s'), 30_000)),
      ]),
    );
    assert.equal(sw, `${app.url}/app/sw.js`);
    // Once the worker controls the page, the shell and its assets are kept: offline, it still opens.
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByTestId('signin-submit').waitFor();
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId('signin-submit').waitFor();
    await ctx.setOffline(false);
    await ctx.close();
  });

  it('the kiosk signs in by ID number and wipes the session and the screen when left idle', async () => {
    const kiosk = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
    const page = await kiosk.newPage();
    await page.goto(`${app.url}/app/kiosk?idle=5`);
    await audit(page, 'kiosk');
    await page.getByTestId('kiosk-by-id').click();
    await page.getByTestId('kiosk-id').locator('input').fill(DEMO_RESIDENT.idNumber);
    await page.getByTestId('kiosk-send').click();
    await page.getByText('验证码已发送到登记的手机').waitFor();
    await page
      .getByTestId('kiosk-code')
      .locator('input')
      .fill(await lastCode(DEMO_RESIDENT.phone));
    await page.getByTestId('kiosk-login').click();
    await page.getByTestId('kiosk-home').getByText(DEMO_RESIDENT.name).waitFor();
    await page.getByTestId('kiosk-wallet').click();
    await page.getByTestId('wallet-page').getByText('居住证').waitFor();
    await shot(page, 'app-kiosk-wallet');
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('wudang.session') ?? 'null')?.token as string);
    assert.ok(token);
    // Left alone: the warning, then the wipe.
    await page.getByTestId('kiosk-idle').waitFor({ timeout: 30_000 });
    await page.getByTestId('kiosk-by-code').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => localStorage.getItem('wudang.session')), null);
    assert.equal(await page.getByText(DEMO_RESIDENT.name).count(), 0, 'nothing of the last person on the screen');
    assert.equal((await app.call('GET', '/api/people/me', token)).status, 401, 'the session ended on the server');
    await kiosk.close();
  });
});
