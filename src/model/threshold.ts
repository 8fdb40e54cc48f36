// Row weights for choosing the threshold (metrics/threshold.ts finds the F1-best cut).
//
// With 'category' weighting, attack rows are weighted so that every attack
// category in the training file (DoS, Probe, R2L, U2R) carries the same total
// weight (the total attack weight is unchanged). Training files are dominated by
// floods that sit far from normal traffic; unweighted, they alone decide the
// cut, and quieter attacks (password guessing, tunnels) fall below it.

import { attackCategory } from '../metrics/categories.ts';
import type { ThresholdWeighting } from './model.ts';

export function rowWeights(labels: readonly string[], weighting: ThresholdWeighting): Float64Array {
  const weights = new Float64Array(labels.length).fill(1);
  if (weighting === 'none') return weights;
  const cats = labels.map(attackCategory);
  const counts = new Map<string, number>();
  for (const c of cats) if (c !== 'normal') counts.set(c, (counts.get(c) ?? 0) + 1);
  const attacks = [...counts.values()].reduce((a, b) => a + b, 0);
  if (attacks === 0) return weights;
  const perCategory = attacks / counts.size;
  cats.forEach((c, i) => { if (c !== 'normal') weights[i] = perCategory / counts.get(c)!; });
  return weights;
}
