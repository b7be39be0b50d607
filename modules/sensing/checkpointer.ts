/**
 * WAL checkpoints of the telemetry file on a thread of their own.
 *
 * With tens of thousands of devices every commit dirties pages all over the B-trees. Checkpointing
 * every 1,000 pages (SQLite's default) cost the writer 40 % of its rate, and a 256 MiB WAL
 * (65,536 pages, which let a page rewritten by many commits be copied back once) made the copy a
 * long pause instead.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its threshold: with 8,500
 * device messages a second that commit copied a 256 MiB WAL back into the database and held the
 * event loop for 160–230 ms every few seconds, which was the whole p99 of ingest and alerts
 * (bench/fleet.ts). Here the writer's automatic checkpoint is off. A worker thread with its own
 * connection runs a PASSIVE checkpoint every `intervalMs` (it copies what the writer has committed
 * meanwhile and never blocks it). The WAL can only start over once every frame is copied, and the
 * writer keeps adding frames, so when the WAL has grown past `restartFrames` the writer itself
 * checkpoints the few frames the worker has not copied yet, which lets its next commit start the
 * WAL from the beginning. If the worker stops answering or its checkpoints fail, the writer
 * checkpoints by itself.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

// Plain CommonJS so it runs the same from the sources (tsx) and from the built bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let timer;
const run = () => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
  timer = setTimeout(run, workerData.intervalMs);
};
timer = setTimeout(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
`;

export interface CheckpointStats {
  /** Checkpoints run by the worker. */
  background: number;
  /** Short checkpoints run by the writer to let the WAL start over. */
  restarts: number;
  /** Full checkpoints the writer ran because the worker did not answer. */
  fallbacks: number;
  /** Frames in the WAL at the last checkpoint. */
  frames: number;
  /** Checkpoints the worker could not run. */
  errors: number;
  /** The longest of the writer's own checkpoints, in ms (reset by whoever reads it). */
  restartMaxMs: number;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private lastAnswer = Date.now();
  private readonly watchdog: NodeJS.Timeout;
  readonly stats: CheckpointStats = { background: 0, restarts: 0, fallbacks: 0, errors: 0, frames: 0, restartMaxMs: 0 };

  constructor(
    private readonly db: SqliteDatabase.Database,
    file: string,
    private readonly opts: { intervalMs: number; restartFrames: number; onError?: (err: Error) => void },
  ) {
    db.pragma('wal_autocheckpoint = 0');
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs: opts.intervalMs } });
    this.worker.on('message', (m: { busy?: number; log?: number; checkpointed?: number; error?: string }) => {
      if (m.error) {
        // Not an answer: if the worker keeps failing, the watchdog has the writer checkpoint.
        this.stats.errors++;
        opts.onError?.(new Error(`WAL checkpoint: ${m.error}`));
        return;
      }
      this.lastAnswer = Date.now();
      this.stats.background++;
      this.stats.frames = m.log ?? 0;
      if ((m.log ?? 0) >= opts.restartFrames) this.restart();
    });
    this.worker.on('error', (err) => opts.onError?.(err));
    // After the listeners (adding one refs the worker again): a store left open never holds the process.
    this.worker.unref();
    // Without answers for a while (the thread died or is stuck), the writer checkpoints itself.
    this.watchdog = setInterval(
      () => {
        if (Date.now() - this.lastAnswer > Math.max(10 * opts.intervalMs, 5_000)) {
          this.stats.fallbacks++;
          this.restart();
          this.lastAnswer = Date.now();
        }
      },
      Math.max(opts.intervalMs, 1_000),
    );
    this.watchdog.unref();
  }

  /** Copies what the worker has not yet copied, so the next commit starts the WAL over. */
  private restart(): void {
    try {
      const t = performance.now();
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.stats.restarts++;
      this.stats.restartMaxMs = Math.max(this.stats.restartMaxMs, performance.now() - t);
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    this.worker.postMessage('stop');
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        void this.worker.terminate().then(() => resolve());
      }, 2_000);
      this.worker.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
