// The detection report: one shape for the CLI's --format json, the HTTP API
// and the browser demo.

import type { Metrics } from '../metrics/accumulator.ts';
import type { RecordIdentity } from '../data/identity.ts';
import type { FeatureContribution } from '../model/explain.ts';
import type { Severity } from '../model/scoring.ts';

/** Identity fields (time, protocol, src, srcPort, dst, dstPort, duration) appear when the source has them. */
export interface DetectionRecord extends RecordIdentity {
  /** 1-based data row (header and blank lines not counted). */
  row: number;
  score: number;
  anomaly: boolean;
  /** Probability that the verdict is right (see models/README.md), in [0.5, 1]. */
  confidence: number;
  severity: Severity;
  label?: string;
  category?: string;
  topFeatures: FeatureContribution[];
}

export interface UnknownCategories {
  /** Rows with at least one categorical value never seen in training. */
  rows: number;
  /** feature → unseen value → count. */
  values: Record<string, Record<string, number>>;
}

export interface DetectionSummary {
  rows: number;
  anomalies: number;
  anomalyRate: number;
  bySeverity: Record<Severity, number>;
  unknownCategories: UnknownCategories;
  seconds: number;
  rowsPerSecond: number;
  model: string;
  threshold: number;
  /** The model's threshold for records with warmup: true, when it has one. */
  warmupThreshold?: number;
  format: string | null;
}

export interface DetectionReport {
  summary: DetectionSummary;
  metrics: Metrics | null;
  records: DetectionRecord[];
}
