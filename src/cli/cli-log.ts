// What `npm run detect` tells the person or the log collector on stderr. In text
// mode (the default) each event prints the hand-written line it always printed, or
// nothing when it has none; in json mode each event is one JSON object (time, level,
// msg, fields). stdout is never written here: it may carry results or alerts.

import { createLogger, LOG_LEVELS, type LogFields, type Logger, type LogLevel } from '../observe/logger.ts';
import type { LogOptions } from '../observe/log-options.ts';

export interface CliLog {
  readonly json: boolean;
  /** `msg` and `fields` for json; `text` (without newline) for text mode, omitted when text has nothing to say. */
  event(level: LogLevel, msg: string, fields: LogFields, text?: string): void;
  /** A line for people only (json mode has its own event for the same fact). */
  text(level: LogLevel, text: string): void;
  /** A multi-line block for people (the summary table); not written in json mode. */
  block(text: string): void;
}

export function createCliLog(opts: LogOptions, stream: { write(s: string): unknown } = process.stderr, clock?: () => number): CliLog {
  if (opts.format === 'json') {
    const logger: Logger = createLogger({ stream, level: opts.level, clock });
    return { json: true, event: (level, msg, fields) => logger[level](msg, fields), text: () => {}, block: () => {} };
  }
  const min = LOG_LEVELS.indexOf(opts.level);
  const write = (s: string): void => {
    try { stream.write(s); } catch { /* a closed stderr: nothing to tell */ }
  };
  return {
    json: false,
    event: (level, _msg, _fields, text) => {
      if (text !== undefined && LOG_LEVELS.indexOf(level) >= min) write(`${text}\n`);
    },
    text: (level, text) => {
      if (LOG_LEVELS.indexOf(level) >= min) write(`${text}\n`);
    },
    block: write,
  };
}
