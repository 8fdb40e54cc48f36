// Hamerly's K-means: Lloyd's iterations with triangle-inequality bounds that
// skip the distance computations which cannot change a row's assignment.
//
// Same result as `lloyd`, bit for bit, from the same start: a row is skipped
// only when its bounds prove that the full pass would give it the same label
// *as computed in f32* — the bounds are widened by an error margin larger than
// the rounding error of the ||c||² − 2·x·c scores — and every score that is
// computed uses exactly the arithmetic of the full pass (`rowScores`). Centre
// sums are re-accumulated over every row in row order each iteration, with the
// same f32 chunks as `lloyd`, so the centres come out identical too; where
// Lloyd needs every row's exact distance (an empty cluster to refill, the final
// inertia) the full kernel is run.
//
// Bounds per row i with label a (in f64, Euclidean): upper[i] ≥ ||x_i − c_a||,
// lower[i] ≤ min over j ≠ a of ||x_i − c_j||. A row is skipped when
//   L = max(lower[i], sep[a] − upper[i]),  L > upper[i]  and  L² − upper[i]² > E_i,
// sep[a] = min over j ≠ a of ||c_a − c_j|| (Hamerly's s(a)/2 test, in the form
// ||x − c_j|| ≥ ||c_a − c_j|| − ||x − c_a||), E_i = MARGIN · (||x_i|| + max ||c||)².

import { accumulate, assignRows, centroidNorms, nearest, ownScore, packCentroids, packedBytes, pairScores, rowNorms, rowScores } from './distance';
import { CHUNK, flush, moveCentres, relocateEmpty, setLastInertia } from './lloyd';
import { allocZeroed, free } from './memory';

let scored: f64 = 0;
let rowPasses: f64 = 0;

/** Share of row passes of the last `hamerly` call that scored every centre (1 = no pruning). */
export function hamerlyScoredShare(): f64 {
  return rowPasses > 0 ? scored / rowPasses : 1;
}

/**
 * Runs Hamerly's algorithm in place on C (same arguments and result as `lloyd`,
 * whose `lastInertia` it sets); returns the iterations run.
 */
export function hamerly(
  X: usize, n: i32, dp: i32, C: usize, k: i32,
  maxIter: i32, tolAbs: f64, labels: usize, dists: usize,
): i32 {
  const rowBytes = <usize>dp << 2;
  // The scores' rounding error is at most about (dp/4 + 4)·2⁻²⁴·(||x|| + ||c||)²
  // per score (lane sums of dp/4 terms, Cauchy–Schwarz); two scores are compared,
  // and the bounds come from computed scores too: 8·(dp + 8)·2⁻²⁴ covers it 4× over.
  const margin: f64 = 8.0 * <f64>(dp + 8) * 5.960464477539063e-8;
  const previous = allocZeroed(<usize>n << 2);
  const partial = allocZeroed(<usize>k * rowBytes);
  const sums = allocZeroed(<usize>k * <usize>dp << 3);
  const counts = allocZeroed(<usize>k << 3);
  const cn = allocZeroed(<usize>k << 2);
  const xn = allocZeroed(<usize>n << 2);
  const P = allocZeroed(packedBytes(k, dp));
  const upper = allocZeroed(<usize>n << 3);
  const lower = allocZeroed(<usize>n << 3);
  const scores = allocZeroed(<usize>(k + 4) << 2);
  const scores2 = allocZeroed(<usize>(k + 4) << 2);
  const failed = allocZeroed(<usize>CHUNK << 2);
  const sep = allocZeroed(<usize>k << 3);
  const shift = allocZeroed(<usize>k << 3);
  const old = allocZeroed(<usize>k * rowBytes);
  const xs = allocZeroed(<usize>n << 3);      // ||x_i||
  rowNorms(X, n, dp, xn);
  for (let i = 0; i < n; i++) store<f64>(xs + (<usize>i << 3), Math.sqrt(<f64>load<f32>(xn + (<usize>i << 2))));
  const lastOdd = (n & 1) != 0 ? n - 1 : -1; // the row the full pass scores unpaired
  let iterations = 0;
  let settled = false;
  let inertia: f64 = 0;
  scored = 0;
  rowPasses = 0;
  for (let it = 0; it < maxIter; it++) {
    rowPasses += <f64>n;
    memory.fill(sums, 0, <usize>k * <usize>dp << 3);
    memory.fill(counts, 0, <usize>k << 3);
    centroidNorms(C, k, dp, cn);
    packCentroids(C, k, dp, P);
    const cmax = separations(C, k, dp, sep);
    inertia = 0;
    for (let start = 0; start < n; start += CHUNK) {
      const end = min(start + CHUNK, n);
      if (it == 0) {
        // No bounds yet: Lloyd's own pass; upper from the distance, lower 0.
        inertia += assignRows(
          X + <usize>start * rowBytes, end - start, dp, C, P, k, cn, xn + (<usize>start << 2),
          labels + (<usize>start << 2), dists + (<usize>start << 2), partial, counts,
        );
        for (let i = start; i < end; i++) {
          const r = load<f64>(xs + (<usize>i << 3)) + cmax;
          store<f64>(upper + (<usize>i << 3), Math.sqrt(<f64>load<f32>(dists + (<usize>i << 2)) + margin * r * r));
          store<f64>(lower + (<usize>i << 3), 0);
        }
        flush(partial, sums, k * dp);
        continue;
      }
      // 1. Refresh each row's own distance and test its bounds; list the rows that fail.
      let nFail = 0;
      for (let i = start; i < end; i++) {
        const pu = upper + (<usize>i << 3);
        const xi = load<f32>(xn + (<usize>i << 2));
        const r = load<f64>(xs + (<usize>i << 3)) + cmax;
        const slack = margin * r * r;
        let skip = false;
        if (load<f64>(pu) < Infinity) { // else the bounds were reset: score every centre
          const a = load<i32>(labels + (<usize>i << 2));
          const own = ownScore(X + <usize>i * rowBytes, dp, C, k, cn, a, i != lastOdd);
          const u = Math.sqrt(max<f64>(<f64>xi + <f64>own, 0) + slack);
          store<f64>(pu, u);
          const bound = max(load<f64>(lower + (<usize>i << 3)), load<f64>(sep + (<usize>a << 3)) - u);
          skip = bound > u && bound * bound - u * u > slack;
          store<f32>(dists + (<usize>i << 2), max<f32>(xi + own, 0));
        }
        if (!skip) store<i32>(failed + (<usize>(nFail++) << 2), i);
      }
      // 2. Score those rows against every centre, two at a time.
      scored += <f64>nFail;
      let f = 0;
      for (; f + 1 < nFail; f += 2) {
        const i0 = load<i32>(failed + (<usize>f << 2));
        const i1 = load<i32>(failed + (<usize>(f + 1) << 2));
        if (i1 == lastOdd) break; // scored alone below
        pairScores(X + <usize>i0 * rowBytes, X + <usize>i1 * rowBytes, dp, C, P, k, cn, scores, scores2);
        settle(i0, scores, k, xn, xs, cmax, margin, labels, dists, upper, lower);
        settle(i1, scores2, k, xn, xs, cmax, margin, labels, dists, upper, lower);
      }
      for (; f < nFail; f++) {
        const i = load<i32>(failed + (<usize>f << 2));
        rowScores(X + <usize>i * rowBytes, dp, C, P, k, cn, scores, i != lastOdd);
        settle(i, scores, k, xn, xs, cmax, margin, labels, dists, upper, lower);
      }
      // 3. Sums and inertia in row order, as Lloyd adds them (e0 + e1 per pair).
      let chunk: f64 = 0;
      for (let i = start; i < end; i++) {
        const e = load<f32>(dists + (<usize>i << 2));
        if (i == lastOdd) chunk += <f64>e;
        else if (((i - start) & 1) == 1) chunk += <f64>load<f32>(dists + (<usize>(i - 1) << 2)) + <f64>e;
        accumulate(partial, counts, X + <usize>i * rowBytes, load<i32>(labels + (<usize>i << 2)), rowBytes);
      }
      inertia += chunk;
      flush(partial, sums, k * dp);
    }
    iterations = it + 1;
    if (it > 0 && memory.compare(previous, labels, <usize>n << 2) == 0) {
      settled = true; // the inertia of this pass is Lloyd's final one
      break;
    }
    memory.copy(previous, labels, <usize>n << 2);
    if (hasEmpty(counts, k)) {
      relocateEmpty(X, n, dp, k, labels, dists, sums, counts);
      for (let i = 0; i < n; i++) store<f64>(upper + (<usize>i << 3), Infinity); // relabelled rows: score all again
    }
    memory.copy(old, C, <usize>k * rowBytes);
    const total = moveCentres(C, k, dp, sums, counts);
    // Bounds follow the centres: upper grows by the own centre's move, lower
    // shrinks by the largest move of any other centre.
    let big: f64 = 0, big2: f64 = 0;
    let bigAt = -1;
    for (let j = 0; j < k; j++) {
      const s = Math.sqrt(sqDist64(C + <usize>j * rowBytes, old + <usize>j * rowBytes, dp)) * (1 + 1e-9);
      store<f64>(shift + (<usize>j << 3), s);
      if (s > big) { big2 = big; big = s; bigAt = j; }
      else if (s > big2) big2 = s;
    }
    if (big > 0) {
      for (let i = 0; i < n; i++) {
        const a = load<i32>(labels + (<usize>i << 2));
        const pu = upper + (<usize>i << 3);
        const pl = lower + (<usize>i << 3);
        store<f64>(pu, load<f64>(pu) + load<f64>(shift + (<usize>a << 3)));
        store<f64>(pl, load<f64>(pl) - (a == bigAt ? big2 : big));
      }
    }
    if (total <= tolAbs) break;
  }
  if (!settled) inertia = nearest(X, n, dp, C, k, labels, dists);
  setLastInertia(inertia);
  free(previous); free(partial); free(sums); free(counts); free(cn); free(xn); free(P);
  free(upper); free(lower); free(scores); free(sep); free(shift); free(old); free(xs);
  free(scores2); free(failed);
  return iterations;
}

/** Lloyd's choice from a row's scores (the first minimum in index order); bounds from it and the runner-up. */
@inline function settle(
  i: i32, scores: usize, k: i32, xn: usize, xs: usize, cmax: f64, margin: f64,
  labels: usize, dists: usize, upper: usize, lower: usize,
): void {
  let best: f32 = Infinity, second: f32 = Infinity;
  let a = 0;
  for (let j = 0; j < k; j++) {
    const v = load<f32>(scores + (<usize>j << 2));
    if (v < best) { second = best; best = v; a = j; }
    else if (v < second) second = v;
  }
  const xi = load<f32>(xn + (<usize>i << 2));
  const r = load<f64>(xs + (<usize>i << 3)) + cmax;
  const slack = margin * r * r;
  store<i32>(labels + (<usize>i << 2), a);
  store<f32>(dists + (<usize>i << 2), max<f32>(xi + best, 0));
  store<f64>(upper + (<usize>i << 3), Math.sqrt(max<f64>(<f64>xi + <f64>best, 0) + slack));
  store<f64>(lower + (<usize>i << 3), Math.sqrt(max<f64>(<f64>xi + <f64>second - slack, 0)));
}

/** sep[j] = min over other centres of ||c_j − c||, in f64; returns the largest ||c_j||. */
function separations(C: usize, k: i32, dp: i32, sep: usize): f64 {
  const rowBytes = <usize>dp << 2;
  let cmax: f64 = 0;
  for (let j = 0; j < k; j++) {
    store<f64>(sep + (<usize>j << 3), Infinity);
    let sq: f64 = 0;
    const c = C + <usize>j * rowBytes;
    for (let t = 0; t < dp; t++) { const v = <f64>load<f32>(c + (<usize>t << 2)); sq += v * v; }
    cmax = max(cmax, Math.sqrt(sq));
  }
  for (let j = 0; j < k; j++) {
    for (let q = j + 1; q < k; q++) {
      const s = Math.sqrt(sqDist64(C + <usize>j * rowBytes, C + <usize>q * rowBytes, dp)) * (1 - 1e-9);
      const pj = sep + (<usize>j << 3);
      const pq = sep + (<usize>q << 3);
      if (s < load<f64>(pj)) store<f64>(pj, s);
      if (s < load<f64>(pq)) store<f64>(pq, s);
    }
  }
  return cmax;
}

function sqDist64(a: usize, b: usize, dp: i32): f64 {
  let s: f64 = 0;
  for (let t = 0; t < dp; t++) {
    const u = <f64>load<f32>(a + (<usize>t << 2)) - <f64>load<f32>(b + (<usize>t << 2));
    s += u * u;
  }
  return s;
}

function hasEmpty(counts: usize, k: i32): bool {
  for (let j = 0; j < k; j++) if (load<f64>(counts + (<usize>j << 3)) == 0) return true;
  return false;
}
