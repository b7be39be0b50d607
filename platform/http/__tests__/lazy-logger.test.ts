import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { lazyChildLogger } from '../lazy-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { logger: pino({ level }, stream) as unknown as FastifyBaseLogger, lines };
}

describe('request loggers', () => {
  it('create no child for calls below the level, and bind the request id to the ones above', async () => {
    const { logger, lines } = capture('warn');
    let children = 0;
    const parent = new Proxy(logger, {
      get(t, p, r) {
        if (p === 'child') {
          return (...a: Parameters<FastifyBaseLogger['child']>) => {
            children++;
            return t.child(...a);
          };
        }
        return Reflect.get(t, p, r);
      },
    });
    const log = lazyChildLogger(parent, { reqId: 'req_1' }, {});
    log.info('incoming request');
    log.debug('detail');
    assert.equal(children, 0);
    log.warn({ code: 'x' }, 'slow database');
    assert.equal(children, 1);
    await new Promise((r) => setImmediate(r));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.reqId, 'req_1');
    assert.equal(lines[0]!.msg, 'slow database');
  });

  it('logs info lines when the level allows them', async () => {
    const { logger, lines } = capture('info');
    lazyChildLogger(logger, { reqId: 'req_2' }, {}).info('request completed');
    await new Promise((r) => setImmediate(r));
    assert.equal(lines[0]!.reqId, 'req_2');
  });
});
