/**
 * OCR intake: the readers on Tesseract's own kinds of mistakes (a misread label, spaces between
 * characters, an O for a 0), and the whole path on synthetic ID cards drawn by Chromium: uploaded,
 * read on the server by Debian's Tesseract, the ID number right with its check character; a PDF,
 * someone else's photo and a missing engine each refused with a clear answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch } from '../../../e2e/browser.js';
import { SYSTEM_CONTEXT } from '../../../platform/context.js';
import { dialects, startApp, type TestApp } from '../../../test/helpers.js';
import { syntheticDocuments } from '../../../test/ocr-cards.js';
import { readBusinessLicence, readHouseholdPage, readIdCard } from '../ocr.js';
import { OcrService } from '../ocr.service.js';

describe('OCR readers', () => {
  const now = new Date('2026-12-07T02:00:00Z');
  test('an ID card’s text, as Tesseract gives it', () => {
    const text =
      '姓名 欧阳明月\n\n性别 女 民族 汉\n\n出生 1988年3月16日\n\n住址 湖北省十堰市茅箭区武当路街\n道人民北路18号\n\n公民身份呈码 4203 0219 8803 1602 64\n';
    assert.deepEqual(readIdCard(text, now), {
      idNumber: '420302198803160264',
      name: '欧阳明月',
      gender: '2',
      ethnicity: '汉',
      birthDate: '1988-03-16',
      address: '湖北省十堰市茅箭区武当路街道人民北路18号',
    });
    // A number whose check character fails is not read as an ID number.
    assert.equal(readIdCard('公民身份号码 420302198803160265', now).idNumber, undefined);
  });
  test('a business licence and a household page', () => {
    const bl = readBusinessLicence(
      '营业执照\n统一社会信用代码 91420302MA4DEMOO1P\n名 称 十堰示例科技有限公司\n类型 有限责任公司\n法定代表人 赵晓\n注册资本 500万元\n成立日期 2019年5月20日\n住所 湖北省十堰市茅箭区北京北路66号\n',
    );
    assert.deepEqual(bl, {
      creditCode: '91420302MA4DEM001P',
      name: '十堰示例科技有限公司',
      entityType: '有限责任公司',
      legalRepresentative: '赵晓',
      registeredCapital: '500',
      foundedOn: '2019-05-20',
      address: '湖北省十堰市茅箭区北京北路66号',
    });
    const hp = readHouseholdPage(
      '常住人口登记卡\n姓名 赵 晓\n户主或与户主关系 户主\n性别 女\n出生日期 1988年3月16日\n公民身份号码 420302198803160264\n住址 湖北省十堰市茅箭区人民北路18号\n',
      now,
    );
    assert.deepEqual(hp, {
      idNumber: '420302198803160264',
      name: '赵晓',
      relation: '户主',
      birthDate: '1988-03-16',
      address: '湖北省十堰市茅箭区人民北路18号',
    });
  });
});

const [sqlite] = await dialects();
describe('OCR intake over HTTP, on synthetic ID cards', () => {
  let t: TestApp;
  let browser: Browser;
  let citizen: string;
  before(async () => {
    t = await startApp(sqlite!, { superappDemo: true });
    browser = await launch();
    citizen = await t.login('citizen');
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('three photographed cards: the ID number read right, and most fields with it', async () => {
    assert.equal(await t.services.ocr.engine.available(), true, 'Debian’s tesseract-ocr and tesseract-ocr-chi-sim are installed (.ci/run installs them)');
    const cards = await syntheticDocuments(browser, 'id_card', 3, 20261207);
    let right = 0;
    let total = 0;
    for (const c of cards) {
      const up = await t.call('POST', '/api/files', citizen, { name: 'card.jpg', contentType: 'image/jpeg', data: c.image.toString('base64') });
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const r = await t.call('POST', '/api/services/ocr', citizen, { kind: 'id_card', file: up.body.id });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.fields.idNumber, c.truth.idNumber);
      for (const [k, v] of Object.entries(c.truth)) {
        total++;
        if (r.body.fields[k] === v) right++;
      }
    }
    assert.ok(right / total >= 0.75, `${right} of ${total} fields read right`);
  });

  test('a PDF, someone else’s photo, and no engine: each refused in words', async () => {
    const pdf = await t.call('POST', '/api/files', citizen, {
      name: 'x.pdf',
      contentType: 'application/pdf',
      data: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
    });
    const r = await t.call('POST', '/api/services/ocr', citizen, { kind: 'id_card', file: pdf.body.id });
    assert.equal(r.status, 400);
    assert.match(r.body.detail, /照片|photos/);
    const [card] = await syntheticDocuments(browser, 'id_card', 1, 1);
    const up = await t.call('POST', '/api/files', citizen, { name: 'card.jpg', contentType: 'image/jpeg', data: card!.image.toString('base64') });
    assert.equal((await t.call('POST', '/api/services/ocr', await t.login('enterprise'), { kind: 'id_card', file: up.body.id })).status, 404);
    const none = new OcrService(t.platform, { name: 'missing', available: async () => false, text: async () => '' });
    await assert.rejects(
      none.read({} as never, { kind: 'id_card', file: up.body.id }, SYSTEM_CONTEXT),
      (e: Error & { code?: string }) => e.code === 'WD_ERR_UNAVAILABLE',
    );
  });
});
