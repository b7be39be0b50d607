/**
 * Every page of the console, the wall, the leaders' view and the app, as each role, in Chinese
 * and in English, read as a person reads it (e2e/ui-audit.ts): in Chinese no identifiers and no
 * English words outside proper names and units; in English no Chinese outside names; no
 * uncaught errors, no failed requests, no form field without a label; the wall fits its screen.
 * Each page's screenshot is written to e2e/output/tour-<lang>-<role>-<page>.png for review.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ZHANGWAN, pondingAlert } from '../test/command-fixtures.js';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../test/helpers.js';
import { post } from '../test/ingest.js';
import { OUTPUT, type ServedApp, launch, serve, shot } from './browser.js';
import { type Finding, auditPage } from './ui-audit.js';

const ROLES = ['admin', 'duty', 'yjj.leader', 'zjj.staff', 'zw.staff', 'grid.maojian', 'citizen', 'enterprise'];

describe('a tour of every page, as every role, in both languages', () => {
  let browser: Browser;
  let app: ServedApp;
  let incidentId: string;
  let openId: string;
  before(async () => {
    app = await serve();
    browser = await launch();
    const admin = await app.login('admin');
    const aq = await app.call('POST', '/api/devices', admin, {
      id: 'aq-zhangwan',
      name: '张湾站',
      type: 'AirQualityObserved',
      department: 'STHJJ',
      location: ZHANGWAN,
    });
    await post(app, 'aq-zhangwan', aq.body.token, { pm25: 60 });
    const alertId = await pondingAlert(app, admin);
    const duty = await app.login('duty');
    const inc = await app.call('POST', '/api/command/incidents', duty, { fromAlert: alertId });
    assert.equal(inc.status, 201, JSON.stringify(inc.body));
    incidentId = inc.body.id;
    const act = await app.call('POST', `/api/command/incidents/${incidentId}/activate`, duty, { planId: 'urban-waterlogging', level: 4 });
    assert.equal(act.status, 200, JSON.stringify(act.body));
    // One incident reported and not yet decided on (the leaders' view counts it as awaiting a decision).
    const open = await app.call('POST', '/api/command/incidents', duty, {
      title: '北京路口积水',
      subkind: 'waterlogging',
      severity: 3,
      source: 'phone',
      location: ZHANGWAN,
    });
    assert.equal(open.status, 201, JSON.stringify(open.body));
    openId = open.body.id;
    await app.brain.indicators.snapshot();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A signed-in browser context for a role, in a language (the session put where the apps keep it). */
  async function as(role: string, lang: 'zh' | 'en', viewport = { width: 1600, height: 1000 }): Promise<BrowserContext> {
    // The tour signs in many times a minute: past the login limiter's window it waits as told (Retry-After).
    let r = await app.call('POST', '/api/auth/login', undefined, { username: role, password: role === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD });
    for (let tries = 0; r.status === 429 && tries < 5; tries++) {
      await new Promise((done) => setTimeout(done, 1000 * Number(r.headers['retry-after'] ?? 1)));
      r = await app.call('POST', '/api/auth/login', undefined, { username: role, password: role === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD });
    }
    assert.equal(r.status, 200, `${role}: ${JSON.stringify(r.body)}`);
    const ctx = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
    await ctx.addInitScript(
      ([session, l]) => {
        localStorage.setItem('wudang.session', session as string);
        localStorage.setItem('wudang.lang', l as string);
      },
      [JSON.stringify({ token: r.body.token, refreshToken: r.body.refreshToken, expiresAt: r.body.expiresAt }), lang],
    );
    return ctx;
  }

  /** What went wrong on a page besides its text: uncaught errors, console errors, failed requests. */
  function watch(page: Page): string[] {
    const out: string[] = [];
    page.on('pageerror', (e) => out.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') out.push(`console: ${m.text().slice(0, 200)}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) out.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('requestfailed', (r) => {
      // A live stream closed, or a request cancelled, by leaving the page is not a failure.
      if (!r.url().includes('/api/live') && r.failure()?.errorText !== 'net::ERR_ABORTED')
        out.push(`failed: ${new URL(r.url()).pathname} ${r.failure()?.errorText ?? ''}`);
    });
    return out;
  }

  /** The page has loaded what it shows: no spinner, no request in flight for a moment. */
  async function settled(page: Page): Promise<void> {
    await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => undefined);
    await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning, .wd-loading'), undefined, { timeout: 20_000 });
  }

  const describeFindings = (where: string, f: Finding[]) => f.map((x) => `${where}: ${x.kind} «${x.text}» at ${x.where}`);

  for (const lang of ['zh', 'en'] as const) {
    it(`the console, as each role, ${lang === 'zh' ? 'in Chinese' : 'in English'}`, async () => {
      const problems: string[] = [];
      for (const role of ROLES) {
        const ctx = await as(role, lang);
        const page = await ctx.newPage();
        const errors = watch(page);
        await page.goto(`${app.url}/console/`);
        await page.locator('.ant-menu-item, [data-testid="no-access"]').first().waitFor();
        if (await page.getByTestId('no-access').isVisible()) {
          assert.ok(['citizen', 'enterprise'].includes(role), `${role} may use the console`);
          await settled(page);
          problems.push(...describeFindings(`${role} /console`, await auditPage(page, lang)));
          await shot(page, `tour-${lang}-${role}-console-no-access`);
        } else {
          assert.ok(!['citizen', 'enterprise'].includes(role), `${role} sees no console`);
          // The menu's pages, each then opened afresh (a page still fading out must not be read as the next).
          const paths: string[] = [];
          const items = await page.locator('.ant-menu-item').count();
          for (let i = 0; i < items; i++) {
            const before = page.url();
            await page.locator('.ant-menu-item').nth(i).click();
            if (i > 0) await page.waitForURL((u) => u.toString() !== before);
            paths.push(new URL(page.url()).pathname);
          }
          for (const path of paths) {
            await page.goto(`${app.url}${path}`);
            await settled(page);
            problems.push(...describeFindings(`${role} ${path}`, await auditPage(page, lang)));
            await shot(page, `tour-${lang}-${role}${path.replace(/\//g, '-')}`);
          }
          // The incident's board, for the roles whose data scope holds it.
          const token = await page.evaluate(() => JSON.parse(localStorage.getItem('wudang.session') ?? '{}').token as string);
          if ((await app.call('GET', `/api/command/incidents/${incidentId}`, token)).status === 200) {
            for (const sub of [`/console/incidents/${incidentId}`]) {
              await page.goto(`${app.url}${sub}`);
              await settled(page);
              problems.push(...describeFindings(`${role} ${sub}`, await auditPage(page, lang)));
              await shot(page, `tour-${lang}-${role}-incident-board`);
            }
          }
        }
        problems.push(...errors.map((e) => `${role} console: ${e}`));
        await ctx.close();
      }
      writeFileSync(join(OUTPUT, `tour-findings-console-${lang}.txt`), `${problems.join('\n')}\n`);
      assert.deepEqual(problems, []);
    });

    it(`the wall, the leaders' view and the app, as each role, ${lang === 'zh' ? 'in Chinese' : 'in English'}`, async () => {
      const problems: string[] = [];
      for (const role of ROLES) {
        const ctx = await as(role, lang, { width: 1920, height: 1080 });
        const page = await ctx.newPage();
        const errors = watch(page);
        for (const path of ['/brain', '/brain/leader', '/app']) {
          await page.goto(`${app.url}${path}`);
          await settled(page);
          problems.push(...describeFindings(`${role} ${path}`, await auditPage(page, lang)));
          await shot(page, `tour-${lang}-${role}${path.replace(/\//g, '-')}`);
        }
        problems.push(...errors.map((e) => `${role} wall/app: ${e}`));
        await ctx.close();
      }
      writeFileSync(join(OUTPUT, `tour-findings-wall-${lang}.txt`), `${problems.join('\n')}\n`);
      assert.deepEqual(problems, []);
    });
  }

  it('launching a Ⅱ response from the wall asks first, naming the plan, the level and the units', async () => {
    const admin = await app.login('admin');
    const gas = await app.call('POST', '/api/devices', admin, {
      id: 'gas-tour',
      name: '车站燃气监测',
      type: 'CombustibleGasObserved',
      department: 'ZJJ',
      location: ZHANGWAN,
    });
    await post(app, 'gas-tour', gas.body.token, { lel: 58 });
    const alert = (await app.call('GET', '/api/alerts?rule=gas-lel', admin)).body.items[0];
    assert.equal(alert.level, 2, 'a Ⅱ gas alert');
    const ctx = await as('duty', 'zh', { width: 1920, height: 1080 });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/brain`);
    await page.getByTestId('brain-alert-feed').getByText('车站燃气监测').click();
    const dialog = page.getByTestId('wall-command');
    await dialog.getByTestId('wall-activate').click();
    const confirm = dialog.getByTestId('wall-confirm');
    await confirm.getByText(/将启动《.+燃气.+》Ⅱ/).waitFor();
    await confirm.getByText(/以下单位将收到处置任务：.*市住房和城乡建设局/).waitFor();
    // Nothing is launched until the duty officer confirms.
    const before = await app.call('GET', `/api/command/alerts/${alert.id}/proposal`, admin);
    assert.equal(before.body.incidentId, null);
    await shot(page, 'brain-confirm-level-2');
    await confirm.getByTestId('wall-confirm-launch').click();
    await dialog.getByTestId('wall-board').locator('tr[data-unit="ZJJ"]').waitFor();
    const after = await app.call('GET', `/api/command/alerts/${alert.id}/proposal`, admin);
    const board = await app.call('GET', `/api/command/incidents/${after.body.incidentId}`, admin);
    assert.deepEqual([board.body.incident.status, board.body.incident.level], ['responding', 2]);
    await ctx.close();
  });

  it('each staff role lands on its to-do: a unit sees its tasks with the time left, soonest first', async () => {
    const ctx = await as('zjj.staff', 'zh');
    const page = await ctx.newPage();
    await page.goto(`${app.url}/console/`);
    const card = page.getByTestId('todo-tasks');
    await card.locator('[data-task]').first().waitFor();
    const zjj = await app.login('zjj.staff');
    const mine = (await app.call('GET', '/api/command/my-tasks', zjj)).body as { id: string }[];
    assert.deepEqual(
      await card.locator('[data-task]').evaluateAll((els) => els.map((e) => e.getAttribute('data-task'))),
      mine.map((x) => x.id),
    );
    for (const left of await card.getByTestId('time-left').allTextContents()) assert.match(left, /^(剩余|已超时) \d+ (小时|分钟)/);
    await shot(page, 'console-todo-zjj');
    // A grid inspector, with no alerts or tasks, is told what the console offers today.
    const inspector = await as('grid.maojian', 'zh');
    const p2 = await inspector.newPage();
    await p2.goto(`${app.url}/console/`);
    await p2.getByTestId('todo-can').waitFor();
    await inspector.close();
    await ctx.close();
  });

  it('a district government sees the devices and incidents in its district, read-only', async () => {
    const ctx = await as('zw.staff', 'zh');
    const page = await ctx.newPage();
    await page.goto(`${app.url}/console/devices`);
    // 市生态环境局's air station in 张湾区: listed, marked read-only, opened without a way to change it.
    const row = page.locator('tr', { hasText: 'aq-zhangwan' });
    await row.getByTestId('read-only-tag').waitFor();
    await row.click();
    await page.getByTestId('read-only').getByText('此设备属于其他部门').waitFor();
    assert.equal(await page.getByRole('button', { name: '重置密钥' }).count(), 0);
    await shot(page, 'console-devices-read-only-zw');
    // The incident the duty officer took by phone in 张湾区: the board, with the notice and no decisions.
    await page.goto(`${app.url}/console/incidents/${openId}`);
    await page.getByTestId('incident-board').waitFor();
    await page.getByTestId('read-only').getByText('本部门未参与此事件').waitFor();
    await ctx.close();
  });

  it("the leaders' view: each figure counts exactly what the list beside it shows", async () => {
    const ctx = await as('duty', 'zh', { width: 1440, height: 900 });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/brain/leader`);
    await page.getByTestId('leader-awaiting-list').locator('li').first().waitFor();
    await settled(page);
    const figure = async (id: string) => Number(await page.getByTestId(id).textContent());
    const duty = await app.login('duty');
    const open = (await app.call('GET', '/api/command/incidents?drill=false&status=open&limit=100', duty)).body as unknown[];
    assert.ok(open.length >= 1);
    assert.equal(await figure('leader-awaiting'), open.length);
    assert.equal(await page.getByTestId('leader-awaiting-list').locator('li').count(), open.length);
    const severe = (await app.call('GET', '/api/alerts?open=true&status=raised&level=1,2&limit=50', duty)).body;
    assert.equal(await figure('leader-severe'), severe.total);
    assert.equal(await page.getByTestId('leader-severe-list').locator('li').count(), severe.items.length);
    if (severe.total > 0) assert.equal(Number(await page.getByTestId('leader-severe-listed').textContent()), severe.total);
    await ctx.close();
  });

  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 },
  ]) {
    it(`the wall fits ${size.width}×${size.height}: no column overflows, nothing scrolls`, async () => {
      const ctx = await as('duty', 'zh', size);
      const page = await ctx.newPage();
      await page.goto(`${app.url}/brain`);
      await page.getByTestId('brain-incidents').waitFor();
      await settled(page);
      const overflow = await page.evaluate(() => {
        const out: string[] = [];
        const root = document.documentElement;
        if (root.scrollWidth > window.innerWidth + 1) out.push(`page is ${root.scrollWidth} px wide in ${window.innerWidth}`);
        if (root.scrollHeight > window.innerHeight + 1) out.push(`page is ${root.scrollHeight} px high in ${window.innerHeight}`);
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('.brain-left, .brain-centre, .brain-right, .brain-panel, [data-testid^="tile-"]'))) {
          const name = el.getAttribute('data-testid') ?? el.className.split(' ')[0];
          if (el.scrollHeight > el.clientHeight + 1) out.push(`${name}: content ${el.scrollHeight} px in ${el.clientHeight}`);
          const r = el.getBoundingClientRect();
          if (r.bottom > window.innerHeight + 1 || r.right > window.innerWidth + 1) out.push(`${name}: ends at ${Math.round(r.right)}×${Math.round(r.bottom)}`);
        }
        return out;
      });
      await shot(page, `tour-wall-${size.width}x${size.height}`);
      await ctx.close();
      assert.deepEqual(overflow, []);
    });
  }
});
