/** Progress of a long command-line task (imports, loads). */
/** A one-line progress bar on a terminal; plain progress lines otherwise (logs, CI). */
export class Progress {
  private lastDecile = -1;
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly started = Date.now(),
  ) {}

  /** `done` of the total so far, with what became of them (e.g. `12 created · 1 failed`). */
  update(done: number, created: number | string, failed?: number): void {
    const pct = this.total === 0 ? 100 : Math.min(100, Math.floor((done / this.total) * 100));
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const what = typeof created === 'string' ? created : `${created} created · ${failed ?? 0} failed`;
    const stats = `${done}/${this.total} ${String(pct).padStart(3)}% · ${what} · ${Math.round(done / secs)} rows/s`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${stats}`);
      if (done >= this.total) this.stream.write('\n');
    } else if (Math.floor(pct / 10) > this.lastDecile) {
      // Not a terminal (a log, CI): one line per 10 %.
      this.lastDecile = Math.floor(pct / 10);
      this.stream.write(`progress ${stats}\n`);
    }
  }
}
