// The browser demo's detection logic, independent of workers and the DOM (so it also runs
// under Node in tests): stream an input through the shared detector (or the first of several
// models whose schema fits it, as the CLI does), keep the anomaly records and their raw
// feature values for the table, accumulate the score histogram, and answer paging, detail
// and export requests.

import { csvHeader, csvLine, hasIdentity } from '../cli/record-formats.ts';
import type { RecordBatch } from '../data/batch.ts';
import { rowValues } from '../data/batch.ts';
import { featureNames } from '../data/input-schema.ts';
import { readBatches, type CsvInput } from '../data/reader.ts';
import { FEATURE_NAMES } from '../data/schema.ts';
import type { DetectorChoice } from '../detect/choice.ts';
import { Detector } from '../detect/detector.ts';
import type { DetectionRecord, DetectionReport } from '../detect/report.ts';
import { ReportBuilder } from '../detect/run.ts';
import { isAttackLabel } from '../metrics/categories.ts';
import { rocCurve } from '../metrics/curves.ts';
import { SEVERITIES } from '../model/scoring.ts';
import type { PageQuery, PageResult, ResultView, RowDetails, RunMode } from './protocol.ts';
import { ScoreHistogramBuilder, type ScoreHistogram } from './score-histogram.ts';

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('Detection was cancelled.');
  }
}

export interface AnalyzeOptions {
  source: string;
  /** Rows done so far, after each batch. */
  onProgress?: (rows: number) => void;
  /** Checked between batches. */
  isCancelled?: () => boolean;
  batchSize?: number;
}

type RawRow = (string | number)[];

/** What the input was, beyond its report: the names of its raw values and whether rows have identities. */
export interface InputShape {
  /** Feature names of the input's schema, in the order of the raw values (the 41 KDD names for KDD files). */
  features: readonly string[];
  /** Rows carry connection identities (time, protocol, source, destination). */
  identity: boolean;
  /** Where the model that scored it was loaded from ('models/traffic'), when known. */
  modelPlace: string | null;
}

const KDD_SHAPE: InputShape = { features: FEATURE_NAMES, identity: false, modelPlace: null };

/** A finished analysis: the report (anomaly records only) plus what the page pages through. */
export class AnalysisResult {
  private order: Int32Array | null = null;
  private orderKey = '';
  private readonly byRow = new Map<number, number>();
  /** Start times (ms since the epoch) of the records, parsed once for sorting by time. */
  private times: Float64Array | null = null;

  constructor(
    readonly report: DetectionReport,
    /** Raw feature values of report.records[i] (in shape.features order), or null when unavailable. */
    private readonly raw: (RawRow | null)[],
    readonly histogram: ScoreHistogram,
    readonly meta: { mode: RunMode; source: string; bytes: number; wallSeconds: number },
    readonly shape: InputShape = KDD_SHAPE,
  ) {
    report.records.forEach((r, i) => this.byRow.set(r.row, i));
  }

  view(): ResultView {
    const { summary, metrics, records } = this.report;
    const categories = new Set<string>();
    for (const r of records) if (r.category) categories.add(r.category);
    return {
      ...this.meta,
      summary,
      metrics,
      histogram: this.histogram,
      anomalies: records.length,
      categories: [...categories].sort(),
      model: summary.model,
      modelPlace: this.shape.modelPlace,
      identity: this.shape.identity,
    };
  }

  page(q: PageQuery): PageResult {
    const order = this.sorted(q);
    const offset = Math.max(0, Math.min(q.offset, Math.max(0, order.length - 1)));
    const limit = Math.max(1, Math.min(q.limit, 500));
    const rows: DetectionRecord[] = [];
    for (let i = offset; i < Math.min(order.length, offset + limit); i++) rows.push(this.report.records[order[i]]);
    return { rows, total: order.length, offset: order.length === 0 ? 0 : offset };
  }

  details(row: number): RowDetails {
    const i = this.byRow.get(row);
    if (i === undefined) throw new RangeError(`row ${row} is not among the reported anomalies`);
    const raw = this.raw[i];
    return {
      record: this.report.records[i],
      values: raw ? this.shape.features.map((feature, f) => ({ feature, value: raw[f] })) : [],
    };
  }

  /** The report as JSON: the same shape as the CLI's --format json and the HTTP API. */
  exportJson(): Blob {
    return new Blob([JSON.stringify(this.report, null, 2) + '\n'], { type: 'application/json' });
  }

  /**
   * One line per anomaly: the CLI's CSV columns (with the identity columns when the input
   * has them), then the row's raw feature values under the input schema's names.
   */
  exportCsv(): Blob {
    const { features, identity } = this.shape;
    const parts: string[] = [csvHeader(identity) + ',' + features.map(csvCell).join(',') + '\n'];
    let chunk: string[] = [];
    this.report.records.forEach((r, i) => {
      const raw = this.raw[i];
      const values = raw ? raw.map((v) => csvCell(String(v))) : features.map(() => '');
      chunk.push(csvLine(r, identity) + ',' + values.join(','));
      if (chunk.length === 2000) {
        parts.push(chunk.join('\n') + '\n');
        chunk = [];
      }
    });
    if (chunk.length) parts.push(chunk.join('\n') + '\n');
    return new Blob(parts, { type: 'text/csv' });
  }

  private sorted(q: PageQuery): Int32Array {
    const key = `${q.sort}|${q.dir}|${q.severity}|${q.category}`;
    if (this.order && this.orderKey === key) return this.order;
    const recs = this.report.records;
    const idx: number[] = [];
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i];
      if (q.severity !== 'all' && r.severity !== q.severity) continue;
      if (q.category !== 'all' && (r.category ?? 'unlabelled') !== q.category) continue;
      idx.push(i);
    }
    const times = q.sort === 'time' ? this.startTimes() : null;
    const value = (i: number): number => {
      const r = recs[i];
      return times ? times[i] : q.sort === 'row' ? r.row : q.sort === 'confidence' ? r.confidence : q.sort === 'severity' ? SEVERITIES.indexOf(r.severity) * 1e9 + r.score : r.score;
    };
    const sign = q.dir === 'asc' ? 1 : -1;
    // Ties broken by row so paging is stable.
    idx.sort((a, b) => sign * (value(a) - value(b)) || recs[a].row - recs[b].row);
    this.order = Int32Array.from(idx);
    this.orderKey = key;
    return this.order;
  }

  /** Records without a time sort as the latest (last when ascending). */
  private startTimes(): Float64Array {
    if (!this.times) {
      const recs = this.report.records;
      this.times = new Float64Array(recs.length);
      for (let i = 0; i < recs.length; i++) {
        const t = recs[i].time === undefined ? NaN : Date.parse(recs[i].time!);
        this.times[i] = Number.isFinite(t) ? t : Number.MAX_VALUE;
      }
    }
    return this.times;
  }
}

/** The raw-value names and identity flag of an input, from one of its batches. */
function shapeOf(b: RecordBatch, modelPlace: string | null): InputShape {
  return { features: featureNames(b.schema), identity: b.identity !== null, modelPlace };
}

/**
 * Detection in this process (the browser path). With a DetectorChoice the first batch's
 * schema picks the model, exactly as runDetection does: a KDD file goes to the KDD model,
 * a capture or a conn.log to a traffic model, and when none fits its SchemaMismatchError
 * (naming what each model reads) is thrown.
 */
export async function analyzeLocal(
  detector: Detector | DetectorChoice,
  input: CsvInput,
  opts: AnalyzeOptions & { bytes: number },
): Promise<AnalysisResult> {
  const started = performance.now();
  const records: DetectionRecord[] = [];
  const raw: RawRow[] = [];
  let batch: RecordBatch | null = null;
  let base = 0;
  let chosen: Detector | null = detector instanceof Detector ? detector : null;
  let place: string | null = null;
  let builder: ReportBuilder | null = null;
  let shape: InputShape | null = null;
  const newBuilder = (d: Detector): ReportBuilder => new ReportBuilder(d, {
    all: false,
    rocCurve: true,
    source: opts.source,
    onRecord: (r) => {
      records.push(r);
      raw.push(rowValues(batch!, r.row - 1 - base));
    },
  }, started);
  const hist = new ScoreHistogramBuilder();
  for await (const b of readBatches(input, { source: opts.source, batchSize: opts.batchSize ?? 4096 })) {
    if (opts.isCancelled?.()) throw new CancelledError();
    if (!chosen) {
      const choice = detector as DetectorChoice;
      chosen = choice.forSchema(b.schema, opts.source);
      place = choice.places[choice.detectors.indexOf(chosen)] ?? null;
    }
    builder ??= newBuilder(chosen);
    shape ??= shapeOf(b, place);
    batch = b;
    base = builder.rowCount;
    builder.setFormat(b.format);
    const scored = chosen.scoreBatch(b);
    builder.add(scored);
    hist.add(scored.scores, b.labels);
    opts.onProgress?.(builder.rowCount);
  }
  // An input without records: the first (preferred) model describes the empty report.
  chosen ??= (detector as DetectorChoice).detectors[0];
  builder ??= newBuilder(chosen);
  const report = builder.finish();
  report.records = records;
  const wallSeconds = (performance.now() - started) / 1000;
  return new AnalysisResult(report, raw, hist.finish(chosen.model.scoring.threshold), {
    mode: 'browser', source: opts.source, bytes: opts.bytes, wallSeconds,
  }, shape ?? { ...KDD_SHAPE, modelPlace: place });
}

/**
 * Turns the HTTP API's report (ideally with every record, from ?all=1) into a result:
 * histogram and ROC from the returned scores, anomalies for the table, and the raw
 * feature values re-read from the local copy of the same input.
 */
export async function analyzeServerReport(
  report: DetectionReport,
  input: CsvInput | null,
  opts: AnalyzeOptions & { bytes: number; wallSeconds: number },
): Promise<AnalysisResult> {
  if (!report || typeof report !== 'object' || !report.summary || !Array.isArray(report.records)) {
    throw new Error('The server answered with something that is not a detection report.');
  }
  const { summary } = report;
  const all = report.records;
  const complete = all.length === summary.rows;
  const hist = new ScoreHistogramBuilder();
  const scores = Float64Array.from(all, (r) => r.score);
  const labelled = all.length > 0 && all.every((r) => typeof r.label === 'string');
  hist.add(scores, labelled ? all.map((r) => r.label!) : null);
  let metrics = report.metrics;
  if (metrics && !metrics.roc && complete && labelled) {
    const truth = Uint8Array.from(all, (r) => (isAttackLabel(r.label!) ? 1 : 0));
    const { fpr, tpr } = rocCurve(scores, truth, 256);
    metrics = { ...metrics, roc: { fpr, tpr } };
  }
  const anomalies = all.filter((r) => r.anomaly);
  const local = input ? await rawRowsOf(input, anomalies.map((r) => r.row), opts) : null;
  const raw = local ? local.raw : anomalies.map(() => null);
  const identity = all.some(hasIdentity);
  // Without a local copy the raw values are unknown: name the KDD features only for a KDD-looking report.
  const shape: InputShape = local?.shape ?? { features: identity ? [] : FEATURE_NAMES, identity, modelPlace: null };
  return new AnalysisResult(
    { summary, metrics, records: anomalies },
    raw,
    hist.finish(summary.threshold, 40, complete),
    { mode: 'server', source: opts.source, bytes: opts.bytes, wallSeconds: opts.wallSeconds },
    { ...shape, identity: shape.identity || identity },
  );
}

/** Raw values of the given 1-based data rows, from a second pass over the input; and the input's shape. */
async function rawRowsOf(input: CsvInput, rows: number[], opts: AnalyzeOptions): Promise<{ raw: (RawRow | null)[]; shape: InputShape | null }> {
  const out: (RawRow | null)[] = rows.map(() => null);
  let shape: InputShape | null = null;
  const order = rows.map((_, i) => i).sort((a, b) => rows[a] - rows[b]);
  let next = 0;
  let base = 0;
  for await (const b of readBatches(input, { source: opts.source, batchSize: opts.batchSize ?? 8192 })) {
    if (opts.isCancelled?.()) throw new CancelledError();
    shape ??= shapeOf(b, null);
    while (next < order.length && rows[order[next]] - 1 < base + b.count) {
      const i = rows[order[next]] - 1 - base;
      if (i >= 0) out[order[next]] = rowValues(b, i);
      next++;
    }
    base += b.count;
    opts.onProgress?.(base);
    if (next >= order.length) break;
  }
  return { raw: out, shape };
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
