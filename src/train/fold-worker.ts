// Worker-thread side of the Node fold runner: one engine, folds on request.

import { parentPort } from 'node:worker_threads';
import { loadEngine } from '../engine/node.ts';
import { runFold, type FoldJob } from './folds.ts';

const engine = await loadEngine('simd'); // as the training CLI: plain SIMD keeps models byte-reproducible on every Node
parentPort!.on('message', (msg: { id: number; job: FoldJob }) => {
  try {
    const result = runFold(engine, msg.job);
    parentPort!.postMessage({ id: msg.id, result }, result.distances.map((d) => d.buffer as ArrayBuffer));
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message });
  }
});
