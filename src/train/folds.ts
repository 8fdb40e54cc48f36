// One cross-validation fold: fit every member on some normal rows, then return
// each member's nearest-centroid distances for the rows it did not see, and its
// unit (median distance on its own training rows). Plain data in and out, so
// folds can run in worker threads.

import { matrix, selectMatrix, type Engine } from '../engine/index.ts';
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

export function runFold(engine: Engine, job: FoldJob): FoldResult {
  const X = matrix(job.X, job.dim);
  const distances: Float32Array[] = [];
  const scales: number[] = [];
  job.members.forEach((spec, m) => {
    const fit = selectMatrix(X, job.fitRows, job.columns[m]);
    const model = fitMember(engine, fit, spec, job.nInit);
    scales.push(median(model.nearest(fit).distances));
    distances.push(model.nearest(selectMatrix(X, job.scoreRows, job.columns[m])).distances);
  });
  return { distances, scales };
}

/** Runs folds one after another in this thread. */
export function inProcessRunner(engine: Engine): FoldRunner {
  return async (jobs) => jobs.map((job) => runFold(engine, job));
}
