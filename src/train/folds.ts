// One cross-validation fold: fit every member on some normal rows, then return
// each member's nearest-centroid distances for the rows it did not see. Plain
// data in and out, so folds can run in worker threads.

import { matrix, type Engine, type Matrix } from '../engine/index.ts';
import { fitMember, type MemberSpec } from '../model/ensemble.ts';

export interface FoldJob {
  /** All preprocessed training rows, row-major (may live in a SharedArrayBuffer). */
  X: Float32Array;
  dim: number;
  fitRows: Int32Array;
  scoreRows: Int32Array;
  members: MemberSpec[];
  nInit: number;
}

/** Per member, the distance of every scoreRows row to its nearest centroid. */
export type FoldResult = Float32Array[];

export type FoldRunner = (jobs: FoldJob[]) => Promise<FoldResult[]>;

export function runFold(engine: Engine, job: FoldJob): FoldResult {
  const fit = gather(job.X, job.dim, job.fitRows);
  const score = gather(job.X, job.dim, job.scoreRows);
  return job.members.map((spec) => fitMember(engine, fit, spec, job.nInit).nearest(score).distances);
}

/** Runs folds one after another in this thread. */
export function inProcessRunner(engine: Engine): FoldRunner {
  return async (jobs) => jobs.map((job) => runFold(engine, job));
}

export function gather(X: Float32Array, dim: number, rows: ArrayLike<number>): Matrix {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) out.set(X.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  return matrix(out, dim);
}
