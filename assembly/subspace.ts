// Nearest centroids of the ensemble's members, whose columns are subsets of each row:
// the columns are gathered a block of rows at a time into a buffer that stays in
// cache, and the block is scored from there for every member in turn. (Gathering all
// rows first wrote a member's whole sub-matrix, megabytes per batch, and read it back
// from far memory.)

import { assignRows, centroidNorms, gatherRuns, packCentroids, packedBytes, rowNorms } from './distance';
import { allocZeroed, free } from './memory';

/** Rows per block: even, so that assignRows pairs the rows as one call over all of them would. */
const BLOCK: i32 = 64;

/** Bytes of one member's entry in the `members` table of nearestOfMembers. */
export const NEAREST_MEMBER_BYTES: i32 = 32;

/**
 * `nearest` of several members, each on X's columns given as runs (see gatherRuns), for
 * the n rows of X (xDp floats a row): block by block, each block of rows is gathered and
 * scored for every member while it is in cache (member by member, X was read from far
 * memory once per member). `members` holds nMembers entries of NEAREST_MEMBER_BYTES,
 * i32 each: runs (pointer), nRuns, m columns, dp (m padded), C (pointer), k, labels and
 * dists (pointers to n i32 and n f32). Labels and squared distances are bit for bit
 * what gatherRuns of every row followed by nearest gives.
 */
export function nearestOfMembers(X: usize, n: i32, xDp: i32, members: usize, nMembers: i32): void {
  let widest = 0;
  const norms = allocZeroed(<usize>max(nMembers, 1) << 2);
  const packed = allocZeroed(<usize>max(nMembers, 1) << 2);
  for (let p = 0; p < nMembers; p++) {
    const e = members + <usize>p * NEAREST_MEMBER_BYTES;
    const dp = load<i32>(e, 12);
    const k = load<i32>(e, 20);
    const C = <usize>load<i32>(e, 16);
    widest = max(widest, dp);
    const cn = allocZeroed(<usize>k << 2);
    const P = allocZeroed(packedBytes(k, dp));
    centroidNorms(C, k, dp, cn);
    packCentroids(C, k, dp, P);
    store<i32>(norms + (<usize>p << 2), <i32>cn);
    store<i32>(packed + (<usize>p << 2), <i32>P);
  }
  const block = allocZeroed(<usize>BLOCK * (<usize>widest << 2));
  const xn = allocZeroed(<usize>BLOCK << 2);
  for (let start = 0; start < n; start += BLOCK) {
    const rows = min(BLOCK, n - start);
    const x = X + <usize>start * (<usize>xDp << 2);
    for (let p = 0; p < nMembers; p++) {
      const e = members + <usize>p * NEAREST_MEMBER_BYTES;
      const dp = load<i32>(e, 12);
      gatherRuns(x, rows, xDp, <usize>load<i32>(e), load<i32>(e, 4), load<i32>(e, 8), block, dp);
      rowNorms(block, rows, dp, xn);
      assignRows(block, rows, dp, <usize>load<i32>(e, 16), <usize>load<i32>(packed + (<usize>p << 2)), load<i32>(e, 20),
        <usize>load<i32>(norms + (<usize>p << 2)), xn,
        <usize>load<i32>(e, 24) + (<usize>start << 2), <usize>load<i32>(e, 28) + (<usize>start << 2), 0, 0);
    }
  }
  for (let p = 0; p < nMembers; p++) {
    free(<usize>load<i32>(norms + (<usize>p << 2)));
    free(<usize>load<i32>(packed + (<usize>p << 2)));
  }
  free(norms);
  free(packed);
  free(block);
  free(xn);
}
