// One NATS message = one KDD record. A message has no stream header line to
// describe it, so the record must describe itself:
//
//   - a KDD CSV line: the 41 feature values, optionally followed by a label
//     (NSL-KDD: label, difficulty; KDD Cup 1999: a label ending in '.'), no header,
//     no quoting (KDD exports have none);
//   - a JSON record: an array of the same values, or an object keyed by feature
//     name (+ "label"), exactly as the HTTP API's {"records": [...]} takes them.
//
// Zeek conn.log lines (TSV or JSON) are refused on purpose: their KDD traffic
// features (count, srv_count, the error rates ...) are computed over windows of
// the *whole* log (the last 2 seconds, the last 100 connections), and a work
// queue splits the log between detectors. Each detector would see a fraction of
// the windows, so a line's score would depend on which detector took it. Compute
// the features once, upstream (one featurizer), and publish KDD records; or run
// `npm run detect -- --follow conn.log` beside the sensor.

import { batchFromRecords, concatBatches, type RecordBatch } from '../data/batch.ts';
import { InputError } from '../data/errors.ts';
import { FEATURE_NAMES } from '../data/schema.ts';

const NUM_FEATURES = FEATURE_NAMES.length;

export type ParsedRecord =
  | { ok: true; record: unknown[] | Record<string, unknown> }
  | { ok: false; problem: string; hint: string };

const CSV_HINT = 'Publish one KDD record per message: a CSV line of the 41 feature values (optionally label and difficulty), a JSON array of them, or a JSON object keyed by feature name.';
const ZEEK_HINT = 'Zeek conn.log lines need the windows of the whole log for their traffic features, which a shared work queue splits between detectors. Compute the KDD features upstream and publish those records, or run `npm run detect -- --follow conn.log` beside the sensor.';
const ZEEK_KEYS = ['id.orig_h', 'id.resp_h', 'conn_state', 'uid'];

/** Message bytes → one validated-shape record (values are checked when batched). */
export function parseRecord(payload: Uint8Array | string): ParsedRecord {
  const text = (typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: false }).decode(payload)).trim();
  if (text === '') return bad('the message is empty', CSV_HINT);
  if (text.includes('\n')) return bad('the message holds more than one line; send one record per message', CSV_HINT);
  const c = text.charCodeAt(0);
  if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return bad(`the message is not valid JSON (${(err as Error).message})`, CSV_HINT);
    }
    if (Array.isArray(value)) return { ok: true, record: value };
    if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (ZEEK_KEYS.filter((k) => k in obj).length >= 2) return bad('this is a Zeek conn.log record, which detectors sharing a queue cannot score', ZEEK_HINT);
      return { ok: true, record: obj };
    }
    return bad('expected a JSON array or object', CSV_HINT);
  }
  if (text.startsWith('#')) return bad('this is a header or comment line, not a record (Zeek TSV headers cannot be sent per message)', ZEEK_HINT);
  if (text.includes('\t')) return bad('this looks like a Zeek conn.log TSV line, which detectors sharing a queue cannot score', ZEEK_HINT);
  if (text.includes('"')) return bad('quoted CSV fields are not supported in a message (KDD records have none)', CSV_HINT);
  const fields = text.split(',');
  if (fields.length < NUM_FEATURES || fields.length > NUM_FEATURES + 2) {
    return bad(`expected ${NUM_FEATURES} comma-separated feature values (optionally followed by label and difficulty), found ${fields.length}`, CSV_HINT);
  }
  return { ok: true, record: fields };
}

function bad(problem: string, hint: string): ParsedRecord {
  return { ok: false, problem, hint };
}

export interface RecordGroup {
  batch: RecordBatch;
  /** Position in the input list of each row of `batch`. */
  index: number[];
}

/**
 * Validates each record on its own (so one bad record names itself and spoils
 * nothing else), then groups the good ones into batches: labelled and
 * unlabelled records go to separate batches, since a batch is one or the other.
 */
export function batchRecords(records: (unknown[] | Record<string, unknown>)[]): { groups: RecordGroup[]; problems: Map<number, { problem: string; hint: string }> } {
  const problems = new Map<number, { problem: string; hint: string }>();
  const singles: { labeled: RecordBatch[]; unlabeled: RecordBatch[] } = { labeled: [], unlabeled: [] };
  const idx: { labeled: number[]; unlabeled: number[] } = { labeled: [], unlabeled: [] };
  records.forEach((rec, i) => {
    let b: RecordBatch;
    try {
      b = batchFromRecords([rec], 'message');
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.set(i, { problem: err.problem, hint: err.hint });
      return;
    }
    const key = b.labels ? 'labeled' : 'unlabeled';
    singles[key].push(b);
    idx[key].push(i);
  });
  const groups: RecordGroup[] = [];
  for (const key of ['unlabeled', 'labeled'] as const) {
    if (singles[key].length > 0) groups.push({ batch: concatBatches(singles[key]), index: idx[key] });
  }
  return { groups, problems };
}
