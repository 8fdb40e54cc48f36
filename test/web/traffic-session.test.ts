// The demo's detection logic on traffic inputs, under Node: a capture built in code and
// a Zeek conn.log go to the traffic model of a DetectorChoice (a KDD CSV still to the
// default one), exactly as runDetection picks; records carry connection identities; the
// details and the CSV export use the input schema's feature names and identity columns.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, csvHeader } from '../../src/cli/record-formats.ts';
import { featureNames } from '../../src/data/input-schema.ts';
import { readBatches } from '../../src/data/reader.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { DetectorChoice } from '../../src/detect/choice.ts';
import { Detector, SchemaMismatchError } from '../../src/detect/detector.ts';
import type { DetectionReport } from '../../src/detect/report.ts';
import { runDetection } from '../../src/detect/run.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { KDD_HEADER_SCHEMA } from '../../src/flows/kdd-headers.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { loadModelDir } from '../../src/model/node.ts';
import type { PageQuery } from '../../src/web/protocol.ts';
import { countedStream } from '../../src/web/blob-input.ts';
import { AnalysisResult, analyzeLocal, analyzeServerReport } from '../../src/web/session.ts';
import { buildCapture, trainTrafficModel, TRAFFIC_SCHEMA, ZEEK_FIXTURE } from './traffic-fixture.ts';

const q = (over: Partial<PageQuery> = {}): PageQuery => ({ sort: 'score', dir: 'desc', severity: 'all', category: 'all', offset: 0, limit: 500, ...over });
const sameSummary = (s: DetectionReport['summary']) => ({ ...s, seconds: 0, rowsPerSecond: 0 });
const PLACES = ['models/default', 'models/traffic'];
/** A Blob of the bytes, as a dropped File is. */
const blob = (b: Uint8Array): Blob => new Blob([b as Uint8Array<ArrayBuffer>]);

describe('web session on captures and Zeek logs', () => {
  let traffic: AnomalyModel;
  let choice: DetectorChoice;
  let kddOnly: DetectorChoice;
  const pcap = buildCapture();
  let expected: DetectionReport;
  let result: AnalysisResult;

  beforeAll(async () => {
    const engine = await loadEngine();
    traffic = await trainTrafficModel(engine);
    const kdd = new Detector(await loadModelDir(engine));
    choice = new DetectorChoice([kdd, new Detector(traffic)], PLACES);
    kddOnly = new DetectorChoice([kdd], ['models/default']);
    expected = await runDetection(choice, pcap, { source: 'scan.pcap', rocCurve: true });
    // The bytes as the worker hands them over: a Blob's stream, as Uint8Array chunks.
    let bytes = 0;
    result = await analyzeLocal(choice, countedStream(blob(pcap), (n) => { bytes += n; }), { source: 'scan.pcap', bytes: pcap.length, batchSize: 50 });
    expect(bytes).toBe(pcap.length);
  });

  it('scores a capture with the traffic model, as runDetection does with the same models', () => {
    expect(result.report.summary.model).toBe(traffic.id);
    expect(sameSummary(result.report.summary)).toEqual(sameSummary(expected.summary));
    expect(result.report.records).toEqual(expected.records);
    expect(result.report.summary.format).toBe('pcap');
    expect(result.report.summary.rows).toBe(120); // 30 web sessions, 30 DNS lookups, 60 probes
    expect(result.report.summary.anomalies).toBeGreaterThan(0);
    const view = result.view();
    expect(view.model).toBe(traffic.id);
    expect(view.modelPlace).toBe('models/traffic');
    expect(view.identity).toBe(true);
  });

  it('keeps each record’s connection identity, and the scan is what is flagged', () => {
    const recs = result.report.records;
    for (const r of recs) {
      expect(r.time).toMatch(/^2025-12-02T10:\d\d:\d\d\.\d{3}Z$/);
      expect(r.protocol).toBe('tcp');
      expect(r.src).toBe('10.9.9.9');
      expect(r.srcPort).toBe(60000);
      expect(r.dst).toBe('192.168.1.20');
      expect(r.dstPort).toBeGreaterThanOrEqual(1);
      expect(r.dstPort).toBeLessThanOrEqual(60);
    }
  });

  it('sorts by time, both ways', () => {
    const asc = result.page(q({ sort: 'time', dir: 'asc' })).rows.map((r) => r.time!);
    expect(asc).toHaveLength(result.report.records.length);
    expect(asc).toEqual([...asc].sort());
    const desc = result.page(q({ sort: 'time', dir: 'desc' })).rows.map((r) => r.time!);
    expect(desc).toEqual([...asc].reverse());
  });

  it('details name the capture’s 28 header features, consistent with the explanation', () => {
    const rec = result.report.records[0];
    const d = result.details(rec.row);
    expect(d.values.map((v) => v.feature)).toEqual(featureNames(KDD_HEADER_SCHEMA));
    expect(d.values).toHaveLength(28);
    for (const f of rec.topFeatures) expect(d.values.find((v) => v.feature === f.feature)!.value).toEqual(f.value);
    expect(d.values.find((v) => v.feature === 'protocol_type')!.value).toBe('tcp');
    expect(d.record.src).toBe('10.9.9.9');
  });

  it('exports CSV with the identity columns and the input’s feature names', async () => {
    const csv = (await result.exportCsv().text()).trimEnd().split('\n');
    expect(csv[0]).toBe(`${csvHeader(true)},${featureNames(KDD_HEADER_SCHEMA).join(',')}`);
    expect(csv[0].startsWith('row,time,protocol,src,srcPort,dst,dstPort,duration,warmup,score,')).toBe(true);
    expect(csv).toHaveLength(result.report.records.length + 1);
    const first = result.report.records[0];
    const cells = csv[1].split(',');
    expect(cells.slice(0, 7)).toEqual([String(first.row), first.time, 'tcp', '10.9.9.9', '60000', '192.168.1.20', String(first.dstPort)]);
    expect(cells).toHaveLength(csv[0].split(',').length);
  });

  it('scores a Zeek conn.log with the traffic model: 26 features, identities in the export', async () => {
    const log = readFileSync(ZEEK_FIXTURE);
    const want = await runDetection(choice, log, { source: 'conn.log' });
    const z = await analyzeLocal(choice, countedStream(blob(log), () => {}), { source: 'conn.log', bytes: log.length });
    expect(z.report.summary.model).toBe(traffic.id);
    expect(z.report.summary.format).toBe('zeek');
    expect(z.report.records).toEqual(want.records);
    expect(z.report.summary.anomalies).toBe(want.summary.anomalies);
    expect(z.report.records.length).toBeGreaterThan(0);
    expect(z.view().identity).toBe(true);
    const rec = z.report.records[0];
    expect(rec.src).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(rec.time).toMatch(/^2025-12-02T10:00:0\d\.\d{3}Z$/);
    expect(z.details(rec.row).values.map((v) => v.feature)).toEqual(featureNames(TRAFFIC_SCHEMA));
    const header = (await z.exportCsv().text()).split('\n')[0];
    expect(header).toBe(`${csvHeader(true)},${featureNames(TRAFFIC_SCHEMA).join(',')}`);
  });

  it('sends a KDD CSV to the default model, which looks exactly as before', async () => {
    const text = generateTraffic({ rows: 1500, seed: 4 });
    const k = await analyzeLocal(choice, text, { source: 'kdd.csv', bytes: text.length });
    const alone = await analyzeLocal(choice.detectors[0], text, { source: 'kdd.csv', bytes: text.length });
    expect(k.report.summary.model).toBe(choice.detectors[0].model.id);
    expect(k.report.records).toEqual(alone.report.records);
    expect(k.view().identity).toBe(false);
    expect(k.view().modelPlace).toBe('models/default');
    expect(k.report.records.every((r) => r.time === undefined && r.src === undefined)).toBe(true);
    expect((await k.exportCsv().text()).split('\n')[0]).toBe(`${CSV_HEADER},${FEATURE_NAMES.join(',')}`);
    expect(k.details(k.report.records[0].row).values.map((v) => v.feature)).toEqual([...FEATURE_NAMES]);
  });

  it('says what each model reads and how to train one when none fits', async () => {
    const err = await analyzeLocal(kddOnly, pcap, { source: 'scan.pcap', bytes: pcap.length }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaMismatchError);
    const message = (err as Error).message;
    expect(message).toMatch(/^scan\.pcap: /);
    expect(message).toContain('models/default reads kdd');
    expect(message).toContain('npm run train');
  });

  it('turns a server report of a capture into the same view, re-reading identities and raw rows locally', async () => {
    const server = await runDetection(choice, pcap, { all: true, source: 'scan.pcap' });
    const s = await analyzeServerReport(JSON.parse(JSON.stringify(server)), pcap, { source: 'scan.pcap', bytes: pcap.length, wallSeconds: 0.1 });
    expect(s.report.records).toEqual(result.report.records);
    expect(s.view().identity).toBe(true);
    const rec = s.report.records[2];
    expect(s.details(rec.row).values).toEqual(result.details(rec.row).values);
    expect((await s.exportCsv().text()).split('\n')[0]).toBe((await result.exportCsv().text()).split('\n')[0]);
  });

  it('hands the reader bytes, not text, from a Blob', async () => {
    const chunks: unknown[] = [];
    for await (const c of countedStream(blob(pcap.subarray(0, 5000)), () => {})) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c instanceof Uint8Array)).toBe(true);
    const formats: string[] = [];
    for await (const b of readBatches(countedStream(blob(pcap), () => {}), { source: 'x.pcap' })) formats.push(b.format);
    expect(formats[0]).toBe('pcap');
  });
});
