/**
 * The engine's per rule-and-subject state as it is kept in memory and written at checkpoints
 * (`warning_state`): the desired level, when it was reached, and each level's condition state
 * (durations under way, hysteresis), with the k-of-n mask, a fault and the prediction flag.
 */
import { json } from '../../platform/storage/db.js';
import type { Insertable } from 'kysely';
import type { StateRow } from './engine.store.js';
import type { SubjectState } from './evaluator.js';
import type { Level } from './rules.js';
import type { WarningStateTable } from './warning.tables.js';

export type EngineState = SubjectState & { part: number; dirty: boolean; key: string };

interface Tree {
  levels: SubjectState['levels'];
  mask?: number;
  fault?: string;
  predicted?: boolean;
}

export function stateFromRow(r: StateRow): EngineState {
  const tree = json.parse<Tree>(r.tree, { levels: [] });
  const st: EngineState = {
    level: r.level as Level | null,
    at: Number(r.at),
    levels: tree.levels,
    part: r.part,
    dirty: false,
    key: `${r.rule_id}|${r.subject}`,
  };
  if (tree.mask !== undefined) st.mask = tree.mask;
  if (tree.fault) st.fault = tree.fault;
  if (tree.predicted) st.predicted = true;
  return st;
}

/** The row for the state under `key` (`<rule>|<subject>`). */
export function stateToRow(key: string, st: EngineState, now: number): Insertable<WarningStateTable> {
  const i = key.indexOf('|');
  const tree: Tree = {
    levels: st.levels,
    ...(st.mask !== undefined ? { mask: st.mask } : {}),
    ...(st.fault ? { fault: st.fault } : {}),
    ...(st.predicted ? { predicted: true } : {}),
  };
  return { rule_id: key.slice(0, i), subject: key.slice(i + 1), part: st.part, level: st.level, at: st.at, tree: JSON.stringify(tree), updated_at: now };
}
