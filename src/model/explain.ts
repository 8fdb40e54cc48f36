// Why a record was flagged: the features that contribute most to its squared
// distance from its nearest centroid (one-hot columns folded back into their
// categorical feature).

import { FEATURE_NAMES } from '../data/schema.ts';

export interface FeatureContribution {
  feature: string;
  /** The record's raw value of that feature. */
  value: string | number;
  /** Share of the squared distance, in [0, 1]. */
  share: number;
}

/**
 * `row` is the preprocessed record (dim values), `centroid` its nearest centroid,
 * `featureOf(col)` maps an output column to its input feature.
 */
export function topFeatures(
  row: Float32Array, centroid: Float32Array, featureOf: (col: number) => string,
  raw: (string | number)[], count = 3,
): FeatureContribution[] {
  const byFeature = new Map<string, number>();
  let total = 0;
  for (let c = 0; c < row.length; c++) {
    const d = row[c] - centroid[c];
    const sq = d * d;
    total += sq;
    const f = featureOf(c);
    byFeature.set(f, (byFeature.get(f) ?? 0) + sq);
  }
  if (!(total > 0)) return [];
  return [...byFeature.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([feature, sq]) => ({ feature, value: raw[FEATURE_NAMES.indexOf(feature)], share: round(sq / total, 4) }));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
