// Detection of a large file on every core: this thread reads and parses the input
// (the byte reader) and hands batches out in turn to worker threads, which score them
// and render their reported records (detect-worker.ts); the results are taken back in
// input order, counted into the report and written, so the output is byte for byte
// what one thread writes (test/cli/detect-pool.test.ts). Errors too come in input
// order: the batches before a bad line are written before its error is thrown.

import { Worker } from 'node:worker_threads';
import { workerScript } from '../engine/worker-script.ts';
import type { RecordBatch } from '../data/batch.ts';
import { InputError, type InputErrorOptions } from '../data/errors.ts';
import { readBatches, type CsvInput, type SourceBatch } from '../data/reader.ts';
import type { DetectorChoice } from '../detect/choice.ts';
import type { Detector } from '../detect/detector.ts';
import type { DetectionReport } from '../detect/report.ts';
import { chooseDetector, preferredDetector, ReportBuilder } from '../detect/run.ts';
import { encodeModel } from '../model/format.ts';
import { codeColumns, type CodedColumns } from './pool-words.ts';

export interface WorkerError { name: string; message: string; input?: InputErrorOptions & { problem: string } }

export type PoolRequest =
  | { type: 'model'; files: Map<string, Uint8Array>; where: string; variant: string }
  | { type: 'batch'; id: number; batch: PoolBatch; rowBase: number; all: boolean; format: PoolFormat };

/** A batch on its way to a worker: its categorical values, then its labels, as coded columns (pool-words.ts). */
export type PoolBatch = Omit<RecordBatch, 'categorical' | 'labels'> & { words: CodedColumns; labeled: boolean };

export type PoolReply =
  | { type: 'booted' } | { type: 'ready' }
  | { type: 'error'; id: number; error: WorkerError }
  | {
    type: 'scored'; id: number;
    /** The reported records as rendered, UTF-8: ndjson lines, or JSON elements with commas between. */
    bytes: Uint8Array; records: number;
    scores: Float32Array; anomaly: Uint8Array; severity: Uint8Array; unknown: number; unknownValues: Record<string, Record<string, number>>;
  };

export type PoolFormat = 'json' | 'ndjson';

export interface PoolOptions {
  threads: number;
  /** How the workers render the reported records: JSON elements joined by commas, or ndjson lines. */
  format: PoolFormat;
  all?: boolean;
  source?: string;
  batchSize?: number;
  /** The reported records of one batch as rendered (UTF-8), in input order; `records` of them. */
  onBytes(bytes: Uint8Array, records: number): void;
  onProgress?: (rows: number) => void;
  afterBatch?: () => Promise<void>;
  onDetector?: (detector: Detector) => void;
}

/** Batches handed out per worker before the oldest result is waited for. */
const AHEAD = 2;

export async function runDetectionPooled(detector: Detector | DetectorChoice, input: CsvInput, o: PoolOptions): Promise<DetectionReport> {
  const started = performance.now();
  const workers = Array.from({ length: Math.max(1, o.threads) }, () => new PoolWorker());
  const pending: { batch: SourceBatch; result: Promise<PoolReply & { type: 'scored' }> }[] = [];
  let builder: ReportBuilder | null = null;
  let rows = 0;
  let turn = 0;
  const takeOldest = async () => {
    const { batch, result } = pending.shift()!;
    const r = await result;
    builder!.add({ batch, scores: r.scores, anomaly: r.anomaly, severity: r.severity, unknown: r.unknown, unknownValues: r.unknownValues }, false);
    o.onBytes(r.bytes, r.records);
    o.onProgress?.(builder!.rowCount);
    if (o.afterBatch) await o.afterBatch();
  };
  try {
    try {
      for await (const batch of readBatches(input, { source: o.source, batchSize: o.batchSize, core: preferredDetector(detector).model.ensemble.engine.core })) {
        if (!builder) {
          const chosen = chooseDetector(detector, batch.schema, o.source);
          o.onDetector?.(chosen);
          builder = new ReportBuilder(chosen, { all: o.all }, started);
          const files = await encodeModel(chosen.model);
          const variant = chosen.model.ensemble.engine.variant;
          await Promise.all(workers.map((w) => w.load(files, chosen.model.id, variant)));
        }
        builder.setFormat(batch.format);
        const w = workers[turn++ % workers.length];
        // The numbers go to the worker (transferred), the words coded; this thread keeps the labels for the metrics.
        pending.push({ batch, result: w.score(batch, rows, o.all === true, o.format) });
        rows += batch.count;
        while (pending.length >= AHEAD * workers.length) await takeOldest();
      }
    } catch (err) {
      // A bad line: the batches before it go out first, as they would from one thread.
      while (pending.length > 0) await takeOldest();
      throw err;
    }
    while (pending.length > 0) await takeOldest();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  builder ??= new ReportBuilder(preferredDetector(detector), { all: o.all }, started);
  return builder.finish();
}

/** One worker thread and its replies, matched to requests by id. */
class PoolWorker {
  private readonly worker = new Worker(workerScript(import.meta.url, 'detect-worker'));
  private readonly waiting = new Map<number, { resolve: (r: PoolReply & { type: 'scored' }) => void; reject: (e: Error) => void }>();
  private ready: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;
  private static nextId = 0;

  constructor() {
    this.worker.on('message', (m: PoolReply) => {
      if (m.type === 'booted') return;
      if (m.type === 'ready') { this.ready?.resolve(); this.ready = null; return; }
      if (m.type === 'error' && m.id < 0) { this.ready?.reject(rebuild(m.error)); this.ready = null; return; }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'error') w.reject(rebuild(m.error));
      else if (m.type === 'scored') w.resolve(m);
    });
    const fail = (err: Error) => {
      this.failed ??= err;
      this.ready?.reject(err);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a detection worker exited (code ${code}) before its batches were scored`)));
  }

  load(files: Map<string, Uint8Array>, where: string, variant: string): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.ready = { resolve, reject };
      this.worker.postMessage({ type: 'model', files, where, variant } satisfies PoolRequest);
    });
  }

  score(batch: SourceBatch, rowBase: number, all: boolean, format: PoolFormat): Promise<PoolReply & { type: 'scored' }> {
    if (this.failed) return Promise.reject(this.failed);
    const id = PoolWorker.nextId++;
    const { format: _f, layout: _l, categorical, labels, ...plain } = batch;
    const words = codeColumns(labels ? [...categorical, labels] : categorical, batch.count);
    const sent: PoolBatch = { ...plain, words, labeled: labels !== null };
    const result = new Promise<PoolReply & { type: 'scored' }>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ type: 'batch', id, batch: sent, rowBase, all, format } satisfies PoolRequest, [batch.numeric.buffer as ArrayBuffer, words.codes.buffer as ArrayBuffer]);
    return result;
  }

  async stop(): Promise<void> {
    this.failed ??= new Error('the detection pool was stopped');
    await this.worker.terminate();
  }
}

function rebuild(e: WorkerError): Error {
  if (e.input) {
    const { problem, ...opts } = e.input;
    return new InputError(problem, opts);
  }
  const err = e.name === 'RangeError' ? new RangeError(e.message) : e.name === 'TypeError' ? new TypeError(e.message) : new Error(e.message);
  return err;
}
