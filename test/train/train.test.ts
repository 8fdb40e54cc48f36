import { beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { ReportBuilder } from '../../src/detect/run.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { planMembers } from '../../src/model/members.ts';
import { trainModel } from '../../src/train/train.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine(); });

describe('training', () => {
  it('learns synthetic normal traffic well enough to catch fresh synthetic attacks', async () => {
    const model = await trainSyntheticModel(engine, 3, 4000);
    expect(model.ensemble.members).toHaveLength(4);
    expect(model.ensemble.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
    const t = model.training!;
    expect(t.normalRows + t.attackRows).toBe(4000);
    expect(t.metrics!.f1).toBeGreaterThan(0.9);
    const { batch } = await readAll(generateTraffic({ rows: 2000, seed: 77, attackRate: 0.25 }));
    const report = new ReportBuilder(new Detector(model));
    report.add(new Detector(model).scoreBatch(batch));
    const m = report.finish().metrics!;
    expect(m.f1).toBeGreaterThan(0.9);
    expect(m.rocAuc).toBeGreaterThan(0.95);
  });

  it('trains label-free on unlabeled or normal-only data, and refuses too little of it', async () => {
    const members = planMembers(0, { members: 2, ks: [3] });
    const unlabeled = (await readAll(generateTraffic({ rows: 200, labels: false }))).batch;
    // 200 rows at the default 1 % false-alarm rate: 2 alarms, fewer than the 5 folds.
    await expect(trainModel(engine, unlabeled, { source: 'u.csv', members })).rejects.toThrow(/u\.csv has 200 normal rows: too few to estimate a false-alarm rate of 0\.01/);
    const normalOnly = (await readAll(generateTraffic({ rows: 1000, attackRate: 0 }))).batch;
    const model = await trainModel(engine, normalOnly, { source: 'n.csv', members, nInit: 1 });
    expect(model.training!.thresholdObjective).toBe('false-alarm-rate');
    expect(model.training!.falseAlarm!.target).toBe(0.01);
    const tiny = (await readAll(generateTraffic({ rows: 20, attackRate: 0.5 }))).batch;
    await expect(trainModel(engine, tiny, { source: 't.csv', members, folds: 5 })).rejects.toThrow(/training needs at least 15/);
  });
});
