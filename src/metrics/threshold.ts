import { rank } from './ranking.ts';

export interface F1Threshold {
  /** Flag as anomaly iff score > threshold. */
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

/** Midpoint a < m < b when representable; otherwise a, which still separates (score > a ⇔ score >= b). */
function between(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m > a && m < b && Number.isFinite(m) ? m : a;
}

/**
 * Best-F1 cut over every distinct score (one sort, O(n log n)). The returned threshold
 * sits halfway between the lowest flagged score and the next lower distinct score, so it
 * is not glued to a training point. Earliest (highest) cut wins ties. If no cut has
 * F1 > 0 (no positives), nothing is flagged: threshold = max score, all rates 0.
 */
export function bestF1Threshold(scores: ArrayLike<number>, truth: Uint8Array): F1Threshold {
  const r = rank(scores, truth);
  const m = r.scores.length;
  let best = -1, bestF1 = 0;
  for (let k = 0; k < m; k++) {
    const tp = r.tp[k];
    const f1 = (2 * tp) / (tp + r.fp[k] + r.pos); // 2tp / (2tp + fp + fn)
    if (f1 > bestF1) { bestF1 = f1; best = k; }
  }
  if (best < 0) {
    return { threshold: m > 0 ? r.scores[0] : 0, f1: 0, precision: 0, recall: 0 };
  }
  const s = r.scores;
  let threshold: number;
  if (best + 1 < m) {
    threshold = between(s[best + 1], s[best]);
  } else {
    // Flag everything: mirror the gap above the minimum (or step 1 below it) to stay finite.
    const gap = best > 0 && Number.isFinite(s[best - 1] - s[best]) ? s[best - 1] - s[best] : 2;
    threshold = s[best] - gap / 2;
    if (!(threshold < s[best])) threshold = -Number.MAX_VALUE;
  }
  const tp = r.tp[best];
  return { threshold, f1: bestF1, precision: tp / (tp + r.fp[best]), recall: tp / r.pos };
}

/**
 * Best-F1 cut with a weight per row (scikit-learn's sample_weight): tp, fp and fn
 * are sums of weights. Same cut placement and tie rules as bestF1Threshold.
 */
export function bestWeightedF1Threshold(scores: ArrayLike<number>, truth: Uint8Array, weights: ArrayLike<number>): F1Threshold {
  const n = truth.length;
  if (scores.length !== n || weights.length !== n) {
    throw new RangeError(`scores, truth and weights lengths differ (${scores.length}, ${n}, ${weights.length})`);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const key = (i: number) => (scores[i] === scores[i] ? scores[i] : -Infinity);
  order.sort((a, b) => key(b) - key(a));
  let pos = 0;
  for (let i = 0; i < n; i++) if (truth[i] !== 0) pos += weights[i];
  let tp = 0, fp = 0, best = -1, bestF1 = 0, bestTp = 0, bestFp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (truth[i] !== 0) tp += weights[i]; else fp += weights[i];
    if (r + 1 < n && key(order[r + 1]) === key(i)) continue; // cut only between distinct scores
    const f1 = (2 * tp) / (tp + fp + pos);
    if (f1 > bestF1) { bestF1 = f1; best = r; bestTp = tp; bestFp = fp; }
  }
  if (best < 0) return { threshold: n > 0 ? key(order[0]) : 0, f1: 0, precision: 0, recall: 0 };
  const hi = key(order[best]);
  const threshold = best + 1 < n ? between(key(order[best + 1]), hi) : hi - 1;
  return { threshold, f1: bestF1, precision: bestTp / (bestTp + bestFp), recall: bestTp / pos };
}
