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

/**
 * sqDist(a, b0), …, sqDist(a, b3), each exactly as sqDist computes it (the same
 * accumulators and order), with a read once: stored as f32 at out, out + stride,
 * out + 2·stride, out + 3·stride.
 */
export function sqDist4(a: usize, b0: usize, b1: usize, b2: usize, b3: usize, rowBytes: usize, out: usize, stride: usize): void {
  if (ASC_FEATURE_SIMD) {
    let p0 = f32x4.splat(0), q0 = f32x4.splat(0);
    let p1 = f32x4.splat(0), q1 = f32x4.splat(0);
    let p2 = f32x4.splat(0), q2 = f32x4.splat(0);
    let p3 = f32x4.splat(0), q3 = f32x4.splat(0);
    let t: usize = 0;
    for (; t + 32 <= rowBytes; t += 32) {
      const x = v128.load(a + t);
      const y = v128.load(a + t, 16);
      let u = f32x4.sub(x, v128.load(b0 + t)); let w = f32x4.sub(y, v128.load(b0 + t, 16));
      p0 = f32x4.add(p0, f32x4.mul(u, u)); q0 = f32x4.add(q0, f32x4.mul(w, w));
      u = f32x4.sub(x, v128.load(b1 + t)); w = f32x4.sub(y, v128.load(b1 + t, 16));
      p1 = f32x4.add(p1, f32x4.mul(u, u)); q1 = f32x4.add(q1, f32x4.mul(w, w));
      u = f32x4.sub(x, v128.load(b2 + t)); w = f32x4.sub(y, v128.load(b2 + t, 16));
      p2 = f32x4.add(p2, f32x4.mul(u, u)); q2 = f32x4.add(q2, f32x4.mul(w, w));
      u = f32x4.sub(x, v128.load(b3 + t)); w = f32x4.sub(y, v128.load(b3 + t, 16));
      p3 = f32x4.add(p3, f32x4.mul(u, u)); q3 = f32x4.add(q3, f32x4.mul(w, w));
    }
    if (t < rowBytes) {
      const x = v128.load(a + t);
      let u = f32x4.sub(x, v128.load(b0 + t)); p0 = f32x4.add(p0, f32x4.mul(u, u));
      u = f32x4.sub(x, v128.load(b1 + t)); p1 = f32x4.add(p1, f32x4.mul(u, u));
      u = f32x4.sub(x, v128.load(b2 + t)); p2 = f32x4.add(p2, f32x4.mul(u, u));
      u = f32x4.sub(x, v128.load(b3 + t)); p3 = f32x4.add(p3, f32x4.mul(u, u));
    }
    store<f32>(out, hsum(f32x4.add(p0, q0)));
    store<f32>(out + stride, hsum(f32x4.add(p1, q1)));
    store<f32>(out + 2 * stride, hsum(f32x4.add(p2, q2)));
    store<f32>(out + 3 * stride, hsum(f32x4.add(p3, q3)));
  } else {
    store<f32>(out, sqDist(a, b0, rowBytes));
    store<f32>(out + stride, sqDist(a, b1, rowBytes));
    store<f32>(out + 2 * stride, sqDist(a, b2, rowBytes));
    store<f32>(out + 3 * stride, sqDist(a, b3, rowBytes));
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
  const P = allocZeroed(packedBytes(k, dp));
  centroidNorms(C, k, dp, cn);
  rowNorms(X, n, dp, xn);
  packCentroids(C, k, dp, P);
  const inertia = assignRows(X, n, dp, C, P, k, cn, xn, labels, dists, 0, 0);
  free(P);
  free(cn);
  free(xn);
  return inertia;
}

/** Bytes of the packed copy of the centroids made by `packCentroids`. */
export function packedBytes(k: i32, dp: i32): usize {
  return max<usize>(<usize>(k & ~3) * (<usize>dp << 2), 16);
}

/**
 * Interleaves each block of four centroids (the first k & ~3) by 4-float chunks:
 * chunk m of the block holds c0[4m..4m+3], c1[4m..4m+3], c2[…], c3[…], so the
 * assignment kernel reads a block with one pointer and constant offsets.
 */
export function packCentroids(C: usize, k: i32, dp: i32, P: usize): void {
  if (!ASC_FEATURE_SIMD) return; // only the SIMD kernel reads it
  const rowBytes = <usize>dp << 2;
  const k4 = k & ~3;
  for (let j = 0; j < k4; j += 4) {
    const src = C + <usize>j * rowBytes;
    const dst = P + <usize>j * rowBytes;
    for (let t: usize = 0; t < rowBytes; t += 16) {
      for (let q: usize = 0; q < 4; q++) {
        v128.store(dst + (t << 2) + (q << 4), v128.load(src + q * rowBytes + t));
      }
    }
  }
}

/** acc + a·b: two roundings in the SIMD build, a fused multiply-add where relaxed SIMD allows one. */
@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * The assignment kernel behind `nearest`. `P` is the packed copy of C
 * (`packCentroids`). With `partial` ≠ 0 it also adds each row to its cluster's
 * f32 running sum (k × dp) and bumps `counts` (f64), which fuses Lloyd's update
 * into the same pass over the data.
 *
 * Arithmetic contract of the SIMD build (the committed default model's bytes
 * depend on it): a dot product keeps four lane sums, lane l adding x[t]·c[t]
 * for t ≡ l (mod 4) in increasing t, each product rounded then added; the
 * lanes are combined as (l0 + l2) + (l1 + l3) for the centroids in blocks of
 * four (j < k & ~3) of every row but an odd last one, and as
 * ((l0 + l1) + l2) + l3 otherwise. Ties go to the lowest centroid index.
 */
export function assignRows(
  X: usize, n: i32, dp: i32, C: usize, P: usize, k: i32, cn: usize, xn: usize,
  labels: usize, dists: usize, partial: usize, counts: usize,
): f64 {
  const rowBytes = <usize>dp << 2;
  const k4 = k & ~3;
  let inertia: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const inf = f32x4.splat(Infinity);
    // Two rows against four centroids at a time: 6 loads feed 16 arithmetic ops,
    // and the 8 accumulators plus operands fit in the 16 vector registers of x86-64.
    for (; i + 1 < n; i += 2) {
      const x0 = X + <usize>i * rowBytes;
      const x1 = x0 + rowBytes;
      // Per lane q: the best value among centroids j ≡ q (mod 4) and its index.
      let bv0 = inf, bv1 = inf;
      let bj0 = i32x4.splat(0), bj1 = i32x4.splat(0);
      let jv = i32x4(0, 1, 2, 3);
      const four = i32x4.splat(4);
      for (let j = 0; j < k4; j += 4) {
        let p = P + <usize>j * rowBytes;
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
        let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
        for (let t: usize = 0; t < rowBytes; t += 16, p += 64) {
          const u0 = v128.load(x0 + t);
          const u1 = v128.load(x1 + t);
          const w0 = v128.load(p);
          a00 = madd(u0, w0, a00);
          a10 = madd(u1, w0, a10);
          const w1 = v128.load(p, 16);
          a01 = madd(u0, w1, a01);
          a11 = madd(u1, w1, a11);
          const w2 = v128.load(p, 32);
          a02 = madd(u0, w2, a02);
          a12 = madd(u1, w2, a12);
          const w3 = v128.load(p, 48);
          a03 = madd(u0, w3, a03);
          a13 = madd(u1, w3, a13);
        }
        const norms = v128.load(cn + (<usize>j << 2));
        const d0 = hsum4(a00, a01, a02, a03);
        const d1 = hsum4(a10, a11, a12, a13);
        const s0 = f32x4.sub(norms, f32x4.add(d0, d0));
        const s1 = f32x4.sub(norms, f32x4.add(d1, d1));
        const m0 = f32x4.lt(s0, bv0);
        const m1 = f32x4.lt(s1, bv1);
        bv0 = v128.bitselect(s0, bv0, m0);
        bv1 = v128.bitselect(s1, bv1, m1);
        bj0 = v128.bitselect(jv, bj0, m0);
        bj1 = v128.bitselect(jv, bj1, m1);
        jv = i32x4.add(jv, four);
      }
      let best0: f32 = Infinity, best1: f32 = Infinity;
      let arg0 = 0, arg1 = 0;
      if (k4 > 0) {
        best0 = laneMin(bv0); arg0 = laneArg(bv0, bj0, best0);
        best1 = laneMin(bv1); arg1 = laneArg(bv1, bj1, best1);
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
          a00 = madd(u0, w0, a00);
          a01 = madd(u0, w1, a01);
          a10 = madd(u1, w0, a10);
          a11 = madd(u1, w1, a11);
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
          a0 = madd(v128.load(x0 + t), w, a0);
          a1 = madd(v128.load(x1 + t), w, a1);
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

/** Smallest lane (no NaN reaches here: the lanes start at +Infinity and only take smaller values). */
@inline function laneMin(v: v128): f32 {
  return min<f32>(min<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    min<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** Lowest index among the lanes holding `best` (the first minimum of a sequential scan). */
@inline function laneArg(v: v128, idx: v128, best: f32): i32 {
  let arg = i32.MAX_VALUE;
  if (f32x4.extract_lane(v, 0) == best) arg = i32x4.extract_lane(idx, 0);
  if (f32x4.extract_lane(v, 1) == best) arg = min(arg, i32x4.extract_lane(idx, 1));
  if (f32x4.extract_lane(v, 2) == best) arg = min(arg, i32x4.extract_lane(idx, 2));
  if (f32x4.extract_lane(v, 3) == best) arg = min(arg, i32x4.extract_lane(idx, 3));
  return arg;
}

@inline export function accumulate(partial: usize, counts: usize, x: usize, j: i32, rowBytes: usize): void {
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

/**
 * Copies columns of every row into a new padded matrix (zeros in the padding). The
 * columns come as runs — `nRuns` triples (source column, destination column, length)
 * at `runs`, destinations increasing — since a member's columns are mostly contiguous
 * (a one-hot block, a run of rates): a run is copied with v128 loads and stores instead
 * of one indexed load per value. A run is copied in whole vectors, its last one running
 * past its end: the next run's first store covers those floats again, and the padding
 * is zeroed after the last run. Where a whole vector would leave the source or
 * destination row, the run ends float by float. (Row by row, run by run, with the
 * short runs copied float by float — most of a member of scattered numeric columns —
 * the gathering was a third of the scoring kernel's time.)
 */
export function gatherRuns(src: usize, n: i32, srcDp: i32, runs: usize, nRuns: i32, m: i32, dst: usize, dstDp: i32): void {
  const srcBytes = <usize>srcDp << 2;
  const dstBytes = <usize>dstDp << 2;
  // Run by run over all the rows: a run's offsets and length are read once, not once a row.
  for (let r = 0; r < nRuns; r++) {
    const run = runs + <usize>r * 12;
    const fromCol = <usize>load<i32>(run) << 2;
    const toCol = <usize>load<i32>(run, 4) << 2;
    const bytes = <usize>load<i32>(run, 8) << 2;
    let from = src + fromCol;
    let to = dst + toCol;
    if (ASC_FEATURE_SIMD && bytes <= 16 && fromCol + 16 <= srcBytes && toCol + 16 <= dstBytes) {
      for (let i = 0; i < n; i++, from += srcBytes, to += dstBytes) v128.store(to, v128.load(from));
      continue;
    }
    const whole = (bytes + 15) & ~15;
    const vectors = ASC_FEATURE_SIMD && fromCol + whole <= srcBytes && toCol + whole <= dstBytes;
    for (let i = 0; i < n; i++, from += srcBytes, to += dstBytes) {
      let t: usize = 0;
      if (ASC_FEATURE_SIMD) {
        if (vectors) {
          for (; t < bytes; t += 16) v128.store(to + t, v128.load(from + t));
          continue;
        }
        for (; t + 16 <= bytes; t += 16) v128.store(to + t, v128.load(from + t));
      }
      for (; t < bytes; t += 4) store<f32>(to + t, load<f32>(from + t));
    }
  }
  for (let i = 0; i < n; i++) {
    const d = dst + <usize>i * dstBytes;
    for (let t = m; t < dstDp; t++) store<f32>(d + (<usize>t << 2), 0);
  }
}

/**
 * Scores ||c_j||² − 2·x·c_j of one row against every centroid, into `out` (k f32),
 * with exactly the arithmetic `assignRows` uses for that row: `pairOrder` for
 * every row but an odd last one (see the contract above), so a kernel that
 * recomputes single rows (Hamerly's) gets the same bits as a full pass.
 */
export function rowScores(x: usize, dp: i32, C: usize, P: usize, k: i32, cn: usize, out: usize, pairOrder: bool): void {
  const rowBytes = <usize>dp << 2;
  let j = 0;
  if (ASC_FEATURE_SIMD && pairOrder) {
    const k4 = k & ~3;
    for (; j < k4; j += 4) {
      const pb = P + <usize>j * rowBytes;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let t: usize = 0; t < rowBytes; t += 16) {
        const u = v128.load(x + t);
        const p = pb + (t << 2);
        a0 = madd(u, v128.load(p), a0);
        a1 = madd(u, v128.load(p, 16), a1);
        a2 = madd(u, v128.load(p, 32), a2);
        a3 = madd(u, v128.load(p, 48), a3);
      }
      const d = hsum4(a0, a1, a2, a3);
      v128.store(out + (<usize>j << 2), f32x4.sub(v128.load(cn + (<usize>j << 2)), f32x4.add(d, d)));
    }
    for (; j < k; j++) {
      const c = C + <usize>j * rowBytes;
      let a = f32x4.splat(0);
      for (let t: usize = 0; t < rowBytes; t += 16) a = madd(v128.load(x + t), v128.load(c + t), a);
      store<f32>(out + (<usize>j << 2), load<f32>(cn + (<usize>j << 2)) - 2 * hsum(a));
    }
  }
  for (; j < k; j++) {
    store<f32>(out + (<usize>j << 2), load<f32>(cn + (<usize>j << 2)) - 2 * dot(x, C + <usize>j * rowBytes, rowBytes));
  }
}

/**
 * One entry of `rowScores`: the score of row x against centroid j alone, with the
 * same arithmetic (so Hamerly can refresh a row's own distance exactly).
 */
export function ownScore(x: usize, dp: i32, C: usize, k: i32, cn: usize, j: i32, pairOrder: bool): f32 {
  const rowBytes = <usize>dp << 2;
  const c = C + <usize>j * rowBytes;
  const norm = load<f32>(cn + (<usize>j << 2));
  if (ASC_FEATURE_SIMD && pairOrder) {
    let a = f32x4.splat(0);
    for (let t: usize = 0; t < rowBytes; t += 16) a = madd(v128.load(x + t), v128.load(c + t), a);
    if (j < (k & ~3)) {
      // hsum4's order for this lane: (l0 + l2) + (l1 + l3)
      const s = (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 2)) + (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3));
      return norm - (s + s);
    }
    return norm - 2 * hsum(a);
  }
  return norm - 2 * dot(x, c, rowBytes);
}

/**
 * `rowScores` for two rows at once (both scored in pair order), with the 2 × 4
 * blocking of `assignRows`: for the rows Hamerly has to score in full.
 */
export function pairScores(x0: usize, x1: usize, dp: i32, C: usize, P: usize, k: i32, cn: usize, out0: usize, out1: usize): void {
  if (!ASC_FEATURE_SIMD) {
    rowScores(x0, dp, C, P, k, cn, out0, true);
    rowScores(x1, dp, C, P, k, cn, out1, true);
    return;
  }
  const rowBytes = <usize>dp << 2;
  const k4 = k & ~3;
  let j = 0;
  for (; j < k4; j += 4) {
    const pb = P + <usize>j * rowBytes;
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
    let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
    for (let t: usize = 0; t < rowBytes; t += 16) {
      const u0 = v128.load(x0 + t);
      const u1 = v128.load(x1 + t);
      const p = pb + (t << 2);
      const w0 = v128.load(p);
      a00 = madd(u0, w0, a00);
      a10 = madd(u1, w0, a10);
      const w1 = v128.load(p, 16);
      a01 = madd(u0, w1, a01);
      a11 = madd(u1, w1, a11);
      const w2 = v128.load(p, 32);
      a02 = madd(u0, w2, a02);
      a12 = madd(u1, w2, a12);
      const w3 = v128.load(p, 48);
      a03 = madd(u0, w3, a03);
      a13 = madd(u1, w3, a13);
    }
    const norms = v128.load(cn + (<usize>j << 2));
    const d0 = hsum4(a00, a01, a02, a03);
    const d1 = hsum4(a10, a11, a12, a13);
    v128.store(out0 + (<usize>j << 2), f32x4.sub(norms, f32x4.add(d0, d0)));
    v128.store(out1 + (<usize>j << 2), f32x4.sub(norms, f32x4.add(d1, d1)));
  }
  for (; j < k; j++) {
    const c = C + <usize>j * rowBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
    for (let t: usize = 0; t < rowBytes; t += 16) {
      const w = v128.load(c + t);
      a0 = madd(v128.load(x0 + t), w, a0);
      a1 = madd(v128.load(x1 + t), w, a1);
    }
    const norm = load<f32>(cn + (<usize>j << 2));
    store<f32>(out0 + (<usize>j << 2), norm - 2 * hsum(a0));
    store<f32>(out1 + (<usize>j << 2), norm - 2 * hsum(a1));
  }
}

/**
 * Square roots in place of n f32 values (squared distances into distances). f32 sqrt
 * is correctly rounded, and so is the f64 one rounded to f32 (53 ≥ 2·24 + 2 bits), so
 * this gives Math.fround(Math.sqrt(v)) for every v.
 */
export function sqrtInPlace(p: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const at = p + (<usize>i << 2);
      v128.store(at, f32x4.sqrt(v128.load(at)));
    }
  }
  for (; i < n; i++) {
    const at = p + (<usize>i << 2);
    store<f32>(at, Mathf.sqrt(load<f32>(at)));
  }
}
