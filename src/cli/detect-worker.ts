// Worker-thread side of detection on several cores (detect-pool.ts): the model once,
// then batch after batch — scored, and the reported records rendered as the CLI
// writes them (JSON, one per element or one per line), so that the thread which reads
// the input only counts and writes.

import { parentPort } from 'node:worker_threads';
import type { RecordBatch } from '../data/batch.ts';
import type { InputSchema } from '../data/input-schema.ts';
import { InputError } from '../data/errors.ts';
import { Detector } from '../detect/detector.ts';
import { recordOf } from '../detect/run.ts';
import { loadEngine } from '../engine/node.ts';
import { decodeModel } from '../model/format.ts';
import type { PoolReply, PoolRequest, WorkerError } from './detect-pool.ts';

const engine = await loadEngine();
let detector: Detector | null = null;
/** One schema object per distinct schema (a cloned batch brings a copy of its own). */
const schemas = new Map<string, InputSchema>();

parentPort!.on('message', async (msg: PoolRequest) => {
  if (msg.type === 'model') {
    try {
      if (engine.variant !== msg.variant) throw new Error(`the worker's core is ${engine.variant}, the main thread's ${msg.variant}`);
      detector = new Detector(await decodeModel(engine, (name) => msg.files.get(name), msg.where));
      parentPort!.postMessage({ type: 'ready' } satisfies PoolReply);
    } catch (err) {
      parentPort!.postMessage({ type: 'error', id: -1, error: describe(err) } satisfies PoolReply);
    }
    return;
  }
  try {
    if (!detector) throw new Error('no model was sent before the first batch');
    const batch: RecordBatch = msg.batch;
    const key = JSON.stringify(batch.schema);
    batch.schema = schemas.get(key) ?? (schemas.set(key, batch.schema), batch.schema);
    const scored = detector.scoreBatch(batch);
    const parts: string[] = [];
    for (let i = 0; i < batch.count; i++) {
      if (scored.anomaly[i] || msg.all) parts.push(JSON.stringify(recordOf(scored, i, msg.rowBase + i + 1, batch)));
    }
    const text = parts.length === 0 ? '' : msg.format === 'ndjson' ? parts.join('\n') + '\n' : parts.join(',');
    const reply: PoolReply = {
      type: 'scored', id: msg.id, text, records: parts.length,
      scores: scored.scores, anomaly: scored.anomaly, severity: scored.severity, unknown: scored.unknown, unknownValues: scored.unknownValues,
    };
    parentPort!.postMessage(reply, [scored.scores.buffer as ArrayBuffer, scored.anomaly.buffer as ArrayBuffer, scored.severity.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ type: 'error', id: msg.id, error: describe(err) } satisfies PoolReply);
  }
});
parentPort!.postMessage({ type: 'booted' } satisfies PoolReply);

function describe(err: unknown): WorkerError {
  if (err instanceof InputError) {
    return { name: 'InputError', message: err.message, input: { problem: err.problem, source: err.source, line: err.line, column: err.column, hint: err.hint, unit: err.unit, kind: err.kind } };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message };
}
