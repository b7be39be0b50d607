/**
 * Periodic work, once: `every(ms, work)` runs `work` again `ms` after each turn began (or at once
 * when a turn took longer), never two turns at a time, logs a failed turn and goes on, and keeps
 * no process alive. `stop()` cancels the next turn and waits for the one under way, so a module
 * that stops its jobs before closing its store never has a turn running on a closed store.
 */
export interface Job {
  /** Runs a turn now (after the one under way, if any) and waits for it. */
  runNow(): Promise<void>;
  /** No more turns; resolves when the turn under way, if any, has finished. */
  stop(): Promise<void>;
}

export interface JobLog {
  error(obj: object, msg: string): void;
}

export function every(ms: number, what: string, work: () => Promise<unknown>, log: JobLog): Job {
  if (!(ms > 0)) throw new RangeError(`${what}: the interval must be positive, not ${ms}`);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const turn = (): Promise<void> => {
    if (running) return running;
    const started = performance.now();
    running = (async () => {
      try {
        await work();
      } catch (err) {
        log.error({ err }, `${what} failed`);
      } finally {
        running = undefined;
        schedule(Math.max(0, ms - (performance.now() - started)));
      }
    })();
    return running;
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void turn(), delay);
    timer.unref();
  };
  schedule(ms);
  return {
    runNow: async () => {
      await running;
      if (!stopped) await turn();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
