/**
 * Workflow definitions: state machines declared as data. Emergency tasks, urban-management
 * cases, data-sharing requests and service applications each declare one.
 */
import type { DeadlineSpec } from '../calendar/calendar.js';
import { type Role, isRole } from '../auth/roles.js';

export interface Label {
  zh: string;
  en: string;
}

export interface EscalationStage {
  /** Delay after the deadline; omitted means at the deadline. */
  after?: DeadlineSpec;
  /** Roles to notify (within the instance's department/district), e.g. dept_leader then duty_officer. */
  notify: Role[];
}

export interface StateDef {
  label?: Label;
  final?: boolean;
  /** Time allowed in this state, from entering it. */
  deadline?: DeadlineSpec;
  /** A reminder this many hours before the deadline. */
  remindBeforeHours?: number;
  /** Escalation stages once the deadline passes. */
  escalation?: EscalationStage[];
  /** A transition fired by the system when the deadline passes. */
  onOverdue?: { transition: string };
}

export interface TransitionDef {
  label?: Label;
  from: string[];
  to: string;
  /** Roles that may fire it; `system` for transitions only the engine fires. */
  roles: (Role | 'system')[];
  requireComment?: boolean;
}

export interface WorkflowDefinition {
  key: string;
  version: number;
  label: Label;
  initial: string;
  /**
   * The module whose own routes fire its transitions (they check who is a party to the instance):
   * the generic transition route refuses them.
   */
  ownedBy?: string;
  states: Record<string, StateDef>;
  transitions: Record<string, TransitionDef>;
}

const NAME_RE = /^[a-z][a-z0-9_]*$/;

function checkDeadline(spec: DeadlineSpec, where: string, errors: string[]): void {
  const v = 'workingDays' in spec ? spec.workingDays : 'workingHours' in spec ? spec.workingHours : spec.hours;
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) errors.push(`${where}: deadline must be a non-negative number`);
  if ('workingDays' in spec && !Number.isInteger(spec.workingDays)) errors.push(`${where}: workingDays must be a whole number`);
}

/** Returns every problem with a definition; empty when it is sound. */
export function validateDefinition(def: WorkflowDefinition): string[] {
  const errors: string[] = [];
  if (!/^[a-z][a-z0-9_.-]*$/.test(def.key)) errors.push(`key ${def.key} must be lower-case letters, digits, . _ -`);
  if (!Number.isInteger(def.version) || def.version < 1) errors.push('version must be a positive integer');
  const states = Object.keys(def.states);
  if (!def.states[def.initial]) errors.push(`initial state ${def.initial} is not declared`);
  if (!states.some((s) => def.states[s]!.final)) errors.push('at least one state must be final');
  for (const [name, s] of Object.entries(def.states)) {
    if (!NAME_RE.test(name)) errors.push(`state name ${name} must be snake_case`);
    if (s.final && (s.deadline || s.onOverdue || s.escalation)) errors.push(`final state ${name} cannot have a deadline`);
    if (s.deadline) checkDeadline(s.deadline, `state ${name}`, errors);
    if ((s.onOverdue || s.escalation || s.remindBeforeHours !== undefined) && !s.deadline)
      errors.push(`state ${name} escalates or reminds but has no deadline`);
    if (s.remindBeforeHours !== undefined && !(s.remindBeforeHours > 0)) errors.push(`state ${name}: remindBeforeHours must be positive`);
    for (const [i, e] of (s.escalation ?? []).entries()) {
      if (e.after) checkDeadline(e.after, `state ${name} escalation ${i}`, errors);
      if (e.notify.length === 0 || !e.notify.every(isRole)) errors.push(`state ${name} escalation ${i}: notify must list known roles`);
    }
    if (s.onOverdue) {
      const t = def.transitions[s.onOverdue.transition];
      if (!t) errors.push(`state ${name}: onOverdue transition ${s.onOverdue.transition} is not declared`);
      else if (!t.from.includes(name)) errors.push(`state ${name}: onOverdue transition ${s.onOverdue.transition} does not start from ${name}`);
    }
  }
  for (const [name, t] of Object.entries(def.transitions)) {
    if (!NAME_RE.test(name)) errors.push(`transition name ${name} must be snake_case`);
    if (!def.states[t.to]) errors.push(`transition ${name} goes to undeclared state ${t.to}`);
    if (t.from.length === 0) errors.push(`transition ${name} has no from state`);
    for (const f of t.from) {
      if (!def.states[f]) errors.push(`transition ${name} starts from undeclared state ${f}`);
      else if (def.states[f]!.final) errors.push(`transition ${name} starts from final state ${f}`);
    }
    if (t.roles.length === 0) errors.push(`transition ${name} names no role`);
    for (const r of t.roles) if (r !== 'system' && !isRole(r)) errors.push(`transition ${name} names unknown role ${r}`);
  }
  // Every state must be reachable from the initial one.
  const reached = new Set([def.initial]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of Object.values(def.transitions)) {
      if (t.from.some((f) => reached.has(f)) && !reached.has(t.to)) {
        reached.add(t.to);
        grew = true;
      }
    }
  }
  for (const s of states) if (!reached.has(s)) errors.push(`state ${s} cannot be reached from ${def.initial}`);
  return errors;
}
