// Training: fit the preprocessing and the ensemble on the normal rows, then
// choose the threshold on cross-validated scores, so that normal rows are scored
// by models that never saw them. With attack labels the threshold maximises F1;
// without (a user's own normal traffic) it is the cut that gives a target
// false-alarm rate on held-out normal rows.

import type { RecordBatch } from '../data/batch.ts';
import { normalMaskFromLabels, Preprocessor } from '../data/preprocess.ts';
import type { Engine } from '../engine/index.ts';
import { inProcessRunner, type CrossValidationResult, type FinalResult, type TaskRunner, type TrainMatrix, type TrainTask } from './folds.ts';
import { compactMatrix } from './compact.ts';
import { attackCategory } from '../metrics/categories.ts';
import { confusionFrom, rates } from '../metrics/confusion.ts';
import { prAuc, rocAuc } from '../metrics/curves.ts';
import { assembleEnsemble, fuseScores, restoreMember, type Ensemble } from '../model/ensemble.ts';
import { columnsOf, defaultPlan, planMembers, type MemberSpec } from '../model/members.ts';
import { AnomalyModel, type ThresholdWeighting, type TrainingInfo, type TrainingMetrics } from '../model/model.ts';
import { schemaLayout } from '../data/input-schema.ts';
import { alertRate, falseAlarmThreshold, tailCalibrationSlope } from './false-alarm.ts';
import { DEFAULT_SEVERITY_CUTS, fitCalibrationSlope, type ScoringParams } from '../model/scoring.ts';
import { rowWeights } from '../model/threshold.ts';
import { bestWeightedF1Threshold } from '../metrics/threshold.ts';

export interface TrainOptions {
  name?: string;
  source?: string;
  seed?: number;
  /** Member plan (default: planMembers(seed, defaultPlan(schema))). */
  members?: readonly MemberSpec[];
  nInit?: number;
  /** Cross-validation folds over the normal rows for the threshold. */
  folds?: number;
  thresholdWeighting?: ThresholdWeighting;
  minScale?: number;
  /** Where the members' fits (final and cross-validation) run (default: one after another in this thread). */
  runner?: TaskRunner;
  /** Rows of each member's silhouette sample. */
  silhouetteSample?: number;
  onProgress?: (message: string) => void;
  /**
   * Choose the threshold for this false-alarm rate on held-out normal rows instead
   * of maximising F1. The default when the data has no attack labels (then 0.01).
   */
  falseAlarmRate?: number;
  /**
   * Empty the batch's feature columns (numeric, categorical) once they are
   * transformed, so that their memory is free while the ensemble is fitted. For a
   * caller that has no further use for them (the training CLI); labels, identity
   * and count are kept.
   */
  releaseFeatures?: boolean;
  /** Keep the training matrix dense (the compact form, compact.ts, gives the same bits; for tests). */
  denseMatrix?: boolean;
}

export const DEFAULT_FALSE_ALARM_RATE = 0.01;

export class TrainingError extends Error {
  override name = 'TrainingError';
}

export async function trainModel(engine: Engine, batch: RecordBatch, opts: TrainOptions = {}): Promise<AnomalyModel> {
  const { name = 'default', source = 'training data', seed = 0, nInit = 3, folds = 5, thresholdWeighting = 'category' } = opts;
  const log = opts.onProgress ?? (() => {});
  const members = [...(opts.members ?? planMembers(seed, defaultPlan(batch.schema), schemaLayout(batch.schema).names))];
  // No labels: every row is taken as normal traffic (the user's own capture).
  const mask = batch.labels ? normalMaskFromLabels(batch.labels) : new Uint8Array(batch.count).fill(1);
  const normalRows = mask.reduce((a, b) => a + b, 0);
  const attackRows = batch.count - normalRows;
  const minRows = Math.max(...members.map((m) => m.k)) * folds;
  if (normalRows < minRows) throw new TrainingError(`${source} has ${normalRows} normal rows; training needs at least ${minRows} (largest k × folds)`);
  const far = opts.falseAlarmRate ?? (attackRows === 0 ? DEFAULT_FALSE_ALARM_RATE : undefined);
  if (far !== undefined && !(far > 0 && far < 0.5)) throw new TrainingError(`the false-alarm rate must be between 0 and 0.5, got ${far}`);
  if (far !== undefined && normalRows * far < folds) {
    throw new TrainingError(`${source} has ${normalRows} normal rows: too few to estimate a false-alarm rate of ${far} (each of the ${folds} folds needs at least one alarm); capture more traffic or raise --false-alarm-rate`);
  }

  log(`preprocessing ${batch.count.toLocaleString('en-US')} rows (${normalRows.toLocaleString('en-US')} normal)`);
  const preprocessor = Preprocessor.fit(batch, mask, { minScale: opts.minScale });
  const dim = preprocessor.dim;
  // Compact (a third of the size) where it reproduces every cell of the dense matrix; else
  // dense, in shared memory from the start where there is any, so that workers read it as it is.
  const data: TrainMatrix = (opts.denseMatrix ? null : compactMatrix(preprocessor, batch))
    ?? { X: preprocessor.transform(batch, sharedFloat32(batch.count * dim)).matrix, dim };
  if (opts.releaseFeatures) {
    batch.numeric = new Float64Array(0);
    batch.categorical = batch.categorical.map(() => []);
  }
  const columns = members.map((m) => columnsOf(m.features, preprocessor.state.columns));
  const normalIdx: number[] = [];
  const attackIdx: number[] = [];
  for (let i = 0; i < batch.count; i++) (mask[i] ? normalIdx : attackIdx).push(i);

  // Cross-validation folds (one k-means++ start per member: they only place the
  // threshold) run beside the final ensemble's fits; each returns per-member
  // distances, combined below with the final ensemble's weights.
  // Label-free folds are contiguous blocks in file (time) order: traffic is
  // correlated in time, and interleaved folds would score each row by a model that
  // saw its neighbours, making the false-alarm estimate optimistic. Rows whose
  // traffic windows were still filling (the capture's first connections) are dealt
  // out to the folds in turn, so that every fold fits on most of them, as the final
  // model does; their own threshold comes from their held-out scores.
  let warm = far !== undefined && batch.identity ? batch.identity.warmup : null;
  const warmCount = warm ? normalIdx.filter((r) => warm![r] === 1).length : 0;
  if (warm && normalRows - warmCount < minRows) {
    log(`only ${normalRows - warmCount} normal rows after the ${warmCount} whose windows were still filling: one threshold for all`);
    warm = null;
  }
  const isWarm = (r: number) => warm !== null && warm[r] === 1;
  const steadyIdx = normalIdx.filter((r) => !isWarm(r));
  const warmIdx = normalIdx.filter(isWarm);
  const foldOfSteady = new Int32Array(batch.count).fill(-1);
  const warmFold = new Int32Array(batch.count).fill(-1);
  warmIdx.forEach((r, i) => { warmFold[r] = i % folds; });
  if (far === undefined) normalIdx.forEach((r, i) => { foldOfSteady[r] = i % folds; });
  else steadyIdx.forEach((r, i) => { foldOfSteady[r] = Math.min(folds - 1, Math.floor((i * folds) / steadyIdx.length)); });
  const foldRows: { fitRows: Int32Array; heldRows: Int32Array }[] = [];
  // Per fold, the held-out rows of each kind, for their thresholds.
  const heldSteady: Int32Array[] = [];
  const heldWarmup: Int32Array[] = [];
  for (let f = 0; f < folds; f++) {
    const held = steadyIdx.filter((r) => foldOfSteady[r] === f);
    const heldWarm = warmIdx.filter((r) => warmFold[r] === f);
    heldSteady.push(Int32Array.from(held));
    heldWarmup.push(Int32Array.from(heldWarm));
    foldRows.push({
      fitRows: Int32Array.from(normalIdx.filter((r) => (isWarm(r) ? warmFold[r] !== f : foldOfSteady[r] !== f))),
      heldRows: Int32Array.from([...held, ...heldWarm]),
    });
  }
  // Every fold scores its held-out rows, then all the attack rows.
  const scoreRows = foldRows.map((f) => Int32Array.from([...f.heldRows, ...attackIdx]));
  const attackRowsOf = Int32Array.from(attackIdx);
  const normalRowsOf = Int32Array.from(normalIdx);
  const silhouetteSample = opts.silhouetteSample ?? 2000;
  const tasks: TrainTask[] = [
    ...members.map((spec, m): TrainTask => ({ kind: 'final', spec, columns: columns[m], nInit, rows: normalRowsOf, silhouetteSample })),
    ...members.map((spec, m): TrainTask => ({ kind: 'cv', spec, columns: columns[m], nInit: 1, folds: foldRows, sharedRows: attackRowsOf })),
  ];
  log(`cross-validating the threshold on ${folds} folds`);
  log(`fitting ${members.length} members on all ${normalRows.toLocaleString('en-US')} normal rows`);
  const runner = opts.runner ?? inProcessRunner(engine);
  let fitted = 0;
  const results = await runner(data, tasks, (i, r) => {
    if (r.kind !== 'final') return;
    const spec = tasks[i].spec;
    log(`  member ${++fitted}/${members.length}: ${spec.kind} k=${spec.k} silhouette=${r.quality.silhouette.toFixed(3)}`);
  });
  const finals = results.slice(0, members.length) as FinalResult[];
  const cv = results.slice(members.length) as CrossValidationResult[];
  const ensemble: Ensemble = assembleEnsemble(engine, dim, finals.map((r, m) => ({
    spec: members[m], columns: columns[m], model: restoreMember(engine, r.state), quality: r.quality, scale: r.scale,
  })));

  // Each normal row is scored by the fold that held it out; attack rows by every
  // fold, averaged. Scores combine as in Ensemble.score, with the final weights.
  const cvScores = new Float64Array(batch.count);
  const memberWeights = ensemble.members.map((m) => m.weight);
  scoreRows.forEach((rows, f) => {
    const heldCount = rows.length - attackIdx.length;
    const scores = fuseScores(cv.map((r) => r.distances[f]), memberWeights, cv.map((r) => r.scales[f]), rows.length);
    for (let i = 0; i < rows.length; i++) cvScores[rows[i]] += scores[i] / (i < heldCount ? 1 : folds);
  });
  log('choosing the threshold');

  const truth = Uint8Array.from(mask, (v) => 1 - v);
  if (far !== undefined) {
    const chosen = falseAlarmThreshold(cvScores, heldSteady, far);
    // The warm-up cut: same rate, never below the steady one (a row with less
    // history is not more suspect for it).
    const warmChosen = warmIdx.length > 0 ? falseAlarmThreshold(cvScores, heldWarmup, far) : null;
    const scoring: ScoringParams = {
      threshold: chosen.threshold,
      severityCuts: DEFAULT_SEVERITY_CUTS,
      calibrationSlope: tailCalibrationSlope(cvScores, steadyIdx, chosen.threshold, far),
      ...(warmChosen ? { warmupThreshold: Math.max(warmChosen.threshold, chosen.threshold) } : {}),
    };
    const training: TrainingInfo = {
      source, rows: batch.count, normalRows, attackRows, seed, folds, nInit, thresholdWeighting,
      thresholdObjective: 'false-alarm-rate',
      metrics: attackRows > 0 && batch.labels ? trainingMetrics(cvScores, truth, batch.labels, chosen.threshold, NaN) : null,
      falseAlarm: chosen.estimate,
      ...(warmChosen ? { warmup: { rows: warmIdx.length, falseAlarm: warmChosen.estimate } } : {}),
      alertRate: alertRate(batch, normalIdx, chosen.estimate.estimate),
    };
    return new AnomalyModel(name, name, preprocessor, ensemble, scoring, training);
  }
  const labels = batch.labels!;
  const weights = rowWeights(labels, thresholdWeighting);
  const cut = bestWeightedF1Threshold(cvScores, truth, weights);
  const scoring: ScoringParams = {
    threshold: cut.threshold,
    severityCuts: DEFAULT_SEVERITY_CUTS,
    calibrationSlope: fitCalibrationSlope(cvScores, truth, cut.threshold, weights),
  };
  const metrics = trainingMetrics(cvScores, truth, labels, cut.threshold, cut.f1);
  const training = {
    source, rows: batch.count, normalRows, attackRows, seed, folds, nInit, thresholdWeighting, metrics,
  };
  return new AnomalyModel(name, name, preprocessor, ensemble, scoring, training);
}

function sharedFloat32(length: number): Float32Array {
  return typeof SharedArrayBuffer === 'function' ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

function trainingMetrics(scores: Float64Array, truth: Uint8Array, labels: string[], threshold: number, objectiveF1: number): TrainingMetrics {
  const pred = Uint8Array.from(scores, (s) => (s > threshold ? 1 : 0));
  const r = rates(confusionFrom(pred, truth));
  const byCategory: TrainingMetrics['byCategory'] = {};
  labels.forEach((l, i) => {
    const c = attackCategory(l);
    if (c === 'normal') return;
    const e = (byCategory[c] ??= { total: 0, detected: 0, rate: 0 });
    e.total++;
    e.detected += pred[i];
  });
  for (const e of Object.values(byCategory)) e.rate = e.detected / e.total;
  return {
    accuracy: r.accuracy, precision: r.precision, recall: r.recall, f1: r.f1, fpr: r.fpr,
    rocAuc: rocAuc(scores, truth), prAuc: prAuc(scores, truth), objectiveF1: Number.isNaN(objectiveF1) ? r.f1 : objectiveF1, byCategory,
  };
}
