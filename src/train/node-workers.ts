// Runs cross-validation folds on Node worker threads (one per spare core), with
// the training matrix shared rather than copied.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FoldJob, FoldResult, FoldRunner } from './folds.ts';

/**
 * The worker's script. In the bundled CLI (build/cli/train.mjs) it is bundled beside
 * it (fold-worker.mjs) and runs on plain node; from the sources it is TypeScript, so
 * its thread registers the same loader (tsx) before importing it.
 */
function workerScript(): URL {
  const bundled = new URL('./fold-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  const bootstrap = `
    const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
    register();
    await import(${JSON.stringify(new URL('./fold-worker.ts', import.meta.url).href)});
  `;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/**
 * Starts the worker threads at once, so that they boot while the training file
 * is read; they do not keep the process alive until jobs are posted.
 */
export function workerFoldRunner(threads = Math.max(1, availableParallelism())): FoldRunner {
  const script = workerScript();
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(script);
    w.unref();
    return w;
  });
  return async (jobs) => {
    if (jobs.length === 0) return [];
    const shared = toShared(jobs[0].X);
    const queue = jobs.map((job, id) => ({ id, job: { ...job, X: job.X === jobs[0].X ? shared : job.X } }));
    const results: FoldResult[] = new Array(jobs.length);
    try {
      // Every job is posted up front (round robin): the calling thread is busy
      // fitting the final ensemble meanwhile, so workers must not wait on it
      // for their next job.
      await Promise.all(workers.map((w, i) => {
        w.ref();
        return runAll(w, queue.filter((_, j) => j % workers.length === i), results);
      }));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    return results;
  };
}

function runAll(worker: Worker, tasks: { id: number; job: FoldJob }[], results: FoldResult[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = tasks.length;
    if (pending === 0) return resolve();
    worker.on('message', (msg: { id: number; result?: FoldResult; error?: string }) => {
      if (msg.error) return reject(new Error(`cross-validation fold ${msg.id + 1} failed: ${msg.error}`));
      results[msg.id] = msg.result!;
      if (--pending === 0) resolve();
    });
    worker.on('error', reject);
    for (const task of tasks) worker.postMessage(task);
  });
}

function toShared(X: Float32Array): Float32Array {
  if (X.buffer instanceof SharedArrayBuffer) return X;
  const out = new Float32Array(new SharedArrayBuffer(X.byteLength));
  out.set(X);
  return out;
}
