// Reading a file that another process keeps writing, like `tail -F`: keep reading
// as it grows; after rotation by rename (a new file at the path) finish the old
// file, then read the new one from its start; after truncation (copytruncate)
// start again from the beginning; wait for a missing file to appear.
//
// It polls (one stat per interval at the end of the file) rather than relying on
// fs.watch, which misses events on NFS, overlay and some container mounts.
// Limits: a truncation followed by a rewrite past the old size within one poll
// interval looks like growth and is not noticed; a new file that reuses the old
// inode (delete, then create, within one interval) looks like the same file.

import { open, stat, type FileHandle } from 'node:fs/promises';

export type FollowEvent =
  | { type: 'opened'; path: string; position: number }
  | { type: 'waiting'; path: string }
  | { type: 'rotated'; path: string }
  | { type: 'truncated'; path: string; size: number; position: number };

export interface FollowOptions {
  /** Stops following; the iteration then ends without an error. */
  signal?: AbortSignal;
  /** How often to look for growth, rotation or the file appearing; default 250 ms. */
  pollIntervalMs?: number;
  /** Read size; default 64 KiB. */
  chunkBytes?: number;
  /** Where to start in the file found at the start: 'start' (default) or 'end' (only new data, like tail -n 0 -F). */
  from?: 'start' | 'end';
  /**
   * At rotation or truncation, end an unterminated last line with "\n" so that it is not
   * glued to the first line of the next file. Default true.
   */
  terminateLines?: boolean;
  /** Told when the file is opened, missing, rotated or truncated (for a log line). */
  onEvent?: (e: FollowEvent) => void;
}

interface Opened {
  fh: FileHandle;
  dev: number;
  ino: number;
  position: number;
}

/** The bytes of `path` as it grows, across rotations, until the signal aborts. */
export async function* follow(path: string, opts: FollowOptions = {}): AsyncGenerator<Buffer> {
  const poll = opts.pollIntervalMs ?? 250;
  const chunkBytes = opts.chunkBytes ?? 64 * 1024;
  const terminate = opts.terminateLines ?? true;
  const signal = opts.signal;
  const emit = opts.onEvent ?? (() => {});
  const buffer = Buffer.alloc(chunkBytes);
  let first = true;
  let current: Opened | null = null;
  let lastByte = 0x0a; // the last byte handed out, to know whether a line is unterminated

  // Everything from the current position to the end of the open file.
  async function* drain(file: Opened): AsyncGenerator<Buffer> {
    for (;;) {
      const { bytesRead } = await file.fh.read(buffer, 0, chunkBytes, file.position);
      if (bytesRead === 0) return;
      file.position += bytesRead;
      lastByte = buffer[bytesRead - 1];
      yield Buffer.from(buffer.subarray(0, bytesRead)); // a copy: the read buffer is reused
    }
  }

  function boundary(): Buffer | null {
    if (!terminate || lastByte === 0x0a) return null;
    lastByte = 0x0a;
    return Buffer.from('\n');
  }

  try {
    let waitingReported = false;
    while (!signal?.aborted) {
      if (!current) {
        current = await tryOpen(path, first && opts.from === 'end');
        if (!current) {
          if (!waitingReported) emit({ type: 'waiting', path });
          waitingReported = true;
          if (!(await sleep(poll, signal))) break;
          continue;
        }
        waitingReported = false;
        first = false;
        emit({ type: 'opened', path, position: current.position });
      }

      yield* drain(current);
      if (signal?.aborted) break;

      // At the end of the file: has it been replaced, truncated, or is it just quiet?
      const atPath = await stat(path).catch(() => null);
      if (!atPath || atPath.ino !== current.ino || atPath.dev !== current.dev) {
        // Rotated: the writer may have added to the old file before renaming it.
        yield* drain(current);
        const nl = boundary();
        if (nl) yield nl;
        await current.fh.close();
        current = null;
        emit({ type: 'rotated', path });
        continue;
      }
      if (atPath.size < current.position) {
        emit({ type: 'truncated', path, size: atPath.size, position: current.position });
        const nl = boundary();
        if (nl) yield nl;
        current.position = 0;
        continue;
      }
      if (atPath.size === current.position && !(await sleep(poll, signal))) break;
    }
  } finally {
    await current?.fh.close();
  }
}

async function tryOpen(path: string, atEnd: boolean): Promise<Opened | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new Error(`Cannot follow ${path}: ${(err as Error).message}. Check the path and that this user may read it.`);
  }
  const s = await fh.stat();
  if (s.isDirectory()) {
    await fh.close();
    throw new Error(`Cannot follow ${path}: it is a directory; give the log file inside it (e.g. ${path.replace(/\/$/, '')}/conn.log).`);
  }
  return { fh, dev: s.dev, ino: s.ino, position: atEnd ? s.size : 0 };
}

/** Resolves true after ms, or false as soon as the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
