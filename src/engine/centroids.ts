// What every fitted K-means variant shares: centroids and the predict /
// transform / score operations on them, plus plain-data state for model files.

import type { Engine } from './engine.ts';
import { checkMatrix, type Matrix } from './matrix.ts';
import { paddedCols, withWorkspace } from './workspace.ts';

export type CentroidKind = 'kmeans' | 'minibatch';

/** The fitted state: plain data that can be saved and restored. */
export interface CentroidState {
  kind: CentroidKind;
  nClusters: number;
  dim: number;
  centroids: Float32Array;   // nClusters × dim, row-major
  inertia: number;           // on the training data
  nIter: number;             // Lloyd iterations or mini-batch steps of the chosen run
}

export interface NearestResult {
  labels: Int32Array;        // index of the nearest centroid
  distances: Float32Array;   // Euclidean distance to it
}

export abstract class CentroidModel {
  protected fitted: CentroidState | null = null;
  constructor(protected readonly engine: Engine) {}

  get state(): CentroidState {
    if (!this.fitted) throw new Error('this model is not fitted yet: call fit(X) or restore a saved state first');
    return this.fitted;
  }

  get centroids(): Float32Array { return this.state.centroids; }
  get inertia(): number { return this.state.inertia; }
  get nIter(): number { return this.state.nIter; }

  /** Restores a saved state (validated), replacing any fit. */
  setState(state: CentroidState): this {
    const { nClusters: k, dim, centroids } = state;
    if (!Number.isInteger(k) || k < 1 || !Number.isInteger(dim) || dim < 1) {
      throw new RangeError(`invalid state: nClusters=${k}, dim=${dim}; both must be positive integers`);
    }
    if (!(centroids instanceof Float32Array) || centroids.length !== k * dim) {
      throw new RangeError(`invalid state: expected ${k * dim} centroid values (${k} × ${dim}), got ${centroids?.length}`);
    }
    checkMatrix({ data: centroids, rows: k, cols: dim }, 'centroids');
    this.fitted = { ...state };
    return this;
  }

  predict(X: Matrix): Int32Array {
    return this.nearest(X).labels;
  }

  /** Nearest centroid of every row and the Euclidean distance to it. */
  nearest(X: Matrix): NearestResult {
    const { k, n } = this.checkInput(X);
    const core = this.engine.core;
    return withWorkspace(core, (ws) => {
      const x = ws.matrixIn(X);
      const c = ws.centroidsIn(this.state.centroids, k, X.cols);
      const labels = ws.alloc(n * 4);
      const dists = ws.alloc(n * 4);
      core.nearest(x, n, paddedCols(X.cols), c, k, labels, dists);
      core.sqrtInPlace(dists, n);
      return { labels: ws.i32(labels, n).slice(), distances: ws.f32(dists, n).slice() };
    });
  }

  /** Euclidean distance from every row to every centroid (n × k). */
  transform(X: Matrix): Float32Array {
    const { k, n } = this.checkInput(X);
    const core = this.engine.core;
    return withWorkspace(core, (ws) => {
      const x = ws.matrixIn(X);
      const c = ws.centroidsIn(this.state.centroids, k, X.cols);
      const out = ws.alloc(n * k * 4);
      core.distances(x, n, paddedCols(X.cols), c, k, out);
      return ws.f32(out, n * k).slice();
    });
  }

  /** Inertia of X under this model: the sum of squared distances to the nearest centroid. */
  score(X: Matrix): number {
    const { k, n } = this.checkInput(X);
    const core = this.engine.core;
    return withWorkspace(core, (ws) => {
      const x = ws.matrixIn(X);
      const c = ws.centroidsIn(this.state.centroids, k, X.cols);
      return core.nearest(x, n, paddedCols(X.cols), c, k, ws.alloc(n * 4), ws.alloc(n * 4));
    });
  }

  private checkInput(X: Matrix): { k: number; n: number } {
    const state = this.state;
    checkMatrix(X);
    if (X.cols !== state.dim) {
      throw new RangeError(`input has ${X.cols} columns but the model was fitted on ${state.dim}; transform the data with the same preprocessing`);
    }
    return { k: state.nClusters, n: X.rows };
  }
}

/** Shared parameter checks for fit. */
export function checkFit(X: Matrix, nClusters: number): void {
  checkMatrix(X, 'training data');
  if (!Number.isInteger(nClusters) || nClusters < 1) {
    throw new RangeError(`nClusters must be a positive integer, got ${nClusters}`);
  }
  if (nClusters > X.rows) {
    throw new RangeError(`nClusters=${nClusters} is larger than the ${X.rows} training rows; use at most one cluster per row`);
  }
}
