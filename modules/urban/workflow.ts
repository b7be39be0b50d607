/**
 * The case loop (七步闭环) as a workflow on the kernel: report → file or reject → dispatch →
 * handle (return, extension, hang-up) → report back → verify → close or rework. The module's
 * own routes fire every transition (they check that the caller is the centre, the case's unit
 * or its verifier), so the generic transition route refuses them.
 */
import type { WorkflowDefinition } from '../../platform/workflow/definition.js';

export const CASE_WORKFLOW = 'urban.case';

const CENTRE = ['dept_staff', 'dept_leader', 'duty_officer', 'platform_admin'] as const;
const UNIT = ['dept_staff', 'dept_leader'] as const;

export const CASE_DEFINITION: WorkflowDefinition = {
  key: CASE_WORKFLOW,
  version: 1,
  label: { zh: '城市管理案件', en: 'Urban-management case' },
  initial: 'reported',
  ownedBy: 'urban',
  states: {
    reported: { label: { zh: '待立案', en: 'Awaiting filing' } },
    filed: { label: { zh: '待派遣', en: 'Filed, awaiting dispatch' } },
    // The handling limit is the subcategory's, set per case at dispatch (data._dueAt.handling).
    handling: {
      label: { zh: '处置中', en: 'Being handled' },
      deadline: { workingDays: 1 },
      remindBeforeHours: 1,
      escalation: [{ notify: ['dept_leader'] }, { after: { workingHours: 4 }, notify: ['duty_officer'] }],
    },
    returned: { label: { zh: '已退回', en: 'Returned to the centre' } },
    hung: { label: { zh: '已挂账', en: 'On hold (hung)' } },
    verifying: { label: { zh: '待核查', en: 'Awaiting verification' }, deadline: { workingHours: 2 }, escalation: [{ notify: ['dept_leader'] }] },
    closed: { label: { zh: '已结案', en: 'Closed' }, final: true },
    rejected: { label: { zh: '不予立案', en: 'Not filed' }, final: true },
    merged: { label: { zh: '已合并', en: 'Merged into another case' }, final: true },
  },
  transitions: {
    file: { label: { zh: '立案', en: 'File' }, from: ['reported'], to: 'filed', roles: [...CENTRE] },
    reject: { label: { zh: '不予立案', en: 'Reject' }, from: ['reported'], to: 'rejected', roles: [...CENTRE], requireComment: true },
    merge: { label: { zh: '合并', en: 'Merge' }, from: ['reported'], to: 'merged', roles: [...CENTRE] },
    dispatch: { label: { zh: '派遣', en: 'Dispatch' }, from: ['filed', 'returned'], to: 'handling', roles: [...CENTRE] },
    return: { label: { zh: '退回', en: 'Return' }, from: ['handling'], to: 'returned', roles: [...UNIT], requireComment: true },
    extend: { label: { zh: '延期', en: 'Extend' }, from: ['handling'], to: 'handling', roles: [...CENTRE] },
    hang: { label: { zh: '挂账', en: 'Hang up' }, from: ['handling'], to: 'hung', roles: [...CENTRE] },
    resume: { label: { zh: '恢复处置', en: 'Resume' }, from: ['hung'], to: 'handling', roles: [...CENTRE] },
    report_back: { label: { zh: '处置反馈', en: 'Report back' }, from: ['handling'], to: 'verifying', roles: [...UNIT] },
    close: { label: { zh: '核查结案', en: 'Verify and close' }, from: ['verifying'], to: 'closed', roles: ['grid_inspector'] },
    rework: { label: { zh: '返工', en: 'Rework' }, from: ['verifying'], to: 'handling', roles: ['grid_inspector'], requireComment: true },
  },
};

export const STATES = Object.keys(CASE_DEFINITION.states);
export const STATE_LABELS = Object.fromEntries(Object.entries(CASE_DEFINITION.states).map(([k, v]) => [k, v.label!]));
export const OPEN_STATES = ['reported', 'filed', 'handling', 'returned', 'hung', 'verifying'];
