// Scoring record batches with a trained model: typed arrays in, typed arrays out.

import { featureValue, type RecordBatch } from '../data/batch.ts';
import { FEATURE_NAMES } from '../data/schema.ts';
import { matrix } from '../engine/index.ts';
import { featureIndexOf, topFeatures, type FeatureContribution } from '../model/explain.ts';
import type { AnomalyModel } from '../model/model.ts';
import { confidence, severityCode } from '../model/scoring.ts';

export interface ScoredBatch {
  batch: RecordBatch;
  scores: Float32Array;
  anomaly: Uint8Array;
  /** 0 = Normal … 4 = Critical (index into SEVERITIES). */
  severity: Uint8Array;
  confidence: Float32Array;
  /** Rows with a categorical value unseen in training. */
  unknown: number;
  unknownValues: Record<string, Record<string, number>>;
  /** The features that pull anomalous row i away from normal traffic ([] for a normal row). */
  explain(i: number): FeatureContribution[];
}

export class Detector {
  private readonly featureIndex: Int32Array;

  constructor(readonly model: AnomalyModel) {
    this.featureIndex = featureIndexOf(model.preprocessor.state.columns);
  }

  scoreBatch(batch: RecordBatch): ScoredBatch {
    const { preprocessor, ensemble, scoring } = this.model;
    const n = batch.count;
    const t = preprocessor.transform(batch);
    const dim = preprocessor.dim;
    const anomaly = new Uint8Array(n);
    // The anomalies' explanations are computed in the module with the scores.
    const scored = n > 0
      ? ensemble.score(matrix(t.matrix, dim), (scores) => {
        const rows: number[] = [];
        for (let i = 0; i < n; i++) if (scores[i] > scoring.threshold) { anomaly[i] = 1; rows.push(i); }
        return Int32Array.from(rows);
      })
      : { scores: new Float32Array(0), explained: new Int32Array(0), shares: new Float64Array(0) };
    const severity = new Uint8Array(n);
    const conf = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = scored.scores[i];
      severity[i] = severityCode(s, scoring);
      conf[i] = confidence(s, scoring);
    }
    const position = new Int32Array(n).fill(-1);
    scored.explained.forEach((row, p) => { position[row] = p; });
    const byFeature = new Float64Array(FEATURE_NAMES.length); // scratch for every explain() of this batch
    return {
      batch, scores: scored.scores, anomaly, severity, confidence: conf,
      unknown: t.unknown, unknownValues: t.unknownValues,
      explain: (i) => {
        const p = position[i];
        if (p < 0) return [];
        return topFeatures(scored.shares.subarray(p * dim, (p + 1) * dim), this.featureIndex, (f) => featureValue(batch, i, f), 3, byFeature);
      },
    };
  }
}
