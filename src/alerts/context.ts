// What every alert format needs besides the record itself: which model judged
// it, against which threshold, and where the alert comes from.

import { rowThreshold } from '../model/scoring.ts';

export interface AlertContext {
  /** Model id (Model.id), so that an alert can be traced to the model that raised it. */
  model: string;
  /** The model's anomaly threshold (a record is anomalous iff score > threshold). */
  threshold: number;
  /** The model's threshold for warm-up records (warmup: true), when it has one. */
  warmupThreshold?: number;
  /** Where the records came from (input path, "stdin", a sensor name). */
  source?: string;
  /** The machine that raised the alert; syslog falls back to os.hostname(). */
  host?: string;
  /** When the alert is raised; defaults to the current time. Injected by tests. */
  now?: Date;
}

/** The threshold the record was judged by: the warm-up one for a warm-up record. */
export function recordThreshold(r: { warmup?: boolean }, ctx: AlertContext): number {
  return rowThreshold(ctx, r.warmup);
}

/** The context for a model's alerts. */
export function modelContext(model: { id: string; scoring: { threshold: number; warmupThreshold?: number } }, extra: Partial<AlertContext> = {}): AlertContext {
  return {
    ...extra, model: model.id, threshold: model.scoring.threshold,
    ...(model.scoring.warmupThreshold !== undefined ? { warmupThreshold: model.scoring.warmupThreshold } : {}),
  };
}

export function alertTime(ctx: AlertContext): Date {
  return ctx.now ?? new Date();
}
