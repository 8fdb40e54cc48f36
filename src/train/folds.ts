// One cross-validation fold: fit every member on some normal rows, then return
// each member's nearest-centroid distances for the rows it did not see, and its
// unit (median distance on its own training rows). Plain data in and out, so
// folds can run in worker threads.

import { matrix, withResident, type CentroidModel, type Engine, type Matrix } from '../engine/index.ts';
import { fitMember, median } from '../model/ensemble.ts';
import type { MemberSpec } from '../model/members.ts';

export interface FoldJob {
  /** All preprocessed training rows, row-major (may live in a SharedArrayBuffer). */
  X: Float32Array;
  dim: number;
  fitRows: Int32Array;
  scoreRows: Int32Array;
  members: MemberSpec[];
  /** Per member, the preprocessed columns it sees. */
  columns: Int32Array[];
  nInit: number;
}

export interface FoldResult {
  /** Per member, the distance of every scoreRows row to its nearest centroid. */
  distances: Float32Array[];
  /** Per member, the median distance on fitRows. */
  scales: number[];
}

export type FoldRunner = (jobs: FoldJob[]) => Promise<FoldResult[]>;

/**
 * Rows scored per gather: the held-out and attack rows of a fold are gathered into
 * the module a block at a time, so its memory holds one block, not all of them.
 * Even, so that every row falls in the same place of the kernel's two-row blocks
 * as in one call over all rows (an odd last row is combined differently).
 */
export const SCORE_BLOCK = 16384;

export function runFold(engine: Engine, job: FoldJob): FoldResult {
  const X = matrix(job.X, job.dim);
  const distances: Float32Array[] = [];
  const scales: number[] = [];
  job.members.forEach((spec, m) => {
    // The member's rows and columns go straight into the module, once; fit and
    // nearest read them there.
    const model = withResident(engine, X, job.fitRows, job.columns[m], (fit) => {
      const fitted = fitMember(engine, fit, spec, job.nInit);
      scales.push(median(fitted.nearest(fit).distances));
      return fitted;
    });
    distances.push(nearestDistances(engine, model, X, job.scoreRows, job.columns[m]));
  });
  return { distances, scales };
}

/** Distance of each of `rows` (columns `cols` of X) to its nearest centroid of `model`, a block at a time. */
export function nearestDistances(
  engine: Engine, model: CentroidModel, X: Matrix, rows: Int32Array, cols: Int32Array, block = SCORE_BLOCK,
): Float32Array {
  if (block % 2 !== 0) throw new RangeError(`nearestDistances: the block must be even, got ${block}`);
  const out = new Float32Array(rows.length);
  for (let start = 0; start < rows.length; start += block) {
    const part = rows.subarray(start, Math.min(rows.length, start + block));
    out.set(withResident(engine, X, part, cols, (m) => model.nearest(m).distances), start);
  }
  return out;
}

/** Runs folds one after another in this thread. */
export function inProcessRunner(engine: Engine): FoldRunner {
  return async (jobs) => jobs.map((job) => runFold(engine, job));
}
