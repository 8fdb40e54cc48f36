// Which log format and level a program uses: its --log-format/--log-level flags,
// else ANOMALYZE_LOG_FORMAT/ANOMALYZE_LOG_LEVEL, else its own default
// (flag > environment > default), with errors that name where the bad value came from.

import { createLogger, LOG_LEVELS, parseLogLevel, type LogFields, type Logger, type LogLevel } from './logger.ts';
import { createTextLogger } from './text-logger.ts';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOptions {
  format: LogFormat;
  level: LogLevel;
}

export const LOG_FORMAT_ENV = 'ANOMALYZE_LOG_FORMAT';
export const LOG_LEVEL_ENV = 'ANOMALYZE_LOG_LEVEL';

/** A bad format or level; the message names the flag or the variable it came from. */
export class LogOptionError extends Error {
  override name = 'LogOptionError';
}

export function resolveLogOptions(
  flags: { format?: string; level?: string },
  env: Record<string, string | undefined>,
  defaults: Partial<LogOptions> = {},
): LogOptions {
  const pick = (flag: string | undefined, variable: string): { text: string; from: string } | null => {
    if (flag !== undefined) return { text: flag, from: `--log-${variable === LOG_FORMAT_ENV ? 'format' : 'level'}` };
    const v = env[variable];
    return v !== undefined && v.trim() !== '' ? { text: v, from: variable } : null;
  };
  const f = pick(flags.format, LOG_FORMAT_ENV);
  const l = pick(flags.level, LOG_LEVEL_ENV);
  let format = defaults.format ?? 'text';
  if (f) {
    const t = f.text.trim().toLowerCase();
    if (!(LOG_FORMATS as readonly string[]).includes(t)) {
      throw new LogOptionError(`${f.from} must be text or json; got "${f.text}"${f.from === LOG_FORMAT_ENV ? ' (from the environment: unset it or fix it)' : ''}`);
    }
    format = t as LogFormat;
  }
  let level = defaults.level ?? 'info';
  if (l) {
    try {
      level = parseLogLevel(l.text);
    } catch {
      throw new LogOptionError(`${l.from} must be one of ${LOG_LEVELS.join(', ')}; got "${l.text}"${l.from === LOG_LEVEL_ENV ? ' (from the environment: unset it or fix it)' : ''}`);
    }
  }
  return { format, level };
}

/** A logger in the chosen format (on stderr unless a stream is given). */
export function openLogger(opts: LogOptions, extra: { fields?: LogFields; stream?: { write(line: string): unknown } } = {}): Logger {
  const o = { level: opts.level, fields: extra.fields, stream: extra.stream };
  return opts.format === 'json' ? createLogger(o) : createTextLogger(o);
}
