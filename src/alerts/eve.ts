// Suricata EVE JSON alerts, so that tools built for Suricata (EveBox, Evebox-style
// dashboards, the Filebeat Suricata module, Wazuh) can read ours.
// https://docs.suricata.io/en/latest/output/eve/eve-json-format.html

import { isIpAddress } from './ip.ts';
import type { DetectionRecord } from '../detect/report.ts';
import { alertTime, recordThreshold, type AlertContext } from './context.ts';
import { alertText, round } from './describe.ts';
import { SEVERITY_MAP } from './severity-map.ts';
import { suppressionText, type SuppressionSummary } from './suppression.ts';

/** Generator id 1 (text rules); signature ids in 1,000,000–1,999,999, the range Snort and Suricata reserve for local rules. */
export const EVE_GID = 1;
export const EVE_SID_BASE = 1_000_000;
/** One signature per severity, so that a SIEM can tune or mute by severity: 1000001 Low … 1000004 Critical; 1000010 suppression summaries. */
export const EVE_SUPPRESSION_SID = EVE_SID_BASE + 10;
/** A classification that exists in Suricata's stock classification.config. */
export const EVE_CATEGORY = 'Potentially Bad Traffic';

type Doc = Record<string, unknown>;

/** Suricata's timestamp format: 2026-12-03T10:00:00.000000+0000 (microseconds, numeric UTC offset). */
export function suricataTimestamp(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('suricataTimestamp: invalid date');
  return `${d.toISOString().slice(0, 23)}000+0000`;
}

export function eveAlert(r: DetectionRecord, ctx: AlertContext): Doc {
  const sev = SEVERITY_MAP[r.severity];
  // Suricata's timestamp is the packet's time; ours is the connection start when the source has it.
  const when = r.time !== undefined ? new Date(r.time) : alertTime(ctx);
  const doc: Doc = { timestamp: suricataTimestamp(when) };
  if (ctx.host !== undefined) doc.host = ctx.host; // what Suricata's sensor-name sets
  doc.event_type = 'alert';
  if (r.src !== undefined) doc.src_ip = r.src;
  if (r.srcPort !== undefined) doc.src_port = r.srcPort;
  if (r.dst !== undefined) doc.dest_ip = r.dst;
  if (r.dstPort !== undefined) doc.dest_port = r.dstPort;
  if (r.protocol !== undefined) doc.proto = r.protocol.toUpperCase();
  if (r.src !== undefined && r.src.includes(':') && isIpAddress(r.src)) doc.ip_v = 6;
  doc.alert = {
    action: 'allowed', // we only detect; nothing was blocked
    gid: EVE_GID,
    signature_id: EVE_SID_BASE + sev.code,
    rev: 1,
    signature: `ANOMALYZE ${r.severity} anomalous connection (score ${round(r.score)}, threshold ${round(recordThreshold(r, ctx))})`,
    category: EVE_CATEGORY,
    severity: sev.suricata,
  };
  doc.anomalyze = {
    message: alertText(r, recordThreshold(r, ctx)),
    score: r.score,
    threshold: recordThreshold(r, ctx),
    ...(r.warmup ? { warmup: true } : {}),
    anomaly: r.anomaly,
    confidence: r.confidence,
    severity: r.severity,
    model: ctx.model,
    row: r.row,
    ...(r.duration !== undefined ? { duration: r.duration } : {}),
    ...(r.label !== undefined ? { label: r.label } : {}),
    ...(r.category !== undefined ? { category: r.category } : {}),
    ...(ctx.source !== undefined ? { input: ctx.source } : {}),
    top_features: r.topFeatures.map((f) => ({ feature: f.feature, value: f.value, share: f.share })),
  };
  return doc;
}

export function eveSuppression(s: SuppressionSummary, ctx: AlertContext): Doc {
  return {
    timestamp: suricataTimestamp(new Date(s.at)),
    ...(ctx.host !== undefined ? { host: ctx.host } : {}),
    event_type: 'alert',
    alert: {
      action: 'allowed',
      gid: EVE_GID,
      signature_id: EVE_SUPPRESSION_SID,
      rev: 1,
      signature: `ANOMALYZE alerts suppressed: ${suppressionText(s)}`,
      category: EVE_CATEGORY,
      severity: SEVERITY_MAP[s.maxSeverity].suricata,
    },
    anomalyze: { suppressed: { key: s.key, count: s.suppressed, max_severity: s.maxSeverity, seconds: s.seconds }, model: ctx.model },
  };
}
