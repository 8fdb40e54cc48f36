// The dense row-major matrix every estimator takes, and its validation.

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
  /** Set on a matrix already in a module's memory (resident.ts): there, no call copies it in. */
  readonly [RESIDENT]?: ResidentHandle;
}

/** Marks a matrix that lives in a module's memory (see ResidentMatrix). */
export const RESIDENT: unique symbol = Symbol('anomalyze.resident');

export interface ResidentHandle {
  /** The module instance whose memory holds it. */
  readonly core: object;
  /** Byte offset of its padded rows there (throws once released). */
  readonly pointer: number;
}

/** Wraps a row-major Float32Array with `cols` columns as a Matrix. */
export function matrix(data: Float32Array | ArrayLike<number>, cols: number): Matrix {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  if (!Number.isInteger(cols) || cols < 1) {
    throw new RangeError(`a matrix needs at least one column, got cols=${cols}`);
  }
  if (arr.length % cols !== 0) {
    throw new RangeError(`data length ${arr.length} is not a multiple of cols=${cols}: every row must have ${cols} values`);
  }
  return { data: arr, rows: arr.length / cols, cols };
}

/** Rejects empty input and NaN/Infinity, naming the first bad cell. */
export function checkMatrix(m: Matrix, what = 'input'): void {
  checkShape(m, what);
  if (m[RESIDENT]) return;
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) nonFinite(m, i, what); // false only for NaN and ±Infinity
  }
}

/** checkMatrix without the scan for NaN/Infinity (done in the module after the copy: Workspace.checkedMatrixIn). */
export function checkShape(m: Matrix, what = 'input'): void {
  const resident = m[RESIDENT];
  if (resident) {
    void resident.pointer; // throws if released; the values were checked when it was gathered
    if (m.rows < 1 || m.cols < 1) throw new RangeError(`${what} is empty (${m.rows} rows × ${m.cols} columns); fit and predict need at least one row`);
    return;
  }
  if (m.rows < 1 || m.cols < 1) {
    throw new RangeError(`${what} is empty (${m.rows} rows × ${m.cols} columns); fit and predict need at least one row`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`${what} has ${m.data.length} values but rows × cols = ${m.rows * m.cols}`);
  }
}

/** The error for the non-finite value at index i of m.data. */
export function nonFinite(m: Matrix, i: number, what = 'input'): never {
  const row = Math.floor(i / m.cols);
  throw nonFiniteError(m.data[i], row, i - row * m.cols, what);
}

/** What is said of a NaN or ±Infinity at (row, column) of a matrix. */
export function nonFiniteError(value: number, row: number, column: number, what = 'input'): RangeError {
  return new RangeError(`${what} contains ${value} at row ${row}, column ${column}; clean or impute non-finite values first`);
}

/** The given rows (all when null) and columns of X, as a new dense matrix. */
export function selectMatrix(X: Matrix, rows: ArrayLike<number> | null, cols: ArrayLike<number>): Matrix {
  const n = rows ? rows.length : X.rows;
  const d = cols.length;
  const out = new Float32Array(n * d);
  const src = X.data;
  for (let i = 0; i < n; i++) {
    const base = (rows ? rows[i] : i) * X.cols;
    const o = i * d;
    for (let t = 0; t < d; t++) out[o + t] = src[base + cols[t]];
  }
  return { data: out, rows: n, cols: d };
}
