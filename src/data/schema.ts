// Column schema of KDD Cup 1999 / NSL-KDD connection records.

import type { FeatureSpec, InputSchema } from './input-schema.ts';

/** The 41 KDD features, in the order they appear in the CSV files (as literal types). */
export const FEATURE_TUPLE = Object.freeze([
  'duration',
  'protocol_type',
  'service',
  'flag',
  'src_bytes',
  'dst_bytes',
  'land',
  'wrong_fragment',
  'urgent',
  'hot',
  'num_failed_logins',
  'logged_in',
  'num_compromised',
  'root_shell',
  'su_attempted',
  'num_root',
  'num_file_creations',
  'num_shells',
  'num_access_files',
  'num_outbound_cmds',
  'is_host_login',
  'is_guest_login',
  'count',
  'srv_count',
  'serror_rate',
  'srv_serror_rate',
  'rerror_rate',
  'srv_rerror_rate',
  'same_srv_rate',
  'diff_srv_rate',
  'srv_diff_host_rate',
  'dst_host_count',
  'dst_host_srv_count',
  'dst_host_same_srv_rate',
  'dst_host_diff_srv_rate',
  'dst_host_same_src_port_rate',
  'dst_host_srv_diff_host_rate',
  'dst_host_serror_rate',
  'dst_host_srv_serror_rate',
  'dst_host_rerror_rate',
  'dst_host_srv_rerror_rate',
] as const);

export type FeatureName = (typeof FEATURE_TUPLE)[number];

/** The 41 KDD features, in the order they appear in the CSV files. */
export const FEATURE_NAMES: readonly string[] = FEATURE_TUPLE;

export const CATEGORICAL_FEATURES = ['protocol_type', 'service', 'flag'] as const;
export type CategoricalFeature = (typeof CATEGORICAL_FEATURES)[number];

/** The 38 numeric features, in file order. */
export const NUMERIC_FEATURES: readonly string[] = Object.freeze(
  FEATURE_NAMES.filter((f) => !(CATEGORICAL_FEATURES as readonly string[]).includes(f)),
);

/**
 * Heavy-tailed counts and byte sizes: log1p keeps a single 1 GB transfer from
 * dominating the distance computation while preserving order.
 */
export const LOG_FEATURES: readonly string[] = Object.freeze([
  'duration',
  'src_bytes',
  'dst_bytes',
  'wrong_fragment',
  'urgent',
  'hot',
  'num_failed_logins',
  'num_compromised',
  'num_root',
  'num_file_creations',
  'num_shells',
  'num_access_files',
  'count',
  'srv_count',
  'dst_host_count',
  'dst_host_srv_count',
]);

export const LABEL_COLUMN = 'label';
export const DIFFICULTY_COLUMN = 'difficulty';

/** Position in FEATURE_NAMES of each NUMERIC_FEATURES entry. */
export const NUMERIC_FEATURE_INDEX: Int32Array = Int32Array.from(NUMERIC_FEATURES, (f) =>
  FEATURE_NAMES.indexOf(f),
);

/** Position in FEATURE_NAMES of each CATEGORICAL_FEATURES entry. */
export const CATEGORICAL_FEATURE_INDEX: Int32Array = Int32Array.from(CATEGORICAL_FEATURES, (f) =>
  FEATURE_NAMES.indexOf(f),
);

/** Label as stored in a batch: trimmed, lower-case, KDD'99's trailing '.' removed. */
export function normalizeLabel(raw: string): string {
  let s = raw.trim();
  if (s.endsWith('.')) s = s.slice(0, -1).trimEnd();
  return s.toLowerCase();
}

/** The KDD Cup 1999 / NSL-KDD features as an InputSchema (the default models' input). */
export const KDD_SCHEMA: InputSchema = Object.freeze({
  name: 'kdd',
  features: Object.freeze(FEATURE_TUPLE.map((name): FeatureSpec => Object.freeze(
    (CATEGORICAL_FEATURES as readonly string[]).includes(name) ? { name, kind: 'categorical' }
      : LOG_FEATURES.includes(name) ? { name, kind: 'numeric', log: true } : { name, kind: 'numeric' },
  ))),
});
