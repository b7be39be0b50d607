/**
 * Emergency command in Chromium: a waterlogging alert becomes an incident in one click from the
 * alert drawer, the proposed plan is activated at Ⅳ with one more, the units' tasks appear on the
 * board and move live as a unit accepts, the level is raised to Ⅲ and the response ended, and the
 * review is produced. Then a drill started from a plan, the plan editor's live check and a new
 * version, and the resource registry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, DEMO_PASSWORD } from '../test/helpers.js';
import { pondingAlert } from '../test/command-fixtures.js';
import { type ServedApp, choose, launch, loginThroughForm, serve, shot } from './browser.js';

describe('emergency command screens in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  let admin: string;
  before(async () => {
    app = await serve();
    browser = await launch();
    admin = await app.login('admin');
    await pondingAlert(app, admin);
    // 市住建局's duty phone takes its task messages (the development SMS gateway keeps them).
    const ep = await app.call('POST', '/api/warning/endpoints', admin, { department: 'ZJJ', channel: 'sms', address: '13800000001' });
    assert.equal(ep.status, 201, JSON.stringify(ep.body));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const open = async (username: string, password = DEMO_PASSWORD): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app.url}/console`);
    await loginThroughForm(page, username, password);
    await page.getByTestId('current-user').waitFor();
    return page;
  };
  const taskRow = (page: Page, unit: string) => page.getByTestId('tasks-table').locator(`tr[data-unit="${unit}"]`);

  it('one click from the alert to an incident, one click to activate; tasks reach every unit and move live; raise, end, review', async () => {
    const duty = await open('duty');
    await duty.getByRole('menuitem', { name: '预警信息' }).click();
    await duty.getByTestId('alerts-table').getByText('城市积水点积水深度：人民北路下穿积水点').click();
    await duty.getByTestId('to-incident').click();

    // The board: the system proposes the urban waterlogging plan at Ⅳ.
    const board = duty.getByTestId('incident-board');
    await board.waitFor();
    await duty.getByTestId('proposal').getByText('十堰市城市内涝专项应急预案').waitFor();
    assert.match((await duty.getByTestId('proposal').textContent()) ?? '', /Ⅳ/);
    assert.equal(await duty.getByTestId('incident-status').textContent(), '待决策');
    // The map is drawn around the incident, with the flood sensor beside it.
    await duty.locator('[data-kind="incident"]').waitFor();
    await duty.locator('[data-kind="device"][data-device="pond-renmin"]').waitFor();
    await duty.getByTestId('nearby-devices').getByText('积水深度 0.2 m').waitFor();
    await shot(duty, 'command-proposal');

    await duty.getByTestId('activate').click();
    await duty.getByTestId('incident-status').getByText('响应中').waitFor();
    await duty.getByTestId('response-level').first().getByText('Ⅳ').waitFor();
    for (const unit of ['ZJJ', 'CGW', 'JTJ', 'GOV-420303']) await taskRow(duty, unit).first().waitFor();
    assert.equal(await duty.getByTestId('tasks-table').locator('tr[data-unit]').count(), 5);
    await duty.getByTestId('incident-timeline').getByText('启动预案').waitFor();
    // Its tasks went to 市住建局's phone as well as in-app.
    assert.equal(await duty.getByTestId('task-messages').locator('tbody tr').count(), 2);
    const incidentId = new URL(duty.url()).pathname.split('/').pop()!;
    await shot(duty, 'command-board-activated');

    // 市住建局 accepts its pump-out task on its own screen; the duty officer's board follows live.
    const zjj = await open('zjj.staff');
    await zjj.goto(`${app.url}/console/incidents/${incidentId}`);
    const zjjFirst = taskRow(zjj, 'ZJJ').first();
    await zjjFirst.getByTestId('task-accept').click();
    await taskRow(zjj, 'ZJJ').getByText('处置中').first().waitFor();
    assert.equal(await taskRow(zjj, 'CGW').getByTestId('task-accept').count(), 0, 'no buttons on another unit’s task');
    await taskRow(duty, 'ZJJ').getByText('处置中').first().waitFor({ timeout: 10_000 });
    await duty.getByTestId('incident-timeline').getByText('任务接收').waitFor();
    // It reports progress with a photo from the phone's camera (or a file); the board shows it.
    await taskRow(zjj, 'ZJJ').getByTestId('task-report').first().click();
    await zjj.getByTestId('task-text').fill('2 台泵车到场抽排');
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await zjj.getByTestId('report-photos').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: png });
    await zjj.getByTestId('report-photo-list').locator('img').waitFor();
    // The place by a click on the map.
    await zjj.getByTestId('pick-map').click();
    await zjj.getByTestId('report-place').waitFor();
    await zjj.getByTestId('task-ok').click();
    await duty.getByTestId('timeline-photos').locator('img').first().waitFor();
    await shot(duty, 'command-board-report-photo');
    await zjj.close();

    // Raise to Ⅲ with a reason, then end the response.
    await choose(duty, duty.getByTestId('change-level'), 'Ⅲ');
    await duty.getByTestId('level-reason').fill('积水深度超过 30 cm');
    await duty.getByTestId('apply-level').click();
    await duty.getByTestId('incident-timeline').getByText('响应升级').waitFor();
    await duty.getByTestId('response-level').first().getByText('Ⅲ').waitFor();
    await duty.getByTestId('end-response').click();
    await duty.getByTestId('end-reason').fill('积水已退，交通恢复');
    await duty.getByTestId('end-ok').click();
    await duty
      .getByTestId('incident-status')
      .getByText('已结束')
      .waitFor()
      .catch(async (e) => {
        await shot(duty, 'command-end-failed');
        throw e;
      });

    // The review: per unit, lessons, exports.
    await duty.getByTestId('open-review').click();
    await duty.getByTestId('review-units').getByText('市住房和城乡建设局').waitFor();
    await duty.getByTestId('lessons').fill('下穿通道应提前布设泵车；交通管制需与城管同步。');
    await duty.getByTestId('save-lessons').click();
    await duty.getByText('已保存').first().waitFor();
    const review = await app.call('GET', `/api/command/incidents/${incidentId}/review`, admin);
    assert.equal(review.body.lessons, '下穿通道应提前布设泵车；交通管制需与城管同步。');
    assert.ok(review.body.units.some((u: { unit: string; acceptMinutes: number | null }) => u.unit === 'ZJJ' && u.acceptMinutes !== null));
    const [download] = await Promise.all([duty.waitForEvent('download'), duty.getByTestId('export-html').click()]);
    assert.equal(download.suggestedFilename(), `review-${incidentId}.html`);
    await shot(duty, 'command-review');
    await duty.close();
  });

  it('a drill from a plan is marked on its board and kept out of the real list; the plan editor checks as it goes and saves a version; the registry lists resources', async () => {
    const duty = await open('duty');
    // The duty officer's list: the figures at a glance (the response above has ended).
    await duty.getByRole('menuitem', { name: '应急事件' }).click();
    await duty.getByTestId('incident-stats').getByText('近 30 天已结束').waitFor();
    await shot(duty, 'command-incidents');
    await duty.getByRole('menuitem', { name: '应急演练' }).click();
    await duty.getByTestId('report-incident').click();
    await choose(duty, duty.getByTestId('drill-plan'), '十堰市城市内涝专项应急预案');
    await choose(duty, duty.getByTestId('report-district'), '张湾区');
    await duty.getByTestId('report-ok').click();
    await duty.getByTestId('drill-banner').waitFor();
    await duty.getByTestId('activate').click();
    await duty.getByTestId('incident-status').getByText('响应中').waitFor();
    await taskRow(duty, 'GOV-420303').first().waitFor();
    await shot(duty, 'command-drill');
    const real = await app.call('GET', '/api/command/incidents?drill=false', admin);
    assert.ok(
      real.body.every((i: { drill: boolean }) => !i.drill),
      'the drill is not among real incidents',
    );
    const drills = await app.call('GET', '/api/command/incidents?drill=true', admin);
    assert.equal(drills.body.length, 1);
    assert.equal(drills.body[0].status, 'responding');
    await duty.close();

    // The plan's owner edits it: a deadline that cannot be met is refused on its field.
    const admin$ = await open('admin', ADMIN_PASSWORD);
    await admin$.getByRole('menuitem', { name: '应急预案' }).click();
    await admin$.getByTestId('plans-table').getByText('十堰市城市内涝专项应急预案').click();
    const editor = admin$.getByTestId('plan-editor');
    await editor.getByTestId('level-tab-4').waitFor();
    const accept = editor.getByTestId('task-0-0-acceptMinutes');
    await accept.fill('500');
    await editor
      .getByTestId('plan-errors')
      .getByText(/响应级别第 1 项 · 参与单位第 1 项 · 任务第 1 项 · 完成时限：完成时限（\d+ 分钟）须晚于接收时限（500 分钟）/)
      .waitFor();
    assert.ok(await editor.getByTestId('save-plan').isDisabled());
    await accept.fill('10');
    await editor.getByTestId('plan-errors').waitFor({ state: 'detached' });
    await editor.getByTestId('plan-note').fill('演练发现：泵车接收时限缩短为 10 分钟');
    await shot(admin$, 'command-plan-editor');
    await editor.getByTestId('save-plan').click();
    await admin$.getByTestId('plans-table').locator('tr', { hasText: '十堰市城市内涝专项应急预案' }).getByText('2', { exact: true }).waitFor();
    const plan = await app.call('GET', '/api/command/plans/urban-waterlogging', admin);
    assert.equal(plan.body.version, 2);
    const versions = await app.call('GET', '/api/command/plans/urban-waterlogging/versions', admin);
    assert.equal(versions.body[0].note, '演练发现：泵车接收时限缩短为 10 分钟');

    // The registry: sample resources with what is available.
    await admin$.getByRole('menuitem', { name: '应急资源' }).click();
    await admin$.getByTestId('resources-table').getByText('示例 城区防汛物资仓库').waitFor();
    await shot(admin$, 'command-resources');
    await admin$.close();
  });
});
