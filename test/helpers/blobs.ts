// Seeded Gaussian blobs around planted centres, for engine tests.

export interface Blobs { X: Float32Array; n: number; d: number; centers: Float32Array; truth: Int32Array }

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
