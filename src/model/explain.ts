// Why a record was flagged: the features that contribute most to its distance
// from normal traffic. Column shares are folded back into input features in the
// module (assembly/explain.ts), so a one-hot service column reads as `service`.

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
 * A row's contributions from Ensemble.score's `top` (the module's ranking, see
 * SubspaceResult.topFeatures): `at` is the row's offset there, `count` the features
 * ranked per row; `value(f)` gives the record's raw value; `names` are the input features.
 */
export function contributions(
  top: Float64Array, at: number, count: number, value: (feature: number) => string | number, names: readonly string[] = FEATURE_NAMES,
): FeatureContribution[] {
  const total = top[at];
  const out: FeatureContribution[] = [];
  if (!(total > 0)) return out;
  for (let q = 0; q < count; q++) {
    const f = top[at + 1 + 2 * q];
    if (f < 0) break;
    out.push({ feature: names[f], value: value(f), share: Math.round((top[at + 2 + 2 * q] / total) * 1e4) / 1e4 });
  }
  return out;
}
