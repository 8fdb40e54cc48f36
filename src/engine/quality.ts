// Clustering-quality scores, computed in the wasm core.

import type { Engine } from './engine.ts';
import { checkMatrix, type Matrix } from './matrix.ts';
import { paddedCols, withWorkspace } from './workspace.ts';

function checkLabels(X: Matrix, labels: Int32Array, k: number): void {
  checkMatrix(X);
  if (labels.length !== X.rows) throw new RangeError(`got ${labels.length} labels for ${X.rows} rows`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= k) throw new RangeError(`label ${labels[i]} at row ${i} is outside 0..${k - 1}`);
  }
}

/** Mean silhouette on a seeded sample of at most `sampleSize` rows (in [-1, 1], higher is better). */
export function silhouetteScore(engine: Engine, X: Matrix, labels: Int32Array, k: number,
  opts: { sampleSize?: number; seed?: number } = {}): number {
  checkLabels(X, labels, k);
  const { sampleSize = 2000, seed = 0 } = opts;
  const core = engine.core;
  return withWorkspace(core, (ws) => {
    const x = ws.matrixIn(X);
    const l = ws.alloc(labels.length * 4);
    ws.i32(l, labels.length).set(labels);
    core.seedRandom(seed >>> 0);
    return core.silhouette(x, X.rows, paddedCols(X.cols), l, k, sampleSize);
  });
}

/** Calinski–Harabasz index (higher is better; 0 when undefined, i.e. k < 2 or rows ≤ k). */
export function calinskiHarabaszScore(engine: Engine, X: Matrix, labels: Int32Array, k: number): number {
  checkLabels(X, labels, k);
  const core = engine.core;
  return withWorkspace(core, (ws) => {
    const x = ws.matrixIn(X);
    const l = ws.alloc(labels.length * 4);
    ws.i32(l, labels.length).set(labels);
    return core.calinskiHarabasz(x, X.rows, paddedCols(X.cols), X.cols, l, k);
  });
}
