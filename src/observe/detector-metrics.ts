// The detector's metrics, for GET /metrics beside a sensor: rows scored, alerts
// by severity, batch latency, the model in use, input errors, and what happened
// to alerts in each sink.

import type { AlertSink } from '../alerts/sink.ts';
import { SEVERITIES, type Severity } from '../model/scoring.ts';
import { Registry } from './registry.ts';

/** Scoring a live batch takes milliseconds to seconds; a slow disk or a huge batch more. */
export const BATCH_LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class DetectorMetrics {
  readonly registry: Registry;
  private readonly rows;
  private readonly alerts;
  private readonly alertsBy = new Map<Severity, { inc(): void }>();
  private readonly latency;
  private readonly modelInfo;
  private readonly inputErrors;
  private readonly sinkDelivered;
  private readonly sinkDropped;

  constructor(model: string, registry = new Registry()) {
    this.registry = registry;
    this.rows = registry.counter({ name: 'anomalyze_rows_scored_total', help: 'Connection records scored.' });
    this.alerts = registry.counter({ name: 'anomalyze_alerts_total', help: 'Records flagged as anomalous, by severity.', labelNames: ['severity'] });
    // Every severity exported from 0, so that rate() sees it from the start.
    for (const s of SEVERITIES) if (s !== 'Normal') this.alertsBy.set(s, this.alerts.child({ severity: s }));
    this.latency = registry.histogram({
      name: 'anomalyze_batch_latency_seconds', help: 'Time to score one batch of records, in seconds.', buckets: BATCH_LATENCY_BUCKETS,
    });
    this.modelInfo = registry.gauge({ name: 'anomalyze_model_info', help: 'The model in use (always 1; the id is the label).', labelNames: ['model'] });
    this.modelInfo.set({ model }, 1);
    this.inputErrors = registry.counter({ name: 'anomalyze_input_errors_total', help: 'Input lines or records that could not be read or scored.' });
    this.sinkDelivered = registry.counter({ name: 'anomalyze_alerts_delivered_total', help: 'Alerts handed on by each alert sink (for webhooks: acknowledged).', labelNames: ['sink'] });
    this.sinkDropped = registry.counter({ name: 'anomalyze_alerts_dropped_total', help: 'Alerts an alert sink did not deliver, by reason.', labelNames: ['sink', 'reason'] });
  }

  rowsScored(n: number): void {
    this.rows.inc({}, n);
  }

  alert(severity: Severity): void {
    this.alertsBy.get(severity)?.inc(); // none for Normal
  }

  batchScored(rows: number, seconds: number): void {
    this.rows.inc({}, rows);
    this.latency.observe(seconds);
  }

  inputError(n = 1): void {
    this.inputErrors.inc({}, n);
  }

  /** Report this sink's delivered and dropped counts at every scrape. */
  trackAlertSink(sink: Pick<AlertSink, 'name' | 'stats'>): void {
    this.registry.onCollect(() => {
      const s = sink.stats();
      this.sinkDelivered.setTotal({ sink: sink.name }, s.delivered);
      for (const [reason, n] of Object.entries(s.dropped)) this.sinkDropped.setTotal({ sink: sink.name, reason }, n);
    });
  }

  render(): string {
    return this.registry.render();
  }
}
