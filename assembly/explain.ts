// Explanations: why a row sits far from normal traffic. For each listed row, every
// member adds `weight · (x_t − c_t)² / ||x − c||²` (c its nearest centroid) to the
// row's share of column t; the shares are then folded into input features and the
// largest named. Row by row, all members at once, so a row's shares stay in cache
// (member by member over the whole list, each row's line was fetched again per member).

import { allocZeroed, free } from './memory';

/** Bytes of one member's entry in the `members` table of explainRows. */
export const MEMBER_BYTES: i32 = 32;

/**
 * `members` holds nMembers entries of MEMBER_BYTES: centroids (i32 pointer), their
 * padded width (i32), nearest-centroid labels of every row (i32 pointer), the
 * member's column count m (i32), its m columns of X (i32 pointer), 4 bytes unused,
 * then its weight (f64). X rows are xDp floats wide; `rows` lists nRows row indices.
 *
 * With `shares` ≠ 0, writes row r's dim column shares (f64) at shares + r·dim·8.
 * With `top` ≠ 0, writes at top + r·(1 + 2·count)·8 the f64s: the total of the
 * positive shares, then `count` pairs (input feature, its summed share), largest
 * first, the first feature on ties; feature −1 where fewer features contribute,
 * and all −1 when the total is not positive. `featureOf` maps each of the dim
 * columns to one of nFeatures input features (one-hot columns to their feature).
 */
export function explainRows(
  X: usize, xDp: i32, members: usize, nMembers: i32, rows: usize, nRows: i32, dim: i32,
  featureOf: usize, nFeatures: i32, count: i32, shares: usize, top: usize,
): void {
  const xBytes = <usize>xDp << 2;
  const rowShares = allocZeroed(<usize>dim << 3);
  const byFeature = allocZeroed(<usize>nFeatures << 3);
  let widest = 0;
  for (let p = 0; p < nMembers; p++) widest = max(widest, load<i32>(members + <usize>p * MEMBER_BYTES, 12));
  const diffs = allocZeroed(<usize>widest << 3); // a member's x − c, kept from the total to the shares
  const topStride = <usize>(1 + 2 * count) << 3;
  for (let r = 0; r < nRows; r++) {
    const i = load<i32>(rows + (<usize>r << 2));
    const x = X + <usize>i * xBytes;
    memory.fill(rowShares, 0, <usize>dim << 3);
    for (let p = 0; p < nMembers; p++) {
      const e = members + <usize>p * MEMBER_BYTES;
      const cBytes = <usize>load<i32>(e, 4) << 2;
      const c = <usize>load<i32>(e) + <usize>load<i32>(<usize>load<i32>(e, 8) + (<usize>i << 2)) * cBytes;
      const m = load<i32>(e, 12);
      const cols = <usize>load<i32>(e, 16);
      let total: f64 = 0;
      for (let t = 0; t < m; t++) {
        const u = <f64>load<f32>(x + (<usize>load<i32>(cols + (<usize>t << 2)) << 2)) - <f64>load<f32>(c + (<usize>t << 2));
        store<f64>(diffs + (<usize>t << 3), u);
        total += u * u;
      }
      if (!(total > 0)) continue;
      const f = load<f64>(e, 24) / total;
      for (let t = 0; t < m; t++) {
        const u = load<f64>(diffs + (<usize>t << 3));
        const s = rowShares + (<usize>load<i32>(cols + (<usize>t << 2)) << 3);
        store<f64>(s, load<f64>(s) + f * u * u);
      }
    }
    if (shares != 0) memory.copy(shares + <usize>r * (<usize>dim << 3), rowShares, <usize>dim << 3);
    if (top != 0) topOfRow(rowShares, dim, featureOf, byFeature, nFeatures, count, top + <usize>r * topStride);
  }
  free(rowShares);
  free(byFeature);
  free(diffs);
}

/** The `top` entry of one row (see explainRows). */
function topOfRow(rowShares: usize, dim: i32, featureOf: usize, byFeature: usize, nFeatures: i32, count: i32, out: usize): void {
  memory.fill(byFeature, 0, <usize>nFeatures << 3);
  let total: f64 = 0;
  for (let c = 0; c < dim; c++) {
    const s = load<f64>(rowShares + (<usize>c << 3));
    if (s > 0) {
      const b = byFeature + (<usize>load<i32>(featureOf + (<usize>c << 2)) << 3);
      store<f64>(b, load<f64>(b) + s);
      total += s;
    }
  }
  store<f64>(out, total);
  let q = 0;
  if (total > 0) {
    for (; q < count; q++) {
      let best = -1;
      let bestValue: f64 = 0;
      for (let f = 0; f < nFeatures; f++) {
        const v = load<f64>(byFeature + (<usize>f << 3));
        if (v > 0 && (best < 0 || v > bestValue)) { best = f; bestValue = v; }
      }
      if (best < 0) break;
      store<f64>(out + (<usize>(1 + 2 * q) << 3), <f64>best);
      store<f64>(out + (<usize>(2 + 2 * q) << 3), bestValue);
      store<f64>(byFeature + (<usize>best << 3), 0);
    }
  }
  for (; q < count; q++) {
    store<f64>(out + (<usize>(1 + 2 * q) << 3), -1);
    store<f64>(out + (<usize>(2 + 2 * q) << 3), 0);
  }
}
