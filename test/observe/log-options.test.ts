import { describe, expect, it } from 'vitest';
import { LogOptionError, openLogger, resolveLogOptions } from '../../src/observe/log-options.ts';
import { createTextLogger } from '../../src/observe/text-logger.ts';

function memory() {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => lines.push(s) } };
}

describe('log options: flag > environment > default', () => {
  it('takes the flag over the environment, the environment over the default', () => {
    const env = { ANOMALYZE_LOG_FORMAT: 'json', ANOMALYZE_LOG_LEVEL: 'warn' };
    expect(resolveLogOptions({}, {})).toEqual({ format: 'text', level: 'info' });
    expect(resolveLogOptions({}, {}, { format: 'json' })).toEqual({ format: 'json', level: 'info' });
    expect(resolveLogOptions({}, env)).toEqual({ format: 'json', level: 'warn' });
    expect(resolveLogOptions({ format: 'text', level: 'debug' }, env)).toEqual({ format: 'text', level: 'debug' });
    expect(resolveLogOptions({ format: 'JSON' }, { ANOMALYZE_LOG_FORMAT: '' })).toEqual({ format: 'json', level: 'info' });
    expect(resolveLogOptions({}, { ANOMALYZE_LOG_LEVEL: 'warning' }).level).toBe('warn');
  });

  it('names the flag or the variable a bad value came from', () => {
    expect(() => resolveLogOptions({ format: 'xml' }, {})).toThrow(new LogOptionError('--log-format must be text or json; got "xml"'));
    expect(() => resolveLogOptions({}, { ANOMALYZE_LOG_FORMAT: 'logfmt' })).toThrow(/^ANOMALYZE_LOG_FORMAT must be text or json; got "logfmt" \(from the environment/);
    expect(() => resolveLogOptions({ level: 'loud' }, {})).toThrow('--log-level must be one of debug, info, warn, error; got "loud"');
    expect(() => resolveLogOptions({}, { ANOMALYZE_LOG_LEVEL: 'trace' })).toThrow(/^ANOMALYZE_LOG_LEVEL must be one of/);
    // A good flag hides a bad variable: the flag is what counts.
    expect(resolveLogOptions({ format: 'text' }, { ANOMALYZE_LOG_FORMAT: 'logfmt' }).format).toBe('text');
  });

  it('opens a JSON or a text logger', () => {
    const j = memory();
    openLogger({ format: 'json', level: 'info' }, { stream: j.stream, fields: { component: 'x' } }).info('ready', { n: 1 });
    expect(JSON.parse(j.lines[0])).toMatchObject({ level: 'info', msg: 'ready', component: 'x', n: 1 });
    const t = memory();
    openLogger({ format: 'text', level: 'warn' }, { stream: t.stream }).info('hidden');
    expect(t.lines).toEqual([]);
  });
});

describe('text logger', () => {
  it('writes "level msg key=value" lines, quoting what is not one plain word', () => {
    const m = memory();
    const log = createTextLogger({ stream: m.stream, fields: { detector: 'h:1' } }).child({ stream: 'FLOWS' });
    log.info('ready', { batch: 500, subject: 'anomalyze.flows.>' });
    log.warn('fetch failed; retrying', { error: new Error('timeout\nagain'), reason: 'two words', nested: { a: [1] } });
    log.debug('not shown');
    expect(m.lines).toEqual([
      'info ready detector=h:1 stream=FLOWS batch=500 subject="anomalyze.flows.>"\n',
      'warn fetch failed; retrying detector=h:1 stream=FLOWS error="timeout\\nagain" reason="two words" nested={"a":[1]}\n',
    ]);
  });

  it('survives cycles and a failing stream', () => {
    const m = memory();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    createTextLogger({ stream: m.stream }).error('x', { cyclic });
    expect(m.lines[0]).toBe('error x cyclic=[object Object]\n');
    expect(() => createTextLogger({ stream: { write: () => { throw new Error('EPIPE'); } } }).error('x')).not.toThrow();
  });
});
