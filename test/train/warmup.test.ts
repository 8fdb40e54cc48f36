// The first connections of a capture see half-empty traffic windows (dst_host_count
// 11 where it is 255 later). Label-free training fits on them in every fold and
// gives them a threshold of their own; detection judges each row by its own cut.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/data/batch.ts';
import { recordIdentity } from '../../src/data/identity.ts';
import { mulberry32 } from '../../src/data/random.ts';
import { Detector } from '../../src/detect/detector.ts';
import { ReportBuilder } from '../../src/detect/run.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import type { Connection } from '../../src/flows/connection.ts';
import { connectionFeatures } from '../../src/flows/window.ts';
import { decodeModel, encodeModel } from '../../src/model/format.ts';
import { planMembers } from '../../src/model/members.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { trainModel } from '../../src/train/train.ts';

const T0 = 1_700_000_000;
const SERVICES = [
  { service: 'http', port: 80, protocol: 'tcp', bytes: [300, 20_000] },
  { service: 'domain_u', port: 53, protocol: 'udp', bytes: [40, 120] },
  { service: 'ssh', port: 22, protocol: 'tcp', bytes: [3_000, 4_000] },
] as const;

/** A capture's worth of normal client-server connections, about 30 a second. */
function capture(seed: number, n: number): RecordBatch {
  const rand = mulberry32(seed);
  const conns: Connection[] = [];
  let t = T0 + seed * 10_000;
  for (let i = 0; i < n; i++) {
    t += -Math.log(1 - rand()) / 30;
    const s = SERVICES[rand() < 0.55 ? 0 : rand() < 0.9 ? 1 : 2];
    const [lo, hi] = s.bytes;
    conns.push({
      start: t, duration: s.protocol === 'udp' ? 0.001 : 0.05 + rand() * 0.3, protocol: s.protocol,
      origAddr: `127.0.0.${2 + Math.floor(rand() * 8)}`, origPort: 30_000 + Math.floor(rand() * 30_000),
      respAddr: '127.0.0.10', respPort: s.port, service: s.service, flag: 'SF',
      origBytes: Math.round(lo + rand() * (hi - lo) * 0.1), respBytes: Math.round(lo + rand() * (hi - lo)),
      origPackets: 4, respPackets: 4, wrongFragment: 0, urgent: 0,
    });
  }
  const rows = connectionFeatures(conns);
  return { schema: rows.schema, count: rows.count, firstLine: 1, numeric: rows.numeric, categorical: rows.categorical, labels: null, identity: rows.identity };
}

const TARGET = 0.02;
let engine: Engine;
let model: AnomalyModel;
let train: RecordBatch;
const warmRows = (b: RecordBatch) => b.identity!.warmup.reduce((a, w) => a + w, 0);

beforeAll(async () => {
  engine = await loadEngine();
  train = capture(1, 3000);
  model = await trainModel(engine, train, {
    source: 'capture', seed: 2, nInit: 1, falseAlarmRate: TARGET,
    members: planMembers(2, { members: 4, ks: [4, 6] }, train.schema.features.map((f) => f.name)),
  });
});

describe('warm-up rows in label-free training', () => {
  it('gives the rows of the filling windows a threshold of their own, at least the steady one', () => {
    expect(warmRows(train)).toBe(254); // the 255th connection fills the default host window
    const s = model.scoring;
    expect(s.warmupThreshold).toBeDefined();
    expect(s.warmupThreshold!).toBeGreaterThanOrEqual(s.threshold);
    const w = model.training!.warmup!;
    expect(w.rows).toBe(254);
    expect(w.falseAlarm.target).toBe(TARGET);
    expect(w.falseAlarm.byFold).toHaveLength(5);
  });

  it('judges each row by its own threshold, and stays near the target on a fresh capture', () => {
    const fresh = capture(2, 1500);
    const scored = new Detector(model).scoreBatch(fresh);
    const warm = fresh.identity!.warmup;
    let flagged = 0;
    let warmAboveSteady = 0;
    for (let i = 0; i < fresh.count; i++) {
      const cut = warm[i] ? model.scoring.warmupThreshold! : model.scoring.threshold;
      expect(scored.anomaly[i], `row ${i}`).toBe(scored.scores[i] > cut ? 1 : 0);
      flagged += scored.anomaly[i];
      if (warm[i] && scored.scores[i] > model.scoring.threshold) warmAboveSteady++;
    }
    expect(flagged / fresh.count).toBeLessThanOrEqual(2 * TARGET);
    // The warm-up rows are why they need their own cut: many sit above the steady one.
    expect(warmAboveSteady / warmRows(fresh)).toBeGreaterThan(2 * TARGET);
  });

  it('keeps the warm-up threshold through the model files and reports warm-up rows', async () => {
    const files = await encodeModel(model);
    const restored = await decodeModel(engine, (n) => files.get(n));
    expect(restored.scoring.warmupThreshold).toBe(model.scoring.warmupThreshold);
    expect(restored.training?.warmup).toEqual(model.training?.warmup);
    expect(recordIdentity(train.identity!, 0).warmup).toBe(true);
    expect(recordIdentity(train.identity!, 2999).warmup).toBeUndefined();
    const report = new ReportBuilder(new Detector(model));
    report.add(new Detector(model).scoreBatch(train));
    expect(report.finish().summary.warmupThreshold).toBe(model.scoring.warmupThreshold);
  });

  it('uses one threshold when the rows carry no warm-up flags', async () => {
    const flat: RecordBatch = { ...train, identity: { ...train.identity!, warmup: train.identity!.warmup.map(() => 0) } };
    const m = await trainModel(engine, flat, {
      source: 'capture', seed: 2, nInit: 1, falseAlarmRate: TARGET,
      members: planMembers(2, { members: 4, ks: [4, 6] }, train.schema.features.map((f) => f.name)),
    });
    expect(m.scoring.warmupThreshold).toBeUndefined();
    expect(m.training!.warmup).toBeUndefined();
  });
});
