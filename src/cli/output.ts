// Where the detect CLI writes: stdout, or a file that appears only when the run
// succeeded (written to a temp file, renamed at the end). Writers report when
// their buffer is full, so a long run waits instead of holding output in memory.

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Output {
  write(s: string): void;
  /** Bytes as they are (UTF-8 already), after what was written before. */
  writeBytes(b: Uint8Array): void;
  /** Resolves once the buffered output has gone out (immediately when it is small). */
  drain(): Promise<void>;
  /** Appends a whole file (the JSON spool). */
  copyFrom(path: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** A file that cannot be written (a missing directory, no permission, a full disk). */
export class OutputError extends Error {
  override name = 'OutputError';
}

function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error('the output was closed'));
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => { stream.off('error', failed); resolve(); };
    const failed = (err: Error) => { stream.off('drain', done); reject(err); };
    stream.once('drain', done);
    stream.once('error', failed);
  });
}

/** Opens a file for writing, or fails with an OutputError naming `what` and why. */
async function openFile(path: string, what: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err: NodeJS.ErrnoException) =>
      reject(new OutputError(`cannot write ${what}: ${err.code === 'ENOENT' ? 'its directory does not exist' : err.message}`)));
  });
  stream.on('error', () => {}); // later errors surface through drain(), end() and copyFrom()
  return stream;
}

// Output piped into a command that stops reading (| head) ends the run quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

function ended(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function copy(path: string, into: Writable): Promise<void> {
  await pipeline(createReadStream(path), into, { end: false });
}

/**
 * Small writes (a line per record) gathered into writes of about 64 kB: one stream write
 * per record took a third of `--format ndjson --all`. Flushed whenever the caller waits
 * for the output (after every batch), so a live feed's lines still go out at once.
 */
class Coalesced {
  private pending = '';
  constructor(private readonly sink: (s: string | Uint8Array) => void) {}

  /** A large piece goes out as it is, after the text gathered before it. */
  writeBytes(b: Uint8Array): void {
    this.flush();
    this.sink(b);
  }

  write(s: string): void {
    this.pending += s;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pending === '') return;
    const p = this.pending;
    this.pending = '';
    this.sink(p);
  }
}

const FLUSH_AT = 1 << 16;

export async function openOutput(path: string | undefined): Promise<Output> {
  if (!path) {
    const out = process.stdout;
    const c = new Coalesced((s) => out.write(s));
    return {
      write: (s) => c.write(s),
      writeBytes: (b) => c.writeBytes(b),
      drain: () => { c.flush(); return drained(out); },
      copyFrom: (p) => { c.flush(); return copy(p, out); },
      commit: async () => { c.flush(); },
      abort: async () => { c.flush(); }, // what streamed before the error stays streamed
    };
  }
  // A device, pipe or socket (/dev/null, a FIFO a collector reads) is written to directly:
  // renaming a temp file over it would replace the device itself.
  const existing = await stat(path).catch(() => null);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    const direct = await openFile(path, path);
    const c = new Coalesced((s) => direct.write(s));
    return {
      write: (s) => c.write(s),
      writeBytes: (b) => c.writeBytes(b),
      drain: () => { c.flush(); return drained(direct); },
      copyFrom: (p) => { c.flush(); return copy(p, direct); },
      commit: () => { c.flush(); return ended(direct); },
      abort: () => { c.flush(); return ended(direct).catch(() => {}); },
    };
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const stream = await openFile(tmp, path);
  const c = new Coalesced((s) => stream.write(s));
  return {
    write: (s) => c.write(s),
    writeBytes: (b) => c.writeBytes(b),
    drain: () => { c.flush(); return drained(stream); },
    copyFrom: (p) => { c.flush(); return copy(p, stream); },
    commit: async () => { c.flush(); await ended(stream); await rename(tmp, path); },
    abort: async () => { await ended(stream).catch(() => {}); await rm(tmp, { force: true }); },
  };
}

/** A temporary file for records that must come after the summary in the output. */
export async function openSpool(): Promise<{ path: string; write(s: string): void; writeBytes(b: Uint8Array): void; drain(): Promise<void>; close(): Promise<void>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'anomalyze-'));
  const path = join(dir, 'records.json');
  const stream = await openFile(path, `the temporary file ${path}`);
  const c = new Coalesced((s) => stream.write(s));
  return {
    path,
    write: (s) => c.write(s),
    writeBytes: (b) => c.writeBytes(b),
    drain: () => { c.flush(); return drained(stream); },
    close: () => { c.flush(); return ended(stream); },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
