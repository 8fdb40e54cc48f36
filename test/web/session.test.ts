// The browser demo's detection logic, run under Node: same numbers as runDetection, the
// histogram counts every row, paging/sorting/filtering, details and exports.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { Detector } from '../../src/detect/detector.ts';
import type { DetectionReport } from '../../src/detect/report.ts';
import { runDetection } from '../../src/detect/run.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { loadModelDir } from '../../src/model/node.ts';
import { SEVERITIES } from '../../src/model/scoring.ts';
import type { PageQuery } from '../../src/web/protocol.ts';
import { ScoreHistogramBuilder } from '../../src/web/score-histogram.ts';
import { AnalysisResult, analyzeLocal, analyzeServerReport, CancelledError } from '../../src/web/session.ts';

const sum = (a: number[]): number => a.reduce((s, x) => s + x, 0);
const q = (over: Partial<PageQuery> = {}): PageQuery => ({ sort: 'score', dir: 'desc', severity: 'all', category: 'all', offset: 0, limit: 25, ...over });
const sameSummary = (s: DetectionReport['summary']) => ({ ...s, seconds: 0, rowsPerSecond: 0 });

describe('web session', () => {
  let detector: Detector;
  const text = generateTraffic({ rows: 3000, seed: 11 });
  let expected: DetectionReport;
  let result: AnalysisResult;

  beforeAll(async () => {
    detector = new Detector(await loadModelDir(await loadEngine()));
    expected = await runDetection(detector, text, { rocCurve: true });
    const progress: number[] = [];
    result = await analyzeLocal(detector, text, { source: 'sample.csv', bytes: text.length, batchSize: 1000, onProgress: (r) => progress.push(r) });
    expect(progress).toEqual([1000, 2000, 3000]);
  });

  it('reports exactly what runDetection reports (summary, metrics, anomaly records)', () => {
    const { report } = result;
    expect(sameSummary(report.summary)).toEqual(sameSummary(expected.summary));
    expect(report.metrics).toEqual(expected.metrics);
    expect(report.metrics!.roc!.fpr.length).toBeGreaterThan(2);
    expect(report.records).toEqual(expected.records);
    expect(report.records.every((r) => r.anomaly)).toBe(true);
  });

  it('histograms every row, split by label, with the threshold inside the range', () => {
    const h = result.histogram;
    expect(h.count).toBe(3000);
    expect(sum(h.total)).toBe(3000);
    expect(h.total.map((t, i) => h.normal![i] + h.attack![i])).toEqual(h.total);
    expect(sum(h.attack!)).toBe(600); // attackRate 0.2
    expect(h.edges.length).toBe(h.total.length + 1);
    expect(h.edges[0]).toBeLessThanOrEqual(h.threshold);
    expect(h.edges[h.edges.length - 1]).toBeGreaterThanOrEqual(h.threshold);
    expect(h.total.length).toBeLessThanOrEqual(40);
    // Rows at or above the threshold's bin are at least the anomalies.
    const above = sum(h.total.filter((_, b) => h.edges[b + 1] > h.threshold));
    expect(above).toBeGreaterThanOrEqual(result.report.summary.anomalies);
  });

  it('pages, sorts and filters the anomalies', () => {
    const n = result.report.records.length;
    const first = result.page(q());
    expect(first.total).toBe(n);
    expect(first.rows).toHaveLength(25);
    const scores = first.rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBe(Math.max(...result.report.records.map((r) => r.score)));

    const all = [];
    for (let off = 0; off < n; off += 100) all.push(...result.page(q({ offset: off, limit: 100 })).rows);
    expect(new Set(all.map((r) => r.row)).size).toBe(n);

    const byRow = result.page(q({ sort: 'row', dir: 'asc', limit: 10 })).rows.map((r) => r.row);
    expect(byRow).toEqual([...byRow].sort((a, b) => a - b));

    const bySeverity = result.page(q({ sort: 'severity', dir: 'desc', limit: 500 })).rows;
    const codes = bySeverity.map((r) => SEVERITIES.indexOf(r.severity));
    expect(codes).toEqual([...codes].sort((a, b) => b - a));

    const critical = result.page(q({ severity: 'Critical', limit: 500 }));
    expect(critical.total).toBe(result.report.summary.bySeverity.Critical);
    expect(critical.rows.every((r) => r.severity === 'Critical')).toBe(true);

    const falseAlarms = result.page(q({ category: 'normal', limit: 500 }));
    expect(falseAlarms.total).toBe(result.report.metrics!.confusion.fp);

    const past = result.page(q({ offset: n + 50 }));
    expect(past.offset).toBeLessThan(n);
    expect(result.view().categories).toContain('dos');
  });

  it('gives every feature of a row, consistent with its explanation', () => {
    const rec = result.report.records[0];
    const d = result.details(rec.row);
    expect(d.record).toEqual(rec);
    expect(d.values.map((v) => v.feature)).toEqual([...FEATURE_NAMES]);
    for (const f of rec.topFeatures) expect(d.values.find((v) => v.feature === f.feature)!.value).toEqual(f.value);
    // The raw row is the input line (row is 1-based, no header).
    const line = text.split('\n')[rec.row - 1].split(',');
    expect(d.values.map((v) => String(v.value))).toEqual(line.slice(0, 41).map((x) => String(Number.isNaN(Number(x)) ? x : Number(x))));
    expect(() => result.details(-5)).toThrow(/not among/);
  });

  it('exports CSV (one line per anomaly, with the features) and JSON (the report)', async () => {
    const csv = (await result.exportCsv().text()).trimEnd().split('\n');
    expect(csv[0].startsWith('row,score,anomaly,')).toBe(true);
    expect(csv[0].endsWith(FEATURE_NAMES.join(','))).toBe(true);
    expect(csv).toHaveLength(result.report.records.length + 1);
    expect(csv[1].split(',')[0]).toBe(String(result.report.records[0].row));
    const json = JSON.parse(await result.exportJson().text()) as DetectionReport;
    expect(json.summary.rows).toBe(3000);
    expect(json.records).toHaveLength(result.report.records.length);
  });

  it('turns a server report (all records) into the same view, re-reading raw rows locally', async () => {
    const server = await runDetection(detector, text, { all: true });
    const s = await analyzeServerReport(JSON.parse(JSON.stringify(server)), text, { source: 'sample.csv', bytes: text.length, wallSeconds: 0.5 });
    expect(s.report.summary).toEqual(server.summary);
    expect(s.report.records).toEqual(result.report.records);
    expect(s.histogram.complete).toBe(true);
    expect(s.histogram.count).toBe(3000);
    expect(s.report.metrics!.roc!.fpr.length).toBeGreaterThan(2);
    const rec = s.report.records[3];
    expect(s.details(rec.row).values).toEqual(result.details(rec.row).values);
    expect(s.view().mode).toBe('server');

    const anomaliesOnly = await analyzeServerReport({ ...server, records: server.records.filter((r) => r.anomaly) }, null, { source: 'x', bytes: 1, wallSeconds: 0 });
    expect(anomaliesOnly.histogram.complete).toBe(false);
    expect(anomaliesOnly.details(rec.row).values).toEqual([]);
    await expect(analyzeServerReport({} as DetectionReport, null, { source: 'x', bytes: 1, wallSeconds: 0 })).rejects.toThrow(/not a detection report/);
  });

  it('stops between batches when cancelled, and reports input errors with their line', async () => {
    let calls = 0;
    await expect(analyzeLocal(detector, text, { source: 's', bytes: 1, batchSize: 500, isCancelled: () => ++calls > 2 })).rejects.toBeInstanceOf(CancelledError);
    const bad = text.split('\n').slice(0, 5);
    bad[3] = bad[3].replace(/^(\d+,\w+,\w+,\w+,)\d+/, '$1lots');
    await expect(analyzeLocal(detector, bad.join('\n'), { source: 'bad.csv', bytes: 1 })).rejects.toThrow(/^bad\.csv:4:5: expected a number for src_bytes/);
  });
});

describe('score histogram', () => {
  it('clamps extreme and non-finite scores into the end bins and trims empty tails', () => {
    const b = new ScoreHistogramBuilder();
    b.add(Float32Array.from([0, -1, 1e9, Infinity, NaN, 5, 5, 5]), null);
    const h = b.finish(5);
    expect(h.count).toBe(8);
    expect(sum(h.total)).toBe(8);
    expect(h.normal).toBeNull();
  });

  it('spans the threshold even when no rows were seen', () => {
    const h = new ScoreHistogramBuilder().finish(4.2);
    expect(h.count).toBe(0);
    expect(h.edges[0]).toBeLessThan(4.2);
    expect(h.edges[h.edges.length - 1]).toBeGreaterThan(4.2);
  });
});
