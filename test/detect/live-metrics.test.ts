// A live feed's metrics in constant memory: its scores go into the histogram from the first
// row, where a file's are kept exactly (5 bytes a row: 40 MB by the 8 millionth row, which
// `--follow` at 50,000 lines/s reaches in under three minutes).

import { beforeAll, describe, expect, it } from 'vitest';
import { readBatches } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { ReportBuilder, runDetection } from '../../src/detect/run.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let detector: Detector;
beforeAll(async () => { detector = new Detector(await trainSyntheticModel(await loadEngine(), 4)); });

async function builderAfter(live: boolean): Promise<ReportBuilder> {
  const builder = new ReportBuilder(detector, { live, onRecord: () => {} });
  for await (const b of readBatches(generateTraffic({ rows: 600, seed: 9 }), { batchSize: 200, live })) builder.add(detector.scoreBatch(b));
  return builder;
}

describe('metrics of a live feed', () => {
  it('come from the histogram from the first row; a file keeps exact scores', async () => {
    expect((await builderAfter(true)).exactMetrics).toBe(false);
    expect((await builderAfter(false)).exactMetrics).toBe(true);
    expect(new ReportBuilder(detector, { live: true }).exactMetrics).toBeNull(); // nothing labelled yet
  });

  it('agree with the exact ones but for ties within a histogram bin', async () => {
    const csv = generateTraffic({ rows: 3000, seed: 12 });
    const file = await runDetection(detector, csv, { onRecord: () => {} });
    const live = await runDetection(detector, csv, { onRecord: () => {}, live: true });
    expect(live.metrics!.confusion).toEqual(file.metrics!.confusion);
    expect(live.metrics!.rocAuc).toBeCloseTo(file.metrics!.rocAuc, 3);
    expect(live.metrics!.prAuc).toBeCloseTo(file.metrics!.prAuc, 2);
  });
});
