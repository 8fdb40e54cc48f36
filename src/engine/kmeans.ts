// K-means with k-means++ seeding and Lloyd iterations, run in the wasm core.
// The API follows scikit-learn's KMeans: fit, predict, transform, score.

import { CentroidModel, checkFit } from './centroids.ts';
import type { Engine } from './engine.ts';
import type { Matrix } from './matrix.ts';
import { paddedCols, withWorkspace } from './workspace.ts';

export interface KMeansParams {
  nClusters: number;
  /** Restarts from different k-means++ seeds; the lowest inertia wins. */
  nInit?: number;
  maxIter?: number;
  /** Convergence: total centre shift ≤ tol × mean column variance. */
  tol?: number;
  seed?: number;
  /** Explicit starting centres (nClusters × dim); skips k-means++ and forces nInit = 1. */
  init?: Float32Array;
  /**
   * 'lloyd' (default) scores every row against every centre each iteration;
   * 'hamerly' skips the rows whose triangle-inequality bounds prove their label
   * cannot change. Both give the same labels, centres and inertia bit for bit
   * (the bounds are widened past the f32 rounding error and every computed score
   * uses Lloyd's arithmetic); Hamerly is faster when clusters are well separated.
   */
  algorithm?: KMeansAlgorithm;
}

export type KMeansAlgorithm = 'lloyd' | 'hamerly';

export class KMeans extends CentroidModel {
  readonly params: Required<Omit<KMeansParams, 'init'>> & { init?: Float32Array };

  constructor(engine: Engine, params: KMeansParams) {
    super(engine);
    this.params = { nInit: 3, maxIter: 300, tol: 1e-4, seed: 0, algorithm: 'lloyd', ...params };
    checkCommon(this.params);
    if (this.params.algorithm !== 'lloyd' && this.params.algorithm !== 'hamerly') {
      throw new RangeError(`algorithm must be 'lloyd' or 'hamerly', got ${String(this.params.algorithm)}`);
    }
  }

  fit(X: Matrix): this {
    const { nClusters: k, nInit, maxIter, tol, seed, init, algorithm } = this.params;
    checkFit(X, k);
    if (init && init.length !== k * X.cols) {
      throw new RangeError(`init has ${init.length} values; expected nClusters × columns = ${k * X.cols}`);
    }
    const core = this.engine.core;
    const n = X.rows;
    const dp = paddedCols(X.cols);
    this.fitted = withWorkspace(core, (ws) => {
      const x = ws.matrixIn(X);
      const c = ws.centroidsIn(new Float32Array(k * X.cols), k, X.cols);
      const labels = ws.alloc(n * 4);
      const dists = ws.alloc(n * 4);
      const tolAbs = tol * core.meanColumnVariance(x, n, dp, X.cols);
      core.seedRandom(seed >>> 0);
      let best: { inertia: number; centroids: Float32Array; nIter: number } = { inertia: Infinity, centroids: new Float32Array(0), nIter: 0 };
      const runs = init ? 1 : nInit;
      for (let run = 0; run < runs; run++) {
        if (init) {
          const start = ws.centroidsIn(init, k, X.cols); // may grow memory: take views after it
          ws.f32(c, k * dp).set(ws.f32(start, k * dp));
        }
        else core.kmeansPlusPlus(x, n, dp, k, c, 0);
        const nIter = (algorithm === 'hamerly' ? core.hamerly : core.lloyd)(x, n, dp, c, k, maxIter, tolAbs, labels, dists);
        const inertia = core.lastInertia();
        if (inertia < best.inertia) best = { inertia, centroids: ws.matrixOut(c, k, X.cols), nIter };
      }
      return { kind: 'kmeans' as const, nClusters: k, dim: X.cols, ...best };
    });
    return this;
  }
}

export function checkCommon(p: { nClusters: number; nInit: number; maxIter: number; tol: number; seed: number }): void {
  if (!Number.isInteger(p.nClusters) || p.nClusters < 1) throw new RangeError(`nClusters must be a positive integer, got ${p.nClusters}`);
  if (!Number.isInteger(p.nInit) || p.nInit < 1) throw new RangeError(`nInit must be a positive integer, got ${p.nInit}`);
  if (!Number.isInteger(p.maxIter) || p.maxIter < 1) throw new RangeError(`maxIter must be a positive integer, got ${p.maxIter}`);
  if (!(p.tol >= 0)) throw new RangeError(`tol must be ≥ 0, got ${p.tol}`);
  if (!Number.isInteger(p.seed)) throw new RangeError(`seed must be an integer, got ${p.seed}`);
}
