// Detection over a whole input, streamed batch by batch in bounded memory:
// per-record results go to a callback (or are collected), the summary and the
// metrics accumulate as it goes.

import type { CsvInput } from '../data/text.ts';
import { readBatches } from '../data/reader.ts';
import type { RecordBatch } from '../data/batch.ts';
import { recordIdentity } from '../data/identity.ts';
import { MetricsAccumulator } from '../metrics/accumulator.ts';
import { attackCategory } from '../metrics/categories.ts';
import { SEVERITIES, type Severity } from '../model/scoring.ts';
import { Detector, type ScoredBatch } from './detector.ts';
import type { DetectorChoice } from './choice.ts';
import type { InputSchema } from '../data/input-schema.ts';
import type { DetectionRecord, DetectionReport, DetectionSummary } from './report.ts';

export interface RunOptions {
  /** Report every record, not only anomalies. */
  all?: boolean;
  source?: string;
  batchSize?: number;
  /** Receives each reported record; when given, records are not collected in the report. */
  onRecord?: (record: DetectionRecord) => void;
  /** false: read CSV bytes through the text path, the byte reader's reference (see ReadOptions.fastBytes). */
  fastBytes?: boolean;
  /** Called after each batch with the rows done so far. */
  onProgress?: (rows: number) => void;
  /** Awaited after each batch: lets a slow consumer of onRecord hold the reading back. */
  afterBatch?: () => Promise<void>;
  /** Include the downsampled ROC curve in metrics (for charts). */
  rocCurve?: boolean;
  /** A live feed: see ReadOptions.live. */
  live?: boolean;
  /**
   * Asked before each batch: a new model to score with from now on (SIGHUP), or
   * null to keep the current one. No line is dropped: the swap happens between batches.
   */
  reload?: () => Detector | DetectorChoice | null;
  /** Told which detector scores the input, once it is known (and after each reload). */
  onDetector?: (detector: Detector) => void;
}

/** Distinct unseen categorical values listed per feature in a summary. */
export const MAX_UNKNOWN_VALUES = 100;
/** The key that sums the unseen values beyond MAX_UNKNOWN_VALUES. */
export const OTHER_VALUES = '(other values)';

/** Accumulates scored batches into a report; usable with any batch source. */
export class ReportBuilder {
  private rows = 0;
  private anomalies = 0;
  /** Rows per severity code (index into SEVERITIES): a typed count, not a string-keyed property, per row. */
  private readonly severityCounts = new Float64Array(SEVERITIES.length);
  private unknownRows = 0;
  private readonly unknownValues: Record<string, Record<string, number>> = {};
  private metrics: MetricsAccumulator | null = null;
  private labeled: boolean | null = null;
  private format: string | null = null;
  readonly records: DetectionRecord[] = [];
  constructor(private detector: Detector, private readonly opts: RunOptions = {}, private readonly started = performance.now()) {}

  /** Score with another model from now on (the summary names the last one). */
  use(detector: Detector): void { this.detector = detector; }

  setFormat(format: string): void { this.format = format; }

  get rowCount(): number { return this.rows; }

  /** Whether the AUCs will be exact (scores kept per row) or from the constant-size histogram; null before labelled rows. */
  get exactMetrics(): boolean | null { return this.metrics?.exact ?? null; }

  /**
   * Counts a scored batch into the summary and the metrics; with `emit`, its reported
   * records go to onRecord (or the report). Without, the caller has rendered them
   * itself (detection on worker threads: src/cli/detect-pool.ts), and `scored` need only carry the arrays.
   */
  add(scored: Pick<ScoredBatch, 'batch' | 'scores' | 'anomaly' | 'severity' | 'unknown' | 'unknownValues'> & Partial<ScoredBatch>, emit = true): void {
    const { batch } = scored;
    const labels = batch.labels;
    if (this.labeled === null) {
      this.labeled = labels !== null;
      // A live feed never ends: its scores go into the constant-size histogram from the first row
      // (exact scores cost 5 bytes a row, 40 MB by the 8 millionth, which a follower reaches in minutes).
      if (this.labeled) this.metrics = new MetricsAccumulator({ rocPoints: this.opts.rocCurve ? 256 : 0, ...(this.opts.live ? { exactRows: 0 } : {}) });
    }
    if (labels && this.metrics) this.metrics.add(scored.scores, scored.anomaly, labels);
    const { severity, anomaly } = scored;
    const counts = this.severityCounts;
    let anomalies = 0;
    for (let i = 0; i < batch.count; i++) {
      counts[severity[i]]++;
      anomalies += anomaly[i];
    }
    this.anomalies += anomalies;
    if (emit) {
      for (let i = 0; i < batch.count; i++) {
        if (anomaly[i] || this.opts.all) this.emit(recordOf(scored as ScoredBatch, i, this.rows + i + 1, batch));
      }
    }
    this.rows += batch.count;
    this.unknownRows += scored.unknown;
    for (const [feature, values] of Object.entries(scored.unknownValues)) {
      const into = (this.unknownValues[feature] ??= Object.create(null) as Record<string, number>);
      for (const [v, c] of Object.entries(values)) {
        // At most MAX_UNKNOWN_VALUES distinct values per feature are listed; the rest are summed.
        const key = v in into || Object.keys(into).length < MAX_UNKNOWN_VALUES ? v : OTHER_VALUES;
        into[key] = (into[key] ?? 0) + c;
      }
    }
  }

  private emit(record: DetectionRecord): void {
    if (this.opts.onRecord) this.opts.onRecord(record);
    else this.records.push(record);
  }

  finish(): DetectionReport {
    const seconds = (performance.now() - this.started) / 1000;
    const summary: DetectionSummary = {
      rows: this.rows,
      anomalies: this.anomalies,
      anomalyRate: this.rows ? this.anomalies / this.rows : 0,
      bySeverity: Object.fromEntries(SEVERITIES.map((s, code) => [s, this.severityCounts[code]])) as Record<Severity, number>,
      unknownCategories: { rows: this.unknownRows, values: this.unknownValues },
      seconds: round(seconds, 3),
      rowsPerSecond: seconds > 0 ? Math.round(this.rows / seconds) : 0,
      model: this.detector.model.id,
      threshold: this.detector.model.scoring.threshold,
      ...(this.detector.model.scoring.warmupThreshold !== undefined ? { warmupThreshold: this.detector.model.scoring.warmupThreshold } : {}),
      format: this.format,
    };
    return { summary, metrics: this.metrics ? this.metrics.finish() : null, records: this.records };
  }
}

/**
 * Detection over a whole input. With a DetectorChoice, the model is chosen by the
 * first batch's schema (a KDD file → the KDD model, a capture → a traffic model).
 */
export async function runDetection(detector: Detector | DetectorChoice, input: CsvInput, opts: RunOptions = {}): Promise<DetectionReport> {
  const started = performance.now();
  let builder: ReportBuilder | null = null;
  let chosen: Detector | null = null;
  const choose = (d: Detector | DetectorChoice, schema: InputSchema): Detector => {
    const picked = chooseDetector(d, schema, opts.source);
    opts.onDetector?.(picked);
    return picked;
  };
  // Plain KDD lines are parsed in the model's compute core (one per process, shared by every model).
  const core = preferredDetector(detector).model.ensemble.engine.core;
  for await (const batch of readBatches(input, { source: opts.source, batchSize: opts.batchSize, live: opts.live, fastBytes: opts.fastBytes, core })) {
    const next = opts.reload?.();
    if (next) {
      detector = next;
      if (chosen) { chosen = choose(next, batch.schema); builder!.use(chosen); }
    }
    if (!chosen) {
      chosen = choose(detector, batch.schema);
      builder = new ReportBuilder(chosen, opts, started);
    }
    builder!.setFormat(batch.format);
    builder!.add(chosen.scoreBatch(batch));
    opts.onProgress?.(builder!.rowCount);
    if (opts.afterBatch) await opts.afterBatch();
  }
  // An input without records: the first (preferred) model describes the empty report.
  builder ??= new ReportBuilder(preferredDetector(detector), opts, started);
  return builder.finish();
}

// Built field by field in the order the JSON shows them (spreads made two objects more a record).
/** The detector that scores records of `schema`: the one given (if they fit it), or the choice's first that fits. */
export function chooseDetector(d: Detector | DetectorChoice, schema: InputSchema, source?: string): Detector {
  if (!(d instanceof Detector)) return d.forSchema(schema, source);
  d.checkInput(schema, source);
  return d;
}

/** The detector that describes an input without records: the one given, or the choice's preferred. */
export function preferredDetector(d: Detector | DetectorChoice): Detector {
  return d instanceof Detector ? d : d.detectors[0];
}

export function recordOf(scored: ScoredBatch, i: number, row: number, batch: RecordBatch): DetectionRecord {
  const label = batch.labels?.[i];
  const r = { row } as DetectionRecord;
  if (batch.identity) Object.assign(r, recordIdentity(batch.identity, i));
  r.score = round(scored.scores[i], 4);
  r.anomaly = scored.anomaly[i] === 1;
  r.confidence = round(scored.confidence[i], 4);
  r.severity = SEVERITIES[scored.severity[i]];
  if (label !== undefined) { r.label = label; r.category = attackCategory(label); }
  r.topFeatures = scored.anomaly[i] ? scored.explain(i) : [];
  return r;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
