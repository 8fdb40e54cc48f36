/** Seeded data for metric tests: coarse scores so ties are frequent. */
export { mulberry32 } from '../../src/data/random.ts';
import { mulberry32 } from '../../src/data/random.ts';

export function randomCase(seed: number, n: number, levels = 12): { scores: Float64Array; truth: Uint8Array } {
  const rnd = mulberry32(seed);
  const scores = new Float64Array(n);
  const truth = new Uint8Array(n);
  const posRate = 0.1 + 0.8 * rnd();
  for (let i = 0; i < n; i++) {
    const t = rnd() < posRate ? 1 : 0;
    truth[i] = t;
    // Positives score a little higher on average; rounding to few levels makes ties.
    scores[i] = Math.floor((rnd() + 0.3 * t) * levels) / levels - 0.5;
  }
  return { scores, truth };
}

export function distinctDesc(scores: ArrayLike<number>): number[] {
  return [...new Set(Array.from(scores))].sort((a, b) => b - a);
}

/** tp / fp when flagging score >= cut, by full scan. */
export function countAtLeast(scores: ArrayLike<number>, truth: Uint8Array, cut: number): { tp: number; fp: number } {
  let tp = 0, fp = 0;
  for (let i = 0; i < truth.length; i++) {
    if (scores[i] >= cut) {
      if (truth[i]) tp++;
      else fp++;
    }
  }
  return { tp, fp };
}
