// Clustering-quality scores used to weight ensemble members.

import { sqDist } from './distance';
import { allocZeroed, free } from './memory';
import { nextBelow } from './rng';

/**
 * Mean silhouette over a seeded sample of at most `sampleSize` rows (distances
 * within the sample only, as scikit-learn's silhouette_score(sample_size=…)).
 * A row alone in its cluster scores 0.
 */
export function silhouette(X: usize, n: i32, dp: i32, labels: usize, k: i32, sampleSize: i32): f64 {
  const rowBytes = <usize>dp << 2;
  const m = sampleSize < n ? sampleSize : n;
  const order = allocZeroed(<usize>n << 2);
  for (let i = 0; i < n; i++) store<i32>(order + (<usize>i << 2), i);
  for (let i = 0; i < m; i++) { // partial Fisher–Yates: the first m entries are the sample
    const j = i + nextBelow(n - i);
    const a = load<i32>(order + (<usize>i << 2));
    store<i32>(order + (<usize>i << 2), load<i32>(order + (<usize>j << 2)));
    store<i32>(order + (<usize>j << 2), a);
  }
  const clusterSize = allocZeroed(<usize>k << 2);
  for (let s = 0; s < m; s++) {
    const lab = load<i32>(labels + (<usize>load<i32>(order + (<usize>s << 2)) << 2));
    store<i32>(clusterSize + (<usize>lab << 2), load<i32>(clusterSize + (<usize>lab << 2)) + 1);
  }
  // sums[s·k + c]: total distance from sample row s to the sample rows of cluster c.
  // Each pair is measured once and credited to both rows; every row still
  // receives its terms in ascending order of the other row, as a plain loop would.
  const sums = allocZeroed(<usize>m * <usize>k << 3);
  for (let s = 0; s < m; s++) {
    const i = load<i32>(order + (<usize>s << 2));
    const labI = load<i32>(labels + (<usize>i << 2));
    const x = X + <usize>i * rowBytes;
    for (let r = s + 1; r < m; r++) {
      const q = load<i32>(order + (<usize>r << 2));
      const labQ = load<i32>(labels + (<usize>q << 2));
      const d = Math.sqrt(<f64>sqDist(x, X + <usize>q * rowBytes, rowBytes));
      const ps = sums + ((<usize>s * <usize>k + <usize>labQ) << 3);
      const pr = sums + ((<usize>r * <usize>k + <usize>labI) << 3);
      store<f64>(ps, load<f64>(ps) + d);
      store<f64>(pr, load<f64>(pr) + d);
    }
  }
  let total: f64 = 0;
  for (let s = 0; s < m; s++) {
    const i = load<i32>(order + (<usize>s << 2));
    const own = load<i32>(labels + (<usize>i << 2));
    const sumTo = sums + (<usize>s * <usize>k << 3);
    const ownSize = load<i32>(clusterSize + (<usize>own << 2));
    if (ownSize <= 1) continue;
    const a = load<f64>(sumTo + (<usize>own << 3)) / <f64>(ownSize - 1);
    let b: f64 = Infinity;
    for (let j = 0; j < k; j++) {
      const size = load<i32>(clusterSize + (<usize>j << 2));
      if (j == own || size == 0) continue;
      b = Math.min(b, load<f64>(sumTo + (<usize>j << 3)) / <f64>size);
    }
    if (b == Infinity) continue;
    const denom = Math.max(a, b);
    if (denom > 0) total += (b - a) / denom;
  }
  free(order);
  free(clusterSize);
  free(sums);
  return m > 0 ? total / <f64>m : 0;
}

/**
 * Calinski–Harabasz index: between-cluster over within-cluster dispersion, each
 * divided by its degrees of freedom. 1 when every row sits on its centre.
 */
export function calinskiHarabasz(X: usize, n: i32, dp: i32, d: i32, labels: usize, k: i32): f64 {
  if (k < 2 || n <= k) return 0;
  const rowBytes = <usize>dp << 2;
  const means = allocZeroed(<usize>k * <usize>d << 3);
  const sizes = allocZeroed(<usize>k << 3);
  const grand = allocZeroed(<usize>d << 3);
  for (let i = 0; i < n; i++) {
    const lab = load<i32>(labels + (<usize>i << 2));
    const x = X + <usize>i * rowBytes;
    const m = means + <usize>lab * <usize>d * 8;
    for (let t = 0; t < d; t++) {
      const v = <f64>load<f32>(x + (<usize>t << 2));
      store<f64>(m + (<usize>t << 3), load<f64>(m + (<usize>t << 3)) + v);
      store<f64>(grand + (<usize>t << 3), load<f64>(grand + (<usize>t << 3)) + v);
    }
    store<f64>(sizes + (<usize>lab << 3), load<f64>(sizes + (<usize>lab << 3)) + 1);
  }
  for (let t = 0; t < d; t++) store<f64>(grand + (<usize>t << 3), load<f64>(grand + (<usize>t << 3)) / <f64>n);
  let between: f64 = 0;
  for (let j = 0; j < k; j++) {
    const size = load<f64>(sizes + (<usize>j << 3));
    if (size == 0) continue;
    const m = means + <usize>j * <usize>d * 8;
    let sq: f64 = 0;
    for (let t = 0; t < d; t++) {
      const mean = load<f64>(m + (<usize>t << 3)) / size;
      store<f64>(m + (<usize>t << 3), mean);
      const diff = mean - load<f64>(grand + (<usize>t << 3));
      sq += diff * diff;
    }
    between += size * sq;
  }
  let within: f64 = 0;
  for (let i = 0; i < n; i++) {
    const lab = load<i32>(labels + (<usize>i << 2));
    const x = X + <usize>i * rowBytes;
    const m = means + <usize>lab * <usize>d * 8;
    for (let t = 0; t < d; t++) {
      const diff = <f64>load<f32>(x + (<usize>t << 2)) - load<f64>(m + (<usize>t << 3));
      within += diff * diff;
    }
  }
  free(means);
  free(sizes);
  free(grand);
  if (within == 0) return 1;
  return (between * <f64>(n - k)) / (within * <f64>(k - 1));
}
