// Nearest centroids for several models that each see a subset of the columns
// of one matrix (the ensemble's members): the matrix is copied into the module
// once and each member's columns are gathered inside it.

import type { CentroidModel, NearestResult } from './centroids.ts';
import type { Engine } from './engine.ts';
import { checkMatrix, type Matrix } from './matrix.ts';
import { paddedCols, withWorkspace } from './workspace.ts';

export interface SubspaceModel {
  model: CentroidModel;
  /** Columns of X the model was fitted on, in order. */
  columns: Int32Array;
}

export function nearestInSubspaces(engine: Engine, X: Matrix, models: SubspaceModel[]): NearestResult[] {
  checkMatrix(X);
  const core = engine.core;
  const n = X.rows;
  return withWorkspace(core, (ws) => {
    const x = ws.matrixIn(X);
    const labels = ws.alloc(n * 4);
    const dists = ws.alloc(n * 4);
    const widest = Math.max(...models.map((m) => paddedCols(m.columns.length)));
    const sub = ws.alloc(n * widest * 4); // reused by every member
    return models.map(({ model, columns }) => {
      const { nClusters: k, dim, centroids } = model.state;
      if (columns.length !== dim) throw new RangeError(`a subspace lists ${columns.length} columns but its model has ${dim}`);
      for (const c of columns) if (!(c >= 0 && c < X.cols)) throw new RangeError(`column ${c} is outside the input's 0..${X.cols - 1}`);
      const dp = paddedCols(dim);
      const cols = ws.alloc(dim * 4);
      ws.i32(cols, dim).set(columns);
      const c = ws.centroidsIn(centroids, k, dim);
      core.gatherColumns(x, n, paddedCols(X.cols), cols, dim, sub, dp);
      core.nearest(sub, n, dp, c, k, labels, dists);
      const distances = ws.f32(dists, n).slice();
      for (let i = 0; i < n; i++) distances[i] = Math.sqrt(distances[i]);
      return { labels: ws.i32(labels, n).slice(), distances };
    });
  });
}
