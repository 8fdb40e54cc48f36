// Runs training tasks on Node worker threads, one per core, with the training
// matrix shared rather than copied. The calling thread only hands out tasks:
// each worker gets its next one as soon as it returns a result, the costliest
// first, so that both cores stay busy to the end.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { taskCost, trainRows, type TaskResult, type TaskRunner, type TrainMatrix, type TrainTask } from './folds.ts';

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
 * is read; they do not keep the process alive until tasks are run. One run per
 * runner: the workers end when it does.
 */
export function workerTaskRunner(threads = Math.max(1, availableParallelism())): TaskRunner {
  const script = workerScript();
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(script);
    w.unref();
    return w;
  });
  return async (data, tasks, onResult) => {
    if (tasks.length === 0) return [];
    const shared: TrainMatrix = 'kind' in data ? data : { X: toShared(data.X), dim: data.dim }; // a compact matrix is shared where it can be
    const rowsTotal = trainRows(data);
    const order = tasks.map((_, i) => i).sort((a, b) => taskCost(tasks[b], rowsTotal) - taskCost(tasks[a], rowsTotal) || a - b);
    const results: TaskResult[] = new Array(tasks.length);
    let next = 0, done = 0;
    try {
      await Promise.all(workers.map((w) => {
        w.ref();
        w.postMessage({ data: shared });
        return new Promise<void>((resolve, reject) => {
          const give = () => {
            if (next >= order.length) return resolve();
            const id = order[next++];
            w.postMessage({ id, task: tasks[id] });
          };
          w.on('message', (msg: { id: number; result?: TaskResult; error?: string }) => {
            if (msg.error !== undefined) {
              const t = tasks[msg.id];
              return reject(new Error(`${t.kind === 'cv' ? 'cross-validation' : 'fitting'} of member ${t.spec.kind} k=${t.spec.k} (seed ${t.spec.seed}) failed: ${msg.error}`));
            }
            results[msg.id] = msg.result!;
            done++;
            onResult?.(msg.id, msg.result!);
            give();
          });
          w.on('error', reject);
          w.on('exit', (code) => { if (done < tasks.length) reject(new Error(`a training worker exited (code ${code}) before the tasks were done`)); });
          give();
        });
      }));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    return results;
  };
}

function toShared(X: Float32Array): Float32Array {
  if (X.buffer instanceof SharedArrayBuffer) return X;
  const out = new Float32Array(new SharedArrayBuffer(X.byteLength));
  out.set(X);
  return out;
}
