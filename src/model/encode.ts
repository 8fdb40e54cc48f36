// A batch preprocessed in the compute core (assembly/encode.ts): its parsed numbers and
// category columns go in, and the padded matrix the kernels read comes out there, as
// Preprocessor.transform would give it bit for bit — without the float32 matrix made in
// JavaScript and copied in (a tenth of a detection's time).

import type { RecordBatch } from '../data/batch.ts';
import type { Preprocessor, TransformResult } from '../data/preprocess.ts';
import { nonFiniteError, ResidentMatrix, type Engine } from '../engine/index.ts';
import { paddedCols, withWorkspace } from '../engine/workspace.ts';

export interface EncodedBatch extends Pick<TransformResult, 'unknown' | 'unknownValues'> {
  /** In the engine's memory: release() it when the scores are out. */
  matrix: ResidentMatrix;
}

/** The batch (of the preprocessor's schema) as the preprocessed matrix, resident in `engine`. */
export function encodeBatch(engine: Engine, preprocessor: Preprocessor, batch: RecordBatch): EncodedBatch {
  const e = preprocessor.encoding;
  const n = batch.count;
  if (n < 1) throw new RangeError('encodeBatch: the batch has no rows');
  if (batch.numeric.length < n * e.width) throw new RangeError(`encodeBatch: the batch has ${batch.numeric.length} numbers, need ${n * e.width}`);
  const core = engine.core;
  const dp = paddedCols(e.dim);
  const codes = new Int32Array(n * e.categorical);
  const counts = preprocessor.categoryColumns(batch, codes);
  const out = core.alloc(n * dp * 4);
  try {
    withWorkspace(core, (ws) => {
      const numeric = ws.alloc(n * e.width * 8);
      new Float64Array(core.memory.buffer, numeric, n * e.width).set(batch.numeric.subarray(0, n * e.width));
      const codesIn = ws.alloc(codes.length * 4);
      ws.i32(codesIn, codes.length).set(codes);
      const logMask = ws.alloc(e.width);
      new Uint8Array(core.memory.buffer, logMask, e.width).set(e.logMask);
      const mean = ws.alloc(e.width * 8);
      new Float64Array(core.memory.buffer, mean, e.width).set(e.mean);
      const scale = ws.alloc(e.width * 8);
      new Float64Array(core.memory.buffer, scale, e.width).set(e.scale);
      const template = ws.alloc(dp * 4);
      ws.f32(template, dp).fill(0).set(e.zero);
      const one = ws.alloc(dp * 4);
      ws.f32(one, dp).fill(0).set(e.one);
      core.encodeRows(numeric, n, e.width, logMask, mean, scale, template, one, codesIn, e.categorical, out, dp);
    });
    const at = core.firstNonFinite(out, n * dp);
    if (at >= 0) {
      // transform's matrix would hold it (a NaN read from the input), and the scoring refuse it so.
      throw nonFiniteError(new Float32Array(core.memory.buffer, out, n * dp)[at], Math.floor(at / dp), at % dp);
    }
  } catch (err) {
    core.free(out);
    throw err;
  }
  return { matrix: ResidentMatrix.adopt(engine, out, n, e.dim), ...counts };
}
