// Columnar record batches: typed arrays and per-column string arrays, no per-row objects.

import { InputError, quoteValue } from './errors.ts';
import { emptyIdentity, type IdentityColumns } from './identity.ts';
import { sameSchema, schemaLayout, type InputSchema } from './input-schema.ts';
import { KDD_SCHEMA, NUMERIC_FEATURES, normalizeLabel } from './schema.ts';

export interface RecordBatch {
  /** The features this batch holds (KDD_SCHEMA for KDD files). */
  schema: InputSchema;
  count: number;
  /** 1-based source line of the first record in this batch (record index for JSON input). */
  firstLine: number;
  /** count × (numeric features of the schema), row-major, in schema order. */
  numeric: Float64Array;
  /** One array per categorical feature of the schema (in schema order), each of length count. */
  categorical: string[][];
  /** Normalised label per row (trimmed, trailing '.' removed, lower-case), null when unlabeled. */
  labels: string[] | null;
  /** Who talked to whom, when the source knows (pcap, Zeek, flow CSVs); null for KDD files. */
  identity: IdentityColumns | null;
}

/** Numeric features of the KDD schema. */
export const NUM_NUMERIC = NUMERIC_FEATURES.length;

const numericWidth = (s: InputSchema): number => schemaLayout(s).numeric.length;
const categoricalColumns = (s: InputSchema): string[][] => schemaLayout(s).categorical.map(() => []);

export function emptyBatch(labeled = false, firstLine = 1, schema: InputSchema = KDD_SCHEMA): RecordBatch {
  return { schema, count: 0, firstLine, numeric: new Float64Array(0), categorical: categoricalColumns(schema), labels: labeled ? [] : null, identity: null };
}

/** Batch under construction, up to `capacity` rows; rows are appended by the readers. */
export class BatchBuilder {
  count = 0;
  firstLine = 1;
  /** Grown on demand so small inputs do not allocate a full batch. */
  numeric: Float64Array;
  readonly categorical: string[][];
  readonly labels: string[] | null;
  readonly identity: IdentityColumns | null;
  /** Numeric values per row. */
  readonly width: number;

  constructor(
    readonly capacity: number,
    labeled: boolean,
    readonly schema: InputSchema = KDD_SCHEMA,
    withIdentity = false,
  ) {
    this.width = numericWidth(schema);
    this.numeric = new Float64Array(Math.min(capacity, 1024) * this.width);
    this.categorical = categoricalColumns(schema);
    this.labels = labeled ? [] : null;
    this.identity = withIdentity ? emptyIdentity() : null;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Room for a whole batch at once (the input is known to be large: no doubling, copying and zeroing on the way). */
  presize(): void {
    this.reserve(this.capacity - this.count);
  }

  /** Make room for `more` rows (one by default). */
  reserve(more = 1): void {
    if ((this.count + more) * this.width <= this.numeric.length) return;
    const rows = Math.min(this.capacity, Math.max(this.count + more, this.count * 2));
    const next = new Float64Array(rows * this.width);
    next.set(this.numeric);
    this.numeric = next;
  }

  finish(): RecordBatch {
    const n = this.count;
    const size = n * this.width;
    return {
      schema: this.schema,
      count: n,
      firstLine: this.firstLine,
      // Copy when short so a small final batch does not pin a larger buffer.
      numeric: size === this.numeric.length ? this.numeric : this.numeric.slice(0, size),
      categorical: this.categorical,
      labels: this.labels,
      identity: this.identity,
    };
  }
}

/** Powers of ten up to 10^15: a plain decimal of fewer than 16 digits is m / POW10[k], exactly as Number() reads it. */
export const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Parse a numeric CSV field; NaN for '', text, NaN and ±Infinity. */
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
 * Concatenate batches (copying). Labels (identities) are kept only if every batch
 * has them; mixing labeled and unlabeled batches, or schemas, is a programming error.
 */
export function concatBatches(batches: RecordBatch[]): RecordBatch {
  if (batches.length === 0) return emptyBatch();
  const first = batches[0];
  const labeled = first.labels !== null;
  if (batches.some((b) => (b.labels !== null) !== labeled)) {
    throw new Error('concatBatches: cannot mix labeled and unlabeled batches');
  }
  if (batches.some((b) => b.schema !== first.schema)) throw new Error('concatBatches: cannot mix schemas');
  if (batches.length === 1) {
    const { schema, count, firstLine, numeric, categorical, labels, identity } = first;
    return { schema, count, firstLine, numeric, categorical, labels, identity };
  }
  const width = numericWidth(first.schema);
  let count = 0;
  for (const b of batches) count += b.count;
  const numeric = new Float64Array(count * width);
  const categorical = categoricalColumns(first.schema);
  const labels: string[] | null = labeled ? [] : null;
  const identity = batches.every((b) => b.identity !== null) ? emptyIdentity() : null;
  let offset = 0;
  for (const b of batches) {
    numeric.set(b.numeric.subarray(0, b.count * width), offset);
    offset += b.count * width;
    for (let c = 0; c < categorical.length; c++) appendAll(categorical[c], b.categorical[c], b.count);
    if (labels) appendAll(labels, b.labels!, b.count);
    if (identity) for (const k of Object.keys(identity) as (keyof IdentityColumns)[]) appendAll(identity[k] as unknown[], b.identity![k] as unknown[], b.count);
  }
  return { schema: first.schema, count, firstLine: first.firstLine, numeric, categorical, labels, identity };
}

// push(...spread) overflows the call stack on large arrays; a loop does not.
function appendAll<T>(dst: T[], src: T[], n: number): void {
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
  const width = numericWidth(b.schema);
  let identity: IdentityColumns | null = null;
  if (b.identity) {
    identity = emptyIdentity();
    for (const k of Object.keys(identity) as (keyof IdentityColumns)[]) (identity[k] as unknown[]) = b.identity[k].slice(start, end);
  }
  return {
    schema: b.schema,
    count: end - start,
    firstLine: b.firstLine + start,
    numeric: b.numeric.slice(start * width, end * width),
    categorical: b.categorical.map((c) => c.slice(start, end)),
    labels: b.labels ? b.labels.slice(start, end) : null,
    identity,
  };
}

/** The raw feature values of row i in schema order (for explanations). */
export function rowValues(b: RecordBatch, i: number): (string | number)[] {
  if (!Number.isInteger(i) || i < 0 || i >= b.count) {
    throw new RangeError(`rowValues: row ${i} is outside a batch of ${b.count} rows`);
  }
  const l = schemaLayout(b.schema);
  const width = l.numeric.length;
  const out: (string | number)[] = new Array(l.names.length);
  for (let j = 0; j < width; j++) out[l.numericFeature[j]] = b.numeric[i * width + j];
  for (let c = 0; c < l.categorical.length; c++) out[l.categoricalFeature[c]] = b.categorical[c][i];
  return out;
}

/** Raw value of one feature (schema index) of row i, without building the whole row. */
export function featureValue(b: RecordBatch, i: number, feature: number): string | number {
  const l = schemaLayout(b.schema);
  const j = l.numericPosition[feature];
  if (j >= 0) return b.numeric[i * l.numeric.length + j];
  const c = l.categoricalPosition[feature];
  if (c === undefined || c < 0) throw new RangeError(`featureValue: no feature ${feature}`);
  return b.categorical[c][i];
}

/**
 * The batch's rows with only the features of `to` (a subset of the batch's schema,
 * by name and kind): how a model reads a file that has more features than it uses.
 */
export function projectBatch(b: RecordBatch, to: InputSchema): RecordBatch {
  if (b.schema === to) return b;
  if (sameSchema(b.schema, to)) return { ...b, schema: to };
  const from = schemaLayout(b.schema);
  const target = schemaLayout(to);
  const srcNumeric = Int32Array.from(target.numeric, (name) => from.numericPosition[from.index.get(name) ?? -1] ?? -1);
  const srcCategorical = target.categorical.map((name) => from.categoricalPosition[from.index.get(name) ?? -1] ?? -1);
  if (srcNumeric.some((j) => j < 0) || srcCategorical.some((c) => c < 0)) {
    throw new Error(`projectBatch: ${b.schema.name} does not have every feature of ${to.name}`);
  }
  const wIn = from.numeric.length, wOut = target.numeric.length, n = b.count;
  const numeric = new Float64Array(n * wOut);
  for (let i = 0; i < n; i++) for (let j = 0; j < wOut; j++) numeric[i * wOut + j] = b.numeric[i * wIn + srcNumeric[j]];
  return { ...b, schema: to, numeric, categorical: srcCategorical.map((c) => b.categorical[c]) };
}

const recordHint = (s: InputSchema): string => s === KDD_SCHEMA
  ? 'Each record must be an array of the 41 KDD feature values (optionally followed by label and difficulty) or an object keyed by feature name.'
  : `Each record must be an array of the ${s.features.length} feature values of the model's "${s.name}" schema (optionally followed by a label) or an object keyed by feature name.`;
const LABEL_KEYS = ['label', 'class', 'attack', 'attack_type'];

/**
 * Build a batch from JSON records: arrays of the schema's values [+ label [+ difficulty]]
 * or objects keyed by feature name [+ label]. Numbers may be numeric strings.
 */
export function batchFromRecords(records: unknown[], source?: string, schema: InputSchema = KDD_SCHEMA): RecordBatch {
  const hint = recordHint(schema);
  if (!Array.isArray(records)) {
    throw new InputError(`expected an array of records, got ${describeType(records)}`, { source, hint });
  }
  const l = schemaLayout(schema);
  const nf = l.names.length;
  if (records.length === 0) return emptyBatch(false, 1, schema);
  const labeled = recordLabel(records[0], nf) !== undefined;
  const builder = new BatchBuilder(records.length, labeled, schema);
  const width = builder.width;
  for (let r = 0; r < records.length; r++) {
    const rec = records[r];
    const fail = (problem: string, column?: number): never => {
      throw new InputError(problem, { source, line: r + 1, column, unit: 'record', hint });
    };
    let get: (f: number) => unknown;
    let col: (f: number) => number | undefined;
    if (Array.isArray(rec)) {
      if (rec.length < nf || rec.length > nf + 2) {
        fail(`expected ${nf} feature values (optionally followed by label and difficulty), found ${rec.length}`);
      }
      get = (f) => rec[f];
      col = (f) => f + 1;
    } else if (rec !== null && typeof rec === 'object') {
      const obj = rec as Record<string, unknown>;
      const missing = l.names.filter((f) => obj[f] === undefined);
      if (missing.length > 0) fail(`missing ${missing.length === 1 ? 'the field' : 'the fields'} ${missing.join(', ')}`);
      get = (f) => obj[l.names[f]];
      col = () => undefined;
    } else {
      return fail(`expected an array or an object, got ${describeType(rec)}`);
    }
    builder.reserve();
    const base = r * width;
    for (let j = 0; j < width; j++) {
      const f = l.numericFeature[j];
      const v = get(f);
      const x = typeof v === 'number' ? (Number.isFinite(v) ? v : NaN) : typeof v === 'string' ? parseNumeric(v.trim()) : NaN;
      if (Number.isNaN(x)) fail(`expected a number for ${l.names[f]}, got ${describeValue(v)}`, col(f));
      builder.numeric[base + j] = x;
    }
    for (let c = 0; c < l.categorical.length; c++) {
      const f = l.categoricalFeature[c];
      const v = get(f);
      if (typeof v !== 'string' || v.trim() === '') {
        fail(`expected a non-empty string for ${l.names[f]}, got ${describeValue(v)}`, col(f));
      }
      builder.categorical[c].push((v as string).trim());
    }
    const label = recordLabel(rec, nf);
    if (builder.labels) {
      if (label === undefined) fail('has no label but record 1 has one');
      if (typeof label !== 'string' || normalizeLabel(label) === '') {
        fail(`expected a label such as "normal" or an attack name, got ${describeValue(label)}`, Array.isArray(rec) ? nf + 1 : undefined);
      }
      builder.labels.push(normalizeLabel(label as string));
    } else if (label !== undefined) {
      fail('has a label but record 1 has none');
    }
    builder.count++;
  }
  return builder.finish();
}

function recordLabel(rec: unknown, features: number): unknown {
  if (Array.isArray(rec)) return rec.length > features ? rec[features] : undefined;
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
