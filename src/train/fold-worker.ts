// Worker-thread side of the Node task runner (node-workers.ts): one engine, the
// shared training matrix once per run, then one task at a time.

import { parentPort } from 'node:worker_threads';
import { loadEngine } from '../engine/node.ts';
import { runTask, type TaskResult, type TrainMatrix, type TrainTask } from './folds.ts';

const engine = await loadEngine('simd'); // as the training CLI: plain SIMD keeps models byte-reproducible on every Node
let data: TrainMatrix | null = null;
parentPort!.on('message', (msg: { data: TrainMatrix } | { id: number; task: TrainTask }) => {
  if ('data' in msg) {
    data = msg.data;
    return;
  }
  try {
    if (!data) throw new Error('no training matrix was sent before the task');
    const result = runTask(engine, data, msg.task);
    parentPort!.postMessage({ id: msg.id, result }, transferables(result));
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
});

function transferables(r: TaskResult): ArrayBuffer[] {
  return r.kind === 'cv' ? r.distances.map((d) => d.buffer as ArrayBuffer) : [r.state.centroids.buffer as ArrayBuffer];
}
