// The browser demo's detection logic, independent of workers and the DOM (so it also runs
// under Node in tests): stream an input through the shared detector, keep the anomaly
// records and their raw feature values for the table, accumulate the score histogram,
// and answer paging, detail and export requests.

import { CSV_HEADER, csvLine } from '../cli/record-formats.ts';
import type { RecordBatch } from '../data/batch.ts';
import { rowValues } from '../data/batch.ts';
import { readBatches, type CsvInput } from '../data/reader.ts';
import { FEATURE_NAMES } from '../data/schema.ts';
import type { Detector } from '../detect/detector.ts';
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

/** A finished analysis: the report (anomaly records only) plus what the page pages through. */
export class AnalysisResult {
  private order: Int32Array | null = null;
  private orderKey = '';
  private readonly byRow = new Map<number, number>();

  constructor(
    readonly report: DetectionReport,
    /** Raw feature values of report.records[i] (41 values), or null when unavailable. */
    private readonly raw: (RawRow | null)[],
    readonly histogram: ScoreHistogram,
    readonly meta: { mode: RunMode; source: string; bytes: number; wallSeconds: number },
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
      values: raw ? FEATURE_NAMES.map((feature, f) => ({ feature, value: raw[f] })) : [],
    };
  }

  /** The report as JSON: the same shape as the CLI's --format json and the HTTP API. */
  exportJson(): Blob {
    return new Blob([JSON.stringify(this.report, null, 2) + '\n'], { type: 'application/json' });
  }

  /** One line per anomaly: the CLI's CSV columns, then the 41 raw feature values. */
  exportCsv(): Blob {
    const parts: string[] = [CSV_HEADER + ',' + FEATURE_NAMES.join(',') + '\n'];
    let chunk: string[] = [];
    this.report.records.forEach((r, i) => {
      const raw = this.raw[i];
      const values = raw ? raw.map((v) => csvCell(String(v))) : FEATURE_NAMES.map(() => '');
      chunk.push(csvLine(r) + ',' + values.join(','));
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
    const value = (r: DetectionRecord): number =>
      q.sort === 'row' ? r.row : q.sort === 'confidence' ? r.confidence : q.sort === 'severity' ? SEVERITIES.indexOf(r.severity) * 1e9 + r.score : r.score;
    const sign = q.dir === 'asc' ? 1 : -1;
    // Ties broken by row so paging is stable.
    idx.sort((a, b) => sign * (value(recs[a]) - value(recs[b])) || recs[a].row - recs[b].row);
    this.order = Int32Array.from(idx);
    this.orderKey = key;
    return this.order;
  }
}

/** Detection in this process with the shared detector (the browser path). */
export async function analyzeLocal(
  detector: Detector,
  input: CsvInput,
  opts: AnalyzeOptions & { bytes: number },
): Promise<AnalysisResult> {
  const started = performance.now();
  const records: DetectionRecord[] = [];
  const raw: RawRow[] = [];
  let batch: RecordBatch | null = null;
  let base = 0;
  const builder = new ReportBuilder(detector, {
    all: false,
    rocCurve: true,
    source: opts.source,
    onRecord: (r) => {
      records.push(r);
      raw.push(rowValues(batch!, r.row - 1 - base));
    },
  });
  const hist = new ScoreHistogramBuilder();
  for await (const b of readBatches(input, { source: opts.source, batchSize: opts.batchSize ?? 4096 })) {
    if (opts.isCancelled?.()) throw new CancelledError();
    batch = b;
    base = builder.rowCount;
    builder.setFormat(b.format);
    const scored = detector.scoreBatch(b);
    builder.add(scored);
    hist.add(scored.scores, b.labels);
    opts.onProgress?.(builder.rowCount);
  }
  const report = builder.finish();
  report.records = records;
  const wallSeconds = (performance.now() - started) / 1000;
  return new AnalysisResult(report, raw, hist.finish(detector.model.scoring.threshold), {
    mode: 'browser', source: opts.source, bytes: opts.bytes, wallSeconds,
  });
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
  const raw = input ? await rawRowsOf(input, anomalies.map((r) => r.row), opts) : anomalies.map(() => null);
  return new AnalysisResult(
    { summary, metrics, records: anomalies },
    raw,
    hist.finish(summary.threshold, 40, complete),
    { mode: 'server', source: opts.source, bytes: opts.bytes, wallSeconds: opts.wallSeconds },
  );
}

/** Raw values of the given 1-based data rows, from a second pass over the input. */
async function rawRowsOf(input: CsvInput, rows: number[], opts: AnalyzeOptions): Promise<(RawRow | null)[]> {
  const out: (RawRow | null)[] = rows.map(() => null);
  if (rows.length === 0) return out;
  const order = rows.map((_, i) => i).sort((a, b) => rows[a] - rows[b]);
  let next = 0;
  let base = 0;
  for await (const b of readBatches(input, { source: opts.source, batchSize: opts.batchSize ?? 8192 })) {
    if (opts.isCancelled?.()) throw new CancelledError();
    while (next < order.length && rows[order[next]] - 1 < base + b.count) {
      const i = rows[order[next]] - 1 - base;
      if (i >= 0) out[order[next]] = rowValues(b, i);
      next++;
    }
    base += b.count;
    opts.onProgress?.(base);
    if (next >= order.length) break;
  }
  return out;
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
