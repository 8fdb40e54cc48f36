import { describe, expect, it } from 'vitest';
import { createLogger, parseLogLevel } from '../../src/observe/logger.ts';

function memory() {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => lines.push(s) }, parsed: () => lines.map((l) => JSON.parse(l)) };
}

const clock = () => Date.parse('2026-12-03T10:00:00.000Z');

describe('JSON logger', () => {
  it('writes one JSON object per line: time, level, msg, then fields', () => {
    const m = memory();
    const log = createLogger({ stream: m.stream, clock });
    log.info('listening', { port: 3000, host: '127.0.0.1' });
    expect(m.lines).toEqual(['{"time":"2026-12-03T10:00:00.000Z","level":"info","msg":"listening","port":3000,"host":"127.0.0.1"}\n']);
  });

  it('drops lines below its level', () => {
    const m = memory();
    const log = createLogger({ stream: m.stream, clock, level: 'warn' });
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(m.parsed().map((e) => [e.level, e.msg])).toEqual([['warn', 'c'], ['error', 'd']]);
  });

  it('adds child fields, keeps reserved keys, and serialises errors, bigints and cycles', () => {
    const m = memory();
    const log = createLogger({ stream: m.stream, clock, level: 'debug', fields: { app: 'anomalyze' } }).child({ sink: 'webhook' });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    log.error('delivery failed', { err, n: 10n, cyclic, msg: 'not the message', level: 'x' });
    const [e] = m.parsed();
    expect(e).toMatchObject({
      time: '2026-12-03T10:00:00.000Z', level: 'error', msg: 'delivery failed', app: 'anomalyze', sink: 'webhook',
      err: { name: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' }, n: '10', cyclic: { a: 1, self: '[Circular]' },
      msg_: 'not the message', level_: 'x',
    });
    expect(e.err.stack).toMatch(/^Error: connect ECONNREFUSED/);
    expect(m.lines[0].endsWith('}\n')).toBe(true);
    expect(m.lines[0].slice(0, -1)).not.toContain('\n');
  });

  it('never throws when its stream fails', () => {
    const log = createLogger({ stream: { write: () => { throw new Error('EPIPE'); } } });
    expect(() => log.error('x')).not.toThrow();
  });

  it('parses levels, with a clear error', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('warning')).toBe('warn');
    expect(() => parseLogLevel('verbose')).toThrow('Unknown log level "verbose"; use debug, info, warn or error.');
  });
});
