/**
 * 共享申请 (data-sharing requests) as the rules have them (国发〔2016〕51号 and the provincial
 * implementing rules): the consumer applies; the data authority checks compliance within 2 working
 * days; the provider answers within 5 (10 when the data must first be put on the platform); a
 * refusal gives a reason; a dispute goes to negotiation and then to the data authority, whose
 * decision is final. The steps are a workflow definition, run by the platform's kernel.
 */
import type { Role } from '../../platform/auth/roles.js';
import type { FieldError } from '../../platform/http/errors.js';
import type { Text } from '../../platform/i18n/index.js';
import type { WorkflowDefinition } from '../../platform/workflow/definition.js';

export const REQUEST_WORKFLOW = 'sharing.request';

const STAFF: Role[] = ['dept_staff', 'dept_leader', 'platform_admin'];

/** Who acts in a request: the department that applies, the data authority, the provider. */
export type Party = 'consumer' | 'authority' | 'provider';

export const REQUEST_DEFINITION: WorkflowDefinition = {
  key: REQUEST_WORKFLOW,
  version: 1,
  label: { zh: '数据共享申请', en: 'Data sharing request' },
  initial: 'compliance_review',
  ownedBy: 'sharing',
  states: {
    compliance_review: {
      label: { zh: '合规审核', en: 'Compliance review' },
      deadline: { workingDays: 2 },
      remindBeforeHours: 4,
      escalation: [{ notify: ['dept_leader'] }, { after: { workingDays: 1 }, notify: ['dept_leader', 'duty_officer'] }],
    },
    provider_review: {
      // 5 working days, or 10 when the data is not yet on the platform: set per request (data._dueAt).
      label: { zh: '提供方答复', en: 'Provider’s answer' },
      deadline: { workingDays: 5 },
      remindBeforeHours: 8,
      escalation: [{ notify: ['dept_leader'] }, { after: { workingDays: 1 }, notify: ['dept_leader', 'duty_officer'] }],
    },
    provider_refused: {
      label: { zh: '提供方不同意', en: 'Refused by the provider' },
      deadline: { workingDays: 5 },
      onOverdue: { transition: 'close_refused' },
    },
    negotiation: {
      label: { zh: '协商', en: 'Negotiation' },
      deadline: { workingDays: 5 },
      onOverdue: { transition: 'refer' },
    },
    arbitration: {
      label: { zh: '数据主管部门裁定', en: 'Decision by the data authority' },
      deadline: { workingDays: 5 },
      escalation: [{ notify: ['dept_leader'] }],
    },
    approved: { label: { zh: '已同意', en: 'Approved' }, final: true },
    refused: { label: { zh: '未同意', en: 'Refused' }, final: true },
    withdrawn: { label: { zh: '已撤回', en: 'Withdrawn' }, final: true },
  },
  transitions: {
    grant_unconditional: {
      label: { zh: '无条件共享，自动同意', en: 'Unconditional: granted at once' },
      from: ['compliance_review'],
      to: 'approved',
      roles: ['system'],
    },
    pass_compliance: { label: { zh: '审核通过', en: 'Compliant' }, from: ['compliance_review'], to: 'provider_review', roles: STAFF },
    fail_compliance: { label: { zh: '审核不通过', en: 'Not compliant' }, from: ['compliance_review'], to: 'refused', roles: STAFF, requireComment: true },
    approve: { label: { zh: '同意共享', en: 'Approve' }, from: ['provider_review', 'negotiation'], to: 'approved', roles: STAFF },
    refuse: { label: { zh: '不同意', en: 'Refuse' }, from: ['provider_review'], to: 'provider_refused', roles: STAFF, requireComment: true },
    accept_refusal: { label: { zh: '接受', en: 'Accept the refusal' }, from: ['provider_refused'], to: 'refused', roles: STAFF },
    close_refused: { label: { zh: '逾期未提出异议', en: 'No dispute in time' }, from: ['provider_refused'], to: 'refused', roles: ['system'] },
    dispute: { label: { zh: '提出异议', en: 'Dispute' }, from: ['provider_refused'], to: 'negotiation', roles: STAFF, requireComment: true },
    refer: { label: { zh: '提请裁定', en: 'Refer to the data authority' }, from: ['negotiation'], to: 'arbitration', roles: [...STAFF, 'system'] },
    decide_approve: { label: { zh: '裁定共享', en: 'Decide: share' }, from: ['arbitration'], to: 'approved', roles: STAFF, requireComment: true },
    decide_refuse: { label: { zh: '裁定不予共享', en: 'Decide: do not share' }, from: ['arbitration'], to: 'refused', roles: STAFF, requireComment: true },
    withdraw: {
      label: { zh: '撤回申请', en: 'Withdraw' },
      from: ['compliance_review', 'provider_review', 'provider_refused', 'negotiation', 'arbitration'],
      to: 'withdrawn',
      roles: STAFF,
    },
  },
};

/** Which party fires each transition a person may fire (the data authority also decides disputes). */
export const ACTION_PARTY: Record<string, Party[]> = {
  pass_compliance: ['authority'],
  fail_compliance: ['authority'],
  approve: ['provider'],
  refuse: ['provider'],
  accept_refusal: ['consumer'],
  dispute: ['consumer'],
  refer: ['consumer', 'provider'],
  decide_approve: ['authority'],
  decide_refuse: ['authority'],
  withdraw: ['consumer'],
};

/** The party whose turn it is in each open state. */
export const TURN: Record<string, Party[]> = {
  compliance_review: ['authority'],
  provider_review: ['provider'],
  provider_refused: ['consumer'],
  negotiation: ['consumer', 'provider'],
  arbitration: ['authority'],
};

export const STATE_LABELS: Record<string, Text> = Object.fromEntries(Object.entries(REQUEST_DEFINITION.states).map(([k, s]) => [k, s.label as Text]));
export const ACTION_LABELS: Record<string, Text> = Object.fromEntries(Object.entries(REQUEST_DEFINITION.transitions).map(([k, t]) => [k, t.label as Text]));

/** What a consumer department writes to apply. */
export interface RequestInput {
  resource: string;
  items: string[];
  purpose: string;
  legalBasis?: string;
  useScope: string;
  periodFrom: string;
  periodTo: string;
  ratePerMinute?: number;
  quotaPerDay?: number;
  systemName?: string;
}

/** What an approval may narrow: fewer items, a shorter period, a lower rate or quota. */
export interface ApprovalScope {
  items?: string[];
  periodTo?: string;
  ratePerMinute?: number;
  quotaPerDay?: number;
}

export const DEFAULT_RATE = 60;
export const DEFAULT_QUOTA = 10_000;
export const MAX_RATE = 600_000;
export const MAX_QUOTA = 10_000_000;
/** The longest period one request may cover (three years, as a renewal cycle). */
export const MAX_PERIOD_DAYS = 3 * 366;

/**
 * A cited legal basis: a law, regulation or policy document by its title in 《》, or an article
 * (第…条). A resource that is not shared (不予共享) may be given only on such a citation.
 */
export function citesLaw(text: string | undefined): boolean {
  if (!text) return false;
  return /《[^》]{2,}》/.test(text) || /第[一二三四五六七八九十百零〇\d]+条/.test(text);
}

export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Field errors of a request's own fields (the resource's rules are checked by the service). */
export function checkRequestFields(r: RequestInput, today: string): FieldError[] {
  const errors: FieldError[] = [];
  const err = (pointer: string, zh: string, en: string) => errors.push({ pointer: `/body${pointer}`, detail: { zh, en } });
  if (!r.purpose.trim()) err('/purpose', '请写明用途', 'state the purpose');
  if (!r.useScope.trim()) err('/useScope', '请写明使用范围', 'state the scope of use');
  if (r.items.length === 0) err('/items', '请至少选择一个信息项', 'choose at least one item');
  if (new Set(r.items).size !== r.items.length) err('/items', '信息项重复', 'an item is listed twice');
  const fromOk = isDate(r.periodFrom);
  const toOk = isDate(r.periodTo);
  if (!fromOk) err('/periodFrom', '开始日期须为有效日期（年-月-日）', 'the start must be a real date (YYYY-MM-DD)');
  if (!toOk) err('/periodTo', '结束日期须为有效日期（年-月-日）', 'the end must be a real date (YYYY-MM-DD)');
  if (fromOk && toOk) {
    if (r.periodTo < r.periodFrom) err('/periodTo', '结束日期不能早于开始日期', 'the end is before the start');
    else if (daysBetween(r.periodFrom, r.periodTo) > MAX_PERIOD_DAYS)
      err('/periodTo', '一次申请的使用期限不超过三年', 'one request covers at most three years');
    if (r.periodTo < today) err('/periodTo', '使用期限已经结束', 'the period has already ended');
  }
  if (r.ratePerMinute !== undefined && !(Number.isInteger(r.ratePerMinute) && r.ratePerMinute >= 1 && r.ratePerMinute <= MAX_RATE))
    err('/ratePerMinute', `每分钟调用次数为 1 至 ${MAX_RATE} 的整数`, `calls a minute: a whole number 1–${MAX_RATE}`);
  if (r.quotaPerDay !== undefined && !(Number.isInteger(r.quotaPerDay) && r.quotaPerDay >= 1 && r.quotaPerDay <= MAX_QUOTA))
    err('/quotaPerDay', `每日调用限额为 1 至 ${MAX_QUOTA} 的整数`, `calls a day: a whole number 1–${MAX_QUOTA}`);
  return errors;
}
