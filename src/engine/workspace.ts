// Per-call memory in the wasm module: everything allocated through a workspace
// is freed when the call ends, so repeated calls leave the module's memory flat.

import type { CoreExports } from './core.ts';
import { checkShape, nonFinite, RESIDENT, type Matrix } from './matrix.ts';

/** Rows are padded to a multiple of 4 floats so the SIMD kernels never straddle rows. */
export function paddedCols(cols: number): number {
  return (cols + 3) & ~3;
}

export class Workspace {
  private readonly ptrs: number[] = [];
  constructor(readonly core: CoreExports) {}

  alloc(bytes: number): number {
    const ptr = this.core.alloc(Math.max(bytes, 16));
    this.ptrs.push(ptr);
    return ptr;
  }

  /** Copies a matrix in with zero padding; returns its pointer. A matrix already resident in this module is not copied. */
  matrixIn(m: Matrix): number {
    const resident = m[RESIDENT];
    if (resident && resident.core === this.core) return resident.pointer;
    const dp = paddedCols(m.cols);
    const ptr = this.alloc(m.rows * dp * 4);
    const heap = new Float32Array(this.core.memory.buffer, ptr, m.rows * dp);
    if (dp === m.cols) heap.set(m.data);
    else {
      heap.fill(0);
      for (let i = 0; i < m.rows; i++) heap.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * dp);
    }
    return ptr;
  }

  /**
   * matrixIn for input to be validated: the shape checked first, the values for NaN and
   * ±Infinity once they are in the module (a vector scan there), with checkMatrix's error.
   */
  checkedMatrixIn(m: Matrix, what = 'input'): number {
    checkShape(m, what);
    const ptr = this.matrixIn(m);
    if (m[RESIDENT]) return ptr; // checked when it was gathered
    const dp = paddedCols(m.cols);
    const at = this.core.firstNonFinite(ptr, m.rows * dp);
    if (at >= 0) nonFinite(m, Math.floor(at / dp) * m.cols + (at % dp), what);
    return ptr;
  }

  /** Copies k centroids (k × cols) in, padded to dp columns. */
  centroidsIn(centroids: Float32Array, k: number, cols: number): number {
    return this.matrixIn({ data: centroids, rows: k, cols });
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.core.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.core.memory.buffer, ptr, length);
  }

  /** Copies padded rows back out as a dense rows × cols Float32Array. */
  matrixOut(ptr: number, rows: number, cols: number): Float32Array {
    const dp = paddedCols(cols);
    const heap = this.f32(ptr, rows * dp);
    if (dp === cols) return heap.slice();
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) out.set(heap.subarray(i * dp, i * dp + cols), i * cols);
    return out;
  }

  dispose(): void {
    for (const p of this.ptrs) this.core.free(p);
    this.ptrs.length = 0;
  }
}

/** Runs `fn` with a fresh workspace and always frees it. */
export function withWorkspace<T>(core: CoreExports, fn: (ws: Workspace) => T): T {
  const ws = new Workspace(core);
  try {
    return fn(ws);
  } finally {
    ws.dispose();
  }
}
