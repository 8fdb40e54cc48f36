import { beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { runDetection } from '../../src/detect/run.ts';
import type { DetectionRecord } from '../../src/detect/report.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { SEVERITIES } from '../../src/model/scoring.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let detector: Detector;
beforeAll(async () => { detector = new Detector(await trainSyntheticModel(await loadEngine(), 4)); });

describe('runDetection', () => {
  it('reports anomalies with scores, severities, confidences and top features', async () => {
    const report = await runDetection(detector, generateTraffic({ rows: 1500, seed: 5 }), { source: 's.csv', batchSize: 256 });
    const s = report.summary;
    expect(s.rows).toBe(1500);
    expect(s.format).toBe('nsl-kdd');
    expect(Object.values(s.bySeverity).reduce((a, b) => a + b, 0)).toBe(1500);
    expect(s.rows - s.bySeverity.Normal).toBe(s.anomalies);
    expect(report.records).toHaveLength(s.anomalies);
    expect(s.anomalyRate).toBeCloseTo(s.anomalies / 1500, 12);
    for (const r of report.records) {
      expect(r.anomaly).toBe(true);
      expect(r.score).toBeGreaterThan(s.threshold);
      expect(SEVERITIES).toContain(r.severity);
      expect(r.severity).not.toBe('Normal');
      expect(r.confidence).toBeGreaterThanOrEqual(0.5);
      expect(r.topFeatures.length).toBeGreaterThan(0);
      expect(r.topFeatures.length).toBeLessThanOrEqual(3);
    }
    const rows = report.records.map((r) => r.row);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    const m = report.metrics!;
    expect(m.confusion.tp + m.confusion.fp).toBe(s.anomalies);
    expect(m.confusion.tp + m.confusion.fp + m.confusion.tn + m.confusion.fn).toBe(1500);
    expect(Object.keys(m.byCategory).sort()).toEqual(['dos', 'probe', 'r2l', 'u2r', 'unknown']);
  });

  it('reports every record with all, and streams them to a callback without collecting', async () => {
    const csv = generateTraffic({ rows: 300, seed: 6 });
    const all = await runDetection(detector, csv, { all: true });
    expect(all.records.map((r) => r.row)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const seen: DetectionRecord[] = [];
    const streamed = await runDetection(detector, csv, { all: true, onRecord: (r) => seen.push(r) });
    expect(streamed.records).toEqual([]);
    expect(seen).toEqual(all.records);
  });

  it('gives the same results whatever the batch size', async () => {
    const csv = generateTraffic({ rows: 700, seed: 7 });
    const a = await runDetection(detector, csv, { batchSize: 64 });
    const b = await runDetection(detector, csv, { batchSize: 8192 });
    expect(a.records).toEqual(b.records);
    expect(a.metrics).toEqual(b.metrics);
  });

  it('has no metrics without labels and counts unseen categorical values', async () => {
    const csv = generateTraffic({ rows: 200, seed: 8, labels: false })
      .split('\n').map((line, i) => (i === 3 ? line.replace(/^(\d+),(\w+),(\w+),/, '$1,$2,brand_new_service,') : line)).join('\n');
    const report = await runDetection(detector, csv);
    expect(report.metrics).toBeNull();
    expect(report.summary.format).toBe('unlabeled');
    expect(report.summary.unknownCategories.rows).toBe(1);
    expect(report.summary.unknownCategories.values).toEqual({ service: { brand_new_service: 1 } });
    expect(report.records.every((r) => r.label === undefined)).toBe(true);
  });
});

describe('unknown categorical values in the summary', () => {
  it('list at most MAX_UNKNOWN_VALUES per feature and sum the rest', async () => {
    const { MAX_UNKNOWN_VALUES, OTHER_VALUES } = await import('../../src/detect/run.ts');
    const lines = generateTraffic({ rows: 150, seed: 9, labels: false }).trim().split('\n')
      .map((line, i) => line.replace(/^(\d+),(\w+),(\w+),/, `$1,$2,svc${i},`));
    const report = await runDetection(detector, lines.join('\n'));
    const values = report.summary.unknownCategories.values.service;
    expect(Object.keys(values)).toHaveLength(MAX_UNKNOWN_VALUES + 1);
    expect(values[OTHER_VALUES]).toBe(150 - MAX_UNKNOWN_VALUES);
    expect(report.summary.unknownCategories.rows).toBe(150);
  });
});
