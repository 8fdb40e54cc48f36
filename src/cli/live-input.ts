// The input of `npm run detect` as a stream of chunks: a file, stdin, or a file
// followed like `tail -F`. Live inputs (followed, or a pipe on stdin) get idle
// ticks so partial batches are scored within the latency bound, and end cleanly
// when `signal` aborts (SIGINT/SIGTERM), so the report and outputs still complete.

import { fstatSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { withIdleTicks } from '../data/idle.ts';
import { follow, type FollowEvent } from '../stream/follow.ts';
import { fail, openInput } from './io.ts';

export interface InputPlan {
  chunks: AsyncIterable<Uint8Array>;
  /** Bytes in the file when known (for the progress bar); null for live inputs. */
  size: number | null;
  live: boolean;
  /** Rows per scored batch: LIVE_BATCH_SIZE for live inputs, the readers' default otherwise. */
  batchSize?: number;
}

/**
 * Rows per batch of a live input. The batches of a feed are scored one after another for as
 * long as it runs, and smaller ones are cheaper there: following a file that grows by 50,000
 * lines/s (npm run bench -- soak), batches of 1,024 rows instead of 8,192 took 8 % less CPU,
 * and the follower's RSS was 83-101 MiB instead of 114-143 (an 8,192-row batch is 2.5 MB of
 * features, a 4 MB matrix and the core's workspace for it, dead soon after but promoted by
 * the collector, as its scoring outlasts several young-generation collections).
 */
export const LIVE_BATCH_SIZE = 1024;

/** Whether stdin is a pipe or socket (a feed that may never end), not a redirected file. */
export function stdinIsFeed(): boolean {
  try {
    const s = fstatSync(0);
    return s.isFIFO() || s.isSocket() || s.isCharacterDevice();
  } catch {
    return false;
  }
}

export async function openDetectInput(
  path: string,
  opts: { follow: boolean; fromEnd: boolean; latencyMs: number; signal: AbortSignal; onEvent?: (e: FollowEvent) => void },
): Promise<InputPlan> {
  if (opts.follow) {
    if (path === '-') fail('--follow needs a file path (stdin is read live without it)');
    const s = await stat(path).catch(() => null);
    if (s?.isDirectory()) fail(`${path} is a directory; give the log file to follow`);
    const chunks = follow(path, { signal: opts.signal, from: opts.fromEnd ? 'end' : 'start', onEvent: opts.onEvent });
    return { chunks: withIdleTicks(chunks, opts.latencyMs) as AsyncIterable<Uint8Array>, size: null, live: true, batchSize: LIVE_BATCH_SIZE };
  }
  if (path === '-' && stdinIsFeed()) {
    return { chunks: withIdleTicks(untilAborted(process.stdin, opts.signal), opts.latencyMs) as AsyncIterable<Uint8Array>, size: null, live: true, batchSize: LIVE_BATCH_SIZE };
  }
  const input = await openInput(path);
  return { chunks: input as AsyncIterable<Uint8Array>, size: path === '-' ? null : (await stat(path)).size, live: false };
}

/** The chunks of a stream until the signal aborts; then the iteration simply ends. */
async function* untilAborted(stream: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const it = stream[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    while (true) {
      const r = await Promise.race([it.next(), aborted]);
      if (r === 'aborted' || r.done) return;
      yield r.value;
    }
  } finally {
    void it.return?.(undefined);
  }
}
