/**
 * Shared core of the curve/threshold metrics: scores grouped into distinct values
 * (highest first) with cumulative true/false positive counts. Positives and
 * negatives are sorted separately with the native typed-array sort (no comparator,
 * so it stays fast on millions of rows) and merged.
 */
export interface Ranking {
  /** Distinct scores, descending. NaN scores are ranked as -Infinity. */
  scores: Float64Array;
  /** tp[k] / fp[k]: positives / negatives with score >= scores[k]. */
  tp: Float64Array;
  fp: Float64Array;
  /** Total positives and negatives. */
  pos: number;
  neg: number;
}

export function rank(scores: ArrayLike<number>, truth: Uint8Array): Ranking {
  const n = truth.length;
  if (scores.length !== n) {
    throw new RangeError(`scores and truth lengths differ (${scores.length} vs ${n})`);
  }
  let pos = 0;
  for (let i = 0; i < n; i++) if (truth[i] !== 0) pos++;
  const neg = n - pos;
  const p = new Float64Array(pos);
  const q = new Float64Array(neg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    const s = scores[i];
    const v = s === s ? s : -Infinity; // NaN would otherwise sort above +Infinity
    if (truth[i] !== 0) p[a++] = v;
    else q[b++] = v;
  }
  p.sort();
  q.sort();

  const out = new Float64Array(n);
  const tp = new Float64Array(n);
  const fp = new Float64Array(n);
  let i = pos - 1, j = neg - 1, k = 0, t = 0, f = 0;
  while (i >= 0 || j >= 0) {
    let s = i >= 0 ? p[i] : q[j];
    if (j >= 0 && q[j] > s) s = q[j];
    while (i >= 0 && p[i] === s) { i--; t++; }
    while (j >= 0 && q[j] === s) { j--; f++; }
    out[k] = s;
    tp[k] = t;
    fp[k] = f;
    k++;
  }
  return { scores: out.subarray(0, k), tp: tp.subarray(0, k), fp: fp.subarray(0, k), pos, neg };
}
