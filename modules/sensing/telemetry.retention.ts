/** Retention: which partitions to drop and which rows to trim, from each type's policy. */
import { DAY, type PartitionInfo, type RetentionPolicy } from './telemetry.port.js';

/** What retention does to each partition: drop it whole, or delete some devices' older rows. */
export type RetentionStep = { drop: PartitionInfo } | { trim: PartitionInfo; column: 'ts' | 'b'; devs: number[]; cutoff: number };

/**
 * The retention plan, shared by both stores: a partition past every type's retention is dropped
 * whole; in one that some type still keeps, the rows of the shorter-lived types are trimmed.
 */
export function retentionPlan(partitions: PartitionInfo[], now: number, policies: RetentionPolicy[]): RetentionStep[] {
  if (policies.length === 0) return [];
  const steps: RetentionStep[] = [];
  for (const p of partitions) {
    const days = (pol: RetentionPolicy) => (p.kind === 'raw' ? pol.rawDays : p.kind === 'minute' ? pol.minuteDays : pol.hourDays);
    const cutoffs = policies.map((pol) => ({ pol, cutoff: now - days(pol) * DAY }));
    if (cutoffs.every((c) => p.to <= c.cutoff)) {
      steps.push({ drop: p });
      continue;
    }
    for (const { pol, cutoff } of cutoffs) {
      if (p.from >= cutoff || pol.devs.length === 0) continue;
      steps.push({ trim: p, column: p.kind === 'raw' ? 'ts' : 'b', devs: pol.devs, cutoff });
    }
  }
  return steps;
}
