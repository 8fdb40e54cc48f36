// The model file format: plain data only. A directory holds
//   manifest.json   – everything but the centroids (see models/README.md)
//   member-N.f32    – centroids of member N, little-endian float32, k × dim
//   SHA256SUMS      – `sha256sum` lines for every other file
// Nothing executable is ever deserialised; everything is validated on load.

import { Preprocessor, type PreprocessorState } from '../data/preprocess.ts';
import { featureNames, schemaLayout } from '../data/input-schema.ts';
import type { CentroidKind, Engine } from '../engine/index.ts';
import { Ensemble, restoreMember, type EnsembleMember } from './ensemble.ts';
import { columnsOf } from './members.ts';
import { AnomalyModel, type TrainingInfo } from './model.ts';
import type { ScoringParams } from './scoring.ts';
import { sha256Hex } from './sha256.ts';

export const FORMAT_NAME = 'anomalyze-model';
export const FORMAT_VERSION = 1;
export const MANIFEST = 'manifest.json';
export const CHECKSUMS = 'SHA256SUMS';

export class ModelError extends Error {
  override name = 'ModelError';
}

interface ManifestMember {
  kind: CentroidKind;
  k: number;
  seed: number;
  /** Input features the member sees (its columns follow from the preprocessing). */
  features: string[];
  weight: number;
  /** Median training distance: the member's unit. */
  scale: number;
  quality: { silhouette: number; calinskiHarabasz: number };
  inertia: number;
  nIter: number;
  centroids: string;
}

export interface Manifest {
  format: typeof FORMAT_NAME;
  version: number;
  name: string;
  features: string[];
  preprocessing: PreprocessorState;
  ensemble: { dim: number; members: ManifestMember[] };
  scoring: ScoringParams;
  training: TrainingInfo | null;
}

/** Serialises a model to its files (deterministic: same model → same bytes). */
export async function encodeModel(model: AnomalyModel): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const members = model.ensemble.members.map((m, i): ManifestMember => {
    const name = `member-${i}.f32`;
    files.set(name, float32Bytes(m.model.centroids));
    return {
      kind: m.spec.kind, k: m.spec.k, seed: m.spec.seed, features: m.spec.features, weight: m.weight, scale: m.scale,
      quality: m.quality, inertia: m.model.inertia, nIter: m.model.nIter, centroids: name,
    };
  });
  const manifest: Manifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    name: model.name,
    features: featureNames(model.preprocessor.schema),
    preprocessing: model.preprocessor.state,
    ensemble: { dim: model.ensemble.dim, members },
    scoring: model.scoring,
    training: model.training,
  };
  files.set(MANIFEST, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  const names = [...files.keys()].sort();
  const lines = await Promise.all(names.map(async (n) => `${await sha256Hex(files.get(n)!)}  ${n}\n`));
  files.set(CHECKSUMS, new TextEncoder().encode(lines.join('')));
  return files;
}

/** Reads files by name; returns undefined for a missing file. */
export type FileReader = (name: string) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

/** Loads and verifies a model: checksums first, then structure, then the numbers. */
export async function decodeModel(engine: Engine, read: FileReader, where = 'model'): Promise<AnomalyModel> {
  const sums = await read(CHECKSUMS);
  if (!sums) throw new ModelError(`${where}: ${CHECKSUMS} is missing, so the model cannot be verified; retrain it with \`npm run train\``);
  const expected = parseChecksums(new TextDecoder().decode(sums), where);
  // Every file read and hashed at once (one after another, the awaits cost ~17 ms of a
  // detect run for two models); a problem is still reported for the first file listed.
  const checked = await Promise.all([...expected].map(async ([name, digest]): Promise<[string, Uint8Array | ModelError]> => {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await read(name);
    } catch (err) {
      return [name, new ModelError(`${where}/${name} cannot be read: ${(err as Error).message}`)];
    }
    if (!bytes) return [name, new ModelError(`${where}/${name} is missing (listed in ${CHECKSUMS})`)];
    const actual = await sha256Hex(bytes);
    if (actual !== digest) {
      return [name, new ModelError(`${where}/${name} fails its SHA-256 check (expected ${digest.slice(0, 12)}…, got ${actual.slice(0, 12)}…): the file is corrupted or was edited; restore it or retrain with \`npm run train\``)];
    }
    return [name, bytes];
  }));
  const contents = new Map<string, Uint8Array>();
  for (const [name, r] of checked) {
    if (r instanceof ModelError) throw r;
    contents.set(name, r);
  }
  const manifestBytes = contents.get(MANIFEST);
  if (!manifestBytes) throw new ModelError(`${where}: ${CHECKSUMS} does not list ${MANIFEST}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (err) {
    throw new ModelError(`${where}/${MANIFEST} is not valid JSON: ${(err as Error).message}`);
  }
  checkHeader(manifest, where);
  let preprocessor: Preprocessor;
  try {
    preprocessor = new Preprocessor(manifest.preprocessing);
  } catch (err) {
    throw new ModelError(`${where}/${MANIFEST}: invalid preprocessing: ${(err as Error).message}`);
  }
  const m = validateManifest(manifest, where, schemaLayout(preprocessor.schema).names);
  const dim = m.ensemble.dim;
  if (dim !== preprocessor.dim) {
    throw new ModelError(`${where}/${MANIFEST}: ensemble.dim is ${dim} but the preprocessing produces ${preprocessor.dim} columns`);
  }
  const members: EnsembleMember[] = m.ensemble.members.map((mm, i) => {
    const bytes = contents.get(mm.centroids);
    if (!bytes) throw new ModelError(`${where}/${MANIFEST}: member ${i} names ${mm.centroids}, which ${CHECKSUMS} does not list`);
    const columns = columnsOf(mm.features, preprocessor.state.columns);
    if (bytes.length !== mm.k * columns.length * 4) {
      throw new ModelError(`${where}/${mm.centroids} has ${bytes.length} bytes; member ${i} needs k × columns × 4 = ${mm.k * columns.length * 4}`);
    }
    const centroids = readFloat32(bytes);
    try {
      const model = restoreMember(engine, { kind: mm.kind, nClusters: mm.k, dim: columns.length, centroids, inertia: mm.inertia, nIter: mm.nIter });
      const spec = { kind: mm.kind, k: mm.k, seed: mm.seed, features: mm.features };
      return { spec, columns, model, quality: mm.quality, weight: mm.weight, scale: mm.scale };
    } catch (err) {
      throw new ModelError(`${where}/${mm.centroids}: ${(err as Error).message}`);
    }
  });
  const id = `${m.name}-${(await sha256Hex(manifestBytes)).slice(0, 12)}`;
  return new AnomalyModel(id, m.name, preprocessor, new Ensemble(engine, members, dim), m.scoring, m.training);
}

function parseChecksums(text: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    // Plain file names in the model directory only: no paths, no dot files.
    const match = /^([0-9a-f]{64}) [ *]([\w+-][\w.+-]*)$/.exec(line);
    if (!match) throw new ModelError(`${where}/${CHECKSUMS}:${i + 1}: expected "<sha256>  <file>", got ${JSON.stringify(line.slice(0, 80))}`);
    out.set(match[2], match[1]);
  });
  return out;
}

/** What must hold before anything else in the manifest is read. */
function checkHeader(m: Manifest, where: string): void {
  const fail = (what: string): never => { throw new ModelError(`${where}/${MANIFEST}: ${what}`); };
  if (m === null || typeof m !== 'object' || Array.isArray(m)) fail('expected a JSON object');
  if (m.format !== FORMAT_NAME) fail(`format is ${JSON.stringify(m.format)}, expected "${FORMAT_NAME}"`);
  if (m.version !== FORMAT_VERSION) fail(`version ${m.version} is not supported (this build reads version ${FORMAT_VERSION}); retrain with \`npm run train\``);
}

function validateManifest(m: Manifest, where: string, names: readonly string[]): Manifest {
  const fail = (what: string): never => { throw new ModelError(`${where}/${MANIFEST}: ${what}`); };
  if (typeof m.name !== 'string' || !/^[\w.-]+$/.test(m.name)) fail('name must be a word of letters, digits, ".", "-" or "_"');
  if (!Array.isArray(m.features) || m.features.join() !== names.join()) {
    fail(`features do not match the preprocessing's input schema (${names.length} features${m.preprocessing?.schema ? '' : ': KDD Cup 1999'})`);
  }
  const e = m.ensemble;
  if (!e || !Number.isInteger(e.dim) || e.dim < 1 || !Array.isArray(e.members) || e.members.length < 1) fail('ensemble needs a positive dim and at least one member');
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  e.members.forEach((mm, i) => {
    if (mm === null || typeof mm !== 'object' || Array.isArray(mm)) fail(`member ${i}: expected an object`);
    if (mm.kind !== 'kmeans' && mm.kind !== 'minibatch') fail(`member ${i}: kind must be "kmeans" or "minibatch"`);
    if (!Number.isInteger(mm.k) || mm.k < 1) fail(`member ${i}: k must be a positive integer`);
    if (!Number.isInteger(mm.seed)) fail(`member ${i}: seed must be an integer`);
    if (!isNumber(mm.weight) || !(mm.weight >= 0 && mm.weight <= 1)) fail(`member ${i}: weight must be a number in [0, 1]`);
    if (!isNumber(mm.inertia) || !Number.isInteger(mm.nIter) || mm.nIter < 0) fail(`member ${i}: inertia and nIter must be numbers`);
    const q = mm.quality;
    if (q === null || typeof q !== 'object' || !isNumber(q.silhouette) || !isNumber(q.calinskiHarabasz)) fail(`member ${i}: quality must give silhouette and calinskiHarabasz as numbers`);
    if (typeof mm.centroids !== 'string') fail(`member ${i}: centroids must name a file`);
    if (!Array.isArray(mm.features) || mm.features.length === 0 || !mm.features.every((f) => names.includes(f))) {
      fail(`member ${i}: features must be a non-empty list of the model's input features`);
    }
    if (!(mm.scale > 0) || !Number.isFinite(mm.scale)) fail(`member ${i}: scale must be a positive number`);
  });
  const total = e.members.reduce((s, mm) => s + mm.weight, 0);
  if (Math.abs(total - 1) > 1e-6) fail(`member weights sum to ${total}, expected 1`);
  const s = m.scoring;
  if (!s || !(s.threshold > 0) || !Number.isFinite(s.threshold)) fail('scoring.threshold must be a positive number');
  if (!Array.isArray(s.severityCuts) || s.severityCuts.length !== 3 || !s.severityCuts.every((c, i) => typeof c === 'number' && Number.isFinite(c) && c > (i ? s.severityCuts[i - 1] : 1))) {
    fail('scoring.severityCuts must be three increasing multiples of the threshold above 1');
  }
  if (!(s.calibrationSlope > 0) || !Number.isFinite(s.calibrationSlope)) fail('scoring.calibrationSlope must be a positive number');
  if (s.warmupThreshold !== undefined && !(s.warmupThreshold > 0 && Number.isFinite(s.warmupThreshold))) {
    fail('scoring.warmupThreshold must be a positive number when present');
  }
  const t = m.training;
  if (t !== null) {
    if (typeof t !== 'object' || typeof t.source !== 'string' || !Number.isInteger(t.rows) || typeof t.metrics !== 'object') {
      fail('training must be null or describe the training run (source, rows, metrics)');
    }
    for (const k of ['rows', 'normalRows', 'attackRows', 'seed', 'folds', 'nInit'] as const) {
      if (!Number.isInteger(t[k])) fail(`training.${k} must be an integer`);
    }
    if (t.thresholdWeighting !== 'category' && t.thresholdWeighting !== 'none') fail('training.thresholdWeighting must be "category" or "none"');
    const labelFree = t.thresholdObjective === 'false-alarm-rate';
    if (t.thresholdObjective !== undefined && t.thresholdObjective !== 'f1' && !labelFree) fail('training.thresholdObjective must be "f1" or "false-alarm-rate"');
    if (t.metrics === null && !labelFree) fail('training.metrics must describe the cross-validated metrics');
    if (t.metrics !== null) {
      for (const k of ['accuracy', 'precision', 'recall', 'f1', 'fpr', 'objectiveF1'] as const) {
        if (typeof t.metrics[k] !== 'number') fail(`training.metrics.${k} must be a number`);
      }
      for (const k of ['rocAuc', 'prAuc'] as const) {
        if (t.metrics[k] !== null && typeof t.metrics[k] !== 'number') fail(`training.metrics.${k} must be a number or null`);
      }
      const cats = t.metrics.byCategory;
      if (cats === null || typeof cats !== 'object' || Array.isArray(cats)) fail('training.metrics.byCategory must be an object');
      for (const [c, e] of Object.entries(cats)) {
        if (e === null || typeof e !== 'object' || !(['total', 'detected', 'rate'] as const).every((k) => typeof e[k] === 'number')) {
          fail(`training.metrics.byCategory.${c} must give total, detected and rate as numbers`);
        }
      }
    }
    const fa = t.falseAlarm;
    if (fa !== undefined && (fa === null || typeof fa !== 'object' || !(['target', 'estimate', 'low', 'high'] as const).every((k) => typeof fa[k] === 'number') || !Array.isArray(fa.byFold) || !fa.byFold.every((v) => typeof v === 'number'))) {
      fail('training.falseAlarm must give target, estimate, low, high and byFold as numbers');
    }
    const ar = t.alertRate;
    if (ar !== undefined && ar !== null && (typeof ar !== 'object' || !(['connectionsPerHour', 'alertsPerHour', 'alertsPerDay', 'spanSeconds'] as const).every((k) => typeof ar[k] === 'number'))) {
      fail('training.alertRate must be null or give its rates as numbers');
    }
    if (labelFree && (typeof t.falseAlarm !== 'object' || t.falseAlarm === null || typeof t.falseAlarm.estimate !== 'number')) {
      fail('training.falseAlarm must give the estimated false-alarm rate of a label-free threshold');
    }
  }
  return m;
}

function float32Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function readFloat32(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
