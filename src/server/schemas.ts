// The API's schemas, in one place: the request schemas validate requests at run time
// and, with the response schemas, generate /api/openapi.json (tests also check real
// responses against the response schemas), so the description cannot drift from
// what the server does.

import { z } from '@hono/zod-openapi';
import { CATEGORICAL_FEATURES, FEATURE_NAMES } from '../data/schema.ts';
import { SEVERITIES } from '../model/scoring.ts';

// ---------------------------------------------------------------- problems (RFC 9457)

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: 'A URI reference naming the problem type; `about:blank` when the HTTP status says it all.', example: 'urn:anomalyze:problem:malformed-csv' }),
    title: z.string().openapi({ description: 'Short summary of the problem type.', example: 'Malformed CSV' }),
    status: z.int().openapi({ example: 400 }),
    detail: z.string().openapi({ description: 'What went wrong in this request and what to do about it.', example: 'request body:3:1: a quoted field is never closed (an opening " has no matching closing "). Check the quoting: KDD CSV files normally contain no quotes at all.' }),
    instance: z.string().optional().openapi({ description: 'The request path.' }),
    line: z.int().optional().openapi({ description: 'CSV input: 1-based line of the problem.' }),
    column: z.int().optional().openapi({ description: 'CSV input: 1-based column (field) of the problem.' }),
    record: z.int().optional().openapi({ description: 'JSON input: 1-based index of the offending record.' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'Schema validation: every violation, with its JSON path.' }),
    limit: z.int().optional().openapi({ description: '413: the body limit in bytes.' }),
  })
  .openapi('Problem', { description: 'An RFC 9457 problem detail (media type application/problem+json).' });

// ---------------------------------------------------------------- GET /api/health

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    model: z.string().openapi({ description: 'Id of the loaded model (name and manifest hash).', example: 'default-3def68663ddd' }),
    version: z.string().openapi({ description: 'Package version.', example: '0.1.0' }),
    engine: z.enum(['relaxed-simd', 'simd', 'unknown']).openapi({
      description: 'The build of the WebAssembly core this runtime chose at load time: relaxed-simd (fused multiply-add) where the runtime validates it, else simd. Scores of the two agree to about 2e-4 relative; verdicts may differ only for a score that close to the threshold.',
      example: 'relaxed-simd',
    }),
  })
  .openapi('Health');

// ---------------------------------------------------------------- GET /api/model

const CategoryStatsSchema = z.object({ total: z.number(), detected: z.number(), rate: z.number() });

export const TrainingSchema = z
  .object({
    source: z.string(),
    rows: z.int(),
    normalRows: z.int(),
    attackRows: z.int(),
    seed: z.int(),
    folds: z.int(),
    nInit: z.int(),
    thresholdWeighting: z.enum(['category', 'none']),
    thresholdObjective: z.enum(['f1', 'false-alarm-rate']).optional()
      .openapi({ description: 'How the threshold was chosen: best F1 on labelled attacks (absent = f1) or a target false-alarm rate on normal traffic alone.' }),
    falseAlarm: z.object({
      target: z.number(), estimate: z.number(), low: z.number(), high: z.number(), byFold: z.array(z.number()),
    }).optional().openapi({ description: 'Label-free thresholds: the false-alarm rate on held-out normal traffic, with a 95 % interval.' }),
    warmup: z.object({
      rows: z.int(),
      falseAlarm: z.object({ target: z.number(), estimate: z.number(), low: z.number(), high: z.number(), byFold: z.array(z.number()) }),
    }).optional().openapi({ description: "The capture's first rows, whose traffic windows were still filling, and the held-out false-alarm rate of their own threshold." }),
    alertRate: z.object({
      connectionsPerHour: z.number(), alertsPerHour: z.number(), alertsPerDay: z.number(), spanSeconds: z.number(),
    }).nullable().optional().openapi({ description: 'Alerts to expect per hour and day on traffic like the training capture.' }),
    metrics: z.object({
      accuracy: z.number(),
      precision: z.number(),
      recall: z.number(),
      f1: z.number(),
      rocAuc: z.number().nullable(),
      prAuc: z.number().nullable(),
      fpr: z.number(),
      objectiveF1: z.number(),
      byCategory: z.record(z.string(), CategoryStatsSchema),
    }).nullable().openapi({ description: 'Cross-validated metrics on the training file at the chosen threshold (null without attack labels).' }),
  })
  .openapi('Training');

export const ModelInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    features: z.int().openapi({ description: 'Columns after preprocessing (numeric features plus one-hot categories).' }),
    inputFeatures: z.array(z.string()).openapi({ description: 'The input features a record must provide (the 41 KDD features for KDD models).' }),
    columns: z.array(z.string()),
    members: z.array(
      z.object({
        kind: z.enum(['kmeans', 'minibatch']),
        k: z.int(),
        seed: z.int(),
        features: z.array(z.string()).openapi({ description: 'The input features this member clusters on (feature bagging).' }),
        weight: z.number().openapi({ description: 'Share of the score, from the clustering quality.' }),
        scale: z.number().openapi({ description: "Median nearest-centroid distance on the training rows: the member's unit." }),
        quality: z.object({ silhouette: z.number(), calinskiHarabasz: z.number() }),
        inertia: z.number(),
        iterations: z.int(),
      }),
    ),
    threshold: z.number().openapi({ description: 'A record is anomalous iff its score exceeds this.' }),
    severityCuts: z.array(z.number()).length(3),
    calibrationSlope: z.number(),
    warmupThreshold: z.number().optional().openapi({ description: 'The threshold for rows whose traffic windows were still filling (records with warmup: true); absent for models of sources without windows.' }),
    training: TrainingSchema.nullable(),
  })
  .openapi('Model');

// ---------------------------------------------------------------- POST /api/detect: request

const TRUE_VALUES = ['1', 'true', 'yes'];

const flag = (description: string) =>
  z.enum(['1', '0', 'true', 'false', 'yes', 'no', '']).optional().openapi({ description });

export const DetectQuerySchema = z.object({
  all: flag('Report every record, not only the anomalies (like the CLI\'s --all).'),
  format: z.enum(['json', 'ndjson']).optional().openapi({
    description:
      'json (default): one report document. ndjson: one line per reported record as it is scored, then a last line {summary, metrics}; use it for large inputs. `Accept: application/x-ndjson` selects it too.',
  }),
  roc: flag('Include a downsampled ROC curve in metrics (labelled input only).'),
});

export type DetectQuery = z.infer<typeof DetectQuerySchema>;

export const StreamQuerySchema = z.object({
  all: flag('Send every record, not only the anomalies.'),
  alerts: z.enum(['ecs', 'eve']).optional().openapi({ description: 'Write anomalies as Elastic Common Schema (ecs) or Suricata EVE (eve) alert lines.' }),
  latency: z.coerce.number().int().min(10).max(60_000).optional()
    .openapi({ description: 'Longest wait in ms from a line\'s arrival to its verdict (default 1000).' }),
});

export type StreamQuery = z.infer<typeof StreamQuerySchema>;

export const StreamSocketQuerySchema = StreamQuerySchema.extend({
  access_token: z.string().optional()
    .openapi({ description: 'The API key, for browsers, which cannot send an Authorization header on a WebSocket (only when the server has ANOMALYZE_API_KEY set).' }),
});

export function isTrue(v: string | undefined): boolean {
  return v !== undefined && TRUE_VALUES.includes(v);
}

const missingOr = (message: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'missing' : message);

const NumberLike = z
  .union([z.number(), z.string()], { error: missingOr('expected a number or a numeric string') })
  .openapi({ description: 'A number or a numeric string.' });
const Category = z.string({ error: missingOr('expected a string') }).min(1, 'expected a non-empty string');

export const ArrayRecordSchema = z
  .array(z.union([z.number(), z.string()], { error: 'expected a number or a string' }))
  .min(41, 'expected 41 feature values (optionally followed by label and difficulty)')
  .max(43, 'expected at most 43 values: 41 features, label and difficulty')
  .openapi('ArrayRecord', {
    description: 'The 41 feature values in KDD column order, optionally followed by the label and the NSL-KDD difficulty.',
  });

const objectShape: Record<string, z.ZodType> = {};
for (const f of FEATURE_NAMES) objectShape[f] = (CATEGORICAL_FEATURES as readonly string[]).includes(f) ? Category : NumberLike;
for (const k of ['label', 'class', 'attack', 'attack_type']) {
  objectShape[k] = z.string('expected a string').optional().openapi({
    description: k === 'label' ? 'Ground truth ("normal" or an attack name); enables metrics. Synonyms: class, attack, attack_type.' : 'Synonym of label.',
  });
}

export const ObjectRecordSchema = z.looseObject(objectShape).openapi('ObjectRecord', {
  description: 'A record keyed by KDD feature name; other keys are ignored.',
});

export const DetectJsonSchema = z
  .object(
    {
      records: z
        .array(z.union([ArrayRecordSchema, ObjectRecordSchema], { error: 'expected an array of values or an object keyed by feature name' }), {
          error: (iss) => (iss.input === undefined ? 'the body has no "records" field' : '"records" must be an array of records'),
        })
        .openapi({ description: 'Either all records labelled or none. Metrics are computed when they are labelled.' }),
    },
    { error: 'expected a JSON object {"records": [...]}' },
  )
  .openapi('DetectRequest');

export type DetectJson = z.infer<typeof DetectJsonSchema>;

export const CsvBodySchema = z.string().openapi({
  description:
    'KDD-format CSV as in the files: NSL-KDD (43 columns), KDD Cup 1999 (42) or unlabelled (41), with or without a header row naming the features. Also accepted as text/plain or application/csv. Streamed: memory stays bounded however large the body.',
  example: '0,tcp,smtp,SF,1684,497,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,5,2,0.00,0.00,0.00,0.00,1.00,0.06,0.00,64,123,0.84,0.02,0.00,0.01,0.00,0.00,0.00,0.00,normal,21\n',
});

/** Plain OpenAPI (not zod): captures are binary and read as a stream. */
export const PcapBodySchema = {
  type: 'string' as const,
  format: 'binary',
  description:
    'A packet capture (pcap, either byte order, µs or ns; or pcapng) as tcpdump, tshark or dumpcap write it. Packets are assembled into connections and scored on the KDD header features (basic, two-second and host-window features; content features need payload inspection and are absent), so the model must be one trained on such input (`npm run train -- --data normal.pcap`). Streamed in bounded memory. Also accepted as application/vnd.tcpdump.pcap-ng, application/x-pcapng or application/octet-stream.',
};

export const ZeekLogBodySchema = z.string().openapi({
  description:
    'A Zeek conn.log: the TSV form with its #separator/#fields header lines, or JSON lines (LogAscii::use_json=T, also accepted as application/x-ndjson or application/jsonl). Connections get the same KDD header features as from a capture, except wrong_fragment and urgent, which conn.log does not record. CICFlowMeter, Argus (ra -c ,) and nfdump (-o csv) CSV exports are accepted as text/csv and recognised by their header.',
});

/** Plain OpenAPI (not zod): multipart bodies are parsed as a stream, not by a validator. */
export const MultipartBodySchema = {
  type: 'object' as const,
  properties: { file: { type: 'string' as const, format: 'binary', description: 'The CSV file (same formats as text/csv).' } },
  required: ['file'],
};

// ---------------------------------------------------------------- POST /api/detect: response

export const FeatureContributionSchema = z.object({
  feature: z.string(),
  value: z.union([z.string(), z.number()]).openapi({ description: "The record's raw value." }),
  share: z.number().openapi({ description: 'Share of the squared distance to the nearest centroid, in [0, 1].' }),
});

export const DetectionRecordSchema = z
  .object({
    row: z.int().openapi({ description: '1-based data row (header and blank lines not counted); the record index for JSON input.' }),
    score: z.number(),
    anomaly: z.boolean(),
    confidence: z.number().openapi({ description: 'Probability that the verdict is right, in [0.5, 1].' }),
    severity: z.enum(SEVERITIES),
    label: z.string().optional(),
    category: z.string().optional(),
    topFeatures: z.array(FeatureContributionSchema).openapi({ description: 'Why a record was flagged (empty for normal records).' }),
    // The connection identity, where the source has it (captures, Zeek logs, flow CSVs).
    time: z.string().optional().openapi({ description: 'Start of the connection, ISO 8601 UTC.' }),
    duration: z.number().optional(),
    protocol: z.string().optional(),
    src: z.string().optional(),
    srcPort: z.int().optional(),
    dst: z.string().optional(),
    dstPort: z.int().optional(),
    warmup: z.boolean().optional().openapi({ description: "True when the record's traffic windows were still filling (the first connections of a capture or log): it is judged by the model's warmupThreshold." }),
  })
  .openapi('DetectionRecord');

export const SummarySchema = z
  .object({
    rows: z.int(),
    anomalies: z.int(),
    anomalyRate: z.number(),
    bySeverity: z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.int()])) as Record<(typeof SEVERITIES)[number], z.ZodInt>),
    unknownCategories: z.object({
      rows: z.int(),
      values: z.record(z.string(), z.record(z.string(), z.int())).openapi({ description: 'feature → unseen value → count' }),
    }),
    seconds: z.number(),
    rowsPerSecond: z.number(),
    model: z.string(),
    threshold: z.number(),
    warmupThreshold: z.number().optional().openapi({ description: 'The threshold for records with warmup: true (models of captures and conn.logs).' }),
    format: z.string().nullable().openapi({ description: 'Detected input format: nsl-kdd, kdd99, header, unlabeled; json for JSON records.' }),
  })
  .openapi('Summary');

export const MetricsSchema = z
  .object({
    accuracy: z.number(),
    precision: z.number(),
    recall: z.number(),
    f1: z.number(),
    fpr: z.number(),
    rocAuc: z.number().nullable().openapi({ description: 'null when only one class is present.' }),
    prAuc: z.number().nullable().openapi({ description: 'null when only one class is present.' }),
    confusion: z.object({ tp: z.int(), fp: z.int(), tn: z.int(), fn: z.int() }),
    byCategory: z.record(z.string(), CategoryStatsSchema),
    roc: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }).optional(),
  })
  .openapi('Metrics', { description: 'Present when the input is labelled.' });

export const ReportSchema = z
  .object({
    summary: SummarySchema,
    metrics: MetricsSchema.nullable(),
    records: z.array(DetectionRecordSchema),
  })
  .openapi('Report', { description: 'The same document as `npm run detect -- --format json`.' });
