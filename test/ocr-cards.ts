/**
 * Synthetic documents for OCR: ID card fronts, business licences and household register pages
 * with made-up people and companies (valid check characters, marked 合成数据 on the image), drawn by
 * Debian's Chromium with Debian's Noto CJK fonts, turned a little, blurred a little and saved as
 * JPEG, as a phone's photo of a card would be. Used by the OCR tests and the accuracy benchmark.
 */
import type { Browser } from 'playwright-core';
import { creditCodeCheckChar, makeIdNumber } from '../platform/identifiers/index.js';
import type { DocumentKind } from '../modules/services/ocr.js';

export interface SyntheticDocument {
  kind: DocumentKind;
  image: Buffer;
  truth: Record<string, string>;
}

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文欧阳';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯峰婷雪琳晨欣怡佳思雨梓涵子轩博然一诺嘉悦俊';
const STREETS = [
  ['420302', '湖北省十堰市茅箭区', ['武当路街道人民北路', '二堰街道北京北路', '五堰街道朝阳中路', '东城开发区东岳路']],
  ['420303', '湖北省十堰市张湾区', ['车城路街道车城西路', '花果街道人民南路', '红卫街道浙江路', '汉江路街道公园路']],
  ['420304', '湖北省十堰市郧阳区', ['城关镇沿江大道', '城关镇天马大道']],
  ['420381', '湖北省丹江口市', ['均州路街道丹赵路', '大坝街道沧浪大道']],
] as const;
const ETHNIC = ['汉', '汉', '汉', '汉', '土家', '回', '苗'];
const COMPANY = ['武当', '汉江', '车城', '秦巴', '丹江', '郧阳', '茅箭', '鄂西北', '太和', '沧浪'];
const TRADE = ['科技', '商贸', '餐饮', '物流', '建设', '农业', '文化旅游', '汽车配件'];
const FORM = ['有限责任公司', '股份有限公司', '有限公司'];

/** A small deterministic generator: the same seed, the same documents. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, pick, int };
}

function person(r: ReturnType<typeof random>) {
  const surname = r.next() < 0.05 ? '欧阳' : r.pick([...SURNAMES.replace('欧阳', '')]);
  const name = surname + r.pick([...GIVEN]) + (r.next() < 0.7 ? r.pick([...GIVEN]) : '');
  const [area, prefix, streets] = r.pick(STREETS);
  const y = r.int(1950, 2005);
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  const birth = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  const seq = r.int(1, 499) * 2 - (r.next() < 0.5 ? 1 : 0);
  const idNumber = makeIdNumber(area, birth, seq);
  const gender = Number(idNumber[16]) % 2 === 1 ? '1' : '2';
  const address = `${prefix}${r.pick(streets)}${r.int(1, 199)}号`;
  return {
    name,
    gender,
    ethnicity: r.pick(ETHNIC),
    birthDate: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    birthZh: `${y}年${m}月${d}日`,
    address,
    idNumber,
  };
}

function creditCode(r: ReturnType<typeof random>, area: string): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = `91${area}`;
  while (body.length < 17) body += chars[r.int(0, chars.length - 1)];
  return body + creditCodeCheckChar(body);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const MARK = '<div style="position:absolute;right:24px;bottom:14px;font-size:14px;color:#b44">样本 合成数据</div>';

function page(body: string, v: { font: string; turn: number; blur: number; tint: string }): string {
  return `<html><body style="margin:0;background:#777"><div style="width:856px;height:540px;position:relative;overflow:hidden;background:${v.tint};font-family:'${v.font}';transform:rotate(${v.turn}deg);filter:blur(${v.blur}px);border-radius:18px">${body}${MARK}</div></body></html>`;
}

const L = (label: string) => `<span style="color:#3a6ea5;font-size:22px">${label}</span>&nbsp;&nbsp;`;

export function idCardHtml(p: { name: string; gender: string; ethnicity: string; birthZh: string; address: string; idNumber: string }): string {
  return `<div style="position:absolute;left:56px;top:52px;font-size:28px;line-height:50px;color:#1a1a1a">
<div>${L('姓名')}${esc(p.name)}</div>
<div>${L('性别')}${p.gender === '1' ? '男' : '女'}&nbsp;&nbsp;&nbsp;&nbsp;${L('民族')}${esc(p.ethnicity)}</div>
<div>${L('出生')}${p.birthZh}</div>
<div style="width:470px">${L('住址')}${esc(p.address)}</div></div>
<div style="position:absolute;right:56px;top:64px;width:190px;height:240px;background:#c9d3de"></div>
<div style="position:absolute;left:56px;top:432px;font-size:30px;letter-spacing:3px">${L('公民身份号码')}${p.idNumber}</div>`;
}

/** Draws `n` documents of a kind from a seed (deterministic), as JPEG photos. */
export async function syntheticDocuments(browser: Browser, kind: DocumentKind, n: number, seed: number): Promise<SyntheticDocument[]> {
  const r = random(seed);
  const ctx = await browser.newContext({ viewport: { width: 900, height: 580 }, deviceScaleFactor: 1 });
  const tab = await ctx.newPage();
  const out: SyntheticDocument[] = [];
  for (let i = 0; i < n; i++) {
    const v = {
      font: r.pick(['Noto Sans CJK SC', 'Noto Serif CJK SC']),
      turn: (r.next() - 0.5) * 2.4,
      blur: r.next() * 0.5,
      tint: r.pick(['#eef3f8', '#f6efe4', '#f3f3ee', '#e9f1ea']),
    };
    let body: string;
    let truth: Record<string, string>;
    if (kind === 'id_card') {
      const p = person(r);
      body = idCardHtml(p);
      truth = { name: p.name, gender: p.gender, ethnicity: p.ethnicity, birthDate: p.birthDate, address: p.address, idNumber: p.idNumber };
    } else if (kind === 'business_licence') {
      const [area, prefix, streets] = r.pick(STREETS);
      const name = `十堰${r.pick(COMPANY)}${r.pick(TRADE)}${r.pick(FORM)}`;
      const rep = person(r).name;
      const code = creditCode(r, area);
      const capital = String(r.int(10, 5000));
      const y = r.int(2000, 2025);
      const m = r.int(1, 12);
      const d = r.int(1, 28);
      const address = `${prefix}${r.pick(streets)}${r.int(1, 199)}号`;
      body = `<div style="position:absolute;left:0;right:0;top:28px;text-align:center;font-size:44px;letter-spacing:18px;color:#a11">营业执照</div>
<div style="position:absolute;left:56px;top:120px;font-size:24px;line-height:44px;color:#1a1a1a">
<div>${L('统一社会信用代码')}${code}</div>
<div>${L('名称')}${esc(name)}</div>
<div>${L('类型')}有限责任公司</div>
<div>${L('法定代表人')}${esc(rep)}</div>
<div>${L('注册资本')}${capital}万元</div>
<div>${L('成立日期')}${y}年${m}月${d}日</div>
<div style="width:740px">${L('住所')}${esc(address)}</div></div>`;
      truth = {
        creditCode: code,
        name,
        entityType: '有限责任公司',
        legalRepresentative: rep,
        registeredCapital: capital,
        foundedOn: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
        address,
      };
    } else {
      const p = person(r);
      const relation = r.pick(['户主', '妻', '夫', '长子', '长女', '之母']);
      body = `<div style="position:absolute;left:0;right:0;top:24px;text-align:center;font-size:36px;letter-spacing:10px">常住人口登记卡</div>
<div style="position:absolute;left:56px;top:100px;font-size:26px;line-height:48px;color:#1a1a1a">
<div>${L('姓名')}${esc(p.name)}</div>
<div>${L('户主或与户主关系')}${relation}</div>
<div>${L('性别')}${p.gender === '1' ? '男' : '女'}</div>
<div>${L('出生日期')}${p.birthZh}</div>
<div>${L('公民身份号码')}${p.idNumber}</div>
<div style="width:740px">${L('住址')}${esc(p.address)}</div></div>`;
      truth = { name: p.name, relation, birthDate: p.birthDate, idNumber: p.idNumber, address: p.address };
    }
    await tab.setContent(page(body, v));
    const image = await tab.screenshot({ type: 'jpeg', quality: r.int(70, 92), clip: { x: 0, y: 0, width: 880, height: 560 } });
    out.push({ kind, image, truth });
  }
  await ctx.close();
  return out;
}

/** One ID card front of a given person (the demo's resident), as a phone's JPEG photo. */
export async function idCardOf(browser: Browser, p: { name: string; idNumber: string; address: string; ethnicity?: string }): Promise<Buffer> {
  const ctx = await browser.newContext({ viewport: { width: 900, height: 580 }, deviceScaleFactor: 1 });
  const tab = await ctx.newPage();
  const b = p.idNumber.slice(6, 14);
  const person = {
    name: p.name,
    gender: Number(p.idNumber[16]) % 2 === 1 ? '1' : '2',
    ethnicity: p.ethnicity ?? '汉',
    birthDate: `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`,
    birthZh: `${b.slice(0, 4)}年${Number(b.slice(4, 6))}月${Number(b.slice(6, 8))}日`,
    address: p.address,
    idNumber: p.idNumber,
  };
  await tab.setContent(page(idCardHtml(person), { font: 'Noto Sans CJK SC', turn: 0.6, blur: 0.2, tint: '#eef3f8' }));
  const image = await tab.screenshot({ type: 'jpeg', quality: 85, clip: { x: 0, y: 0, width: 880, height: 560 } });
  await ctx.close();
  return image;
}
