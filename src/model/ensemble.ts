// The ensemble: K-means models of normal traffic, each on its own subset of the
// features (see members.ts). A member's distance to its nearest centroid is
// divided by its median on the training rows, so members of different k and
// dimension speak the same unit; the anomaly score is the quality-weighted
// geometric mean of those ratios (about 1 for typical normal traffic). The
// geometric mean keeps one member's extreme value from deciding alone.

import { calinskiHarabaszScore, KMeans, MiniBatchKMeans, silhouetteScore, withResident, withSubspaces } from '../engine/index.ts';
import type { CentroidModel, CentroidState, Engine, GatherSource, Matrix } from '../engine/index.ts';
import type { MemberSpec } from './members.ts';

export interface MemberQuality {
  /** Mean silhouette on a seeded sample of the training rows, in [-1, 1]. */
  silhouette: number;
  calinskiHarabasz: number;
}

export interface EnsembleMember {
  spec: MemberSpec;
  /** Preprocessed columns this member sees. */
  columns: Int32Array;
  model: CentroidModel;
  quality: MemberQuality;
  /** Share of the score, from quality; the weights sum to 1. */
  weight: number;
  /** Median nearest-centroid distance on the training rows: the member's unit. */
  scale: number;
}

export interface EnsembleScores {
  scores: Float32Array;
  /** Per member, the nearest centroid of every row (for explanations). */
  labels: Int32Array[];
}

export interface FitEnsembleOptions {
  nInit?: number;
  /** Rows of the silhouette sample (O(m²) work). */
  silhouetteSample?: number;
  /** The rows of X to fit on (all when absent). */
  rows?: ArrayLike<number>;
  onMember?: (done: number, total: number, member: EnsembleMember) => void;
}

/** Keeps a zero distance (a row on a centroid) finite in the logarithm. */
const EPSILON = 1e-3;

export class Ensemble {
  /** `engine` is public so that servers can report which build of the core scores (/api/health). */
  constructor(readonly engine: Engine, readonly members: EnsembleMember[], readonly dim: number) {
    if (members.length === 0) throw new Error('an ensemble needs at least one member');
    for (const m of members) {
      for (const c of m.columns) {
        if (c < 0 || c >= dim) throw new RangeError(`member column ${c} is outside 0..${dim - 1}`);
      }
      if (m.columns.length !== m.model.state.dim) {
        throw new RangeError(`a member sees ${m.columns.length} columns but its centroids have ${m.model.state.dim}`);
      }
    }
  }

  /**
   * Scores every row. `explain.rows(scores)` may name rows (e.g. the anomalies) to
   * explain: for them `top` holds their `explain.count` largest features (see
   * SubspaceResult.topFeatures), in the order given.
   */
  score(X: Matrix, explain?: Explain): EnsembleScores & { explained: Int32Array; top: Float64Array } {
    const n = X.rows;
    return withSubspaces(this.engine, X, this.members, ({ nearest, topFeatures }) => {
      const scores = Float32Array.from(fuseScores(
        nearest.map((r) => r.distances), this.members.map((m) => m.weight), this.members.map((m) => m.scale), n,
      ));
      const explained = explain ? explain.rows(scores) : new Int32Array(0);
      const top = explain ? topFeatures(explained, explain.featureOf, explain.features, explain.count) : new Float64Array(0);
      return { scores, labels: nearest.map((r) => r.labels), explained, top };
    });
  }
}

/** Which rows Ensemble.score explains, and how: input features of the columns, their number, and how many to name. */
export interface Explain {
  rows(scores: Float32Array): Int32Array;
  featureOf: Int32Array;
  features: number;
  count: number;
}

/**
 * The anomaly score of each row from its members' nearest-centroid distances:
 * exp(Σ weight · ln(distance / scale + EPSILON)), a weighted geometric mean.
 */
export function fuseScores(distances: ArrayLike<number>[], weights: number[], scales: number[], n: number): Float64Array {
  const logSum = new Float64Array(n);
  distances.forEach((d, m) => {
    const w = weights[m];
    const s = scales[m];
    for (let i = 0; i < n; i++) logSum[i] += w * Math.log(d[i] / s + EPSILON);
  });
  for (let i = 0; i < n; i++) logSum[i] = Math.exp(logSum[i]);
  return logSum;
}

export function fitMember(engine: Engine, X: Matrix, spec: MemberSpec, nInit: number): CentroidModel {
  const params = { nClusters: spec.k, seed: spec.seed, nInit };
  return spec.kind === 'minibatch'
    ? new MiniBatchKMeans(engine, { ...params, batchSize: 2048 }).fit(X)
    : new KMeans(engine, params).fit(X);
}

export function restoreMember(engine: Engine, state: CentroidState): CentroidModel {
  const params = { nClusters: state.nClusters };
  const model = state.kind === 'minibatch' ? new MiniBatchKMeans(engine, params) : new KMeans(engine, params);
  return model.setState(state);
}

/** Weights proportional to each member's silhouette (floored, so a poor member still counts a little). */
export function qualityWeights(qualities: MemberQuality[]): number[] {
  const raw = qualities.map((q) => Math.max(q.silhouette, 0.01));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}

export function median(values: Float32Array): number {
  const n = values.length;
  const a = Float32Array.from(values);
  const mid = n >> 1;
  let hi: number, lo: number;
  if (a.some((v) => v !== v)) { // NaN: the sorted order decides (typed-array sort puts NaN last)
    a.sort();
    hi = a[mid];
    lo = a[mid - 1];
  } else {
    // The value a sort would put at `mid`, in linear time; for an even count, the
    // largest of the smaller half is the one before it.
    hi = select(a, mid);
    lo = -Infinity;
    if (n % 2 === 0) for (let i = 0; i < mid; i++) if (a[i] > lo) lo = a[i];
  }
  const m = n % 2 ? hi : (lo + hi) / 2;
  return m > 0 ? m : 1;
}

/**
 * Rearranges `a` so that a[k] holds the k-th smallest value, every value before
 * it ≤ it and every value after ≥ it (Hoare's quickselect, middle pivot), and
 * returns a[k]. No NaN in `a`.
 */
function select(a: Float32Array, k: number): number {
  let left = 0, right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let i = left, j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break; // j < k < i: a[k] equals the pivot, in place
  }
  return a[k];
}

/**
 * One member of a final ensemble: fitted on `rows` (all when null) and `columns`
 * of X, gathered into the module once and read there by the fit, the distances
 * and both quality scores.
 */
export function fitFinalMember(
  engine: Engine, X: Matrix | GatherSource, rows: ArrayLike<number> | null, spec: MemberSpec, columns: Int32Array, nInit: number, silhouetteSample: number,
): { model: CentroidModel; quality: MemberQuality; scale: number } {
  return withResident(engine, X, rows, columns, (Xm) => {
    const model = fitMember(engine, Xm, spec, nInit);
    const near = model.nearest(Xm);
    const quality = {
      silhouette: silhouetteScore(engine, Xm, near.labels, spec.k, { sampleSize: silhouetteSample, seed: spec.seed }),
      calinskiHarabasz: calinskiHarabaszScore(engine, Xm, near.labels, spec.k),
    };
    return { model, quality, scale: median(near.distances) };
  });
}

/** The ensemble of fitted members, weighted by their quality. */
export function assembleEnsemble(engine: Engine, dim: number, members: Omit<EnsembleMember, 'weight'>[]): Ensemble {
  const weights = qualityWeights(members.map((m) => m.quality));
  return new Ensemble(engine, members.map((m, i) => ({ ...m, weight: weights[i] })), dim);
}

/** Fits every member on its columns of X (all preprocessed columns), on opts.rows or every row. */
export function fitEnsemble(
  engine: Engine, X: Matrix, members: { spec: MemberSpec; columns: Int32Array }[], opts: FitEnsembleOptions = {},
): Ensemble {
  const { nInit = 3, silhouetteSample = 2000 } = opts;
  const rows = opts.rows ? Int32Array.from(opts.rows) : null;
  const fitted = members.map(({ spec, columns }, i) => {
    const member: EnsembleMember = { spec, columns, ...fitFinalMember(engine, X, rows, spec, columns, nInit, silhouetteSample), weight: 0 };
    opts.onMember?.(i + 1, members.length, member);
    return member;
  });
  return assembleEnsemble(engine, X.cols, fitted);
}
