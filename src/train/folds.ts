// The work of training, cut into tasks of one member each, with plain data in
// and out so that they can run in worker threads:
//
// - a cross-validation task fits one member once per fold, on the other folds'
//   normal rows, and returns the distances of the rows each fold held out (and
//   of the rows every fold scores, the attack rows) to its nearest centroid,
//   with the median distance on the fit rows (the member's unit in that fold);
// - a final task fits one member of the final ensemble on all the normal rows
//   and measures it (silhouette, Calinski–Harabasz, median distance).
//
// Per member rather than per fold: the rows every fold scores are gathered into
// the module once and scored by the five fold models together, and twelve or
// twenty-four tasks spread over the cores evenly where five folds did not.

import { matrix, ResidentMatrix, withResident, type CentroidModel, type CentroidState, type Engine, type GatherSource, type Matrix } from '../engine/index.ts';
import { compactSource, type CompactMatrix } from './compact.ts';
import { fitFinalMember, fitMember, median, type MemberQuality } from '../model/ensemble.ts';
import type { MemberSpec } from '../model/members.ts';

/**
 * The preprocessed training rows every task reads: dense and row-major, or
 * compact (compact.ts); either may live in shared memory.
 */
export type TrainMatrix = { X: Float32Array; dim: number } | CompactMatrix;

/** What members' rows are gathered from. */
export function trainSource(data: TrainMatrix): Matrix | GatherSource {
  return 'kind' in data && data.kind === 'compact' ? compactSource(data) : matrix((data as { X: Float32Array }).X, data.dim);
}

/** Rows of the training matrix. */
export function trainRows(data: TrainMatrix): number {
  return 'kind' in data && data.kind === 'compact' ? data.rows : (data as { X: Float32Array }).X.length / data.dim;
}

export interface CrossValidationTask {
  kind: 'cv';
  spec: MemberSpec;
  /** The preprocessed columns the member sees. */
  columns: Int32Array;
  nInit: number;
  /** Per fold, the rows to fit on and the rows it held out. */
  folds: { fitRows: Int32Array; heldRows: Int32Array }[];
  /** Rows every fold's model scores (the attack rows), after its held-out rows. */
  sharedRows: Int32Array;
}

export interface FinalTask {
  kind: 'final';
  spec: MemberSpec;
  columns: Int32Array;
  nInit: number;
  /** The rows to fit on (all when null). */
  rows: Int32Array | null;
  silhouetteSample: number;
}

export type TrainTask = CrossValidationTask | FinalTask;

export interface CrossValidationResult {
  kind: 'cv';
  /** Per fold, the distances of its heldRows and then of the sharedRows to the nearest centroid. */
  distances: Float32Array[];
  /** Per fold, the median distance on its fitRows. */
  scales: number[];
}

export interface FinalResult {
  kind: 'final';
  state: CentroidState;
  quality: MemberQuality;
  scale: number;
}

export type TaskResult<T extends TrainTask = TrainTask> = T extends CrossValidationTask ? CrossValidationResult : FinalResult;

/**
 * Runs the tasks (in any order, on any thread) and resolves with their results in
 * task order; `onResult` hears of each as it completes.
 */
export type TaskRunner = (data: TrainMatrix, tasks: TrainTask[], onResult?: (index: number, result: TaskResult) => void) => Promise<TaskResult[]>;

/** Rows scored per gather: the rows to score are gathered into the module a block at a time, so its memory holds one block, not all of them. */
export const SCORE_BLOCK = 16384;

export function runTask(engine: Engine, data: TrainMatrix, task: TrainTask): TaskResult {
  const X = trainSource(data);
  if (task.kind === 'final') {
    const { model, quality, scale } = fitFinalMember(engine, X, task.rows, task.spec, task.columns, task.nInit, task.silhouetteSample);
    return { kind: 'final', state: model.state, quality, scale };
  }
  const { spec, columns, nInit, sharedRows } = task;
  const scales: number[] = [];
  const models: CentroidModel[] = [];
  // Each fold's rows are scored as if in one call over its held-out rows and then
  // the shared rows (what the model's bytes were first made with): in the
  // kernel's two-row blocks, but for an odd last row, which it combines apart.
  const alone = task.folds.map((f) => (f.heldRows.length + sharedRows.length) % 2 === 1);
  const distances = task.folds.map(({ fitRows, heldRows }, f) => {
    // The member's rows and columns go straight into the module, once; fit and
    // nearest read them there.
    const model = withResident(engine, X, fitRows, columns, (fit) => {
      const fitted = fitMember(engine, fit, spec, nInit);
      scales.push(median(fitted.nearest(fit).distances));
      return fitted;
    });
    models.push(model);
    const out = new Float32Array(heldRows.length + sharedRows.length);
    scoreRows(engine, [model], X, heldRows, columns, [alone[f] && sharedRows.length === 0], [out], [0]);
    return out;
  });
  // The shared rows: each block gathered once and scored by every fold's model.
  scoreRows(engine, models, X, sharedRows, columns, alone, distances, task.folds.map((f) => f.heldRows.length));
  return { kind: 'cv', distances, scales };
}

/**
 * Distance of each of `rows` (columns `cols` of X) to the nearest centroid of `model`,
 * exactly as one nearest() call over all of them gives, a block at a time.
 */
export function nearestDistances(
  engine: Engine, model: CentroidModel, X: Matrix | GatherSource, rows: Int32Array, cols: Int32Array, block = SCORE_BLOCK,
): Float32Array {
  const out = new Float32Array(rows.length);
  scoreRows(engine, [model], X, rows, cols, [rows.length % 2 === 1], [out], [0], block);
  return out;
}

/**
 * Writes the distance of each of `rows` to the nearest centroid of models[i] into
 * out[i] from offset[i]. Every row is computed as in the kernel's two-row blocks
 * (a block of odd length gets a copy of its last row as partner), except the last
 * row where lastAlone[i], computed on its own as the odd last row of a call is.
 */
function scoreRows(
  engine: Engine, models: CentroidModel[], X: Matrix | GatherSource, rows: Int32Array, cols: Int32Array,
  lastAlone: boolean[], out: Float32Array[], offset: number[], block = SCORE_BLOCK,
): void {
  if (!(block >= 1)) throw new RangeError(`scoreRows: the block must be at least 1 row, got ${block}`);
  for (let start = 0; start < rows.length; start += block) {
    const end = Math.min(rows.length, start + block);
    let part = rows.subarray(start, end);
    if (part.length % 2 === 1) {
      const padded = new Int32Array(part.length + 1);
      padded.set(part);
      padded[part.length] = part[part.length - 1];
      part = padded;
    }
    withResident(engine, X, part, cols, (m: ResidentMatrix) => {
      models.forEach((model, i) => out[i].set(model.nearest(m).distances.subarray(0, end - start), offset[i] + start));
    });
  }
  if (rows.length === 0 || !lastAlone.some(Boolean)) return;
  const last = rows.subarray(rows.length - 1);
  withResident(engine, X, last, cols, (m) => {
    models.forEach((model, i) => { if (lastAlone[i]) out[i][offset[i] + rows.length - 1] = model.nearest(m).distances[0]; });
  });
}

/**
 * A rough cost of a task, for starting the longest first: rows × columns × k,
 * times the fits it makes (restarts × folds).
 */
export function taskCost(task: TrainTask, rowsTotal: number): number {
  const work = task.spec.k * Math.max(1, task.columns.length) * task.nInit;
  if (task.kind === 'final') return work * (task.rows ? task.rows.length : rowsTotal);
  return work * task.folds.reduce((s, f) => s + f.fitRows.length, 0);
}

/** Runs the tasks one after another in this thread. */
export function inProcessRunner(engine: Engine): TaskRunner {
  return async (data, tasks, onResult) => tasks.map((task, i) => {
    const result = runTask(engine, data, task);
    onResult?.(i, result);
    return result;
  });
}
