// Fitted preprocessing (log1p → one-hot → standardise), serialisable as plain JSON.

import { rowValues, type RecordBatch } from './batch.ts';
import { checkSchema, logNames, sameSchema, schemaLayout, type InputSchema } from './input-schema.ts';
import { KDD_SCHEMA } from './schema.ts';

export interface PreprocessorState {
  /**
   * The input features. Absent means KDD's 41 (KDD_SCHEMA), so that KDD models
   * keep the bytes they had before schemas were recorded.
   */
  schema?: InputSchema;
  /** Training vocabulary per categorical feature (schema order), sorted. */
  categories: Record<string, string[]>;
  logFeatures: string[];
  /** Output column names: the numeric features, then 'protocol_type=tcp', ... in vocabulary order. */
  columns: string[];
  /** Per output column. */
  mean: number[];
  /** Per output column: max(std, minScale). */
  scale: number[];
}

export interface FitOptions {
  /**
   * Lower bound for every column's scale (default DEFAULT_MIN_SCALE = 1e-2).
   * A column that is (nearly) constant on normal traffic — num_shells, a service
   * never used by normal hosts — has std ≈ 0; dividing by it would put the first
   * unusual value at ~1e6 standard deviations and let that one column swamp the
   * distance. With the floor, a deviation of 1 unit still scores 100, so it
   * registers strongly without making every other feature irrelevant.
   */
  minScale?: number;
}

export const DEFAULT_MIN_SCALE = 1e-2;

export interface TransformResult {
  /** count × dim, row-major. */
  matrix: Float32Array;
  /** Rows with at least one categorical value not seen in training. */
  unknown: number;
  /** feature → unseen value → count (only features that had unseen values). */
  unknownValues: Record<string, Record<string, number>>;
}

/** Preprocessor.encoding: what the module needs to transform rows itself. */
export interface Encoding {
  /** Numeric features (the batch's numeric width). */
  width: number;
  /** Output columns. */
  dim: number;
  /** Categorical features (a row's codes for categoryColumns). */
  categorical: number;
  logMask: Uint8Array;
  mean: Float64Array;
  scale: Float64Array;
  /** Per output column: its value before a row's values are set (numeric ones: 0). */
  zero: Float32Array;
  /** Per output column: the standardised 1 of a one-hot column (numeric ones: 0). */
  one: Float32Array;
}

/** Standardised values are clamped to ±MAX_Z (a million standard deviations). */
export const MAX_Z = 1e6;

export class Preprocessor {
  readonly state: PreprocessorState;
  readonly schema: InputSchema;
  private readonly numericCount: number;
  private readonly categoricalNames: readonly string[];
  private readonly logMask: Uint8Array; // per numeric feature
  private readonly codes: Map<string, number>[]; // per categorical feature: value → output column
  private readonly mean: Float64Array;
  private readonly scale: Float64Array;
  private readonly zero: Float64Array; // standardised value of a one-hot 0, per column
  private readonly one: Float64Array; // standardised value of a one-hot 1, per column
  private readonly zeroTail: Float32Array; // the one-hot columns of a row before its ones are set
  private readonly columnFeature: string[];
  private encoded: Encoding | null = null;

  constructor(state: PreprocessorState) {
    const schema = state.schema === undefined ? KDD_SCHEMA : checkSchema(state.schema);
    validateState(state, schema);
    // Own deep copy: later edits to the caller's object must not desync the lookup tables.
    this.state = deepFreeze(JSON.parse(JSON.stringify(state)) as PreprocessorState);
    this.schema = sameSchema(schema, KDD_SCHEMA) ? KDD_SCHEMA : schema;
    const s = this.state;
    const dim = s.columns.length;
    const { numeric, categorical } = schemaLayout(this.schema);
    this.numericCount = numeric.length;
    this.categoricalNames = categorical;
    this.logMask = Uint8Array.from(numeric, (f) => (s.logFeatures.includes(f) ? 1 : 0));
    this.mean = Float64Array.from(s.mean);
    this.scale = Float64Array.from(s.scale);
    this.zero = new Float64Array(dim);
    this.one = new Float64Array(dim);
    this.columnFeature = numeric.slice();
    this.codes = [];
    let col = numeric.length;
    for (const f of categorical) {
      const map = new Map<string, number>();
      for (const v of s.categories[f]) {
        map.set(v, col);
        // Clamped like the numeric columns: a hostile mean/scale must not put ±Infinity in the matrix.
        this.zero[col] = clampZ((0 - this.mean[col]) / this.scale[col]);
        this.one[col] = clampZ((1 - this.mean[col]) / this.scale[col]);
        this.columnFeature.push(f);
        col++;
      }
      this.codes.push(map);
    }
    this.zeroTail = Float32Array.from(this.zero.subarray(numeric.length));
  }

  /**
   * Fit on a training batch. The vocabulary comes from all rows (so attack-only
   * services still get a column); mean/std only from rows with normalMask[i] === 1
   * (all rows when null), because the model describes normal traffic.
   */
  static fit(train: RecordBatch, normalMask: Uint8Array | null, opts: FitOptions = {}): Preprocessor {
    const minScale = opts.minScale ?? DEFAULT_MIN_SCALE;
    if (!(minScale > 0) || !Number.isFinite(minScale)) {
      throw new RangeError(`minScale must be a positive finite number, got ${minScale}`);
    }
    const n = train.count;
    if (normalMask && normalMask.length !== n) {
      throw new Error(`normalMask has ${normalMask.length} entries but the batch has ${n} rows`);
    }
    if (n === 0) throw new Error('cannot fit the preprocessor on an empty batch');
    const use = (i: number): boolean => normalMask === null || normalMask[i] === 1;
    let m = 0;
    for (let i = 0; i < n; i++) if (use(i)) m++;
    if (m === 0) throw new Error('cannot fit the preprocessor: no training rows are marked normal');

    const schema = train.schema;
    const { numeric: numericFeatures, categorical: categoricalFeatures } = schemaLayout(schema);
    const NUM = numericFeatures.length;
    const vocab = train.categorical.map((values) => Array.from(new Set(values.slice(0, n))).sort());
    const columns = [...numericFeatures, ...categoricalFeatures.flatMap((f, c) => vocab[c].map((v) => `${f}=${v}`))];
    const dim = columns.length;
    const logFeatures = logNames(schema);
    const logMask = Uint8Array.from(numericFeatures, (f) => (logFeatures.includes(f) ? 1 : 0));

    // Numeric columns: two passes in float64 for an accurate variance.
    const sum = new Float64Array(dim);
    const sq = new Float64Array(dim);
    const x = train.numeric;
    for (let i = 0; i < n; i++) {
      if (!use(i)) continue;
      for (let j = 0; j < NUM; j++) sum[j] += logValue(x[i * NUM + j], logMask[j]);
    }
    for (let j = 0; j < NUM; j++) sum[j] /= m;
    for (let i = 0; i < n; i++) {
      if (!use(i)) continue;
      for (let j = 0; j < NUM; j++) {
        const d = logValue(x[i * NUM + j], logMask[j]) - sum[j];
        sq[j] += d * d;
      }
    }
    for (let j = 0; j < NUM; j++) sq[j] /= m;

    // One-hot columns: mean p, variance p(1 - p).
    let offset = NUM;
    for (let c = 0; c < vocab.length; c++) {
      const index = new Map(vocab[c].map((v, k) => [v, offset + k] as const));
      const values = train.categorical[c];
      for (let i = 0; i < n; i++) if (use(i)) sum[index.get(values[i])!]++;
      for (let k = 0; k < vocab[c].length; k++) {
        const p = sum[offset + k] / m;
        sum[offset + k] = p;
        sq[offset + k] = p * (1 - p);
      }
      offset += vocab[c].length;
    }

    return new Preprocessor({
      ...(schema === KDD_SCHEMA ? {} : { schema }),
      categories: Object.fromEntries(categoricalFeatures.map((f, c) => [f, vocab[c]])),
      logFeatures,
      columns,
      mean: Array.from(sum),
      scale: Array.from(sq, (v) => Math.max(Math.sqrt(v), minScale)),
    });
  }

  get dim(): number {
    return this.state.columns.length;
  }

  /** Output matrix for a batch; `out` (≥ count × dim) is reused when given. */
  transform(batch: RecordBatch, out?: Float32Array): TransformResult {
    const dim = this.dim;
    const n = batch.count;
    const size = n * dim;
    let matrix: Float32Array;
    if (out) {
      if (out.length < size) throw new RangeError(`transform: out has ${out.length} elements, need ${size}`);
      matrix = out.length === size ? out : out.subarray(0, size);
    } else {
      matrix = new Float32Array(size);
    }
    this.checkBatch(batch, 'transform');
    const { logMask, mean, scale, zeroTail, one } = this;
    const NUM = this.numericCount;
    const nCat = this.codes.length;
    const x = batch.numeric;
    const codes = new Int32Array(n * nCat);
    const { unknown, unknownValues } = this.categoryColumns(batch, codes);
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      const b = i * NUM;
      for (let j = 0; j < NUM; j++) {
        const z = (logValue(x[b + j], logMask[j]) - mean[j]) / scale[j];
        // An absurd value (a rate of 1e38) must stay finite in float32: clamped, it is simply very anomalous.
        // Math.min/max, not `z > MAX_Z ? MAX_Z : …`: once the clamp had been hit in optimised code,
        // that conditional (the module constant or a double) had every value boxed as a heap
        // number: 13 MB of garbage per KDDTest+ (test/data/preprocess-alloc.test.ts).
        matrix[o + j] = Math.min(Math.max(z, -MAX_Z), MAX_Z);
      }
      matrix.set(zeroTail, o + NUM); // a copy, not a loop: 84 of KDD's 122 columns
      for (let c = 0; c < nCat; c++) {
        const k = codes[i * nCat + c];
        if (k >= 0) matrix[o + k] = one[k];
      }
    }
    return { matrix, unknown, unknownValues };
  }

  /**
   * The one-hot column of every row's categorical values, n × (categorical features) into
   * `out`, −1 for a value not seen in training (its block stays all zero); and those
   * values counted as TransformResult reports them.
   */
  categoryColumns(batch: RecordBatch, out: Int32Array): Pick<TransformResult, 'unknown' | 'unknownValues'> {
    const { codes } = this;
    const n = batch.count;
    const nCat = codes.length;
    this.checkBatch(batch, 'categoryColumns');
    if (out.length < n * nCat) throw new RangeError(`categoryColumns: out has ${out.length} elements, need ${n * nCat}`);
    let unknown = 0;
    let unseen: Map<string, number>[] | null = null;
    for (let c = 0; c < nCat; c++) {
      const values = batch.categorical[c];
      const map = codes[c];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const k = map.get(v);
        if (k !== undefined) {
          out[i * nCat + c] = k;
        } else {
          // Unseen value: all-zero block for this feature; never shifts other columns.
          out[i * nCat + c] = -1;
          unseen ??= codes.map(() => new Map());
          unseen[c].set(v, (unseen[c].get(v) ?? 0) + 1);
        }
      }
    }
    if (unseen) {
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < nCat; c++) {
          if (out[i * nCat + c] < 0) { unknown++; break; }
        }
      }
    }
    const unknownValues: Record<string, Record<string, number>> = {};
    if (unseen) {
      unseen.forEach((map, c) => {
        if (map.size === 0) return;
        const counts: Record<string, number> = Object.create(null); // values like "__proto__" stay data
        for (const [v, count] of map) counts[v] = count;
        unknownValues[this.categoricalNames[c]] = counts;
      });
    }
    return { unknown, unknownValues };
  }

  private checkBatch(batch: RecordBatch, what: string): void {
    if (!sameSchema(batch.schema, this.schema)) {
      throw new Error(`${what}: the batch has the ${batch.schema.name} features but the preprocessing expects ${this.schema.name}`);
    }
  }

  /**
   * transform's constants, as the module's encoder (src/model/encode.ts) reads them:
   * per numeric feature whether it is logged, its mean and scale; per output column the
   * standardised one-hot 0 (a row before its values are set) and 1, as float32.
   */
  get encoding(): Encoding {
    return this.encoded ??= {
      width: this.numericCount, dim: this.dim, categorical: this.codes.length,
      logMask: this.logMask, mean: this.mean.subarray(0, this.numericCount), scale: this.scale.subarray(0, this.numericCount),
      zero: Float32Array.from(this.zero), one: Float32Array.from(this.one),
    };
  }

  /** Raw feature values of row i in schema order, for explanations. */
  rawValues(batch: RecordBatch, i: number): (string | number)[] {
    return rowValues(batch, i);
  }

  /** The input feature an output column comes from (e.g. 'service' for 'service=http'). */
  featureOf(column: number): string {
    const f = this.columnFeature[column];
    if (f === undefined) throw new RangeError(`featureOf: column ${column} is outside 0..${this.dim - 1}`);
    return f;
  }

  toJSON(): PreprocessorState {
    return this.state;
  }
}

/** 1 for rows labelled 'normal', 0 otherwise — the usual fit mask. */
export function normalMaskFromLabels(labels: readonly string[]): Uint8Array {
  return Uint8Array.from(labels, (l) => (l === 'normal' ? 1 : 0));
}

function clampZ(z: number): number {
  return z > MAX_Z ? MAX_Z : z < -MAX_Z ? -MAX_Z : z;
}

function logValue(v: number, log: number): number {
  return log ? Math.log1p(v > 0 ? v : 0) : v;
}

function validateState(s: PreprocessorState, schema: InputSchema): void {
  const fail = (msg: string): never => {
    throw new Error(`invalid preprocessor state: ${msg}`);
  };
  if (s === null || typeof s !== 'object') fail('expected an object');
  const { numeric, categorical } = schemaLayout(schema);
  const cats = s.categories as Record<string, unknown> | undefined;
  if (cats === null || typeof cats !== 'object') fail('categories must be an object');
  const extra = Object.keys(cats!).filter((k) => !categorical.includes(k));
  if (extra.length > 0) fail(`categories has ${JSON.stringify(extra[0])}, which is not a categorical feature`);
  for (const f of categorical) {
    if (!Object.hasOwn(cats!, f)) fail(`categories.${f} is missing`);
    const values = cats![f];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) fail(`categories.${f} must be an array of strings`);
    if (new Set(values as string[]).size !== (values as string[]).length) fail(`categories.${f} contains duplicates`);
  }
  if (!Array.isArray(s.logFeatures)) fail('logFeatures must be an array');
  for (const f of s.logFeatures) if (!numeric.includes(f)) fail(`logFeatures contains ${JSON.stringify(f)}, which is not a numeric feature`);
  const expected = [...numeric, ...categorical.flatMap((f) => s.categories[f].map((v) => `${f}=${v}`))];
  if (!Array.isArray(s.columns) || s.columns.length !== expected.length) {
    fail(`columns must list ${expected.length} names (${numeric.length} numeric features, then one per category), got ${Array.isArray(s.columns) ? s.columns.length : typeof s.columns}`);
  }
  const bad = expected.findIndex((c, j) => s.columns[j] !== c);
  if (bad >= 0) fail(`columns[${bad}] is ${JSON.stringify(s.columns[bad])}, expected ${JSON.stringify(expected[bad])}`);
  for (const key of ['mean', 'scale'] as const) {
    const a = s[key];
    if (!Array.isArray(a) || a.length !== expected.length) fail(`${key} must have ${expected.length} entries (one per column)`);
    const j = a.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || (key === 'scale' && v <= 0));
    if (j >= 0) fail(`${key}[${j}] (${s.columns[j]}) must be a finite number${key === 'scale' ? ' > 0' : ''}, got ${a[j]}`);
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
