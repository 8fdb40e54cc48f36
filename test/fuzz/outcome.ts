// One fuzz case through the reader or the detector: a result whose invariants hold,
// or a clean InputError. Anything else (another exception type, a wasm RuntimeError,
// a hang) fails the property with the case in the message.

import { expect } from 'vitest';
import { concatBatches, type RecordBatch } from '../../src/data/batch.ts';
import { readBatches } from '../../src/data/reader.ts';
import type { DetectorChoice } from '../../src/detect/choice.ts';
import type { Detector } from '../../src/detect/detector.ts';
import type { DetectionRecord } from '../../src/detect/report.ts';
import { runDetection } from '../../src/detect/run.ts';
import { checkBatch, checkInputError, chunked, inTime, type Split } from './support.ts';

export type Outcome =
  | { ok: true; format: string; batch: RecordBatch; batches: number }
  | { ok: false; message: string };

/** The input as the reader gets it: byte chunks, or text chunks (decoded as a stream would be). */
export function deliver(bytes: Uint8Array, split: Split, binary: boolean): AsyncIterable<Uint8Array | string> {
  const pieces = chunked(bytes, split);
  if (binary || !split.asString) return pieces;
  return (async function* () {
    const d = new TextDecoder();
    for await (const p of pieces) { const t = d.decode(p, { stream: true }); if (t) yield t; }
    const t = d.decode();
    if (t) yield t;
  })();
}

/** Reads to the end in batches of `batchSize`, checking every batch; an error must be an InputError. */
export async function readOutcome(input: AsyncIterable<Uint8Array | string> | Uint8Array, source: string, batchSize: number, where: string): Promise<Outcome> {
  return inTime(async () => {
    const batches: RecordBatch[] = [];
    let format = '';
    try {
      for await (const b of readBatches(input, { source, batchSize })) {
        checkBatch(b, `${where}: batch ${batches.length}`, batchSize);
        expect(b.count, `${where}: an empty batch was yielded`).toBeGreaterThan(0);
        format = b.format;
        batches.push(b);
      }
    } catch (err) {
      checkInputError(err, source, where);
      return { ok: false, message: err.message };
    }
    const batch = concatBatches(batches);
    checkBatch(batch, `${where}: all batches`);
    return { ok: true, format, batch, batches: batches.length };
  }, where);
}

/** What chunking must not change: the rows (values, categories, labels, identities) or the error. */
export function digest(o: Outcome): unknown {
  if (!o.ok) return { error: o.message };
  const b = o.batch;
  return {
    format: o.format, schema: b.schema.name, count: b.count, firstLine: b.firstLine,
    numeric: Array.from(b.numeric), categorical: b.categorical, labels: b.labels, identity: b.identity,
  };
}

const SEVERITIES = ['Normal', 'Low', 'Medium', 'High', 'Critical'];

/** Detection over the input: a report consistent with its records, or an InputError. */
export async function detectOutcome(
  detector: Detector | DetectorChoice, input: AsyncIterable<Uint8Array | string> | Uint8Array, source: string, where: string,
): Promise<{ ok: true; rows: number } | { ok: false; message: string }> {
  return inTime(async () => {
    const records: DetectionRecord[] = [];
    try {
      const report = await runDetection(detector, input, { source, all: true, onRecord: (r) => records.push(r) });
      const { summary } = report;
      expect(records.length, `${where}: --all reports every row`).toBe(summary.rows);
      expect(summary.anomalies, `${where}: anomalies`).toBe(records.filter((r) => r.anomaly).length);
      for (const r of records) {
        if (!(Number.isFinite(r.score) && r.score >= 0)) expect.fail(`${where}: row ${r.row} has score ${r.score}`);
        if (!(r.confidence >= 0 && r.confidence <= 1)) expect.fail(`${where}: row ${r.row} has confidence ${r.confidence}`);
        if (!SEVERITIES.includes(r.severity)) expect.fail(`${where}: row ${r.row} has severity ${r.severity}`);
        if (!Number.isInteger(r.row) || r.row < 1) expect.fail(`${where}: row number ${r.row}`);
        for (const f of r.topFeatures) if (!Number.isFinite(f.share)) expect.fail(`${where}: row ${r.row}: feature ${f.feature} share ${f.share}`);
      }
      expect(JSON.parse(JSON.stringify(report.summary)), `${where}: the summary survives JSON`).toEqual(report.summary);
      return { ok: true, rows: summary.rows };
    } catch (err) {
      checkInputError(err, source, where);
      return { ok: false, message: err.message };
    }
  }, where);
}
