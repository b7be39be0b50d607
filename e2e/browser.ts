/** Browser test helpers: Debian's Chromium driven by playwright-core, and an app on a free port. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Locator, type Page, chromium } from 'playwright-core';
import { type TestApp, dialects, freePort, startApp } from '../test/helpers.js';

export const OUTPUT = join(process.cwd(), 'e2e/output');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ServedApp extends TestApp {
  url: string;
}

/** The platform on a real port, serving the built web apps. */
export async function serve(config: Partial<import('../server/config.js').Config> = {}): Promise<ServedApp> {
  if (!existsSync(join(process.cwd(), 'dist/web/console/index.html'))) throw new Error('The web apps are not built: run `npm run build` first');
  const [sqlite] = await dialects();
  // The browser tests walk through the demo city, the super app's residents included.
  const t = await startApp(sqlite!, { superappDemo: true, ...config }, { webDir: join(process.cwd(), 'dist/web') });
  const port = await freePort();
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, url: `http://127.0.0.1:${port}` };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
}

export async function loginThroughForm(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}

/**
 * Opens an Ant Design select and chooses the option with this text. A click that lands while
 * another list is closing, or before the options have rendered on a busy machine, leaves the list
 * shut: the select is clicked again until its option shows.
 */
export async function choose(page: Page, select: Locator, text: string, o: { exact?: boolean; multiple?: boolean } = {}): Promise<void> {
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  const option = o.exact
    ? open.locator('.ant-select-item-option').getByText(text, { exact: true })
    : open.locator('.ant-select-item-option', { hasText: text });
  const chosen = select.locator('.ant-select-selection-item', { hasText: text });
  for (let attempt = 1; ; attempt++) {
    // A retry after a click that did take (its tag or value came late) must not click again: in a
    // multiple select a second click on a chosen option removes it.
    if (attempt > 1 && (await chosen.count()) > 0) {
      if ((await open.count()) > 0) await page.keyboard.press('Escape');
      return;
    }
    await select.click();
    try {
      await option.first().waitFor({ state: 'visible', timeout: 10_000 });
      await option.first().click();
      // The choice shows in the select (a tag in a multiple one); a click that did not take (the
      // list shut under it on a busy machine) is made again.
      await chosen.first().waitFor({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt === 4) throw err;
      // Escape shuts a list that is open; with none open it would close the dialog the select
      // sits in (a modal takes the focus back when its opening animation ends, which shuts the
      // list on a busy machine), and the next try would choose in a closing dialog.
      if ((await open.count()) > 0) await page.keyboard.press('Escape');
    }
  }
}
