// MiniBatch K-means (scikit-learn semantics: per-centre counts as learning
// rates, sampled batches, early stopping), run in the wasm core.

import { CentroidModel, checkFit } from './centroids.ts';
import type { Engine } from './engine.ts';
import { checkCommon } from './kmeans.ts';
import type { Matrix } from './matrix.ts';
import { paddedCols, withWorkspace } from './workspace.ts';

export interface MiniBatchKMeansParams {
  nClusters: number;
  batchSize?: number;
  /** Candidate k-means++ seedings on a sample; the lowest inertia on it wins. */
  nInit?: number;
  /** Passes over the data: steps = ceil(maxIter × rows / batchSize). */
  maxIter?: number;
  /** Centre-shift tolerance (relative to the mean column variance); 0 turns it off. */
  tol?: number;
  seed?: number;
  maxNoImprovement?: number;
  reassignmentRatio?: number;
}

export class MiniBatchKMeans extends CentroidModel {
  readonly params: Required<MiniBatchKMeansParams>;

  constructor(engine: Engine, params: MiniBatchKMeansParams) {
    super(engine);
    this.params = {
      batchSize: 1024, nInit: 3, maxIter: 100, tol: 0, seed: 0,
      maxNoImprovement: 10, reassignmentRatio: 0.01, ...params,
    };
    checkCommon(this.params);
    if (!Number.isInteger(this.params.batchSize) || this.params.batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${this.params.batchSize}`);
    }
    if (!Number.isInteger(this.params.maxNoImprovement) || this.params.maxNoImprovement < 1) {
      throw new RangeError(`maxNoImprovement must be a positive integer, got ${this.params.maxNoImprovement}`);
    }
    if (!(this.params.reassignmentRatio >= 0 && this.params.reassignmentRatio <= 1)) {
      throw new RangeError(`reassignmentRatio must be in [0, 1], got ${this.params.reassignmentRatio}`);
    }
  }

  fit(X: Matrix): this {
    const { nClusters: k, batchSize, nInit, maxIter, tol, seed, maxNoImprovement, reassignmentRatio } = this.params;
    checkFit(X, k);
    const core = this.engine.core;
    const n = X.rows;
    const dp = paddedCols(X.cols);
    this.fitted = withWorkspace(core, (ws) => {
      const x = ws.matrixIn(X);
      const c = ws.centroidsIn(new Float32Array(k * X.cols), k, X.cols);
      const bestInit = ws.alloc(k * dp * 4);
      const tolAbs = tol * core.meanColumnVariance(x, n, dp, X.cols);
      core.seedRandom(seed >>> 0);

      // Seed on a sample of 3 batches (scikit-learn's init_size), keep the best.
      const m = Math.min(n, Math.max(3 * batchSize, 3 * k));
      const sample = ws.alloc(m * dp * 4);
      const sLabels = ws.alloc(m * 4);
      const sDists = ws.alloc(m * 4);
      let bestInertia = Infinity;
      for (let run = 0; run < nInit; run++) {
        const heap = core.memory.buffer;
        const src = new Float32Array(heap, x, n * dp);
        const dst = new Float32Array(heap, sample, m * dp);
        for (let r = 0; r < m; r++) {
          const i = core.randomBelow(n);
          dst.set(src.subarray(i * dp, (i + 1) * dp), r * dp);
        }
        core.kmeansPlusPlus(sample, m, dp, k, c, 0);
        const inertia = core.nearest(sample, m, dp, c, k, sLabels, sDists);
        if (inertia < bestInertia) {
          bestInertia = inertia;
          ws.f32(bestInit, k * dp).set(ws.f32(c, k * dp));
        }
      }
      ws.f32(c, k * dp).set(ws.f32(bestInit, k * dp));

      const maxSteps = Math.ceil((maxIter * n) / batchSize);
      const steps = core.miniBatch(x, n, dp, c, k, batchSize, maxSteps, tolAbs, maxNoImprovement, reassignmentRatio);
      const inertia = core.nearest(x, n, dp, c, k, ws.alloc(n * 4), ws.alloc(n * 4));
      return { kind: 'minibatch' as const, nClusters: k, dim: X.cols, centroids: ws.matrixOut(c, k, X.cols), inertia, nIter: steps };
    });
    return this;
  }
}
