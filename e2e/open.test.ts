/**
 * The open data portal in Chromium, as the public uses it: with no account, find the trading
 * dataset by a Chinese word, open it, see the items and the preview marked synthetic, download the
 * CSV (counted); the page reads in Chinese and in English with nothing left in the other language.
 * An enterprise applies for the conditionally open legal-entities dataset; once the data authority
 * approves it in the console, its page offers the downloads. A keeper publishes counts of an entry
 * whose personal items cannot be chosen.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD } from '../test/helpers.js';
import type { Locator } from 'playwright-core';
import { type ServedApp, choose, launch, loginThroughForm, serve, shot } from './browser.js';
import { auditPage } from './ui-audit.js';

const ALLOW = ['CKAN', 'DCAT-AP'];

async function expectDisabled(label: Locator): Promise<void> {
  await label.waitFor();
  assert.equal(await label.locator('input[type=checkbox]').isDisabled(), true);
  await label.getByText('不得开放').waitFor();
}

describe('the open data portal in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  before(async () => {
    app = await serve({ sharingDemoPeople: 500 });
    await app.sharing.demo;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('anyone finds a dataset, previews it and downloads it, in both languages', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${app.url}/open`);
    await page
      .getByTestId('open-total')
      .getByText(/共 \d+ 个数据集/)
      .waitFor();
    await page.getByRole('searchbox', { name: '检索开放数据' }).fill('招标');
    await page.getByRole('button', { name: '检索' }).click();
    await page.getByTestId('open-total').getByText('共 1 个数据集').waitFor();
    assert.deepEqual(await auditPage(page, 'zh', ALLOW), []);
    await shot(page, 'open-search-zh');
    await page.getByRole('link', { name: '公共资源交易项目' }).click();
    await page.getByTestId('preview').locator('tbody tr').first().waitFor();
    await page.getByText('合成数据（演示）').waitFor();
    const before = Number(await page.getByTestId('dataset-downloads').textContent());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.replace(/^\uFEFF/, '').startsWith('projectCode,projectName,category,tenderer,winner,winnerCode,amount,awardedOn,synthetic'));
    await page
      .getByTestId('dataset-downloads')
      .getByText(String(before + 1))
      .waitFor();
    assert.deepEqual(await auditPage(page, 'zh', ALLOW), []);
    await shot(page, 'open-dataset-zh');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Preview (first 20 rows)').waitFor();
    assert.deepEqual(await auditPage(page, 'en', ALLOW), []);
    await shot(page, 'open-dataset-en');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('an enterprise applies for conditionally open data; after approval it may download', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The enterprise signs in to the super app (its own sign-in: account and password).
    await page.goto(`${app.url}/app`);
    await page.getByTestId('signin-account').locator('input').fill('enterprise');
    await page.getByTestId('signin-password').locator('input').fill(DEMO_PASSWORD);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('citizen-hello').waitFor();
    await page.goto(`${app.url}/open/dataset/legal-entities`);
    await page.getByTestId('dataset-title').getByText('法人基本信息').waitFor();
    await page.getByText('有条件开放的数据集须申请并经提供部门同意后下载').waitFor();
    assert.equal(await page.getByTestId('download-csv').count(), 0);
    await page.getByLabel('申请单位').fill('十堰示例数据服务有限公司（合成数据）');
    await page.getByLabel(/用途/).fill('研究各区县市场主体的分布');
    await page.getByLabel('联系方式').fill('13800000000');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('已提交申请，提供部门审核后即可下载。').waitFor();
    // The data authority decides it in the console.
    const console = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await console.goto(`${app.url}/console`);
    await loginThroughForm(console, 'zsj.staff', DEMO_PASSWORD);
    await console.getByRole('menuitem', { name: '开放数据' }).click();
    const row = console.getByTestId('od-applications').locator('tr', { hasText: '研究各区县市场主体的分布' });
    await row.getByText('待审核').waitFor();
    assert.deepEqual(await auditPage(console, 'zh', ALLOW), []);
    await shot(console, 'console-open-data');
    await row.getByTestId('od-approve').click();
    await row.getByText('已同意').waitFor();
    await console.close();
    await page.reload();
    await page.getByTestId('download-csv').waitFor();
    await page.getByTestId('preview').locator('tbody tr').first().waitFor();
    await shot(page, 'open-conditional-approved');
    await page.close();
  });

  it('a keeper publishes counts of an entry whose records hold personal items, which cannot be chosen', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, 'zsj.staff', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '开放数据' }).click();
    await choose(page, page.getByTestId('od-resource'), '法人基本信息');
    const items = page.getByTestId('od-items');
    await expectDisabled(items.locator('label', { hasText: '法定代表人身份证号' }));
    await page.getByTestId('od-aggregate').click();
    await items.locator('label', { hasText: '所在区县' }).click();
    await choose(page, page.getByTestId('od-themes'), '经济建设', { multiple: true });
    await page.getByTestId('od-submit').click();
    await page.getByText('已发布').first().waitFor();
    const found = await app.call('GET', '/api/open/datasets?q=102001-000001-counts-district');
    assert.equal(found.body.total, 1, JSON.stringify(found.body));
    assert.deepEqual(
      found.body.items[0].columns.map((c: { key: string }) => c.key),
      ['district', 'count'],
    );
    await page.close();
  });
});
