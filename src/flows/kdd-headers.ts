// The KDD features a packet-header source (pcap flow assembler, Zeek conn.log)
// can compute: the 9 basic, 9 two-second traffic and 10 host features, in KDD
// order. The 13 content features need payload inspection and are absent here;
// a source that lacks even some header fields says so, so that a model never
// reads a silent zero where the source had nothing.

import type { FeatureSpec, InputSchema } from '../data/input-schema.ts';
import { CATEGORICAL_FEATURES, FEATURE_NAMES, LOG_FEATURES } from '../data/schema.ts';

/** KDD features that need the payload (logins, shells, file accesses…): no header source has them. */
export const CONTENT_FEATURES: readonly string[] = Object.freeze(FEATURE_NAMES.slice(9, 22));

/** The 28 header features, in KDD file order. */
export const HEADER_FEATURES: readonly string[] = Object.freeze(
  FEATURE_NAMES.filter((f) => !CONTENT_FEATURES.includes(f)),
);

/** conn.log has no fragment or URG counts; a Zeek source provides the 26 other header features. */
export const ZEEK_LACKS: readonly string[] = Object.freeze(['wrong_fragment', 'urgent']);

function spec(name: string): FeatureSpec {
  if ((CATEGORICAL_FEATURES as readonly string[]).includes(name)) return { name, kind: 'categorical' };
  return LOG_FEATURES.includes(name) ? { name, kind: 'numeric', log: true } : { name, kind: 'numeric' };
}

export const KDD_HEADER_SCHEMA: InputSchema = Object.freeze({
  name: 'kdd-headers',
  features: Object.freeze(HEADER_FEATURES.map(spec)),
});

/**
 * What a connection log has: the header features less the per-packet counters
 * (wrong_fragment, urgent). Zeek conn.log input has exactly these 26, and a
 * model trained on them reads captures as well as conn.logs.
 */
export const KDD_CONN_SCHEMA: InputSchema = Object.freeze({
  name: 'kdd-conn',
  features: Object.freeze(KDD_HEADER_SCHEMA.features.filter((f) => !ZEEK_LACKS.includes(f.name))),
});

/**
 * The header schema without the features a source lacks (same order), e.g.
 * kddHeaderSchema(ZEEK_LACKS) = KDD_CONN_SCHEMA for conn.log input: 26 features.
 */
export function kddHeaderSchema(lacks: readonly string[] = []): InputSchema {
  for (const f of lacks) {
    if (!HEADER_FEATURES.includes(f)) throw new RangeError(`kddHeaderSchema: "${f}" is not a KDD header feature`);
  }
  if (lacks.length === 0) return KDD_HEADER_SCHEMA;
  if (lacks.length === ZEEK_LACKS.length && ZEEK_LACKS.every((f) => lacks.includes(f))) return KDD_CONN_SCHEMA;
  return Object.freeze({
    name: `kdd-headers-without-${[...lacks].sort().join('+')}`,
    features: Object.freeze(KDD_HEADER_SCHEMA.features.filter((f) => !lacks.includes(f.name))),
  });
}
