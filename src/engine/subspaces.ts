// Several models that each see a subset of the columns of one matrix (the
// ensemble's members): the matrix is copied into the module once and each
// model's columns are gathered there.

import type { CentroidModel, NearestResult } from './centroids.ts';
import type { Engine } from './engine.ts';
import type { Matrix } from './matrix.ts';
import { paddedCols, withWorkspace, type Workspace } from './workspace.ts';

export interface SubspaceModel {
  model: CentroidModel;
  /** Columns of X the model was fitted on, in order. */
  columns: Int32Array;
  /** Weight of the model's share in columnShares. */
  weight?: number;
}

export interface SubspaceResult {
  nearest: NearestResult[];
  /**
   * For the listed rows, each column's share of every model's squared distance
   * to its nearest centroid, weighted by the model's weight: rows × X.cols.
   */
  columnShares(rows: Int32Array): Float64Array;
  /**
   * The same shares folded into input features (`featureOf[column]`, of `features`)
   * and ranked, per listed row 1 + 2·count numbers: the total, then `count` pairs
   * (feature, its summed share), largest first, feature −1 past the last one that
   * contributes (all −1 when nothing does).
   */
  topFeatures(rows: Int32Array, featureOf: Int32Array, features: number, count: number): Float64Array;
}

interface Prepared { k: number; dim: number; dp: number; cols: number; runs: number; nRuns: number; c: number; labels: number }

/** Nearest centroids per model; `use` runs while the data is still in the module. */
export function withSubspaces<T>(engine: Engine, X: Matrix, models: SubspaceModel[], use: (r: SubspaceResult) => T): T {
  const core = engine.core;
  const n = X.rows;
  return withWorkspace(core, (ws) => {
    const x = ws.checkedMatrixIn(X);
    const prepared = models.map(({ model, columns }): Prepared => {
      const { nClusters: k, dim, centroids } = model.state;
      if (columns.length !== dim) throw new RangeError(`a subspace lists ${columns.length} columns but its model has ${dim}`);
      for (const c of columns) if (!(c >= 0 && c < X.cols)) throw new RangeError(`column ${c} is outside the input's 0..${X.cols - 1}`);
      const cols = ws.alloc(dim * 4);
      ws.i32(cols, dim).set(columns);
      const list = columnRuns(columns);
      const runs = ws.alloc(list.length * 4);
      ws.i32(runs, list.length).set(list);
      return { k, dim, dp: paddedCols(dim), cols, runs, nRuns: list.length / 3, c: ws.centroidsIn(centroids, k, dim), labels: ws.alloc(n * 4) };
    });
    const xDp = paddedCols(X.cols);
    // All members block by block in one call (assembly/subspace.ts nearestOfMembers).
    const table = ws.alloc(prepared.length * NEAREST_MEMBER_BYTES);
    const dists = prepared.map(() => ws.alloc(n * 4));
    const entries = ws.i32(table, prepared.length * NEAREST_MEMBER_BYTES / 4);
    prepared.forEach((p, idx) => entries.set([p.runs, p.nRuns, p.dim, p.dp, p.c, p.k, p.labels, dists[idx]], idx * NEAREST_MEMBER_BYTES / 4));
    core.nearestOfMembers(x, n, xDp, table, prepared.length);
    const nearest = prepared.map((p, idx) => {
      core.sqrtInPlace(dists[idx], n);
      return { labels: ws.i32(p.labels, n).slice(), distances: ws.f32(dists[idx], n).slice() };
    });
    const explain = (rows: Int32Array, want: 'shares' | Top) => explained(ws, X.cols, rows, x, xDp, prepared, models, want);
    return use({
      nearest,
      columnShares: (rows) => explain(rows, 'shares'),
      topFeatures: (rows, featureOf, features, count) => explain(rows, { featureOf, features, count }),
    });
  });
}

/** Runs of consecutive columns: (source column, destination column, length) triples. */
export function columnRuns(columns: ArrayLike<number>): Int32Array {
  const runs: number[] = [];
  for (let t = 0; t < columns.length; ) {
    let len = 1;
    while (t + len < columns.length && columns[t + len] === columns[t] + len) len++;
    runs.push(columns[t], t, len);
    t += len;
  }
  return Int32Array.from(runs);
}

interface Top { featureOf: Int32Array; features: number; count: number }

/** Bytes of a member's entry in nearestOfMembers's table (assembly/subspace.ts). */
const NEAREST_MEMBER_BYTES = 32;

/** Bytes of a member's entry in explainRows's table (assembly/explain.ts). */
const MEMBER_BYTES = 32;

/** columnShares or topFeatures of the listed rows, by explainRows. */
function explained(
  ws: Workspace, width: number, rows: Int32Array, x: number, xDp: number,
  prepared: Prepared[], models: SubspaceModel[], want: 'shares' | Top,
): Float64Array {
  if (rows.length === 0) return new Float64Array(0);
  const core = ws.core;
  const list = ws.alloc(rows.length * 4);
  ws.i32(list, rows.length).set(rows);
  const table = ws.alloc(prepared.length * MEMBER_BYTES);
  const entries = new DataView(core.memory.buffer, table, prepared.length * MEMBER_BYTES);
  prepared.forEach((p, idx) => {
    const at = idx * MEMBER_BYTES;
    entries.setInt32(at, p.c, true);
    entries.setInt32(at + 4, p.dp, true);
    entries.setInt32(at + 8, p.labels, true);
    entries.setInt32(at + 12, p.dim, true);
    entries.setInt32(at + 16, p.cols, true);
    entries.setFloat64(at + 24, models[idx].weight ?? 1, true);
  });
  if (want === 'shares') {
    const out = ws.alloc(rows.length * width * 8);
    core.explainRows(x, xDp, table, prepared.length, list, rows.length, width, 0, 0, 0, out, 0);
    return new Float64Array(core.memory.buffer, out, rows.length * width).slice();
  }
  const { featureOf, features, count } = want;
  if (featureOf.length !== width) throw new RangeError(`featureOf names ${featureOf.length} columns but the input has ${width}`);
  for (const f of featureOf) if (!(f >= 0 && f < features)) throw new RangeError(`feature ${f} is outside 0..${features - 1}`);
  const map = ws.alloc(width * 4);
  ws.i32(map, width).set(featureOf);
  const stride = 1 + 2 * count;
  const out = ws.alloc(rows.length * stride * 8);
  core.explainRows(x, xDp, table, prepared.length, list, rows.length, width, map, features, count, 0, out);
  return new Float64Array(core.memory.buffer, out, rows.length * stride).slice();
}
