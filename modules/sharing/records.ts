/**
 * A base database's row, checked field by field as a load reads it: identifiers with their check
 * characters, the city's districts, real dates, lists, lengths; and, for people, the ID number
 * agreeing with the gender and birth date given beside it. Every fault is named with its field.
 */
import { checkCreditCode, checkIdNumber, isAreaCode, isRealDate } from '../../platform/identifiers/index.js';
import type { Text } from '../../platform/i18n/index.js';
import type { DatasetSpec, FieldSpec } from './datasets.js';

export type Value = string | number | null;

export interface RowProblem {
  field: string;
  detail: Text;
}

export type CheckedRow =
  | { ok: true; key: string; values: Record<string, Value>; codeException: boolean }
  | { ok: false; key: string | null; problems: RowProblem[] };

export interface CheckContext {
  districts: ReadonlySet<string>;
  /** Credit codes whose only fault is their check character, accepted by an audited exception. */
  exceptions: ReadonlySet<string>;
  now: Date;
  /** Today in the city (YYYY-MM-DD, its own time zone): a date after it is in the future. */
  today?: string;
  /** The city's bounds [west, south, east, north], for coordinates. */
  bbox?: readonly [number, number, number, number] | null;
}

const PHONE = /^(\+86[ -]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

function checkField(
  f: FieldSpec,
  raw: unknown,
  ctx: CheckContext,
  out: { exception: boolean; id?: { birthDate: string; gender: 'male' | 'female' } },
): { value: Value } | { problem: Text } {
  const text = raw === null || raw === undefined ? '' : typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : null;
  if (text === null) return { problem: { zh: `${f.name.zh}应为文字或数字`, en: `${f.name.en} must be text or a number` } };
  if (text === '') return f.required ? { problem: { zh: `缺少${f.name.zh}`, en: `${f.name.en} is required` } } : { value: null };
  switch (f.kind) {
    case 'id_number': {
      const r = checkIdNumber(text, ctx.now);
      if (!r.ok) return { problem: r.reason };
      out.id ??= { birthDate: r.birthDate, gender: r.gender };
      return { value: r.normalised };
    }
    case 'credit_code': {
      const r = checkCreditCode(text);
      if (r.ok) return { value: r.normalised };
      const code = text.toUpperCase();
      if (r.checkDigitOnly && ctx.exceptions.has(code)) {
        out.exception = true;
        return { value: code };
      }
      return {
        problem: r.checkDigitOnly
          ? {
              zh: `${r.reason.zh}（早期代码须经数据主管部门登记例外后方可导入）`,
              en: `${r.reason.en} (an early code needs an exception registered by the data authority)`,
            }
          : r.reason,
      };
    }
    case 'holder': {
      const id = checkIdNumber(text, ctx.now);
      if (id.ok) return { value: id.normalised };
      const code = checkCreditCode(text);
      if (code.ok) return { value: code.normalised };
      return {
        problem: {
          zh: `${f.name.zh}「${text}」既不是有效的身份证号，也不是有效的统一社会信用代码`,
          en: `${f.name.en} "${text}" is neither a valid ID number nor a valid credit code`,
        },
      };
    }
    case 'period':
      return /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/.test(text)
        ? { value: text }
        : {
            problem: {
              zh: `${f.name.zh}「${text}」应为年（2025）、季度（2025-Q3）或月份（2025-09）`,
              en: `${f.name.en} "${text}" is a year (2025), a quarter (2025-Q3) or a month (2025-09)`,
            },
          };
    case 'lon':
    case 'lat': {
      const n = Number(text);
      const b = ctx.bbox;
      const [lo, hi] = f.kind === 'lon' ? [b?.[0] ?? -180, b?.[2] ?? 180] : [b?.[1] ?? -90, b?.[3] ?? 90];
      if (!Number.isFinite(n)) return { problem: { zh: `${f.name.zh}「${text}」不是数字`, en: `${f.name.en} "${text}" is not a number` } };
      return n >= lo && n <= hi
        ? { value: n }
        : { problem: { zh: `${f.name.zh} ${text} 不在本市范围内（${lo}–${hi}）`, en: `${f.name.en} ${text} lies outside the city (${lo}–${hi})` } };
    }
    case 'area_code':
      return isAreaCode(text) ? { value: text } : { problem: { zh: `${f.name.zh} ${text} 不是有效的行政区划代码`, en: `${text} is not a division code` } };
    case 'district':
      return ctx.districts.has(text)
        ? { value: text }
        : { problem: { zh: `${f.name.zh} ${text} 不是本市的区县`, en: `${text} is not one of the city's districts` } };
    case 'date': {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
      if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3])))
        return { problem: { zh: `${f.name.zh}「${text}」不是有效日期（年-月-日）`, en: `${f.name.en} "${text}" is not a real date (YYYY-MM-DD)` } };
      const iso = `${m[1]}-${m[2]}-${m[3]}`;
      // "Today" is the city's: between midnight in Shiyan and midnight UTC, UTC's date is yesterday's.
      if (!f.future && (ctx.today ? iso > ctx.today : Date.parse(`${iso}T00:00:00Z`) > ctx.now.getTime()))
        return { problem: { zh: `${f.name.zh}晚于今天`, en: `${f.name.en} is in the future` } };
      return { value: iso };
    }
    case 'enum':
      return f.options?.includes(text)
        ? { value: text }
        : {
            problem: { zh: `${f.name.zh}「${text}」无效，可选：${f.options?.join('、')}`, en: `${f.name.en} "${text}" is not one of ${f.options?.join(', ')}` },
          };
    case 'number': {
      const n = Number(text);
      if (!Number.isFinite(n)) return { problem: { zh: `${f.name.zh}「${text}」不是数字`, en: `${f.name.en} "${text}" is not a number` } };
      return f.min !== undefined && n < f.min ? { problem: { zh: `${f.name.zh}不能小于 ${f.min}`, en: `${f.name.en} is less than ${f.min}` } } : { value: n };
    }
    case 'phone':
      return PHONE.test(text)
        ? { value: text }
        : { problem: { zh: `${f.name.zh}「${text}」不是有效的电话号码`, en: `${f.name.en} "${text}" is not a phone number` } };
    default:
      return [...text].length <= (f.max ?? 200)
        ? { value: text }
        : { problem: { zh: `${f.name.zh}超过 ${f.max} 个字`, en: `${f.name.en} is longer than ${f.max} characters` } };
  }
}

/** Checks one row of a base database; the values come back by column, normalised (ID numbers upper case, dates ISO). */
export function checkRow(spec: DatasetSpec, raw: Record<string, unknown>, ctx: CheckContext): CheckedRow {
  const values: Record<string, Value> = {};
  const problems: RowProblem[] = [];
  const flags: { exception: boolean; id?: { birthDate: string; gender: 'male' | 'female' } } = { exception: false };
  for (const f of spec.fields) {
    if (f.kind === 'derived') continue;
    const r = checkField(f, raw[f.key], ctx, flags);
    if ('problem' in r) problems.push({ field: f.key, detail: r.problem });
    else values[f.column] = r.value;
  }
  // A key made of other fields (a statistic's indicator, area and period).
  for (const f of spec.fields) {
    if (f.kind !== 'derived') continue;
    const parts = (f.from ?? []).map((k) => values[spec.fields.find((x) => x.key === k)!.column]);
    if (parts.every((v) => v !== null && v !== undefined)) values[f.column] = parts.join('|');
  }
  const keyColumn = spec.fields.find((f) => f.key === spec.keyField)!.column;
  const key = typeof values[keyColumn] === 'string' ? (values[keyColumn] as string) : null;
  if (spec.key === 'population' && key && problems.length === 0) {
    // The ID number carries the birth date and the sex: the row must agree with it.
    const id = flags.id;
    if (id) {
      if (values.birth_date !== id.birthDate)
        problems.push({
          field: 'birthDate',
          detail: { zh: `出生日期与身份证号（${id.birthDate}）不一致`, en: `the birth date differs from the ID number's (${id.birthDate})` },
        });
      const sex = id.gender === 'male' ? '1' : '2';
      if (values.gender !== sex && values.gender !== '0' && values.gender !== '9')
        problems.push({ field: 'gender', detail: { zh: '性别与身份证号不一致', en: 'the gender differs from the ID number' } });
    }
  }
  return problems.length ? { ok: false, key, problems } : { ok: true, key: key!, values, codeException: flags.exception };
}
