// npm run train -- --data <file> [--out <dir>] [--seed N] [--folds N] [--n-init N] [--weighting category|none] [--false-alarm-rate R]

import { program } from './program.ts';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { progressBar } from './progress.ts';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { readAll } from '../data/reader.ts';
import { InputError } from '../data/errors.ts';
import { loadEngine } from '../engine/node.ts';
import { saveModelDir, DEFAULT_MODEL_DIR } from '../model/node.ts';
import { sha256Hex } from '../model/sha256.ts';
import { workerTaskRunner } from '../train/node-workers.ts';
import { TrainingError, trainModel } from '../train/train.ts';
import { DEFAULT_PLAN, defaultPlan, planMembers, TRAFFIC_PLAN } from '../model/members.ts';
import { missingFeatures, schemaLayout, subSchema, type InputSchema } from '../data/input-schema.ts';
import { projectBatch, type RecordBatch } from '../data/batch.ts';
import { KDD_CONN_SCHEMA } from '../flows/kdd-headers.ts';
import { KDD_SCHEMA } from '../data/schema.ts';
import { MODELS_ROOT } from '../model/catalog.ts';
import { join } from 'node:path';
import { dataFile } from './data-dir.ts';
import { fail, openInput } from './io.ts';

// Continuation lines line up under the first option, whatever the program's name.
const INDENT = ' '.repeat(`usage: ${program('train')} `.length - 1);
const USAGE = `usage: ${program('train')} --data <file> [--out <dir>] [--seed N] [--folds N] [--n-init N] [--weighting category|none]
${INDENT}[--false-alarm-rate R] [--members N] [--feature-fraction F] [--ks K1,K2,...] [--workers N]

  --data       training data: NSL-KDD / KDD Cup 1999 CSV (labelled), or your own normal traffic without labels
               (a pcap/pcapng capture, a Zeek conn.log, a CICFlowMeter, Argus or nfdump CSV);
               default KDDTrain+.txt in ANOMALYZE_DATA_DIR
  --drop       leave these input features out, comma-separated (e.g. --drop wrong_fragment,urgent: a model
               trained on a capture that also reads Zeek conn.logs, which lack those two)
  --false-alarm-rate  choose the threshold that flags this share of held-out normal traffic
               (default 0.01 when the data has no attack labels; with labels the threshold maximises F1 unless this is given)
  --out        model directory to write (default: models/default for KDD data, models/traffic for captures
               and Zeek logs, models/<format> for flow CSVs; detect picks the one that fits its input)
  --seed       random seed (default 0); same data and seed give byte-identical model files
  --folds      cross-validation folds used to choose the threshold (default 5)
  --n-init     k-means++ restarts per member (default 3)
  --weighting  threshold objective: F1 with every attack category weighted equally ("category", default) or plain F1 ("none")
  --members    ensemble members (default ${DEFAULT_PLAN.members}; ${TRAFFIC_PLAN.members} for captures and Zeek logs)
  --feature-fraction  share of the input features each member sees (default ${DEFAULT_PLAN.featureFraction}; ${TRAFFIC_PLAN.featureFraction} for captures and Zeek logs)
  --ks         cluster counts the members cycle through (default ${DEFAULT_PLAN.ks.join(',')})
  --workers    worker threads that fit the members, final and cross-validation (default: one per core, ${availableParallelism()} here);
               0 fits everything in this one thread. The model is the same either way`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '0' },
        folds: { type: 'string', default: '5' }, 'n-init': { type: 'string', default: '3' },
        weighting: { type: 'string', default: 'category' }, help: { type: 'boolean', short: 'h' },
        // Defaults depend on the input (defaultPlan), known once it is read.
        members: { type: 'string' },
        'feature-fraction': { type: 'string' },
        ks: { type: 'string' },
        'false-alarm-rate': { type: 'string' },
        drop: { type: 'string' },
        workers: { type: 'string' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) { console.log(USAGE); return; }
  const data = values.data ?? dataFile('KDDTrain+.txt');
  if (!data) fail(`no --data given and KDDTrain+.txt is not in ANOMALYZE_DATA_DIR\n${USAGE}`);
  const seed = integer(values.seed, '--seed');
  const folds = integer(values.folds, '--folds');
  const nInit = integer(values['n-init'], '--n-init');
  if (folds < 2) fail('--folds must be at least 2');
  if (nInit < 1) fail('--n-init must be at least 1');
  const weighting = values.weighting;
  if (weighting !== 'category' && weighting !== 'none') fail(`--weighting must be "category" or "none", got "${weighting}"`);
  const count = values.members === undefined ? undefined : integer(values.members, '--members');
  const featureFraction = values['feature-fraction'] === undefined ? undefined : Number(values['feature-fraction']);
  const ks = values.ks?.split(',').map((k) => integer(k, '--ks'));
  if (count !== undefined && count < 2) fail('--members must be at least 2');
  if (featureFraction !== undefined && !(featureFraction > 0 && featureFraction <= 1)) fail('--feature-fraction must be in (0, 1]');
  if (ks?.some((k) => k < 1)) fail('--ks must list positive integers');
  const falseAlarmRate = values['false-alarm-rate'] === undefined ? undefined : Number(values['false-alarm-rate']);
  if (falseAlarmRate !== undefined && !(falseAlarmRate > 0 && falseAlarmRate < 0.5)) fail(`--false-alarm-rate must be a number between 0 and 0.5 (0.01 = one alarm per 100 normal connections), got "${values['false-alarm-rate']}"`);

  const workers = values.workers === undefined ? availableParallelism() : integer(values.workers, '--workers');
  if (workers < 0) fail('--workers must be 0 or more');
  const runner = workers > 0 ? workerTaskRunner(workers) : undefined; // boots its threads while the file is read
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s] ${s}\n`);
  const engine = await loadEngine('simd'); // plain SIMD: FMA would change the model's last bits, and models/default must retrain byte for byte
  log(`reading ${data}`);
  const source = basename(data);
  // A progress bar on a terminal while a large file (a capture of hours) is read.
  const input = await openInput(data); // a missing file is a clear error here
  const bar = progressBar((await stat(data)).size);
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of input) { bytes += (chunk as Uint8Array).length; yield chunk as Uint8Array; }
  })();
  let rows = 0;
  const { batch: read, format } = await readAll(counted, { source, onBatch: (n) => { rows += n; bar.update(bytes, rows); } }).finally(() => bar.done());
  const batch = dropFeatures(read, values.drop);
  if (batch !== read) read.numeric = new Float64Array(0); // the projection has its own copy: free the full one
  log(`read ${batch.count.toLocaleString('en-US')} rows (${format}; ${batch.schema.name}, ${batch.schema.features.length} features)`);
  const plan = defaultPlan(batch.schema);
  const members = planMembers(seed, {
    members: count ?? plan.members, featureFraction: featureFraction ?? plan.featureFraction, ks: ks ?? plan.ks,
  }, schemaLayout(batch.schema).names);
  const out = values.out ?? defaultOut(batch.schema);
  // Named after the kind of input, like its default directory (default, traffic, cicflowmeter…), never after --out,
  // so that a retrained model's files are identical wherever they are written.
  const name = basename(defaultOut(batch.schema)).replace(/[^\w.-]+/g, '-');
  const model = await trainModel(engine, batch, { name, source, seed, folds, nInit, thresholdWeighting: weighting, members, onProgress: log,
    runner, falseAlarmRate, releaseFeatures: true,
  });
  const files = await saveModelDir(model, out);
  log(`model written to ${out}`);
  const id = `${model.name}-${(await sha256Hex(files.get('manifest.json')!)).slice(0, 12)}`;
  const seconds = (performance.now() - started) / 1000;

  const t = model.training!;
  const m = t.metrics;
  const pct = (x: number) => (100 * x).toFixed(2).padStart(6) + ' %';
  console.log(`\nModel ${id} written to ${out} (${seconds.toFixed(1)} s)\n`);
  console.log(`Input: ${batch.schema.name} (${batch.schema.features.length} features)`);
  console.log('Members (weights from sampled silhouette):');
  console.table(model.ensemble.members.map((mm) => ({
    kind: mm.spec.kind, k: mm.spec.k, seed: mm.spec.seed, silhouette: +mm.quality.silhouette.toFixed(4),
    'calinski-harabasz': +mm.quality.calinskiHarabasz.toFixed(1), weight: +mm.weight.toFixed(4), iterations: mm.model.nIter,
  })));
  if (t.falseAlarm) {
    const fa = t.falseAlarm;
    console.log(`Threshold: ${model.scoring.threshold.toFixed(4)} (target false-alarm rate ${pct(fa.target).trim()} on normal traffic, ${folds}-fold cross-validated in time order)`);
    console.log(`  estimated false-alarm rate ${pct(fa.estimate).trim()}, 95 % interval ${pct(fa.low).trim()} – ${pct(fa.high).trim()} (per fold: ${fa.byFold.map((r) => pct(r).trim()).join(', ')})`);
    const r = t.alertRate;
    if (r) {
      console.log(`  on traffic like ${source} (${r.connectionsPerHour.toLocaleString('en-US')} connections/hour): about ${r.alertsPerHour.toLocaleString('en-US')} alerts per hour, ${r.alertsPerDay.toLocaleString('en-US')} per day`);
    } else {
      console.log(`  about ${(fa.estimate * 1000).toFixed(1)} alerts per 1,000 connections (the data has no timestamps for a per-hour figure)`);
    }
    if (t.warmup && model.scoring.warmupThreshold !== undefined) {
      const w = t.warmup;
      console.log(`Warm-up threshold: ${model.scoring.warmupThreshold.toFixed(4)} for the first ${w.rows.toLocaleString('en-US')} connections of an input, whose traffic windows are still filling`);
      console.log(`  estimated false-alarm rate on them ${pct(w.falseAlarm.estimate).trim()}, 95 % interval ${pct(w.falseAlarm.low).trim()} – ${pct(w.falseAlarm.high).trim()}`);
    }
  } else {
    console.log(`Threshold: ${model.scoring.threshold.toFixed(4)} (maximises ${weighting === 'category' ? 'category-weighted ' : ''}F1 = ${m!.objectiveF1.toFixed(4)} on ${folds}-fold cross-validated training scores)`);
  }
  if (m) {
    console.log(`\nTraining metrics (cross-validated on ${source}):`);
    console.log(`  accuracy ${pct(m.accuracy)}   precision ${pct(m.precision)}   recall ${pct(m.recall)}   F1 ${m.f1.toFixed(4)}`);
    console.log(`  ROC-AUC  ${m.rocAuc.toFixed(4)}     PR-AUC ${m.prAuc.toFixed(4)}     false-positive rate ${pct(m.fpr)}`);
    console.log('  detection rate by category: ' + Object.entries(m.byCategory).map(([c, e]) => `${c} ${pct(e.rate).trim()} (${e.detected}/${e.total})`).join(', '));
  } else {
    console.log(`\nNo attack labels in ${source}: every connection was taken as normal traffic.`);
  }
}

/** The batch without the --drop features (the schema of a connection log when that is what is left). */
function dropFeatures(batch: RecordBatch, drop: string | undefined): RecordBatch {
  if (drop === undefined) return batch;
  const names = drop.split(',').map((n) => n.trim()).filter(Boolean);
  const known = new Set(batch.schema.features.map((f) => f.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) fail(`--drop: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a feature' : 'are not features'} of this ${batch.schema.name} input (its features: ${[...known].join(', ')})`);
  let target = subSchema(batch.schema, `${batch.schema.name}-without-${[...names].sort().join('+')}`, (f) => !names.includes(f.name));
  if (target.features.length === 0) fail('--drop leaves no features to train on');
  // What is left may be exactly what a conn.log has: then use that schema, so the model reads conn.logs as they come.
  for (const known of [KDD_CONN_SCHEMA]) {
    if (missingFeatures(target, known).length === 0 && missingFeatures(known, target).length === 0) target = known;
  }
  return projectBatch(batch, target);
}

/** Where a model goes without --out: one directory per kind of input, so training never replaces another kind's model. */
function defaultOut(schema: InputSchema): string {
  if (schema.name === KDD_SCHEMA.name) return DEFAULT_MODEL_DIR;
  return join(MODELS_ROOT, /^(kdd-headers|kdd-conn|traffic)/.test(schema.name) ? 'traffic' : schema.name);
}

function integer(v: string | undefined, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) fail(`${flag} must be an integer, got "${v}"`);
  return n;
}

main().catch((err) => {
  if (err instanceof InputError || err instanceof TrainingError) fail(err.message);
  throw err;
});
