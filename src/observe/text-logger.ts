// The same Logger for a person at a terminal: "level msg key=value …", one line
// each, on stderr. Used where a program logs structured events and the user asked
// for --log-format text (nats-detect); detect keeps its own hand-written messages.

import { LOG_LEVELS, type LogFields, type Logger, type LoggerOptions } from './logger.ts';

export function createTextLogger(opts: Omit<LoggerOptions, 'clock'> = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const level = opts.level ?? 'info';
  const min = LOG_LEVELS.indexOf(level);
  const base = opts.fields ?? {};
  const write = (lvl: (typeof LOG_LEVELS)[number], msg: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(lvl) < min) return;
    const pairs = Object.entries({ ...base, ...fields }).map(([k, v]) => `${k}=${textValue(v)}`);
    try {
      stream.write(`${lvl} ${oneLine(msg)}${pairs.length ? ` ${pairs.join(' ')}` : ''}\n`);
    } catch {
      // Like the JSON logger: a closed stderr is no reason to stop.
    }
  };
  return {
    level,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createTextLogger({ ...opts, stream, level, fields: { ...base, ...fields } }),
  };
}

/** Bare when it is one plain word, else JSON (quoted strings, objects); errors by their message. */
function textValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'string') return /^[\w.:/@+-]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v); // a cycle: still one line
  }
}

function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' ');
}
