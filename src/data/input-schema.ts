// What a model reads: named features, each numeric or categorical, numeric ones
// optionally log1p-scaled. KDD's 41 features are one schema among several (flow
// records computed from a pcap or a Zeek log, CICFlowMeter, Argus, nfdump).

export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
  /** Heavy-tailed counts and byte sizes: log1p before standardising (numeric only). */
  log?: boolean;
}

export interface InputSchema {
  /** Stable identifier recorded in model files: 'kdd', 'kdd-headers', 'cicflowmeter', 'argus', 'nfdump'. */
  name: string;
  /** Features in their canonical order. */
  features: readonly FeatureSpec[];
}

export const numericNames = (s: InputSchema): string[] => s.features.filter((f) => f.kind === 'numeric').map((f) => f.name);
export const categoricalNames = (s: InputSchema): string[] => s.features.filter((f) => f.kind === 'categorical').map((f) => f.name);
export const featureNames = (s: InputSchema): string[] => s.features.map((f) => f.name);
export const logNames = (s: InputSchema): string[] => s.features.filter((f) => f.kind === 'numeric' && f.log).map((f) => f.name);

/** Positions derived once per schema (schemas are immutable values). */
export interface SchemaLayout {
  readonly names: readonly string[];
  readonly numeric: readonly string[];
  readonly categorical: readonly string[];
  /** For each feature (schema order): its column in the numeric block, or -1. */
  readonly numericPosition: Int32Array;
  /** For each feature (schema order): its index among the categorical features, or -1. */
  readonly categoricalPosition: Int32Array;
  /** Schema position of each numeric feature. */
  readonly numericFeature: Int32Array;
  /** Schema position of each categorical feature. */
  readonly categoricalFeature: Int32Array;
  readonly index: ReadonlyMap<string, number>;
}

const layouts = new WeakMap<InputSchema, SchemaLayout>();

export function schemaLayout(s: InputSchema): SchemaLayout {
  let l = layouts.get(s);
  if (l) return l;
  const names = featureNames(s);
  const numericPosition = new Int32Array(names.length).fill(-1);
  const categoricalPosition = new Int32Array(names.length).fill(-1);
  const numericFeature: number[] = [];
  const categoricalFeature: number[] = [];
  s.features.forEach((f, i) => {
    if (f.kind === 'numeric') { numericPosition[i] = numericFeature.length; numericFeature.push(i); }
    else { categoricalPosition[i] = categoricalFeature.length; categoricalFeature.push(i); }
  });
  l = Object.freeze({
    names, numeric: numericNames(s), categorical: categoricalNames(s), numericPosition, categoricalPosition,
    numericFeature: Int32Array.from(numericFeature), categoricalFeature: Int32Array.from(categoricalFeature),
    index: new Map(names.map((n, i) => [n, i] as const)),
  });
  layouts.set(s, l);
  return l;
}

export function sameSchema(a: InputSchema, b: InputSchema): boolean {
  if (a === b) return true;
  return a.name === b.name && a.features.length === b.features.length &&
    a.features.every((f, i) => f.name === b.features[i].name && f.kind === b.features[i].kind && !!f.log === !!b.features[i].log);
}

/** A schema with only the named features (in the order of `of`). */
export function subSchema(of: InputSchema, name: string, keep: (f: FeatureSpec) => boolean): InputSchema {
  return Object.freeze({ name, features: Object.freeze(of.features.filter(keep).map((f) => Object.freeze({ ...f }))) });
}

/** Validates a schema read from a file (model manifests): names unique and plain, kinds known. */
export function checkSchema(s: unknown): InputSchema {
  const fail = (msg: string): never => { throw new Error(`invalid input schema: ${msg}`); };
  if (s === null || typeof s !== 'object') fail('expected an object');
  const o = s as { name?: unknown; features?: unknown };
  if (typeof o.name !== 'string' || !/^[\w.-]{1,64}$/.test(o.name)) fail('name must be a short word');
  if (!Array.isArray(o.features) || o.features.length === 0 || o.features.length > 4096) fail('features must be a list of 1 to 4096 entries');
  const seen = new Set<string>();
  const features = (o.features as unknown[]).map((f, i): FeatureSpec => {
    const e = f as { name?: unknown; kind?: unknown; log?: unknown };
    if (e === null || typeof e !== 'object' || typeof e.name !== 'string' || e.name === '' || e.name.length > 128 || e.name.includes('=')) {
      fail(`features[${i}] needs a name (no "=", at most 128 characters)`);
    }
    if (e.kind !== 'numeric' && e.kind !== 'categorical') fail(`features[${i}] (${String(e.name)}): kind must be "numeric" or "categorical"`);
    if (e.log !== undefined && typeof e.log !== 'boolean') fail(`features[${i}] (${String(e.name)}): log must be true or false`);
    if (seen.has(e.name as string)) fail(`feature ${String(e.name)} is listed twice`);
    seen.add(e.name as string);
    return e.kind === 'numeric' && e.log ? { name: e.name as string, kind: 'numeric', log: true } : { name: e.name as string, kind: e.kind as FeatureKind };
  });
  return Object.freeze({ name: o.name as string, features: Object.freeze(features) });
}

/** Features of `model` that `input` lacks or has with another kind (empty when the input fits the model). */
export function missingFeatures(model: InputSchema, input: InputSchema): string[] {
  if (sameSchema(model, input)) return [];
  const have = new Map(input.features.map((f) => [f.name, f.kind] as const));
  return model.features.filter((f) => have.get(f.name) !== f.kind).map((f) => f.name);
}
