// Runs training tasks on Node worker threads, one per core, with the training
// matrix shared rather than copied. The calling thread only hands out tasks:
// each worker gets its next one as soon as it returns a result, the costliest
// first, so that both cores stay busy to the end.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerScript } from '../engine/worker-script.ts';
import { taskCost, trainRows, type TaskResult, type TaskRunner, type TrainMatrix, type TrainTask } from './folds.ts';

/**
 * Starts the worker threads at once, so that they boot while the training file
 * is read; they do not keep the process alive until tasks are run. One run per
 * runner: the workers end when it does.
 */
export function workerTaskRunner(threads = Math.max(1, availableParallelism())): TaskRunner {
  const script = workerScript(import.meta.url, 'fold-worker');
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
