// Lloyd iterations: assign every row to its nearest centre, move each centre to
// the mean of its rows, until the total centre shift falls below `tolAbs`
// (scikit-learn's tol × mean column variance) or the labels stop changing.

import { assignRows, centroidNorms, nearest, packCentroids, packedBytes, rowNorms } from './distance';
import { allocZeroed, free } from './memory';

let lastInertiaValue: f64 = 0;

/** For the other Lloyd-equivalent fits (hamerly.ts). */
export function setLastInertia(value: f64): void {
  lastInertiaValue = value;
}

/** Inertia of the final assignment made by the last `lloyd` call. */
export function lastInertia(): f64 {
  return lastInertiaValue;
}

// Rows are summed in f32 (vectorised, fused into the assignment pass) and
// flushed to f64 every CHUNK rows: f64 accuracy at close to f32 speed.
export const CHUNK = 512;

/** Runs Lloyd's algorithm in place on C; writes final labels/distances; returns iterations run. */
export function lloyd(
  X: usize, n: i32, dp: i32, C: usize, k: i32,
  maxIter: i32, tolAbs: f64, labels: usize, dists: usize,
): i32 {
  const rowBytes = <usize>dp << 2;
  const previous = allocZeroed(<usize>n << 2);
  const partial = allocZeroed(<usize>k * rowBytes);
  const sums = allocZeroed(<usize>k * <usize>dp << 3);
  const counts = allocZeroed(<usize>k << 3);
  const cn = allocZeroed(<usize>k << 2);
  const xn = allocZeroed(<usize>n << 2);
  const P = allocZeroed(packedBytes(k, dp));
  rowNorms(X, n, dp, xn);
  let iterations = 0;
  let settled = false;
  let inertia: f64 = 0;
  for (let it = 0; it < maxIter; it++) {
    memory.fill(sums, 0, <usize>k * <usize>dp << 3);
    memory.fill(counts, 0, <usize>k << 3);
    centroidNorms(C, k, dp, cn);
    packCentroids(C, k, dp, P);
    inertia = 0;
    for (let start = 0; start < n; start += CHUNK) {
      const m = min(CHUNK, n - start);
      inertia += assignRows(
        X + <usize>start * rowBytes, m, dp, C, P, k, cn, xn + (<usize>start << 2),
        labels + (<usize>start << 2), dists + (<usize>start << 2), partial, counts,
      );
      flush(partial, sums, k * dp);
    }
    iterations = it + 1;
    if (it > 0 && memory.compare(previous, labels, <usize>n << 2) == 0) {
      settled = true; // strict convergence: centres are already the means of these labels
      break;
    }
    memory.copy(previous, labels, <usize>n << 2);
    relocateEmpty(X, n, dp, k, labels, dists, sums, counts);
    if (moveCentres(C, k, dp, sums, counts) <= tolAbs) break;
  }
  if (!settled) inertia = nearest(X, n, dp, C, k, labels, dists);
  lastInertiaValue = inertia;
  free(previous);
  free(partial);
  free(sums);
  free(counts);
  free(cn);
  free(xn);
  free(P);
  return iterations;
}

export function flush(partial: usize, sums: usize, total: i32): void {
  for (let t = 0; t < total; t++) {
    const p = sums + (<usize>t << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(partial + (<usize>t << 2)));
  }
  memory.fill(partial, 0, <usize>total << 2);
}

/** Moves centres to their cluster means; returns the total squared shift. */
export function moveCentres(C: usize, k: i32, dp: i32, sums: usize, counts: usize): f64 {
  const rowBytes = <usize>dp << 2;
  let shift: f64 = 0;
  for (let j = 0; j < k; j++) {
    const count = load<f64>(counts + (<usize>j << 3));
    if (count == 0) continue; // nothing could be relocated here: keep the old centre
    const c = C + <usize>j * rowBytes;
    const s = sums + <usize>j * <usize>dp * 8;
    for (let t = 0; t < dp; t++) {
      const updated = <f32>(load<f64>(s + (<usize>t << 3)) / count);
      const delta = <f64>(updated - load<f32>(c + (<usize>t << 2)));
      shift += delta * delta;
      store<f32>(c + (<usize>t << 2), updated);
    }
  }
  return shift;
}

/**
 * An empty cluster takes the row farthest from its own centre (scikit-learn's
 * rule), which leaves its old cluster; so no centre is ever a 0/0 mean.
 */
export function relocateEmpty(
  X: usize, n: i32, dp: i32, k: i32,
  labels: usize, dists: usize, sums: usize, counts: usize,
): void {
  const rowBytes = <usize>dp << 2;
  for (let j = 0; j < k; j++) {
    if (load<f64>(counts + (<usize>j << 3)) > 0) continue;
    let far = -1;
    let farDist: f32 = -1;
    for (let i = 0; i < n; i++) {
      const owner = load<i32>(labels + (<usize>i << 2));
      if (load<f64>(counts + (<usize>owner << 3)) <= 1) continue; // would empty another cluster
      const d = load<f32>(dists + (<usize>i << 2));
      if (d > farDist) { farDist = d; far = i; }
    }
    if (far < 0) continue; // fewer distinct rows than clusters: nothing to take
    const owner = load<i32>(labels + (<usize>far << 2));
    const x = X + <usize>far * rowBytes;
    addRow(sums + <usize>owner * <usize>dp * 8, x, dp, -1);
    store<f64>(counts + (<usize>owner << 3), load<f64>(counts + (<usize>owner << 3)) - 1);
    addRow(sums + <usize>j * <usize>dp * 8, x, dp, 1);
    store<f64>(counts + (<usize>j << 3), 1);
    store<i32>(labels + (<usize>far << 2), j);
    store<f32>(dists + (<usize>far << 2), 0);
  }
}

@inline function addRow(sum: usize, x: usize, dp: i32, sign: f64): void {
  for (let t = 0; t < dp; t++) {
    const p = sum + (<usize>t << 3);
    store<f64>(p, load<f64>(p) + sign * <f64>load<f32>(x + (<usize>t << 2)));
  }
}
