/**
 * Audit entries written on a hot path (a public verification endpoint, say) by group commit:
 * every entry is on record before its caller goes on; entries that arrive together share one
 * transaction of the hash chain.
 */
import type { Db } from '../storage/db.js';
import { GroupCommit } from '../storage/group-commit.js';
import { type AuditEntry, appendAuditMany } from './audit.js';

export class AuditBatcher {
  private readonly group: GroupCommit<AuditEntry, void>;

  constructor(db: Db) {
    this.group = new GroupCommit(async (entries) => {
      await appendAuditMany(db, entries);
      return entries.map(() => undefined);
    });
  }

  append(entry: AuditEntry): Promise<void> {
    return this.group.submit(entry);
  }
}
