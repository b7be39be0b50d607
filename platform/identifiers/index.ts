/**
 * China's identifiers and their check characters: the citizen ID number (公民身份号码, GB 11643-1999),
 * the unified social credit code (统一社会信用代码, GB 32100-2015) and administrative division codes
 * (GB/T 2260). Pure functions, used to validate loads and to generate synthetic demo data.
 */
import type { Text } from '../i18n/index.js';

/** The province-level prefixes of GB/T 2260 (the first two digits of every division code). */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** A six-digit GB/T 2260 code with a real province prefix (the full national list is not shipped). */
export function isAreaCode(code: string): boolean {
  return /^\d{6}$/.test(code) && PROVINCES.has(code.slice(0, 2));
}

export type Checked<T> = ({ ok: true } & T) | { ok: false; reason: Text };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of an ID number from its first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** Whether y-m-d is a date that existed (no 2月30日). */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last;
}

/**
 * A GB 11643 citizen ID number: 18 characters, a division code with a real province, a real birth
 * date not in the future, and the right check character (a lower-case x is read as X). Returns
 * the parts, or why it is not valid in both languages.
 */
export function checkIdNumber(
  value: string,
  now: Date = new Date(),
): Checked<{ normalised: string; area: string; birthDate: string; gender: 'male' | 'female' }> {
  const id = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id))
    return { ok: false, reason: { zh: '身份证号应为 18 位（末位可为 X）', en: 'an ID number is 18 characters, the last may be X' } };
  const area = id.slice(0, 6);
  if (!PROVINCES.has(area.slice(0, 2))) return { ok: false, reason: { zh: `身份证号的地区码 ${area} 不存在`, en: `no such area code ${area}` } };
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  if (!isRealDate(y, m, d) || y < 1880)
    return { ok: false, reason: { zh: `身份证号中的出生日期 ${id.slice(6, 14)} 不存在`, en: `the birth date ${id.slice(6, 14)} does not exist` } };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (Date.UTC(y, m - 1, d) > now.getTime()) return { ok: false, reason: { zh: '身份证号中的出生日期晚于今天', en: 'the birth date is in the future' } };
  if (idNumberCheckChar(id) !== id[17]) return { ok: false, reason: { zh: '身份证号校验位不正确', en: 'the check character is wrong' } };
  return { ok: true, normalised: id, area, birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of a unified social credit code from its first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return CREDIT_CHARS[c === 31 ? 0 : c]!;
}

/**
 * A GB 32100 unified social credit code: 18 characters from the code's alphabet (no I, O, S, V,
 * Z), a division code with a real province in positions 3–8, and the right check character.
 * `checkDigit: false` in the answer (with ok false) tells a code whose only fault is the check
 * character: some early codes are like that, and are accepted only through an audited exception.
 */
export function checkCreditCode(value: string): Checked<{ normalised: string; area: string }> & { checkDigitOnly?: boolean } {
  const code = value.trim().toUpperCase();
  if (!/^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/.test(code))
    return {
      ok: false,
      reason: { zh: '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）', en: 'a credit code is 18 digits or capitals, without I, O, S, V, Z' },
    };
  const area = code.slice(2, 8);
  if (!/^\d{6}$/.test(area) || !PROVINCES.has(area.slice(0, 2)))
    return { ok: false, reason: { zh: `统一社会信用代码的地区码 ${area} 不存在`, en: `no such area code ${area}` } };
  if (creditCodeCheckChar(code) !== code[17])
    return { ok: false, checkDigitOnly: true, reason: { zh: '统一社会信用代码校验位不正确', en: 'the check character is wrong' } };
  return { ok: true, normalised: code, area };
}

/** Makes a valid ID number (synthetic data): area, birth date (YYYYMMDD), a 3-digit sequence whose parity gives the gender. */
export function makeIdNumber(area: string, birth: string, sequence: number): string {
  const first17 = `${area}${birth}${String(sequence % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

/** Makes a valid credit code (synthetic data): authority and type characters, area, a 9-character organisation code. */
export function makeCreditCode(authority: string, type: string, area: string, organisation: string): string {
  const first17 = `${authority}${type}${area}${organisation}`;
  return first17 + creditCodeCheckChar(first17);
}
