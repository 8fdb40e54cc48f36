// Where the detect CLI writes: stdout, or a file that appears only when the run
// succeeded (written to a temp file, renamed at the end). Writers report when
// their buffer is full, so a long run waits instead of holding output in memory.

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Output {
  write(s: string): void;
  /** Resolves once the buffered output has gone out (immediately when it is small). */
  drain(): Promise<void>;
  /** Appends a whole file (the JSON spool). */
  copyFrom(path: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

function drained(stream: Writable): Promise<void> {
  return stream.writableNeedDrain ? new Promise((resolve) => stream.once('drain', () => resolve())) : Promise.resolve();
}

function ended(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function copy(path: string, into: Writable): Promise<void> {
  await pipeline(createReadStream(path), into, { end: false });
}

export async function openOutput(path: string | undefined): Promise<Output> {
  if (!path) {
    const out = process.stdout;
    return {
      write: (s) => { out.write(s); },
      drain: () => drained(out),
      copyFrom: (p) => copy(p, out),
      commit: async () => {},
      abort: async () => {},
    };
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const stream = createWriteStream(tmp);
  return {
    write: (s) => { stream.write(s); },
    drain: () => drained(stream),
    copyFrom: (p) => copy(p, stream),
    commit: async () => { await ended(stream); await rename(tmp, path); },
    abort: async () => { await ended(stream).catch(() => {}); await rm(tmp, { force: true }); },
  };
}

/** A temporary file for records that must come after the summary in the output. */
export async function openSpool(): Promise<{ path: string; write(s: string): void; drain(): Promise<void>; close(): Promise<void>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'anomalyze-'));
  const path = join(dir, 'records.json');
  const stream = createWriteStream(path);
  return {
    path,
    write: (s) => { stream.write(s); },
    drain: () => drained(stream),
    close: () => ended(stream),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
