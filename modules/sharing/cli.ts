/**
 * `wudang sharing load <db> <file>`: loads a base database from a CSV, JSON or NDJSON file on the
 * server, on the configured database, as a named user whose department keeps that database (its
 * provider, or the data authority). The same checked load as the console's: every row checked,
 * refused rows named by line and field, records merged by key, history and audit kept under the
 * user's name. A progress bar on a terminal, a line every 10 % otherwise. Exits 1 when a row was
 * refused, 2 when the load could not run.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Principal } from '../../platform/auth/scope.js';
import { Progress } from '../../platform/cli/progress.js';
import type { Platform } from '../../platform/context.js';
import { AppError } from '../../platform/http/errors.js';
import { pick } from '../../platform/i18n/index.js';
import type { CityProfile } from '../../platform/profile/profile.js';
import type { Db } from '../../platform/storage/db.js';
import { getUserByUsername, principalFor } from '../identity/index.js';
import { CatalogueService } from './catalogue.service.js';
import { RECORD_DATASETS } from './datasets.js';
import { LoadService, csvRows, jsonRows, specOf } from './loader.js';

/** What the command needs from the host: the configured database and the city profile. */
export interface CliHost {
  open(): Promise<{ db: Db; profile: CityProfile; close(): Promise<void> }>;
}

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => quiet, level: 'silent' };

export function registerSharingCommands(program: Command, host: CliHost): void {
  const sharing = program.command('sharing').description('The data sharing centre (政务数据共享交换)');
  sharing
    .command('load')
    .description('Load a base database from a file, as a user whose department keeps it; exits 1 if any row was refused')
    .argument('<db>', `the base database: ${Object.keys(RECORD_DATASETS).join(', ')}`)
    .argument('<file>', 'CSV with a header of field keys or Chinese field names, a JSON array of records, or NDJSON')
    .requiredOption('--as <username>', 'the user loading it (their name goes on the load job, the history and the audit)')
    .option('--synthetic', 'mark the records as generated demo data (合成数据)')
    .action(async (dataset: string, file: string, o: { as: string; synthetic?: boolean }) => {
      const s = await host.open();
      try {
        process.exitCode = await runLoad(s, dataset, file, o);
      } catch (err) {
        const e = err as Error;
        console.error(`wudang: ${e instanceof AppError && e.detail ? pick(e.detail, 'en') : e.message}`);
        process.exitCode = 2;
      } finally {
        await s.close();
      }
    });
}

async function runLoad(s: { db: Db; profile: CityProfile }, dataset: string, file: string, o: { as: string; synthetic?: boolean }): Promise<number> {
  const spec = specOf(dataset);
  const user = await getUserByUsername(s.db, o.as);
  if (user?.status !== 'active') throw new Error(`no active user named ${o.as}`);
  const principal: Principal = await principalFor({ db: s.db }, user);
  const p = { db: s.db, profile: s.profile, now: Date.now, log: quiet } as unknown as Platform;
  const catalogue = new CatalogueService(p);
  const loads = new LoadService(p, async (who, d) => {
    const provider = await catalogue.providerOf(d);
    return provider !== null && catalogue.mayManage(who, provider);
  });
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const json = /\.(json|ndjson|jsonl)$/i.test(file) || /^\s*[[{]/.test(text);
  const total = json
    ? text.trimStart().startsWith('[')
      ? (JSON.parse(text) as unknown[]).length
      : text.split('\n').filter((l) => l.trim()).length
    : Math.max(0, text.split('\n').filter((l) => l.trim()).length - 1);
  const rows = json ? jsonRows(text) : csvRows(spec, text);
  const progress = new Progress(total);
  progress.update(0, 'starting');
  const job = await loads.load(
    dataset,
    basename(file),
    rows,
    { principal, ip: null, requestId: 'cli' },
    {
      synthetic: !!o.synthetic,
      onProgress: (j) => progress.update(j.rowsRead, `${j.inserted} new · ${j.updated} updated · ${j.unchanged} unchanged · ${j.refused} refused`),
    },
  );
  for (const e of job.errors.slice(0, 100)) console.error(`refused ${json ? 'item' : 'line'} ${e.at}${e.field ? ` ${e.field}` : ''}: ${pick(e.detail, 'en')}`);
  if (job.errors.length > 100) console.error(`… and ${job.refused - 100} more refused rows (the load job ${job.id} lists them)`);
  console.log(
    `${spec.name.en} (${spec.name.zh}): ${job.rowsRead} rows read, ${job.inserted} new, ${job.updated} updated, ${job.unchanged} unchanged, ${job.refused} refused. Load job ${job.id}.`,
  );
  return job.refused > 0 ? 1 : 0;
}
