// A matrix that lives in an engine's module memory, in the padded layout the
// kernels read. Training fits every ensemble member on some rows and columns of
// one large matrix, then scores it, silhouettes it…: gathered into the module
// once, a member's matrix is read by every one of those calls without a copy,
// and without the dense JavaScript copy that selectMatrix would make first.

import type { Engine } from './engine.ts';
import { nonFiniteError, RESIDENT, type Matrix, type ResidentHandle } from './matrix.ts';
import { paddedCols } from './workspace.ts';

/**
 * Where rows can be gathered from other than a dense Matrix: a source that writes
 * the padded rows itself (training keeps its matrix compact: src/train/compact.ts).
 * It must write every float of each row (the padding as zeros) and only finite values.
 */
export interface GatherSource {
  readonly rows: number;
  readonly cols: number;
  /** Writes `rows[i]` (i when rows is null), i < n, restricted to `cols`, at heap[i · dp …]. */
  gatherInto(heap: Float32Array, rows: Int32Array | null, n: number, cols: Int32Array, dp: number): void;
}

const isSource = (x: Matrix | GatherSource): x is GatherSource => typeof (x as GatherSource).gatherInto === 'function';

/**
 * Rows × cols of X gathered into `engine`'s memory (zero-padded rows of
 * paddedCols(cols) floats), checked finite on the way. It is a Matrix: every
 * estimator and score takes it, and on its own engine none copies it. `data`, a
 * dense JavaScript copy, is made only if something asks for it (another engine,
 * selectMatrix). Call release() when done: the block is the caller's.
 */
export class ResidentMatrix implements Matrix {
  readonly [RESIDENT]: ResidentHandle;
  readonly rows: number;
  readonly cols: number;
  private ptr: number;
  private dense: Float32Array | null = null;

  private constructor(private readonly engine: Engine, ptr: number, rows: number, cols: number) {
    this.ptr = ptr;
    this.rows = rows;
    this.cols = cols;
    const self = this;
    this[RESIDENT] = {
      core: engine.core,
      get pointer() {
        if (self.ptr < 0) throw new Error('this resident matrix was released');
        return self.ptr;
      },
    };
  }

  /**
   * Gathers `rows` (all when null) and `cols` of X into the engine's memory. The
   * values are exactly those selectMatrix would give; NaN or ±Infinity is refused,
   * naming the cell of X, as checkMatrix does.
   */
  static gather(engine: Engine, X: Matrix | GatherSource, rows: ArrayLike<number> | null, cols: ArrayLike<number>, what = 'input'): ResidentMatrix {
    const n = rows ? rows.length : X.rows;
    const d = cols.length;
    if (n < 1 || d < 1) throw new RangeError(`${what} is empty (${n} rows × ${d} columns); fit and predict need at least one row`);
    const width = X.cols;
    const c = Int32Array.from(cols);
    for (const j of c) if (!(j >= 0 && j < width)) throw new RangeError(`column ${j} is outside the input's 0..${width - 1}`);
    const r = rows === null ? null : rows instanceof Int32Array ? rows : Int32Array.from(rows);
    if (r) for (const i of r) if (!(i >= 0 && i < X.rows)) throw new RangeError(`row ${i} is outside the input's 0..${X.rows - 1}`);
    const dp = paddedCols(d);
    const core = engine.core;
    const ptr = core.alloc(Math.max(n * dp * 4, 16));
    try {
      const heap = new Float32Array(core.memory.buffer, ptr, n * dp);
      if (isSource(X)) X.gatherInto(heap, r, n, c, dp);
      else gatherInto(heap, X.data, width, r, n, c, dp, what);
    } catch (err) {
      core.free(ptr);
      throw err;
    }
    return new ResidentMatrix(engine, ptr, n, d);
  }

  /**
   * Takes charge of a block the caller wrote into engine's memory itself (the module's
   * preprocessing: src/model/encode.ts): rows × paddedCols(cols) f32, zero padding,
   * checked finite. release() frees it.
   */
  static adopt(engine: Engine, ptr: number, rows: number, cols: number): ResidentMatrix {
    return new ResidentMatrix(engine, ptr, rows, cols);
  }

  /** Dense rows × cols copy (made once, on demand). */
  get data(): Float32Array {
    if (!this.dense) {
      const dp = paddedCols(this.cols);
      const heap = new Float32Array(this.engine.core.memory.buffer, this[RESIDENT].pointer, this.rows * dp);
      const out = new Float32Array(this.rows * this.cols);
      for (let i = 0; i < this.rows; i++) out.set(heap.subarray(i * dp, i * dp + this.cols), i * this.cols);
      this.dense = out;
    }
    return this.dense;
  }

  get released(): boolean {
    return this.ptr < 0;
  }

  /** Frees the block in the module (idempotent). */
  release(): void {
    if (this.ptr < 0) return;
    this.engine.core.free(this.ptr);
    this.ptr = -1;
  }
}

/** Runs `use` on a resident gather of X and always releases it. */
export function withResident<T>(engine: Engine, X: Matrix | GatherSource, rows: ArrayLike<number> | null, cols: ArrayLike<number>, use: (m: ResidentMatrix) => T): T {
  const m = ResidentMatrix.gather(engine, X, rows, cols);
  try {
    return use(m);
  } finally {
    m.release();
  }
}

function gatherInto(
  heap: Float32Array, src: Float32Array, width: number, rows: Int32Array | null, n: number, cols: Int32Array, dp: number, what: string,
): void {
  const d = cols.length;
  for (let i = 0; i < n; i++) {
    const row = rows === null ? i : rows[i];
    const base = row * width;
    const o = i * dp;
    for (let t = 0; t < d; t++) {
      const v = src[base + cols[t]];
      if (v - v !== 0) { // false only for NaN and ±Infinity
        throw nonFiniteError(v, row, cols[t], what);
      }
      heap[o + t] = v;
    }
    for (let t = d; t < dp; t++) heap[o + t] = 0;
  }
}
