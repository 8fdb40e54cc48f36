// Training on normal traffic alone, on a schema other than KDD's: the threshold
// comes from a target false-alarm rate, the model records its schema, and files
// of a wider schema are read through it while narrower ones get a clear error.
import { beforeAll, describe, expect, it } from 'vitest';
import { projectBatch, type RecordBatch } from '../../src/data/batch.ts';
import { subSchema } from '../../src/data/input-schema.ts';
import { readAll } from '../../src/data/reader.ts';
import { KDD_SCHEMA } from '../../src/data/schema.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector, SchemaMismatchError } from '../../src/detect/detector.ts';
import { ReportBuilder } from '../../src/detect/run.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { decodeModel, encodeModel } from '../../src/model/format.ts';
import { planMembers } from '../../src/model/members.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { trainModel, TrainingError } from '../../src/train/train.ts';

// The 28 header features without the content ones, as a pcap-derived schema would have.
const CONTENT = new Set(['hot', 'num_failed_logins', 'logged_in', 'num_compromised', 'root_shell', 'su_attempted', 'num_root',
  'num_file_creations', 'num_shells', 'num_access_files', 'num_outbound_cmds', 'is_host_login', 'is_guest_login']);
const HEADERS = subSchema(KDD_SCHEMA, 'test-headers', (f) => !CONTENT.has(f.name));

let engine: Engine;
let model: AnomalyModel;
let normal: RecordBatch;

const unlabeled = (b: RecordBatch): RecordBatch => ({ ...b, labels: null });

beforeAll(async () => {
  engine = await loadEngine();
  normal = unlabeled(projectBatch((await readAll(generateTraffic({ rows: 6000, seed: 5, attackRate: 0 }))).batch, HEADERS));
  model = await trainModel(engine, normal, {
    name: 'headers', source: 'normal.csv', seed: 3, folds: 5, nInit: 1, falseAlarmRate: 0.02,
    members: planMembers(3, { members: 4, ks: [4, 6] }, HEADERS.features.map((f) => f.name)),
  });
});

describe('label-free training', () => {
  it('chooses the threshold for the target false-alarm rate and estimates it with an interval', () => {
    const t = model.training!;
    expect(t.thresholdObjective).toBe('false-alarm-rate');
    expect(t.metrics).toBeNull();
    expect(t.attackRows).toBe(0);
    const fa = t.falseAlarm!;
    expect(fa.target).toBe(0.02);
    expect(fa.byFold).toHaveLength(5);
    expect(fa.estimate).toBeGreaterThan(0.015);
    expect(fa.estimate).toBeLessThan(0.025);
    expect(fa.low).toBeLessThanOrEqual(fa.estimate);
    expect(fa.high).toBeGreaterThanOrEqual(fa.estimate);
    expect(t.alertRate).toBeNull(); // no timestamps in KDD-style rows
  });

  it('flags fresh normal traffic near the target and catches attacks', async () => {
    const fresh = (await readAll(generateTraffic({ rows: 4000, seed: 99, attackRate: 0.3 }))).batch; // all 41 features
    const report = new ReportBuilder(new Detector(model));
    report.add(new Detector(model).scoreBatch(fresh)); // wider input: read through the model's 28 features
    const m = report.finish().metrics!;
    expect(m.fpr).toBeLessThan(0.04); // within 2× the 2 % target
    expect(m.rocAuc).toBeGreaterThan(0.95);
  });

  it('round-trips the schema through the model files', async () => {
    const files = await encodeModel(model);
    const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json')));
    expect(manifest.features).toEqual(HEADERS.features.map((f) => f.name));
    expect(manifest.preprocessing.schema.name).toBe('test-headers');
    const restored = await decodeModel(engine, (n) => files.get(n));
    expect(restored.preprocessor.schema.features).toEqual(HEADERS.features);
    const a = new Detector(model).scoreBatch(normal).scores;
    const b = new Detector(restored).scoreBatch(normal).scores;
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(restored.training?.falseAlarm).toEqual(model.training?.falseAlarm);
  });

  it('a KDD model refuses records that lack its content features, naming them', async () => {
    const kdd = await trainModel(engine, (await readAll(generateTraffic({ rows: 3000, seed: 2, attackRate: 0.3 }))).batch, {
      seed: 1, folds: 3, nInit: 1, members: planMembers(1, { members: 2, ks: [4] }),
    });
    const err = (() => { try { new Detector(kdd).scoreBatch(normal); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(SchemaMismatchError);
    expect((err as Error).message).toMatch(/reads 41 features \(kdd\), but test-headers records lack 13 of them: hot, num_failed_logins/);
    expect((err as Error).message).toMatch(/npm run train -- --data/);
  });

  it('refuses a false-alarm rate it cannot estimate', async () => {
    await expect(trainModel(engine, normal, { folds: 5, nInit: 1, falseAlarmRate: 0.0001, members: planMembers(1, { members: 2, ks: [4] }, HEADERS.features.map((f) => f.name)) }))
      .rejects.toThrow(TrainingError);
  });
});
