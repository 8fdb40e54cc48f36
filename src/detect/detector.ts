// Scoring record batches with a trained model: typed arrays in, typed arrays out.

import { featureValue, projectBatch, type RecordBatch } from '../data/batch.ts';
import { InputError, listNames } from '../data/errors.ts';
import { missingFeatures, schemaLayout, type InputSchema } from '../data/input-schema.ts';
import { encodeBatch } from '../model/encode.ts';
import { contributions, featureIndexOf, type FeatureContribution } from '../model/explain.ts';
import type { AnomalyModel } from '../model/model.ts';
import { confidence, severityCode, warmupScoring } from '../model/scoring.ts';

/** Features named in each anomaly's explanation. */
const EXPLAINED_FEATURES = 3;

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
  private readonly names: readonly string[];
  private checked: InputSchema | null = null;

  constructor(readonly model: AnomalyModel) {
    this.names = schemaLayout(model.preprocessor.schema).names;
    this.featureIndex = featureIndexOf(model.preprocessor.state.columns, this.names);
  }

  /**
   * Scores a batch of the model's schema, or of a wider one that has all its
   * features (checkInput says which are missing otherwise). The returned batch
   * is the one scored, with the model's features.
   */
  scoreBatch(input: RecordBatch): ScoredBatch {
    const { preprocessor, ensemble, scoring } = this.model;
    if (input.schema !== this.checked) this.checkInput(input.schema);
    const batch = projectBatch(input, preprocessor.schema);
    const n = batch.count;
    const anomaly = new Uint8Array(n);
    // Rows whose windows were still filling are judged by the warm-up threshold.
    const warm = scoring.warmupThreshold !== undefined ? batch.identity?.warmup ?? null : null;
    const warmScoring = warmupScoring(scoring);
    const paramsOf = (i: number) => (warm !== null && warm[i] === 1 ? warmScoring : scoring);
    // Preprocessed in the module, straight into the matrix the kernels read; the anomalies'
    // explanations are computed there with the scores.
    const t = n > 0 ? encodeBatch(ensemble.engine, preprocessor, batch) : { matrix: null, unknown: 0, unknownValues: {} };
    let scored: { scores: Float32Array; explained: Int32Array; top: Float64Array };
    try {
      scored = t.matrix
        ? ensemble.score(t.matrix, {
          rows: (scores) => {
            const rows: number[] = [];
            for (let i = 0; i < n; i++) if (scores[i] > paramsOf(i).threshold) { anomaly[i] = 1; rows.push(i); }
            return Int32Array.from(rows);
          },
          featureOf: this.featureIndex, features: this.names.length, count: EXPLAINED_FEATURES,
        })
        : { scores: new Float32Array(0), explained: new Int32Array(0), top: new Float64Array(0) };
    } finally {
      t.matrix?.release();
    }
    const severity = new Uint8Array(n);
    const conf = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = scored.scores[i];
      const p = paramsOf(i);
      severity[i] = severityCode(s, p);
      conf[i] = confidence(s, p);
    }
    const position = new Int32Array(n).fill(-1);
    scored.explained.forEach((row, p) => { position[row] = p; });
    return {
      batch: input, scores: scored.scores, anomaly, severity, confidence: conf,
      unknown: t.unknown, unknownValues: t.unknownValues,
      explain: (i) => {
        const p = position[i];
        if (p < 0) return [];
        return contributions(scored.top, p * (1 + 2 * EXPLAINED_FEATURES), EXPLAINED_FEATURES, (f) => featureValue(batch, i, f), this.names);
      },
    };
  }

  /** Throws a SchemaMismatchError when records of `schema` lack features the model reads. */
  checkInput(schema: InputSchema, source?: string): void {
    const missing = missingFeatures(this.model.preprocessor.schema, schema);
    if (missing.length > 0) throw new SchemaMismatchError(this.model.id, this.model.preprocessor.schema, schema, missing, source);
    this.checked = schema;
  }
}

/** The input does not have what the model reads: say what is missing and what to do. */
export class SchemaMismatchError extends InputError {
  constructor(
    readonly modelId: string, readonly modelSchema: InputSchema, readonly inputSchema: InputSchema,
    readonly missing: string[], source?: string, hint?: string,
  ) {
    const lacks = missing.length <= 6 ? listNames(missing) : `${listNames(missing.slice(0, 6))} and ${missing.length - 6} more`;
    super(
      `the model ${modelId} reads ${modelSchema.features.length} features (${modelSchema.name}), but ${inputSchema.name} records lack ${missing.length === 1 ? 'the feature' : `${missing.length} of them`}: ${lacks}`,
      {
        source,
        hint: hint ?? `Detect with a model trained on this kind of input (\`npm run train -- --data <normal traffic> --out models/mine\`, then \`--model models/mine\`).`,
      },
    );
    this.name = 'SchemaMismatchError';
  }
}
