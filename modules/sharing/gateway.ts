/**
 * What the exchange gateway answers of a record: the items an approval names, in clear; every
 * other item of the resource masked by its kind (张*三, 420302********1234, 138****5678, the
 * address to its street, a date to its year) or left out; fields the catalogue does not list for
 * the resource, never.
 */
import { maskAddressToStreet, maskCreditCode, maskDateToYear, maskIdNumber, maskNameMiddle, maskPhone } from '../../platform/privacy/mask.js';
import type { DataItem, MaskKind } from './catalogue.js';

type Masker = (v: string) => string | null;

const MASKERS: Partial<Record<MaskKind, Masker>> = {
  name: maskNameMiddle,
  id_number: maskIdNumber,
  credit_code: maskCreditCode,
  phone: maskPhone,
  address: maskAddressToStreet,
  date_year: maskDateToYear,
};

/** How each item of the resource is answered to one approval. */
export interface AnswerPlan {
  /** Item keys in clear, in the resource's order. */
  clear: string[];
  /** Item keys masked, with their masker. */
  masked: { key: string; mask: Masker }[];
}

/**
 * The plan for an approval's items, or for the subset `asked` (which must lie within the approval:
 * the caller checks). An item that is not personal (`none`) or is `omit` is left out unless approved.
 */
export function planAnswer(items: readonly DataItem[], approved: ReadonlySet<string>, asked?: ReadonlySet<string>): AnswerPlan {
  const clear: string[] = [];
  const masked: AnswerPlan['masked'] = [];
  for (const it of items) {
    if (asked && !asked.has(it.key)) continue;
    if (approved.has(it.key)) clear.push(it.key);
    else {
      const m = MASKERS[it.mask];
      if (m) masked.push({ key: it.key, mask: m });
    }
  }
  return { clear, masked };
}

/** One record as the plan answers it. */
export function answer(values: Readonly<Record<string, unknown>>, plan: AnswerPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of plan.clear) out[k] = values[k] ?? null;
  for (const { key, mask } of plan.masked) {
    const v = values[key];
    out[key] = v === null || v === undefined ? null : mask(String(v));
  }
  return out;
}

/** A key as the audit record keeps it: masked whatever the approval (auditors need the call, not the person). */
export function auditKey(kind: 'id_number' | 'credit_code' | 'text', key: string): string {
  if (kind === 'id_number') return maskIdNumber(key) ?? '';
  if (kind === 'credit_code') return maskCreditCode(key) ?? '';
  return key;
}
