// The training matrix, kept compact. Most of its columns are one-hot blocks
// (KDD: 84 of 122 — protocol, service, flag), where a row's block holds one
// standardised "one" value and the column's "zero" everywhere else. Stored as
// the numeric columns plus one code per block, the matrix is a third of its
// dense size, and gathering a member's rows reads a third of the memory: the
// gather was memory-bound (about 5 ns a value from the dense 488-byte rows, 2 ns
// once the rows are in cache). The values written are the dense matrix's bit for
// bit; compactMatrix checks that on every cell before it is used.

import type { RecordBatch } from '../data/batch.ts';
import { schemaLayout } from '../data/input-schema.ts';
import { MAX_Z, type Preprocessor } from '../data/preprocess.ts';
import type { GatherSource } from '../engine/index.ts';

/** Plain data (its arrays in shared memory where there is any), so that it can be posted to workers. */
export interface CompactMatrix {
  kind: 'compact';
  rows: number;
  /** Columns of the dense matrix. */
  dim: number;
  /** The first `numericCols` columns of the dense matrix, rows × numericCols. */
  numericCols: number;
  numeric: Float32Array;
  /** Per row and block (rows × blocks), the hot column's offset in its block; NONE for a value outside the vocabulary. */
  codes: Uint16Array;
  /** Each one-hot block's first column and width. */
  blocks: { start: number; size: number }[];
  /** Per column, the value of a cold (zero) and of a hot (one) cell; 0 for the numeric columns. */
  zero: Float32Array;
  one: Float32Array;
}

export const NONE = 0xffff;

/**
 * The compact form of preprocessor.transform(batch), transformed a block of rows
 * at a time (the dense matrix never exists whole), or null when it would not
 * reproduce the dense matrix exactly (no one-hot block, a block wider than a code
 * holds, a non-finite value, or any cell that differs): then train on the dense one.
 */
export function compactMatrix(preprocessor: Preprocessor, batch: RecordBatch, blockRows = 8192): CompactMatrix | null {
  const n = batch.count;
  const state = preprocessor.state;
  const dim = preprocessor.dim;
  const { numeric, categorical } = schemaLayout(preprocessor.schema);
  const numericCols = numeric.length;
  if (categorical.length === 0 || state.columns.length !== dim || n === 0) return null;
  const blocks: { start: number; size: number }[] = [];
  let start = numericCols;
  for (const f of categorical) {
    const size = state.categories[f].length;
    if (size >= NONE) return null;
    blocks.push({ start, size });
    start += size;
  }
  if (start !== dim) return null;
  // A cell's values as the Preprocessor computes them (clamped, then stored as float32).
  const zero = new Float32Array(dim);
  const one = new Float32Array(dim);
  for (let j = numericCols; j < dim; j++) {
    zero[j] = clamp((0 - state.mean[j]) / state.scale[j]);
    one[j] = clamp((1 - state.mean[j]) / state.scale[j]);
  }
  const B = blocks.length;
  const codes = new Uint16Array(shared(n * B * 2));
  blocks.forEach((_, c) => {
    const index = new Map(state.categories[categorical[c]].map((v, k) => [v, k] as const));
    const values = batch.categorical[c];
    for (let i = 0; i < n; i++) codes[i * B + c] = index.get(values[i]) ?? NONE;
  });
  const num = new Float32Array(shared(n * numericCols * 4));
  const zeroBits = new Int32Array(zero.buffer);
  const oneBits = new Int32Array(one.buffer);
  const width = batch.numeric.length / Math.max(1, n);
  const dense = new Float32Array(Math.min(n, blockRows) * dim);
  const bits = new Int32Array(dense.buffer);
  for (let a = 0; a < n; a += blockRows) {
    const b = Math.min(n, a + blockRows);
    const rows: RecordBatch = {
      ...batch, count: b - a, firstLine: batch.firstLine + a, labels: null, identity: null,
      numeric: batch.numeric.subarray(a * width, b * width),
      categorical: batch.categorical.map((values) => values.slice(a, b)),
    };
    preprocessor.transform(rows, dense);
    for (let i = a; i < b; i++) {
      const o = (i - a) * dim;
      for (let j = 0; j < numericCols; j++) {
        const v = dense[o + j];
        if (v - v !== 0) return null; // NaN or ±Infinity: the dense gather names the cell
        num[i * numericCols + j] = v;
      }
      // Every one-hot cell, compared bit for bit with the dense row.
      for (let c = 0; c < B; c++) {
        const { start: s, size } = blocks[c];
        const hot = codes[i * B + c];
        for (let k = 0; k < size; k++) {
          if (bits[o + s + k] !== (k === hot ? oneBits[s + k] : zeroBits[s + k])) return null;
        }
      }
    }
  }
  return { kind: 'compact', rows: n, dim, numericCols, numeric: num, codes, blocks, zero, one };
}

/** Gathers rows of a compact matrix as the dense one would give them. */
export function compactSource(m: CompactMatrix): GatherSource {
  // Which block each column is in (-1: numeric).
  const blockOf = new Int32Array(m.dim).fill(-1);
  m.blocks.forEach((b, c) => blockOf.fill(c, b.start, b.start + b.size));
  return {
    rows: m.rows,
    cols: m.dim,
    gatherInto(heap, rows, n, cols, dp) {
      const { numeric, numericCols: W, codes, blocks, one } = m;
      const B = blocks.length;
      const d = cols.length;
      // The row every row starts from: the cold values and the padding.
      const template = new Float32Array(dp);
      const numDst: number[] = [], numSrc: number[] = [];
      // Per block the member sees: its index and, per offset, where the hot value goes (-1: a column it does not see).
      const used: number[] = [];
      const slot: Int32Array[] = [];
      for (let t = 0; t < d; t++) {
        const j = cols[t];
        const c = blockOf[j];
        if (c < 0) { numDst.push(t); numSrc.push(j); continue; }
        template[t] = m.zero[j];
        let u = used.indexOf(c);
        if (u < 0) { u = used.push(c) - 1; slot.push(new Int32Array(blocks[c].size).fill(-1)); }
        slot[u][j - blocks[c].start] = t;
      }
      if (new Set(cols).size !== d) return gatherEach(m, blockOf, heap, rows, n, cols, dp); // a column twice: the simple way
      const nd = Int32Array.from(numDst), ns = Int32Array.from(numSrc);
      const nn = nd.length, nu = used.length;
      const hotValue = used.map((c) => one.subarray(blocks[c].start, blocks[c].start + blocks[c].size));
      for (let i = 0; i < n; i++) {
        const row = rows === null ? i : rows[i];
        const o = i * dp;
        heap.set(template, o);
        const base = row * W;
        for (let q = 0; q < nn; q++) heap[o + nd[q]] = numeric[base + ns[q]];
        for (let u = 0; u < nu; u++) {
          const code = codes[row * B + used[u]];
          if (code === NONE) continue;
          const t = slot[u][code];
          if (t >= 0) heap[o + t] = hotValue[u][code];
        }
      }
    },
  };
}

/** Cell by cell (for column lists that name a column more than once). */
function gatherEach(m: CompactMatrix, blockOf: Int32Array, heap: Float32Array, rows: Int32Array | null, n: number, cols: Int32Array, dp: number): void {
  const B = m.blocks.length;
  for (let i = 0; i < n; i++) {
    const row = rows === null ? i : rows[i];
    const o = i * dp;
    for (let t = 0; t < cols.length; t++) {
      const j = cols[t];
      const c = blockOf[j];
      heap[o + t] = c < 0 ? m.numeric[row * m.numericCols + j] : m.codes[row * B + c] === j - m.blocks[c].start ? m.one[j] : m.zero[j];
    }
    for (let t = cols.length; t < dp; t++) heap[o + t] = 0;
  }
}

function clamp(z: number): number {
  return z > MAX_Z ? MAX_Z : z < -MAX_Z ? -MAX_Z : z;
}

function shared(bytes: number): ArrayBuffer | SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}
