// From an anomaly score to a verdict: the threshold, severity bands and a
// calibrated confidence.

export const SEVERITIES = ['Normal', 'Low', 'Medium', 'High', 'Critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ScoringParams {
  /** A record is anomalous iff score > threshold. */
  threshold: number;
  /** Severity bands as multiples of the threshold: Low up to cuts[0], Medium up to cuts[1], High up to cuts[2], Critical above. */
  severityCuts: [number, number, number];
  /**
   * Confidence model: P(attack | score) = 1 / (1 + exp(-slope · ln(score / threshold))),
   * a logistic fit of the training labels centred on the threshold (so it is 0.5 there).
   */
  calibrationSlope: number;
  /**
   * The threshold for rows whose traffic windows were still filling (the first
   * connections of a capture, identity.warmup): they are a population of their
   * own, with scores of their own, cut at the same false-alarm rate. Absent for
   * models of sources without windows (then every row uses `threshold`).
   */
  warmupThreshold?: number;
}

/** The threshold a row is judged by: the warm-up one for a warm-up row, when there is one. */
export function rowThreshold(p: { threshold: number; warmupThreshold?: number }, warmup: boolean | undefined): number {
  return warmup && p.warmupThreshold !== undefined ? p.warmupThreshold : p.threshold;
}

/** The scoring parameters for a warm-up row (see ScoringParams.warmupThreshold). */
export function warmupScoring(p: ScoringParams): ScoringParams {
  return p.warmupThreshold === undefined ? p : { ...p, threshold: p.warmupThreshold };
}

export const DEFAULT_SEVERITY_CUTS: [number, number, number] = [2, 4, 8];

/** 0 = Normal … 4 = Critical. */
export function severityCode(score: number, p: ScoringParams): number {
  if (!(score > p.threshold)) return 0;
  const r = score / p.threshold;
  if (r <= p.severityCuts[0]) return 1;
  if (r <= p.severityCuts[1]) return 2;
  if (r <= p.severityCuts[2]) return 3;
  return 4;
}

export function attackProbability(score: number, p: ScoringParams): number {
  const z = p.calibrationSlope * Math.log(Math.max(score, 1e-12) / p.threshold);
  return 1 / (1 + Math.exp(-z));
}

/** How likely the verdict is right: P(attack) for a flagged record, 1 − P(attack) otherwise. Always ≥ 0.5. */
export function confidence(score: number, p: ScoringParams): number {
  const pa = attackProbability(score, p);
  return score > p.threshold ? pa : 1 - pa;
}

/**
 * Maximum-likelihood slope of the centred logistic model (Newton's method on a
 * single parameter), from scores with known labels and optional row weights.
 */
export function fitCalibrationSlope(scores: ArrayLike<number>, truth: Uint8Array, threshold: number, weights?: ArrayLike<number>): number {
  const n = truth.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.log(Math.max(scores[i], 1e-12) / threshold);
  let a = 1;
  for (let iter = 0; iter < 50; iter++) {
    let grad = 0, hess = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      const p = 1 / (1 + Math.exp(-a * x[i]));
      grad += w * (truth[i] - p) * x[i];
      hess += w * p * (1 - p) * x[i] * x[i];
    }
    if (!(hess > 0)) break;
    const step = grad / hess;
    a = Math.min(Math.max(a + step, 0.01), 100);
    if (Math.abs(step) < 1e-9) break;
  }
  return a;
}
