// Seeded Gaussian blobs around planted centres, for engine tests.

import { mulberry32 } from '../../src/data/random.ts';

export interface Blobs { X: Float32Array; n: number; d: number; centers: Float32Array; truth: Int32Array }

/** Seeded uniform [0, 1) generator (seed 0 means 1). */
export function rng(seed: number): () => number {
  return mulberry32(seed >>> 0 || 1);
}

export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function blobs(opts: { n: number; d: number; k: number; seed?: number; spread?: number; sigma?: number }): Blobs {
  const { n, d, k, seed = 1, spread = 20, sigma = 1 } = opts;
  const rand = rng(seed);
  const centers = new Float32Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = (rand() - 0.5) * spread;
  const X = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    truth[i] = c;
    for (let t = 0; t < d; t++) X[i * d + t] = centers[c * d + t] + sigma * gaussian(rand);
  }
  return { X, n, d, centers, truth };
}
