/**
 * Definitions stored as data (rules, plans, and the like) carry the version of their schema. When
 * a definition's shape changes, its module raises the version and adds an upgrade step; a stored
 * definition is brought up to date step by step as it is read, so definitions saved before a
 * change load after it. One saved by a newer release than this one is refused, not guessed at.
 */
export interface UpgradeStep {
  /** The schema version this step upgrades from (to from + 1). */
  from: number;
  // biome-ignore lint/suspicious/noExplicitAny: a step takes the stored shape of its own version
  up(definition: any): unknown;
}

export class SchemaVersionError extends Error {}

export function upgradeDefinition<T>(what: string, definition: unknown, from: number, current: number, steps: readonly UpgradeStep[]): T {
  if (!Number.isInteger(from) || from < 1) throw new SchemaVersionError(`${what}: schema version ${from} is not valid`);
  if (from > current) throw new SchemaVersionError(`${what} was saved by a newer release (schema version ${from}; this release reads up to ${current})`);
  let out = definition;
  for (let v = from; v < current; v++) {
    const step = steps.find((s) => s.from === v);
    if (!step) throw new SchemaVersionError(`${what}: no upgrade from schema version ${v}`);
    out = step.up(out);
  }
  return out as T;
}
