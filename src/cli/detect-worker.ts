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
import { decodeColumns } from './pool-words.ts';

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
    const { words, labeled, ...rest } = msg.batch;
    const columns = decodeColumns(words);
    const labels = labeled ? columns.pop()! : null;
    const batch: RecordBatch = { ...rest, categorical: columns, labels };
    const key = JSON.stringify(batch.schema);
    batch.schema = schemas.get(key) ?? (schemas.set(key, batch.schema), batch.schema);
    const scored = detector.scoreBatch(batch);
    const out = new RecordBytes(msg.format === 'ndjson' ? NEWLINE : COMMA);
    for (let i = 0; i < batch.count; i++) {
      if (scored.anomaly[i] || msg.all) out.add(JSON.stringify(recordOf(scored, i, msg.rowBase + i + 1, batch)));
    }
    const bytes = out.take();
    const reply: PoolReply = {
      type: 'scored', id: msg.id, bytes, records: out.records,
      scores: scored.scores, anomaly: scored.anomaly, severity: scored.severity, unknown: scored.unknown, unknownValues: scored.unknownValues,
    };
    // The batch's own buffers go too, though the reply does not carry them: detached, they are
    // freed at once. Left to this thread's collector, which now runs seldom, dead batches'
    // numbers (2.5 MB each) piled up: 40 MB more peak memory in a 1 M-row run.
    const spent = [batch.numeric.buffer as ArrayBuffer, words.codes.buffer as ArrayBuffer];
    parentPort!.postMessage(reply, [bytes.buffer as ArrayBuffer, scored.scores.buffer as ArrayBuffer, scored.anomaly.buffer as ArrayBuffer, scored.severity.buffer as ArrayBuffer, ...spent]);
  } catch (err) {
    parentPort!.postMessage({ type: 'error', id: msg.id, error: describe(err) } satisfies PoolReply);
  }
});
parentPort!.postMessage({ type: 'booted' } satisfies PoolReply);

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const utf8 = new TextEncoder();

/**
 * A batch's rendered records as UTF-8, each encoded as soon as it is made: the strings die
 * young (kept for a join, a batch's 1.5 MB of them were copied by every scavenge), and the
 * bytes go to the writing thread without a copy. ndjson ends every record with a newline;
 * JSON puts commas between them.
 */
class RecordBytes {
  private buf = new Uint8Array(1 << 16);
  private length = 0;
  records = 0;
  constructor(private readonly separator: number) {}

  add(json: string): void {
    const room = json.length * 3 + 1; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.length + room > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + room));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    if (this.separator === COMMA && this.records > 0) this.buf[this.length++] = COMMA;
    this.length += utf8.encodeInto(json, this.buf.subarray(this.length)).written;
    if (this.separator === NEWLINE) this.buf[this.length++] = NEWLINE;
    this.records++;
  }

  take(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

function describe(err: unknown): WorkerError {
  if (err instanceof InputError) {
    return { name: 'InputError', message: err.message, input: { problem: err.problem, source: err.source, line: err.line, column: err.column, hint: err.hint, unit: err.unit, kind: err.kind } };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message };
}
