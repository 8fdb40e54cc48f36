// Nearest centroids of one ensemble member, whose columns are a subset of each row:
// the columns are gathered a block of rows at a time into a buffer that stays in
// cache, and the block is scored from there. (Gathering all rows first wrote a
// member's whole sub-matrix, megabytes per batch, and read it back from far memory.)

import { assignRows, centroidNorms, gatherRuns, packCentroids, packedBytes, rowNorms } from './distance';
import { allocZeroed, free } from './memory';

/** Rows per block: even, so that assignRows pairs the rows as one call over all of them would. */
const BLOCK: i32 = 64;

/**
 * `nearest` of X's columns given as runs (see gatherRuns: nRuns triples at `runs`,
 * m columns in all, padded to dp), for the n rows of X (xDp floats a row):
 * labels (i32) and squared distances (f32), bit for bit what gatherRuns of every
 * row followed by nearest gives.
 */
export function nearestOfRuns(
  X: usize, n: i32, xDp: i32, runs: usize, nRuns: i32, m: i32, dp: i32,
  C: usize, k: i32, labels: usize, dists: usize,
): void {
  const rowBytes = <usize>dp << 2;
  const block = allocZeroed(<usize>BLOCK * rowBytes);
  const xn = allocZeroed(<usize>BLOCK << 2);
  const cn = allocZeroed(<usize>k << 2);
  const P = allocZeroed(packedBytes(k, dp));
  centroidNorms(C, k, dp, cn);
  packCentroids(C, k, dp, P);
  for (let start = 0; start < n; start += BLOCK) {
    const rows = min(BLOCK, n - start);
    gatherRuns(X + <usize>start * (<usize>xDp << 2), rows, xDp, runs, nRuns, m, block, dp);
    rowNorms(block, rows, dp, xn);
    assignRows(block, rows, dp, C, P, k, cn, xn, labels + (<usize>start << 2), dists + (<usize>start << 2), 0, 0);
  }
  free(block);
  free(xn);
  free(cn);
  free(P);
}
