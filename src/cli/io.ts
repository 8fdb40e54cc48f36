// CLI plumbing: opening inputs with clear errors, exiting with code 2 on bad input.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

type FailureReport = (message: string, fields: Record<string, unknown>) => void;
let report: FailureReport = (message) => { process.stderr.write(`error: ${message}\n`); };

/** With --log-format json, failures become one JSON log line instead of "error: …". */
export function reportFailuresWith(r: FailureReport): void {
  report = r;
}

/** Prints a one-line (or usage) message and exits with code 2: the input or the invocation was wrong. */
export function fail(message: string, fields: Record<string, unknown> = {}): never {
  report(message, { exitCode: 2, ...fields });
  process.exit(2);
}

/** A file path or '-' for standard input; a missing or unreadable file is a clear error. */
export async function openInput(path: string): Promise<Readable> {
  if (path === '-') return process.stdin;
  try {
    const s = await stat(path);
    if (s.isDirectory()) fail(`${path} is a directory; give a CSV file`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(`${path}: no such file`);
    if (code === 'EACCES') fail(`${path}: permission denied`);
    throw err;
  }
  return createReadStream(path, { highWaterMark: 1 << 18 });
}
