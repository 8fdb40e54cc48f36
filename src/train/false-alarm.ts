// Label-free thresholds: with only normal traffic to learn from, the threshold is
// the cut that flags a chosen share of held-out normal rows, and what it means
// for an analyst is the number of alerts per hour it gives on traffic like that.

import type { RecordBatch } from '../data/batch.ts';
import type { AlertRate, FalseAlarmEstimate } from '../model/model.ts';

/** Two-sided 95 % Student t quantiles for 1…30 degrees of freedom (then ~1.96). */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * The threshold that flags a share `rate` of the held-out normal scores (pooled over
 * the folds), placed halfway between the lowest flagged score and the next one below,
 * and the false-alarm rate it gives in each fold.
 */
export function falseAlarmThreshold(
  scores: ArrayLike<number>, folds: readonly Int32Array[], rate: number,
): { threshold: number; estimate: FalseAlarmEstimate } {
  const pooled: number[] = [];
  for (const rows of folds) for (const r of rows) pooled.push(scores[r]);
  const n = pooled.length;
  if (n === 0) throw new RangeError('falseAlarmThreshold: no held-out rows');
  const sorted = Float64Array.from(pooled).sort().reverse(); // descending
  const flagged = Math.min(n - 1, Math.max(1, Math.round(rate * n)));
  // Flag the top `flagged` scores: the cut sits between sorted[flagged - 1] and sorted[flagged].
  const hi = sorted[flagged - 1], lo = sorted[flagged];
  const mid = lo + (hi - lo) / 2;
  const threshold = mid > lo && mid < hi ? mid : lo;
  const byFold = folds.map((rows) => {
    let above = 0;
    for (const r of rows) if (scores[r] > threshold) above++;
    return rows.length ? above / rows.length : 0;
  });
  let above = 0;
  for (const s of pooled) if (s > threshold) above++;
  const estimate = above / n;
  const k = byFold.length;
  const mean = byFold.reduce((a, b) => a + b, 0) / k;
  const sd = k > 1 ? Math.sqrt(byFold.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1)) : 0;
  const half = (T95[Math.min(k - 1, T95.length) - 1] ?? 1.96) * sd / Math.sqrt(k);
  return {
    threshold,
    estimate: { target: rate, estimate, low: Math.max(0, mean - half), high: Math.min(1, mean + half), byFold },
  };
}

/**
 * Confidence slope without attack labels. The logistic confidence model is 0.5 at
 * the threshold; here it reaches 0.95 at the score that only a twentieth of the
 * flagged normal rows exceed (a false-alarm rate of rate / 20): the further a
 * record sits beyond where normal traffic thins out, the surer the verdict.
 */
export function tailCalibrationSlope(scores: ArrayLike<number>, rows: readonly number[], threshold: number, rate: number): number {
  const normal = Float64Array.from(rows, (r) => scores[r]).sort().reverse();
  const k = Math.max(0, Math.min(normal.length - 1, Math.floor((rate / 20) * normal.length)));
  const far = normal[k];
  const ratio = Math.log(Math.max(far, threshold * 1.0001) / threshold);
  const slope = Math.log(0.95 / 0.05) / ratio;
  return Math.min(Math.max(slope, 0.01), 100);
}

/** Alerts per hour and day at `rate` on traffic like the training rows, from their timestamps; null without them. */
export function alertRate(batch: RecordBatch, rows: readonly number[], rate: number): AlertRate | null {
  const id = batch.identity;
  if (!id || rows.length === 0) return null;
  let first = Infinity, last = -Infinity;
  for (const r of rows) {
    const t = id.start[r];
    if (!Number.isFinite(t)) continue;
    const end = t + (Number.isFinite(id.duration[r]) ? id.duration[r] : 0);
    if (t < first) first = t;
    if (end > last) last = end;
  }
  const span = last - first;
  if (!(span > 0)) return null;
  const perHour = (rows.length / span) * 3600;
  const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    connectionsPerHour: round(perHour, 1),
    alertsPerHour: round(perHour * rate, 2),
    alertsPerDay: round(perHour * rate * 24, 1),
    spanSeconds: round(span, 3),
  };
}
