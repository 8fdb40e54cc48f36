// A trained detector: preprocessing, ensemble and scoring parameters, plus a
// record of how it was trained.

import type { Preprocessor } from '../data/preprocess.ts';
import type { CategoryStats, Metrics } from '../metrics/accumulator.ts';
import type { Ensemble } from './ensemble.ts';
import type { ScoringParams } from './scoring.ts';

export type ThresholdWeighting = 'category' | 'none';

/** Cross-validated metrics on the training file at the chosen threshold. */
export interface TrainingMetrics extends Omit<Metrics, 'confusion' | 'byCategory' | 'roc'> {
  /** The F1 the threshold maximised (category-weighted when thresholdWeighting is 'category'). */
  objectiveF1: number;
  /** Categories present in the training file only. */
  byCategory: Record<string, CategoryStats>;
}

/** How the threshold was chosen: best F1 on labelled attacks, or a target false-alarm rate on normal traffic alone. */
export type ThresholdObjective = 'f1' | 'false-alarm-rate';

/** The false-alarm rate a label-free threshold gives on held-out normal traffic. */
export interface FalseAlarmEstimate {
  /** What was asked for (--false-alarm-rate). */
  target: number;
  /** Pooled rate over the held-out folds at the chosen threshold. */
  estimate: number;
  /** 95 % interval from the fold-to-fold spread (Student's t, folds − 1 degrees of freedom), clamped to [0, 1]. */
  low: number;
  high: number;
  /** Rate in each held-out fold (folds are contiguous in time, so each is "later traffic" for the others). */
  byFold: number[];
}

/** What the threshold means for an analyst: alerts to expect on traffic like the training capture. */
export interface AlertRate {
  /** Connections per hour in the training capture (from its timestamps). */
  connectionsPerHour: number;
  alertsPerHour: number;
  alertsPerDay: number;
  /** Span of the training capture in seconds. */
  spanSeconds: number;
}

export interface TrainingInfo {
  source: string;
  rows: number;
  normalRows: number;
  attackRows: number;
  seed: number;
  folds: number;
  nInit: number;
  thresholdWeighting: ThresholdWeighting;
  /** Absent in models trained before label-free training existed: 'f1'. */
  thresholdObjective?: ThresholdObjective;
  /** Cross-validated metrics against the labels; null when training had no attack labels. */
  metrics: TrainingMetrics | null;
  falseAlarm?: FalseAlarmEstimate;
  /**
   * Label-free training on a capture or log: its first rows, whose traffic windows
   * were still filling, and the false-alarm rate of their own threshold
   * (scoring.warmupThreshold) on them, held out.
   */
  warmup?: { rows: number; falseAlarm: FalseAlarmEstimate };
  /** Present when the training rows carry timestamps; null when they do not. */
  alertRate?: AlertRate | null;
}

export class AnomalyModel {
  constructor(
    /** Stable identity: name plus the first 12 hex digits of the manifest's SHA-256. */
    readonly id: string,
    readonly name: string,
    readonly preprocessor: Preprocessor,
    readonly ensemble: Ensemble,
    readonly scoring: ScoringParams,
    readonly training: TrainingInfo | null,
  ) {
    if (preprocessor.dim !== ensemble.dim) {
      throw new Error(`the preprocessing produces ${preprocessor.dim} columns but the ensemble expects ${ensemble.dim}`);
    }
  }

  /** Metadata for people and APIs (no centroids). */
  describe() {
    return {
      id: this.id,
      name: this.name,
      features: this.preprocessor.state.columns.length,
      inputFeatures: [...new Set(this.preprocessor.state.columns.map((c) => c.split('=')[0]))],
      columns: this.preprocessor.state.columns,
      members: this.ensemble.members.map((m) => ({
        kind: m.spec.kind, k: m.spec.k, seed: m.spec.seed, features: m.spec.features, weight: m.weight,
        scale: m.scale, quality: m.quality, inertia: m.model.inertia, iterations: m.model.nIter,
      })),
      threshold: this.scoring.threshold,
      severityCuts: this.scoring.severityCuts,
      calibrationSlope: this.scoring.calibrationSlope,
      ...(this.scoring.warmupThreshold !== undefined ? { warmupThreshold: this.scoring.warmupThreshold } : {}),
      training: this.training,
    };
  }
}
