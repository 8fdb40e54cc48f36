import { rank, type Ranking } from './ranking.ts';

/**
 * Exact ROC AUC: trapezoid over the ROC points of each distinct score, which equals
 * the Mann–Whitney U statistic / (P·N) with ties counted as half.
 * Returns NaN when truth contains only one class (the AUC is undefined there).
 */
export function rocAuc(scores: ArrayLike<number>, truth: Uint8Array): number {
  return rocAucFromRanking(rank(scores, truth));
}

/** rocAuc from scores already grouped and counted (see ranking.ts). */
export function rocAucFromRanking(r: Ranking): number {
  if (r.pos === 0 || r.neg === 0) return NaN;
  let area = 0, t0 = 0, f0 = 0;
  for (let k = 0; k < r.scores.length; k++) {
    const t1 = r.tp[k], f1 = r.fp[k];
    area += (f1 - f0) * (t1 + t0); // doubled trapezoid, halved below
    t0 = t1;
    f0 = f1;
  }
  return area / (2 * r.pos * r.neg);
}

/**
 * Average precision as scikit-learn's average_precision_score: Σ (R_k − R_{k−1})·P_k
 * over distinct thresholds (step-wise, no interpolation; tied scores form one step).
 * Like scikit-learn, returns 0 when there are no positives.
 */
export function prAuc(scores: ArrayLike<number>, truth: Uint8Array): number {
  return prAucFromRanking(rank(scores, truth));
}

/** prAuc from scores already grouped and counted (see ranking.ts). */
export function prAucFromRanking(r: Ranking): number {
  if (r.pos === 0) return 0;
  let ap = 0, t0 = 0;
  for (let k = 0; k < r.scores.length; k++) {
    const t1 = r.tp[k];
    if (t1 !== t0) ap += (t1 - t0) * (t1 / (t1 + r.fp[k]));
    t0 = t1;
  }
  return ap / r.pos;
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Point k classifies score >= thresholds[k] as positive; the (0,0) point has +Infinity. */
  thresholds: number[];
}

/**
 * ROC curve for plotting, thinned to at most maxPoints (>= 2) points. Points are kept
 * at even steps of fpr+tpr (which grows monotonically from 0 to 2), so both steep and
 * flat stretches keep detail. (0,0) and (1,1) are always included. With a single class
 * the curve is undefined and the diagonal is returned so plots still draw.
 */
export function rocCurve(scores: ArrayLike<number>, truth: Uint8Array, maxPoints = 256): RocCurve {
  return rocCurveFromRanking(rank(scores, truth), maxPoints);
}

export function rocCurveFromRanking(r: Ranking, maxPoints = 256): RocCurve {
  const lowest = r.scores.length > 0 ? r.scores[r.scores.length - 1] : 0;
  if (r.pos === 0 || r.neg === 0) {
    return { fpr: [0, 1], tpr: [0, 1], thresholds: [Infinity, lowest] };
  }
  const fpr = [0], tpr = [0], thresholds = [Infinity];
  const m = r.scores.length;
  const limit = Math.max(2, Math.floor(maxPoints));
  const step = m + 1 <= limit ? 0 : 2 / (limit - 2 || 1);
  let last = 0;
  for (let k = 0; k < m; k++) {
    const x = r.fp[k] / r.neg, y = r.tp[k] / r.pos;
    const isEnd = k === m - 1;
    if (!isEnd && (limit === 2 || x + y - last < step)) continue;
    fpr.push(x);
    tpr.push(y);
    thresholds.push(r.scores[k]);
    last = x + y;
  }
  return { fpr, tpr, thresholds };
}
