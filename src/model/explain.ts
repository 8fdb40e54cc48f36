// Why a record was flagged: the features that contribute most to its distance
// from normal traffic. Column shares (see Ensemble.columnShares) are folded
// back into input features, so a one-hot service column reads as `service`.

import { FEATURE_NAMES } from '../data/schema.ts';

export interface FeatureContribution {
  feature: string;
  /** The record's raw value of that feature. */
  value: string | number;
  /** Share of the weighted squared distance, in [0, 1]. */
  share: number;
}

/** For each preprocessed column ('service=http', 'duration', …), the index of its input feature in `names`. */
export function featureIndexOf(columns: readonly string[], names: readonly string[] = FEATURE_NAMES): Int32Array {
  return Int32Array.from(columns, (c) => {
    const f = names.indexOf(c.split('=')[0]);
    if (f < 0) throw new RangeError(`column ${JSON.stringify(c)} names no input feature`);
    return f;
  });
}

/**
 * The `count` features with the largest summed share. `byFeature` is scratch
 * space (one entry per input feature) reused across calls; `value(f)` gives the
 * record's raw value; `names` are the input features (KDD's by default). The
 * record's column shares are columnShares[from, from + featureIndex.length), so
 * that a batch's rows are read in place.
 */
export function topFeatures(
  columnShares: Float64Array, featureIndex: Int32Array, value: (feature: number) => string | number,
  count = 3, byFeature = new Float64Array(FEATURE_NAMES.length), names: readonly string[] = FEATURE_NAMES, from = 0,
): FeatureContribution[] {
  byFeature.fill(0);
  let total = 0;
  const columns = Math.min(featureIndex.length, columnShares.length - from);
  for (let c = 0; c < columns; c++) {
    const s = columnShares[from + c];
    if (s > 0) {
      byFeature[featureIndex[c]] += s;
      total += s;
    }
  }
  if (!(total > 0)) return [];
  const out: FeatureContribution[] = [];
  for (let k = 0; k < count; k++) {
    let best = -1;
    for (let f = 0; f < byFeature.length; f++) if (byFeature[f] > 0 && (best < 0 || byFeature[f] > byFeature[best])) best = f;
    if (best < 0) break;
    out.push({ feature: names[best], value: value(best), share: Math.round((byFeature[best] / total) * 1e4) / 1e4 });
    byFeature[best] = 0;
  }
  return out;
}
