// Scoring record batches with a trained model: typed arrays in, typed arrays out.

import type { RecordBatch } from '../data/batch.ts';
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
  /** The features that pull row i away from normal traffic. */
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
    const scored = n > 0 ? ensemble.score(matrix(t.matrix, dim)) : { scores: new Float32Array(0), labels: [] };
    const anomaly = new Uint8Array(n);
    const severity = new Uint8Array(n);
    const conf = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = scored.scores[i];
      anomaly[i] = s > scoring.threshold ? 1 : 0;
      severity[i] = severityCode(s, scoring);
      conf[i] = confidence(s, scoring);
    }
    const shares = new Float64Array(dim); // reused by every explain() of this batch
    return {
      batch, scores: scored.scores, anomaly, severity, confidence: conf,
      unknown: t.unknown, unknownValues: t.unknownValues,
      explain: (i) => topFeatures(
        ensemble.columnShares(t.matrix.subarray(i * dim, (i + 1) * dim), (m) => scored.labels[m][i], shares),
        this.featureIndex, preprocessor.rawValues(batch, i),
      ),
    };
  }
}
