/**
 * Fastify gives every request a child logger carrying its request id. Creating a pino child
 * serialises its bindings at once, on every request, though most requests never log. This
 * wrapper creates the child on the first log call that the level lets through instead.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

export class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}
  private get logger(): FastifyBaseLogger {
    this.real ??= this.parent.child(this.bindings, this.opts);
    return this.real;
  }
  /** A call below the level in force costs nothing and creates no child. */
  private enabled(level: string): boolean {
    if (this.real) return true;
    const p = this.parent as FastifyBaseLogger & { isLevelEnabled?: (l: string) => boolean };
    return p.isLevelEnabled ? p.isLevelEnabled(level) : true;
  }
  get level(): string {
    return this.real?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.logger.level = level;
  }
  fatal(...args: Parameters<FastifyBaseLogger['fatal']>) {
    if (this.enabled('fatal')) this.logger.fatal(...args);
  }
  error(...args: Parameters<FastifyBaseLogger['error']>) {
    if (this.enabled('error')) this.logger.error(...args);
  }
  warn(...args: Parameters<FastifyBaseLogger['warn']>) {
    if (this.enabled('warn')) this.logger.warn(...args);
  }
  info(...args: Parameters<FastifyBaseLogger['info']>) {
    if (this.enabled('info')) this.logger.info(...args);
  }
  debug(...args: Parameters<FastifyBaseLogger['debug']>) {
    if (this.enabled('debug')) this.logger.debug(...args);
  }
  trace(...args: Parameters<FastifyBaseLogger['trace']>) {
    if (this.enabled('trace')) this.logger.trace(...args);
  }
  silent(...args: Parameters<FastifyBaseLogger['silent']>) {
    this.logger.silent(...args);
  }
  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, opts);
  }
}

export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}
