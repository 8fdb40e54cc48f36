// Runs cross-validation folds on Node worker threads (one per spare core), with
// the training matrix shared rather than copied.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FoldJob, FoldResult, FoldRunner } from './folds.ts';

// The worker is TypeScript source: its thread registers the same loader (tsx)
// before importing it.
const BOOTSTRAP = `
  const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
  register();
  await import(${JSON.stringify(new URL('./fold-worker.ts', import.meta.url).href)});
`;

export function workerFoldRunner(threads = Math.max(1, availableParallelism())): FoldRunner {
  return async (jobs) => {
    if (jobs.length === 0) return [];
    const shared = toShared(jobs[0].X);
    const queue = jobs.map((job, id) => ({ id, job: { ...job, X: job.X === jobs[0].X ? shared : job.X } }));
    const results: FoldResult[] = new Array(jobs.length);
    const workers = Array.from({ length: Math.min(threads, jobs.length) }, () =>
      new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`)));
    try {
      await Promise.all(workers.map((w) => drain(w, queue, results)));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    return results;
  };
}

function drain(worker: Worker, queue: { id: number; job: FoldJob }[], results: FoldResult[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = () => {
      const task = queue.shift();
      if (!task) return resolve();
      worker.postMessage(task);
    };
    worker.on('message', (msg: { id: number; result?: FoldResult; error?: string }) => {
      if (msg.error) return reject(new Error(`cross-validation fold ${msg.id + 1} failed: ${msg.error}`));
      results[msg.id] = msg.result!;
      next();
    });
    worker.on('error', reject);
    next();
  });
}

function toShared(X: Float32Array): Float32Array {
  if (X.buffer instanceof SharedArrayBuffer) return X;
  const out = new Float32Array(new SharedArrayBuffer(X.byteLength));
  out.set(X);
  return out;
}
