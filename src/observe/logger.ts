// Structured logs: one JSON object per line — time, level, msg, then fields —
// for journald, Docker or a log shipper. Logging never throws.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default process.stderr (stdout may carry alerts or results). */
  stream?: { write(line: string): unknown };
  /** Lines below this level are not written; default info. */
  level?: LogLevel;
  fields?: LogFields;
  /** ms since the epoch; injected by tests. */
  clock?: () => number;
}

export function parseLogLevel(text: string): LogLevel {
  const l = text.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(l)) return l as LogLevel;
  if (l === 'warning') return 'warn';
  throw new Error(`Unknown log level "${text}"; use debug, info, warn or error.`);
}

const RESERVED = new Set(['time', 'level', 'msg']);

export function createLogger(opts: LoggerOptions = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const level = opts.level ?? 'info';
  const min = LOG_LEVELS.indexOf(level);
  const clock = opts.clock ?? Date.now;
  const base = opts.fields ?? {};

  const write = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(lvl) < min) return;
    const entry: LogFields = { time: new Date(clock()).toISOString(), level: lvl, msg };
    for (const [k, v] of Object.entries({ ...base, ...fields })) {
      entry[RESERVED.has(k) ? `${k}_` : k] = v; // a field cannot overwrite time, level or msg
    }
    try {
      stream.write(`${stringify(entry)}\n`);
    } catch {
      // A closed stderr must not take the detector down with it.
    }
  };

  return {
    level,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...opts, stream, level, clock, fields: { ...base, ...fields } }),
  };
}

/** JSON that survives errors, bigints and cycles. */
function stringify(entry: LogFields): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(entry, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) {
      const e = value as Error & { code?: unknown; cause?: unknown };
      return { name: e.name, message: e.message, ...(e.code !== undefined ? { code: e.code } : {}), ...(e.cause !== undefined ? { cause: e.cause } : {}), stack: e.stack };
    }
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}
