/**
 * A city's seed data, as a module reads it from the profile: a list of records, each with a
 * string `id`. The records' other fields are validated by the module that seeds them (rules,
 * plans, indicators), which skips and logs what is not valid in this city.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { CityProfile } from './profile.js';

export function seedList<T extends object>(p: { profile: CityProfile; log: FastifyBaseLogger }, name: string): (T & { id: string })[] {
  const out: (T & { id: string })[] = [];
  for (const [i, item] of p.profile.seed(name).entries()) {
    const id = (item as { id?: unknown } | null)?.id;
    if (item === null || typeof item !== 'object' || (id !== undefined && typeof id !== 'string')) {
      p.log.warn({ seed: name, index: i }, 'seed record is not an object with a string id; skipped');
      continue;
    }
    // Records without an id (sample resources) are numbered by their place in the list.
    out.push({ ...(item as T), id: id ?? `${name}-${i + 1}` });
  }
  return out;
}
