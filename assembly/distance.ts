// Distance kernels on row-major f32 matrices.
//
// Layout contract (the host guarantees it): every row is padded with zeros to
// `dp` floats, a multiple of 4, so each v128 load stays inside its row and the
// padding adds nothing to a dot product or a distance. Centroid matrices have
// exactly k rows: the blocked kernels take centroids four at a time up to the
// last multiple of four and handle the rest separately.

import { allocZeroed, free } from './memory';

/** Squared Euclidean distance between two padded rows. */
export function sqDist(a: usize, b: usize, rowBytes: usize): f32 {
  if (ASC_FEATURE_SIMD) {
    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    let t: usize = 0;
    for (; t + 32 <= rowBytes; t += 32) {
      const u = f32x4.sub(v128.load(a + t), v128.load(b + t));
      const w = f32x4.sub(v128.load(a + t, 16), v128.load(b + t, 16));
      acc0 = f32x4.add(acc0, f32x4.mul(u, u));
      acc1 = f32x4.add(acc1, f32x4.mul(w, w));
    }
    if (t < rowBytes) {
      const u = f32x4.sub(v128.load(a + t), v128.load(b + t));
      acc0 = f32x4.add(acc0, f32x4.mul(u, u));
    }
    return hsum(f32x4.add(acc0, acc1));
  } else {
    let acc: f32 = 0;
    for (let t: usize = 0; t < rowBytes; t += 4) {
      const u = load<f32>(a + t) - load<f32>(b + t);
      acc += u * u;
    }
    return acc;
  }
}

/** Dot product of two padded rows. */
export function dot(a: usize, b: usize, rowBytes: usize): f32 {
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (let t: usize = 0; t < rowBytes; t += 16) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(a + t), v128.load(b + t)));
    }
    return hsum(acc);
  } else {
    let acc: f32 = 0;
    for (let t: usize = 0; t < rowBytes; t += 4) acc += load<f32>(a + t) * load<f32>(b + t);
    return acc;
  }
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Lane q of the result is the horizontal sum of input q (a transpose-and-add). */
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return f32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** ||x_i||² of every row (Lloyd computes these once per fit). */
export function rowNorms(X: usize, n: i32, dp: i32, out: usize): void {
  const rowBytes = <usize>dp << 2;
  for (let i = 0; i < n; i++) {
    const x = X + <usize>i * rowBytes;
    store<f32>(out + (<usize>i << 2), dot(x, x, rowBytes));
  }
}

/** ||c_j||² for every centroid. */
export function centroidNorms(C: usize, k: i32, dp: i32, out: usize): void {
  const rowBytes = <usize>dp << 2;
  for (let j = 0; j < k; j++) {
    const c = C + <usize>j * rowBytes;
    store<f32>(out + (<usize>j << 2), dot(c, c, rowBytes));
  }
}

/**
 * Nearest centroid of every row: writes labels (i32) and squared distances (f32)
 * and returns the inertia (sum of squared distances, in f64).
 *
 * The search ranks centroids by ||c||² - 2·x·c, which turns the inner loop into
 * dot products; the squared distance is then ||x||² plus the winning value
 * (clamped at 0: f32 rounding can make a zero distance a tiny negative).
 */
export function nearest(X: usize, n: i32, dp: i32, C: usize, k: i32, labels: usize, dists: usize): f64 {
  const cn = allocZeroed(<usize>k << 2);
  const xn = allocZeroed(<usize>n << 2);
  centroidNorms(C, k, dp, cn);
  rowNorms(X, n, dp, xn);
  const inertia = assignRows(X, n, dp, C, k, cn, xn, labels, dists, 0, 0);
  free(cn);
  free(xn);
  return inertia;
}

/**
 * The assignment kernel behind `nearest`. With `partial` ≠ 0 it also adds each
 * row to its cluster's f32 running sum (k × dp) and bumps `counts` (f64), which
 * fuses Lloyd's update into the same pass over the data.
 */
export function assignRows(
  X: usize, n: i32, dp: i32, C: usize, k: i32, cn: usize, xn: usize,
  labels: usize, dists: usize, partial: usize, counts: usize,
): f64 {
  const rowBytes = <usize>dp << 2;
  const k4 = k & ~3;
  let inertia: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Two rows against four centroids at a time: 6 loads feed 16 arithmetic ops,
    // and the 8 accumulators plus operands fit in the 16 vector registers of x86-64.
    for (; i + 1 < n; i += 2) {
      const x0 = X + <usize>i * rowBytes;
      const x1 = x0 + rowBytes;
      let best0: f32 = Infinity, best1: f32 = Infinity;
      let arg0 = 0, arg1 = 0;
      for (let j = 0; j < k4; j += 4) {
        const c0 = C + <usize>j * rowBytes;
        const c1 = c0 + rowBytes;
        const c2 = c1 + rowBytes;
        const c3 = c2 + rowBytes;
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
        let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
        for (let t: usize = 0; t < rowBytes; t += 16) {
          const u0 = v128.load(x0 + t);
          const u1 = v128.load(x1 + t);
          const w0 = v128.load(c0 + t);
          a00 = f32x4.add(a00, f32x4.mul(u0, w0));
          a10 = f32x4.add(a10, f32x4.mul(u1, w0));
          const w1 = v128.load(c1 + t);
          a01 = f32x4.add(a01, f32x4.mul(u0, w1));
          a11 = f32x4.add(a11, f32x4.mul(u1, w1));
          const w2 = v128.load(c2 + t);
          a02 = f32x4.add(a02, f32x4.mul(u0, w2));
          a12 = f32x4.add(a12, f32x4.mul(u1, w2));
          const w3 = v128.load(c3 + t);
          a03 = f32x4.add(a03, f32x4.mul(u0, w3));
          a13 = f32x4.add(a13, f32x4.mul(u1, w3));
        }
        const norms = v128.load(cn + (<usize>j << 2));
        const d0 = hsum4(a00, a01, a02, a03);
        const d1 = hsum4(a10, a11, a12, a13);
        const s0 = f32x4.sub(norms, f32x4.add(d0, d0));
        const s1 = f32x4.sub(norms, f32x4.add(d1, d1));
        let v: f32;
        v = f32x4.extract_lane(s0, 0); if (v < best0) { best0 = v; arg0 = j; }
        v = f32x4.extract_lane(s0, 1); if (v < best0) { best0 = v; arg0 = j + 1; }
        v = f32x4.extract_lane(s0, 2); if (v < best0) { best0 = v; arg0 = j + 2; }
        v = f32x4.extract_lane(s0, 3); if (v < best0) { best0 = v; arg0 = j + 3; }
        v = f32x4.extract_lane(s1, 0); if (v < best1) { best1 = v; arg1 = j; }
        v = f32x4.extract_lane(s1, 1); if (v < best1) { best1 = v; arg1 = j + 1; }
        v = f32x4.extract_lane(s1, 2); if (v < best1) { best1 = v; arg1 = j + 2; }
        v = f32x4.extract_lane(s1, 3); if (v < best1) { best1 = v; arg1 = j + 3; }
      }
      // Leftover centroids (k not a multiple of 4): two rows against two, then one.
      let j = k4;
      for (; j + 1 < k; j += 2) {
        const c0 = C + <usize>j * rowBytes;
        const c1 = c0 + rowBytes;
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        for (let t: usize = 0; t < rowBytes; t += 16) {
          const u0 = v128.load(x0 + t);
          const u1 = v128.load(x1 + t);
          const w0 = v128.load(c0 + t);
          const w1 = v128.load(c1 + t);
          a00 = f32x4.add(a00, f32x4.mul(u0, w0));
          a01 = f32x4.add(a01, f32x4.mul(u0, w1));
          a10 = f32x4.add(a10, f32x4.mul(u1, w0));
          a11 = f32x4.add(a11, f32x4.mul(u1, w1));
        }
        const n0 = load<f32>(cn + (<usize>j << 2));
        const n1 = load<f32>(cn + (<usize>(j + 1) << 2));
        let v: f32;
        v = n0 - 2 * hsum(a00); if (v < best0) { best0 = v; arg0 = j; }
        v = n1 - 2 * hsum(a01); if (v < best0) { best0 = v; arg0 = j + 1; }
        v = n0 - 2 * hsum(a10); if (v < best1) { best1 = v; arg1 = j; }
        v = n1 - 2 * hsum(a11); if (v < best1) { best1 = v; arg1 = j + 1; }
      }
      if (j < k) {
        const c = C + <usize>j * rowBytes;
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        for (let t: usize = 0; t < rowBytes; t += 16) {
          const w = v128.load(c + t);
          a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + t), w));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + t), w));
        }
        const norm = load<f32>(cn + (<usize>j << 2));
        const v0 = norm - 2 * hsum(a0);
        const v1 = norm - 2 * hsum(a1);
        if (v0 < best0) { best0 = v0; arg0 = j; }
        if (v1 < best1) { best1 = v1; arg1 = j; }
      }
      const e0 = max<f32>(load<f32>(xn + (<usize>i << 2)) + best0, 0);
      const e1 = max<f32>(load<f32>(xn + (<usize>(i + 1) << 2)) + best1, 0);
      store<i32>(labels + (<usize>i << 2), arg0);
      store<i32>(labels + (<usize>(i + 1) << 2), arg1);
      store<f32>(dists + (<usize>i << 2), e0);
      store<f32>(dists + (<usize>(i + 1) << 2), e1);
      inertia += <f64>e0 + <f64>e1;
      if (partial != 0) {
        accumulate(partial, counts, x0, arg0, rowBytes);
        accumulate(partial, counts, x1, arg1, rowBytes);
      }
    }
  }
  // Remaining rows (all rows in the scalar build): one row against one centroid.
  for (; i < n; i++) {
    const x = X + <usize>i * rowBytes;
    let best: f32 = Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const v = load<f32>(cn + (<usize>j << 2)) - 2 * dot(x, C + <usize>j * rowBytes, rowBytes);
      if (v < best) { best = v; arg = j; }
    }
    const e = max<f32>(load<f32>(xn + (<usize>i << 2)) + best, 0);
    store<i32>(labels + (<usize>i << 2), arg);
    store<f32>(dists + (<usize>i << 2), e);
    inertia += <f64>e;
    if (partial != 0) accumulate(partial, counts, x, arg, rowBytes);
  }
  return inertia;
}

@inline function accumulate(partial: usize, counts: usize, x: usize, j: i32, rowBytes: usize): void {
  const sum = partial + <usize>j * rowBytes;
  if (ASC_FEATURE_SIMD) {
    for (let t: usize = 0; t < rowBytes; t += 16) {
      v128.store(sum + t, f32x4.add(v128.load(sum + t), v128.load(x + t)));
    }
  } else {
    for (let t: usize = 0; t < rowBytes; t += 4) store<f32>(sum + t, load<f32>(sum + t) + load<f32>(x + t));
  }
  const c = counts + (<usize>j << 3);
  store<f64>(c, load<f64>(c) + 1);
}

/** Euclidean distance from every row to every centroid, n × k (scikit-learn's transform). */
export function distances(X: usize, n: i32, dp: i32, C: usize, k: i32, out: usize): void {
  const rowBytes = <usize>dp << 2;
  for (let i = 0; i < n; i++) {
    const x = X + <usize>i * rowBytes;
    const o = out + (<usize>i * <usize>k << 2);
    for (let j = 0; j < k; j++) {
      store<f32>(o + (<usize>j << 2), Mathf.sqrt(sqDist(x, C + <usize>j * rowBytes, rowBytes)));
    }
  }
}

/** Inertia of a labelling: sum of squared distances to the assigned centroids. */
export function inertiaOf(X: usize, n: i32, dp: i32, C: usize, labels: usize): f64 {
  const rowBytes = <usize>dp << 2;
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const j = load<i32>(labels + (<usize>i << 2));
    total += <f64>sqDist(X + <usize>i * rowBytes, C + <usize>j * rowBytes, rowBytes);
  }
  return total;
}

/** Mean over columns of the per-column variance (scikit-learn scales `tol` by it). */
export function meanColumnVariance(X: usize, n: i32, dp: i32, d: i32): f64 {
  if (n == 0 || d == 0) return 0;
  const rowBytes = <usize>dp << 2;
  const sums = allocZeroed(<usize>d << 3);
  const sq = allocZeroed(<usize>d << 3);
  for (let i = 0; i < n; i++) {
    const x = X + <usize>i * rowBytes;
    for (let t = 0; t < d; t++) {
      const v = <f64>load<f32>(x + (<usize>t << 2));
      const p = <usize>t << 3;
      store<f64>(sums + p, load<f64>(sums + p) + v);
      store<f64>(sq + p, load<f64>(sq + p) + v * v);
    }
  }
  let total: f64 = 0;
  for (let t = 0; t < d; t++) {
    const mean = load<f64>(sums + (<usize>t << 3)) / <f64>n;
    total += load<f64>(sq + (<usize>t << 3)) / <f64>n - mean * mean;
  }
  free(sums);
  free(sq);
  return total / <f64>d;
}

/** Copies the listed columns of every row into a new padded matrix (zeros in the padding). */
export function gatherColumns(src: usize, n: i32, srcDp: i32, cols: usize, m: i32, dst: usize, dstDp: i32): void {
  const srcBytes = <usize>srcDp << 2;
  const dstBytes = <usize>dstDp << 2;
  for (let i = 0; i < n; i++) {
    const s = src + <usize>i * srcBytes;
    const d = dst + <usize>i * dstBytes;
    let t = 0;
    for (; t < m; t++) store<f32>(d + (<usize>t << 2), load<f32>(s + (<usize>load<i32>(cols + (<usize>t << 2)) << 2)));
    for (; t < dstDp; t++) store<f32>(d + (<usize>t << 2), 0);
  }
}

/**
 * Explanations: for each listed row, adds `weight · (x_t − c_t)² / ||x − c||²`
 * (its nearest centroid c) to out[row · outStride + cols[t]] (f64), i.e. each
 * column's weighted share of the member's squared distance.
 */
export function columnShares(
  X: usize, dp: i32, C: usize, labels: usize, rows: usize, nRows: i32,
  m: i32, cols: usize, weight: f64, out: usize, outStride: i32,
): void {
  const rowBytes = <usize>dp << 2;
  for (let r = 0; r < nRows; r++) {
    const i = load<i32>(rows + (<usize>r << 2));
    const x = X + <usize>i * rowBytes;
    const c = C + <usize>load<i32>(labels + (<usize>i << 2)) * rowBytes;
    let total: f64 = 0;
    for (let t = 0; t < m; t++) {
      const u = <f64>load<f32>(x + (<usize>t << 2)) - <f64>load<f32>(c + (<usize>t << 2));
      total += u * u;
    }
    if (!(total > 0)) continue;
    const f = weight / total;
    const o = out + (<usize>r * <usize>outStride << 3);
    for (let t = 0; t < m; t++) {
      const u = <f64>load<f32>(x + (<usize>t << 2)) - <f64>load<f32>(c + (<usize>t << 2));
      const p = o + (<usize>load<i32>(cols + (<usize>t << 2)) << 3);
      store<f64>(p, load<f64>(p) + f * u * u);
    }
  }
}
