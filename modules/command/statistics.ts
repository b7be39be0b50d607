/**
 * What the duty officer and the operations centre count about incidents: each incident's task
 * progress, and incidents by status, level and kind with tasks in force, overdue and the median
 * minutes to accept. Drills never touch real figures.
 */
import type { Scope } from '../../platform/auth/scope.js';
import type { Platform } from '../../platform/context.js';
import type { TaskProgress } from './incidents.model.js';
import * as store from './incidents.store.js';

export class IncidentStatistics {
  constructor(private readonly p: Platform) {}

  /** Real incidents under way (drills never count in the city's figures), city-wide. */
  async underWay(): Promise<{ id: string; district: string | null }[]> {
    const rows = await store.realIncidentsUnderWay(this.p.db);
    return rows.map((r) => ({ id: r.id, district: r.district_adcode }));
  }

  /**
   * Each incident's task progress, for the duty officer's list: tasks in force (not cancelled),
   * accepted, completed, and overdue now. One grouped query over the listed incidents.
   */
  async progress(ids: string[]): Promise<Map<string, TaskProgress>> {
    const out = new Map<string, TaskProgress>();
    if (ids.length === 0) return out;
    const now = this.p.now();
    const rows = await store.taskStates(this.p.db, ids);
    for (const r of rows) {
      let p = out.get(r.incident);
      if (!p) {
        p = { tasks: 0, accepted: 0, completed: 0, overdue: 0 };
        out.set(r.incident, p);
      }
      if (r.state === 'cancelled') continue;
      p.tasks++;
      if (r.state === 'accepted') p.accepted++;
      if (r.state === 'completed') p.completed++;
      else if (r.deadline !== null && Number(r.deadline) < now) p.overdue++;
    }
    return out;
  }

  /**
   * The figures the duty officer and the operations centre count: incidents by status, level and
   * kind since a time, tasks in force and overdue, and the median minutes units took to accept.
   * Real incidents only unless `drill` is true (then drills only): drills never touch real figures.
   */
  async stats(q: { since: number; drill: boolean }, scope: Scope) {
    const now = this.p.now();
    const incidents = await store.incidentsForStats(this.p.db, scope, q.since, q.drill);
    const byStatus: Record<string, number> = { open: 0, responding: 0, ended: 0 };
    const byLevel: Record<string, number> = {};
    const bySubkind: Record<string, number> = {};
    for (const i of incidents) {
      byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
      if (i.status !== 'ended') {
        if (i.level) byLevel[i.level] = (byLevel[i.level] ?? 0) + 1;
        bySubkind[i.subkind] = (bySubkind[i.subkind] ?? 0) + 1;
      }
    }
    const current = incidents.filter((i) => i.status !== 'ended').map((i) => i.id);
    const progress = await this.progress(current);
    const tasks = { inForce: 0, accepted: 0, completed: 0, overdue: 0 };
    for (const p of progress.values()) {
      tasks.inForce += p.tasks;
      tasks.accepted += p.accepted;
      tasks.completed += p.completed;
      tasks.overdue += p.overdue;
    }
    // Minutes from dispatch to acceptance, over tasks accepted in the window.
    const ids = incidents.map((i) => i.id);
    const accepts = await store.acceptTimes(this.p.db, ids);
    const minutes = accepts.map((a) => (Number(a.at) - Number(a.created)) / 60_000).sort((a, b) => a - b);
    return {
      drill: q.drill,
      since: q.since,
      at: now,
      incidents: byStatus,
      currentByLevel: byLevel,
      currentBySubkind: bySubkind,
      tasks,
      medianMinutesToAccept: minutes.length ? Math.round(minutes[minutes.length >> 1]! * 10) / 10 : null,
    };
  }
}
