// Columnar record batches: typed arrays and per-column string arrays, no per-row objects.

import { InputError, quoteValue } from './errors.ts';
import {
  CATEGORICAL_FEATURES,
  CATEGORICAL_FEATURE_INDEX,
  FEATURE_NAMES,
  NUMERIC_FEATURES,
  NUMERIC_FEATURE_INDEX,
  normalizeLabel,
} from './schema.ts';

export interface RecordBatch {
  count: number;
  /** 1-based source line of the first record in this batch (record index for JSON input). */
  firstLine: number;
  /** count × NUMERIC_FEATURES.length, row-major, NUMERIC_FEATURES order. */
  numeric: Float64Array;
  /** protocol_type, service, flag values, one array per column, each of length count. */
  categorical: [string[], string[], string[]];
  /** Normalised label per row (trimmed, trailing '.' removed, lower-case), null when unlabeled. */
  labels: string[] | null;
}

export const NUM_NUMERIC = NUMERIC_FEATURES.length;

export function emptyBatch(labeled = false, firstLine = 1): RecordBatch {
  return { count: 0, firstLine, numeric: new Float64Array(0), categorical: [[], [], []], labels: labeled ? [] : null };
}

/** Batch under construction, up to `capacity` rows; rows are appended by the readers. */
export class BatchBuilder {
  count = 0;
  firstLine = 1;
  /** Grown on demand so small inputs do not allocate a full batch. */
  numeric: Float64Array;
  readonly categorical: [string[], string[], string[]] = [[], [], []];
  readonly labels: string[] | null;

  constructor(
    readonly capacity: number,
    labeled: boolean,
  ) {
    this.numeric = new Float64Array(Math.min(capacity, 1024) * NUM_NUMERIC);
    this.labels = labeled ? [] : null;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Make room for one more row. */
  reserve(): void {
    if ((this.count + 1) * NUM_NUMERIC <= this.numeric.length) return;
    const rows = Math.min(this.capacity, Math.max(1, this.count * 2));
    const next = new Float64Array(rows * NUM_NUMERIC);
    next.set(this.numeric);
    this.numeric = next;
  }

  finish(): RecordBatch {
    const n = this.count;
    const size = n * NUM_NUMERIC;
    return {
      count: n,
      firstLine: this.firstLine,
      // Copy when short so a small final batch does not pin a larger buffer.
      numeric: size === this.numeric.length ? this.numeric : this.numeric.slice(0, size),
      categorical: this.categorical,
      labels: this.labels,
    };
  }
}

/** Parse a numeric CSV field; NaN for '', text, NaN and ±Infinity. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export function parseNumeric(field: string): number {
  const n = field.length;
  // Fast path for plain decimals ("0", "0.05", "491"), which are nearly all KDD values:
  // fewer than 16 digits make an exact integer m, and m / 10^k is then correctly
  // rounded, i.e. exactly what Number() returns.
  if (n > 0 && n < 16) {
    let m = 0, frac = -1, digits = 0;
    for (let i = 0; i < n; i++) {
      const c = field.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        if (frac >= 0) frac++;
      } else if (c === 46 && frac < 0) {
        frac = 0;
      } else {
        digits = -1; // sign, exponent, text: the general path decides
        break;
      }
    }
    if (digits > 0) return frac > 0 ? m / POW10[frac] : m;
  }
  if (field === '') return NaN;
  const v = Number(field);
  return Number.isFinite(v) ? v : NaN;
}

/**
 * Concatenate batches (copying). Labels are kept only if every batch has them;
 * mixing labeled and unlabeled batches is a programming error.
 */
export function concatBatches(batches: RecordBatch[]): RecordBatch {
  if (batches.length === 0) return emptyBatch();
  const labeled = batches[0].labels !== null;
  if (batches.some((b) => (b.labels !== null) !== labeled)) {
    throw new Error('concatBatches: cannot mix labeled and unlabeled batches');
  }
  const first = batches[0];
  if (batches.length === 1) {
    return { count: first.count, firstLine: first.firstLine, numeric: first.numeric, categorical: first.categorical, labels: first.labels };
  }
  let count = 0;
  for (const b of batches) count += b.count;
  const numeric = new Float64Array(count * NUM_NUMERIC);
  const categorical: [string[], string[], string[]] = [[], [], []];
  const labels: string[] | null = labeled ? [] : null;
  let offset = 0;
  for (const b of batches) {
    numeric.set(b.numeric.subarray(0, b.count * NUM_NUMERIC), offset);
    offset += b.count * NUM_NUMERIC;
    for (let c = 0; c < 3; c++) appendAll(categorical[c], b.categorical[c], b.count);
    if (labels) appendAll(labels, b.labels!, b.count);
  }
  return { count, firstLine: first.firstLine, numeric, categorical, labels };
}

// push(...spread) overflows the call stack on large arrays; a loop does not.
function appendAll(dst: string[], src: string[], n: number): void {
  for (let i = 0; i < n; i++) dst.push(src[i]);
}

/**
 * Rows [start, end) as a new batch (copies). firstLine is firstLine + start, exact
 * when the source had no blank lines.
 */
export function sliceBatch(b: RecordBatch, start: number, end: number): RecordBatch {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > b.count) {
    throw new RangeError(`sliceBatch: invalid range [${start}, ${end}) for a batch of ${b.count} rows`);
  }
  return {
    count: end - start,
    firstLine: b.firstLine + start,
    numeric: b.numeric.slice(start * NUM_NUMERIC, end * NUM_NUMERIC),
    categorical: [
      b.categorical[0].slice(start, end),
      b.categorical[1].slice(start, end),
      b.categorical[2].slice(start, end),
    ],
    labels: b.labels ? b.labels.slice(start, end) : null,
  };
}

/** The 41 raw feature values of row i in FEATURE_NAMES order (for explanations). */
export function rowValues(b: RecordBatch, i: number): (string | number)[] {
  if (!Number.isInteger(i) || i < 0 || i >= b.count) {
    throw new RangeError(`rowValues: row ${i} is outside a batch of ${b.count} rows`);
  }
  const out: (string | number)[] = new Array(FEATURE_NAMES.length);
  for (let j = 0; j < NUM_NUMERIC; j++) out[NUMERIC_FEATURE_INDEX[j]] = b.numeric[i * NUM_NUMERIC + j];
  for (let c = 0; c < 3; c++) out[CATEGORICAL_FEATURE_INDEX[c]] = b.categorical[c][i];
  return out;
}

const NUMERIC_POSITION = (() => {
  const pos = new Int32Array(FEATURE_NAMES.length).fill(-1);
  NUMERIC_FEATURE_INDEX.forEach((f, j) => { pos[f] = j; });
  return pos;
})();

/** Raw value of one feature (FEATURE_NAMES index) of row i, without building the whole row. */
export function featureValue(b: RecordBatch, i: number, feature: number): string | number {
  const j = NUMERIC_POSITION[feature];
  if (j >= 0) return b.numeric[i * NUM_NUMERIC + j];
  const c = CATEGORICAL_FEATURE_INDEX.indexOf(feature);
  if (c < 0) throw new RangeError(`featureValue: no feature ${feature}`);
  return b.categorical[c][i];
}

const RECORD_HINT =
  'Each record must be an array of the 41 KDD feature values (optionally followed by label and difficulty) or an object keyed by feature name.';
const LABEL_KEYS = ['label', 'class', 'attack', 'attack_type'];

/**
 * Build a batch from JSON records: arrays of 41 values [+ label [+ difficulty]]
 * or objects keyed by feature name [+ label]. Numbers may be numeric strings.
 */
export function batchFromRecords(records: unknown[], source?: string): RecordBatch {
  if (!Array.isArray(records)) {
    throw new InputError(`expected an array of records, got ${describeType(records)}`, { source, hint: RECORD_HINT });
  }
  if (records.length === 0) return emptyBatch();
  const labeled = recordLabel(records[0]) !== undefined;
  const builder = new BatchBuilder(records.length, labeled);
  for (let r = 0; r < records.length; r++) {
    const rec = records[r];
    const fail = (problem: string, column?: number): never => {
      throw new InputError(problem, { source, line: r + 1, column, unit: 'record', hint: RECORD_HINT });
    };
    let get: (f: number) => unknown;
    let col: (f: number) => number | undefined;
    if (Array.isArray(rec)) {
      if (rec.length < 41 || rec.length > 43) {
        fail(`expected 41 feature values (optionally followed by label and difficulty), found ${rec.length}`);
      }
      get = (f) => rec[f];
      col = (f) => f + 1;
    } else if (rec !== null && typeof rec === 'object') {
      const obj = rec as Record<string, unknown>;
      const missing = FEATURE_NAMES.filter((f) => obj[f] === undefined);
      if (missing.length > 0) fail(`missing ${missing.length === 1 ? 'the field' : 'the fields'} ${missing.join(', ')}`);
      get = (f) => obj[FEATURE_NAMES[f]];
      col = () => undefined;
    } else {
      return fail(`expected an array or an object, got ${describeType(rec)}`);
    }
    builder.reserve();
    const base = r * NUM_NUMERIC;
    for (let j = 0; j < NUM_NUMERIC; j++) {
      const f = NUMERIC_FEATURE_INDEX[j];
      const v = get(f);
      const x = typeof v === 'number' ? (Number.isFinite(v) ? v : NaN) : typeof v === 'string' ? parseNumeric(v.trim()) : NaN;
      if (Number.isNaN(x)) fail(`expected a number for ${FEATURE_NAMES[f]}, got ${describeValue(v)}`, col(f));
      builder.numeric[base + j] = x;
    }
    for (let c = 0; c < 3; c++) {
      const f = CATEGORICAL_FEATURE_INDEX[c];
      const v = get(f);
      if (typeof v !== 'string' || v.trim() === '') {
        fail(`expected a non-empty string for ${CATEGORICAL_FEATURES[c]}, got ${describeValue(v)}`, col(f));
      }
      builder.categorical[c].push((v as string).trim());
    }
    const label = recordLabel(rec);
    if (builder.labels) {
      if (label === undefined) fail('has no label but record 1 has one');
      if (typeof label !== 'string' || normalizeLabel(label) === '') {
        fail(`expected a label such as "normal" or an attack name, got ${describeValue(label)}`, Array.isArray(rec) ? 42 : undefined);
      }
      builder.labels.push(normalizeLabel(label as string));
    } else if (label !== undefined) {
      fail('has a label but record 1 has none');
    }
    builder.count++;
  }
  return builder.finish();
}

function recordLabel(rec: unknown): unknown {
  if (Array.isArray(rec)) return rec.length > 41 ? rec[41] : undefined;
  if (rec !== null && typeof rec === 'object') {
    const obj = rec as Record<string, unknown>;
    for (const k of LABEL_KEYS) if (obj[k] !== undefined) return obj[k];
  }
  return undefined;
}

function describeType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return v.trim() === '' ? 'an empty value' : quoteValue(v);
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return describeType(v);
}
