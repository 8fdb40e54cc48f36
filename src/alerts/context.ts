// What every alert format needs besides the record itself: which model judged
// it, against which threshold, and where the alert comes from.

export interface AlertContext {
  /** Model id (Model.id), so that an alert can be traced to the model that raised it. */
  model: string;
  /** The model's anomaly threshold (a record is anomalous iff score > threshold). */
  threshold: number;
  /** Where the records came from (input path, "stdin", a sensor name). */
  source?: string;
  /** The machine that raised the alert; syslog falls back to os.hostname(). */
  host?: string;
  /** When the alert is raised; defaults to the current time. Injected by tests. */
  now?: Date;
}

export function alertTime(ctx: AlertContext): Date {
  return ctx.now ?? new Date();
}
