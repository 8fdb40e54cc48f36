// A small model trained on generated traffic, for tests that need one fast.

import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import type { Engine } from '../../src/engine/index.ts';
import { planMembers } from '../../src/model/members.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { trainModel } from '../../src/train/train.ts';

export async function trainSyntheticModel(engine: Engine, seed = 1, rows = 3000): Promise<AnomalyModel> {
  const { batch } = await readAll(generateTraffic({ rows, seed, attackRate: 0.3 }), { source: 'synthetic.csv' });
  return trainModel(engine, batch, {
    name: 'synthetic', source: 'synthetic.csv', seed, folds: 3, nInit: 1,
    members: planMembers(seed, { members: 4, ks: [4, 6] }),
  });
}
