/**
 * An application's handling as a workflow on the kernel: submitted → accepted (受理) or not
 * (不予受理) or sent back once for everything missing (补正, 一次性告知) → the item's approval steps
 * → approved (办结, the result issued) or refused; 即办件 are approved by the system at once when the
 * item's rules pass. The module's routes fire every transition (they check the department and the
 * step's role, or that the caller is the applicant), so the generic transition route refuses them.
 */
import type { WorkflowDefinition } from '../../platform/workflow/definition.js';

export const APPLICATION_WORKFLOW = 'services.application';

const DEPT = ['dept_staff', 'dept_leader'] as const;
const APPLICANT = ['citizen', 'enterprise'] as const;

export const APPLICATION_DEFINITION: WorkflowDefinition = {
  key: APPLICATION_WORKFLOW,
  version: 1,
  label: { zh: '政务服务办件', en: 'Service application' },
  initial: 'submitted',
  ownedBy: 'services',
  states: {
    // 《行政许可法》第三十二条: incomplete materials are told at once, within five days.
    submitted: {
      label: { zh: '待受理', en: 'Awaiting acceptance' },
      deadline: { workingDays: 5 },
      remindBeforeHours: 8,
      escalation: [{ notify: ['dept_leader'] }, { after: { workingDays: 1 }, notify: ['duty_officer'] }],
    },
    supplement: { label: { zh: '待补正', en: 'Awaiting the missing materials' } },
    // The item's promised limit, set per application at acceptance (data._dueAt.handling).
    handling: {
      label: { zh: '办理中', en: 'Being handled' },
      deadline: { workingDays: 20 },
      remindBeforeHours: 8,
      escalation: [{ notify: ['dept_leader'] }, { after: { workingDays: 1 }, notify: ['duty_officer'] }],
    },
    approved: { label: { zh: '已办结', en: 'Approved' }, final: true },
    refused: { label: { zh: '不予批准', en: 'Refused' }, final: true },
    rejected: { label: { zh: '不予受理', en: 'Not accepted' }, final: true },
    withdrawn: { label: { zh: '已撤回', en: 'Withdrawn' }, final: true },
  },
  transitions: {
    accept: { label: { zh: '受理', en: 'Accept' }, from: ['submitted'], to: 'handling', roles: [...DEPT] },
    reject: { label: { zh: '不予受理', en: 'Do not accept' }, from: ['submitted'], to: 'rejected', roles: [...DEPT], requireComment: true },
    ask_supplement: { label: { zh: '补正告知', en: 'Ask for what is missing' }, from: ['submitted'], to: 'supplement', roles: [...DEPT], requireComment: true },
    resubmit: { label: { zh: '补正提交', en: 'Send what was missing' }, from: ['supplement'], to: 'submitted', roles: [...APPLICANT] },
    review: { label: { zh: '审核通过', en: 'Pass the step' }, from: ['handling'], to: 'handling', roles: [...DEPT] },
    approve: { label: { zh: '准予办结', en: 'Approve' }, from: ['handling'], to: 'approved', roles: [...DEPT] },
    refuse: { label: { zh: '不予批准', en: 'Refuse' }, from: ['handling'], to: 'refused', roles: [...DEPT], requireComment: true },
    withdraw: { label: { zh: '撤回申请', en: 'Withdraw' }, from: ['submitted', 'supplement'], to: 'withdrawn', roles: [...APPLICANT] },
    instant: { label: { zh: '即时办结', en: 'Approved at once' }, from: ['submitted'], to: 'approved', roles: ['system'] },
  },
};

/** How the timeline names its first step (the kernel records the start as `created`). */
export const CREATED_LABEL = { zh: '提交申请', en: 'Submitted' };

export const STATE_LABELS = Object.fromEntries(Object.entries(APPLICATION_DEFINITION.states).map(([k, v]) => [k, v.label!]));
export const OPEN_STATES = ['submitted', 'supplement', 'handling'];
