// The detectors the fuzz suite scores with: a small KDD model and a small kdd-conn
// model (reads Zeek logs and captures) trained on synthetic traffic, and the
// committed models/default. One set per worker.

import { projectBatch } from '../../src/data/batch.ts';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { DetectorChoice } from '../../src/detect/choice.ts';
import { Detector } from '../../src/detect/detector.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { planMembers } from '../../src/model/members.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { DEFAULT_MODEL_DIR, loadModelDir } from '../../src/model/node.ts';
import { KDD_CONN_SCHEMA } from '../../src/flows/kdd-headers.ts';
import { schemaLayout } from '../../src/data/input-schema.ts';
import { trainModel } from '../../src/train/train.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';
import { cic2018Csv } from './corpus.ts';

export interface FuzzModels {
  engine: Engine;
  small: AnomalyModel;
  conn: AnomalyModel;
  default: AnomalyModel;
  cic: AnomalyModel;
  /** Small KDD model first, then the conn and CICFlowMeter models: KDD, Zeek, capture and CIC inputs each have a fitting model. */
  choice: DetectorChoice;
  defaultDetector: Detector;
}

let shared: Promise<FuzzModels> | undefined;

export function fuzzModels(): Promise<FuzzModels> {
  shared ??= (async () => {
    const engine = await loadEngine();
    const small = await trainSyntheticModel(engine, 1, 1500);
    const { batch } = await readAll(generateTraffic({ rows: 1500, seed: 2, attackRate: 0.3 }), { source: 'synthetic.csv' });
    const conn = await trainModel(engine, projectBatch(batch, KDD_CONN_SCHEMA), {
      name: 'conn', source: 'synthetic.csv', seed: 2, folds: 3, nInit: 1,
      members: planMembers(2, { members: 3, ks: [4, 6] }, schemaLayout(KDD_CONN_SCHEMA).names),
    });
    const flows = (await readAll(cic2018Csv(120), { source: 'cic.csv' })).batch;
    const cic = await trainModel(engine, flows, {
      name: 'cic', source: 'cic.csv', seed: 3, folds: 3, nInit: 1,
      members: planMembers(3, { members: 2, ks: [3, 4] }, schemaLayout(flows.schema).names),
    });
    const def = await loadModelDir(engine, DEFAULT_MODEL_DIR);
    return {
      engine, small, conn, cic, default: def,
      choice: new DetectorChoice([new Detector(small), new Detector(conn), new Detector(cic)], ['small', 'conn', 'cic']),
      defaultDetector: new Detector(def),
    };
  })();
  return shared;
}
