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
