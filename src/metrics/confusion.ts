/** Binary confusion counts; "positive" means attack / anomaly. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface Rates {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  fpr: number;
}

/** Counts predictions against truth; any non-zero byte is treated as 1. */
export function confusionFrom(pred: Uint8Array, truth: Uint8Array): Confusion {
  if (pred.length !== truth.length) {
    throw new RangeError(`pred and truth lengths differ (${pred.length} vs ${truth.length})`);
  }
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] !== 0) {
      if (truth[i] !== 0) tp++;
      else fp++;
    } else if (truth[i] !== 0) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** a/b with 0/0 defined as 0, so empty classes never produce NaN in reports or JSON. */
export function safeDiv(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * Standard rates. Every ratio whose denominator is 0 is reported as 0
 * (e.g. precision with no positive predictions, recall with no attacks).
 */
export function rates(c: Confusion): Rates {
  const precision = safeDiv(c.tp, c.tp + c.fp);
  const recall = safeDiv(c.tp, c.tp + c.fn);
  return {
    accuracy: safeDiv(c.tp + c.tn, c.tp + c.fp + c.tn + c.fn),
    precision,
    recall,
    // 2tp/(2tp+fp+fn) equals the harmonic mean but stays defined when precision+recall = 0.
    f1: safeDiv(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    fpr: safeDiv(c.fp, c.fp + c.tn),
  };
}
