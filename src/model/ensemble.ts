// The ensemble: several K-means models of normal traffic (different k, seeds
// and algorithms). A record's anomaly score is the quality-weighted mean of its
// Euclidean distances to the nearest centroid of each member.

import { calinskiHarabaszScore, KMeans, MiniBatchKMeans, silhouetteScore } from '../engine/index.ts';
import type { CentroidKind, CentroidModel, CentroidState, Engine, Matrix } from '../engine/index.ts';

export interface MemberSpec {
  kind: CentroidKind;
  k: number;
  seed: number;
}

export interface MemberQuality {
  /** Mean silhouette on a seeded sample of the training rows, in [-1, 1]. */
  silhouette: number;
  calinskiHarabasz: number;
}

export interface EnsembleMember {
  spec: MemberSpec;
  model: CentroidModel;
  quality: MemberQuality;
  /** Share of the score, from quality; the weights sum to 1. */
  weight: number;
}

export interface FitEnsembleOptions {
  nInit?: number;
  /** Rows of the silhouette sample (O(m²) work). */
  silhouetteSample?: number;
  onMember?: (done: number, total: number, member: EnsembleMember) => void;
}

export const DEFAULT_MEMBERS: readonly MemberSpec[] = [
  { kind: 'kmeans', k: 8, seed: 1 },
  { kind: 'kmeans', k: 10, seed: 2 },
  { kind: 'kmeans', k: 12, seed: 3 },
  { kind: 'kmeans', k: 10, seed: 4 },
  { kind: 'minibatch', k: 10, seed: 5 },
  { kind: 'minibatch', k: 12, seed: 6 },
];

export class Ensemble {
  constructor(readonly members: EnsembleMember[], readonly dim: number) {
    if (members.length === 0) throw new Error('an ensemble needs at least one member');
  }

  /** The highest-weight member: its nearest centroid is the one explanations refer to. */
  get primary(): number {
    let best = 0;
    this.members.forEach((m, i) => { if (m.weight > this.members[best].weight) best = i; });
    return best;
  }

  /** Scores every row; also returns the primary member's nearest centroid per row. */
  score(X: Matrix): { scores: Float32Array; primaryLabels: Int32Array } {
    const n = X.rows;
    const acc = new Float64Array(n);
    let primaryLabels: Int32Array = new Int32Array(n);
    const primary = this.primary;
    this.members.forEach((m, idx) => {
      const near = m.model.nearest(X);
      const w = m.weight;
      const d = near.distances;
      for (let i = 0; i < n; i++) acc[i] += w * d[i];
      if (idx === primary) primaryLabels = near.labels;
    });
    return { scores: Float32Array.from(acc), primaryLabels };
  }
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

export function fitEnsemble(engine: Engine, X: Matrix, specs: readonly MemberSpec[], opts: FitEnsembleOptions = {}): Ensemble {
  const { nInit = 3, silhouetteSample = 2000 } = opts;
  const fitted = specs.map((spec, i) => {
    const model = fitMember(engine, X, spec, nInit);
    const labels = model.predict(X);
    const quality = {
      silhouette: silhouetteScore(engine, X, labels, spec.k, { sampleSize: silhouetteSample, seed: spec.seed }),
      calinskiHarabasz: calinskiHarabaszScore(engine, X, labels, spec.k),
    };
    const member = { spec, model, quality, weight: 0 };
    opts.onMember?.(i + 1, specs.length, member);
    return member;
  });
  const weights = qualityWeights(fitted.map((m) => m.quality));
  fitted.forEach((m, i) => { m.weight = weights[i]; });
  return new Ensemble(fitted, X.cols);
}
