/**
 * `wudang devices import <file>`: bulk provisioning from CSV or JSON against a running platform,
 * through the same API as the console (so the same checks, data scope and audit apply), in
 * chunks, with a progress bar, per-row errors numbered as in the file, and the new devices'
 * tokens written to a file only the caller can read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Progress } from '../../platform/cli/progress.js';
import { parseCsvRows } from '../../platform/csv.js';

interface RowResult {
  row: number;
  id?: string;
  token?: string;
  entityId?: string;
  errors?: { pointer: string; detail: string }[];
}

interface ImportOptions {
  url: string;
  token?: string;
  user?: string;
  dryRun?: boolean;
  chunk: string;
  out?: string;
}

/** A chunk of the input, with where its rows are in the file (line numbers for CSV). */
interface Chunk {
  body: string;
  contentType: string;
  /** The file position of each row, for messages. */
  where: string[];
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Splits the input into request bodies of at most `size` rows. */
export function chunksOf(file: string, text: string, size: number): Chunk[] {
  const chunks: Chunk[] = [];
  if (/\.json$/i.test(file) || /^\s*[[{]/.test(text)) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    const rows = Array.isArray(doc) ? doc : (doc as { rows?: unknown }).rows;
    if (!Array.isArray(rows)) throw new Error(`${file}: expected an array of devices, or {"rows": [...]}`);
    for (let i = 0; i < rows.length; i += size) {
      const part = rows.slice(i, i + size);
      chunks.push({ body: JSON.stringify({ rows: part }), contentType: 'application/json', where: part.map((_, j) => `item ${i + j}`) });
    }
    return chunks;
  }
  // CSV: physical line numbers are kept for messages (the header is line 1).
  const lines = parseCsvRows(text);
  const [header, ...rows] = lines;
  if (!header) throw new Error(`${file} is empty`);
  const head = header.map(csvField).join(',');
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    chunks.push({
      body: [head, ...part.map((r) => r.map(csvField).join(','))].join('\n'),
      contentType: 'text/csv',
      where: part.map((_, j) => `row ${i + j + 1}`),
    });
  }
  return chunks;
}

async function login(url: string, user: string): Promise<string> {
  const password = process.env.WUDANG_PASSWORD;
  if (!password) throw new Error('--user needs the password in WUDANG_PASSWORD');
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  });
  const body = (await res.json()) as { token?: string; detail?: string; title?: string };
  if (!res.ok || !body.token) throw new Error(`login as ${user} failed: ${body.detail ?? body.title ?? res.status}`);
  return body.token;
}

async function runImport(file: string, o: ImportOptions): Promise<number> {
  const size = Number(o.chunk);
  if (!Number.isInteger(size) || size < 1 || size > 10_000) throw new Error('--chunk must be an integer from 1 to 10000');
  const url = o.url.replace(/\/+$/, '');
  const token = o.token ?? process.env.WUDANG_TOKEN ?? (o.user ? await login(url, o.user) : undefined);
  if (!token) throw new Error('give --token (or WUDANG_TOKEN), or --user with WUDANG_PASSWORD');
  const chunks = chunksOf(file, readFileSync(file, 'utf8'), size);
  const total = chunks.reduce((n, c) => n + c.where.length, 0);
  const progress = new Progress(total);
  const credentials: string[] = ['id,token,entityId'];
  const problems: string[] = [];
  let done = 0;
  let created = 0;
  let failed = 0;
  progress.update(0, 0, 0);
  for (const chunk of chunks) {
    const res = await fetch(`${url}/api/devices/import?dryRun=${o.dryRun ? 'true' : 'false'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': chunk.contentType },
      body: chunk.body,
    });
    const body = (await res.json()) as { results?: RowResult[]; detail?: string; title?: string };
    if (!res.ok || !body.results) {
      // The whole request was refused (authentication, permission, size): nothing more will pass.
      throw new Error(`import refused at ${chunk.where[0]}: ${res.status} ${body.detail ?? body.title ?? ''}`.trim());
    }
    for (const r of body.results) {
      const where = chunk.where[r.row] ?? `row ${r.row}`;
      if (r.errors?.length) {
        failed++;
        for (const e of r.errors) problems.push(`${where}${r.id ? ` (${r.id})` : ''}: ${e.pointer.replace(/^\/rows\/\d+/, '') || '/'} ${e.detail}`);
      } else if (!o.dryRun) {
        created++;
        credentials.push([r.id ?? '', r.token ?? '', r.entityId ?? ''].map(csvField).join(','));
      }
    }
    done += chunk.where.length;
    progress.update(done, created, failed);
  }
  for (const p of problems) process.stderr.write(`error ${p}\n`);
  if (!o.dryRun && created > 0) {
    const out = o.out ?? `${file.replace(/\.(csv|json)$/i, '')}.tokens.csv`;
    writeFileSync(out, `${credentials.join('\n')}\n`, { mode: 0o600 });
    console.log(`${created} devices created; their tokens are in ${out} (shown only this once; keep it safe)`);
  }
  console.log(
    o.dryRun
      ? `Dry run: ${total - failed} of ${total} rows would be created, ${failed} have errors.`
      : `Done: ${created} created, ${failed} failed of ${total}.`,
  );
  return failed > 0 ? 1 : 0;
}

export function registerDeviceCommands(program: Command, defaultUrl: () => string): void {
  const devices = program.command('devices').description('Devices of the sensing hub');
  devices
    .command('import')
    .description('Provision devices in bulk from a CSV or JSON file through a running platform; exits 1 if any row failed')
    .argument('<file>', 'CSV with a header row (id,name,type,department,lon,lat,datum,district,specialZone,tags,intervalSeconds) or JSON (an array of devices)')
    .option('--url <url>', 'the platform (default WUDANG_URL, or this machine on PORT)')
    .option('--token <token>', 'an access token or API key with devices.manage (default WUDANG_TOKEN)')
    .option('--user <username>', 'log in as this user, with the password in WUDANG_PASSWORD')
    .option('--dry-run', 'check every row, create nothing')
    .option('--chunk <rows>', 'rows per request', '500')
    .option('--out <file>', 'where to write the new tokens (default <file>.tokens.csv)')
    .action(async (file: string, o: Omit<ImportOptions, 'url'> & { url?: string }) => {
      try {
        process.exitCode = await runImport(file, { ...o, url: o.url ?? process.env.WUDANG_URL ?? defaultUrl() });
      } catch (err) {
        console.error(`wudang: ${(err as Error).message}`);
        process.exitCode = 2;
      }
    });
}
