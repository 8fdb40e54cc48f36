// Elastic Common Schema 8.x documents, one per alert, for Filebeat/Elastic Agent
// (ndjson file input) or an Elasticsearch ingest pipeline.
// https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html

import { isIpAddress } from './ip.ts';
import type { DetectionRecord } from '../detect/report.ts';
import { alertTime, recordThreshold, type AlertContext } from './context.ts';
import { alertText } from './describe.ts';
import { SEVERITY_MAP } from './severity-map.ts';
import { suppressionText, type SuppressionSummary } from './suppression.ts';

export const ECS_VERSION = '8.11.0';
export const ECS_DATASET = 'anomalyze.alert';
export const ECS_RULE_NAME = 'Anomalyze: anomalous network connection';

type Doc = Record<string, unknown>;

/** IANA protocol numbers for network.iana_number. */
const IANA_NUMBER: Record<string, string> = { icmp: '1', tcp: '6', udp: '17', ipv6_icmp: '58', 'ipv6-icmp': '58', sctp: '132' };

export function ecsAlert(r: DetectionRecord, ctx: AlertContext): Doc {
  const now = alertTime(ctx);
  const sev = SEVERITY_MAP[r.severity];
  const event: Doc = {
    kind: 'alert',
    category: ['network'],
    type: ['connection'],
    // ECS: "the numeric severity of the event according to your event source" — ours, 0–4.
    severity: sev.code,
    risk_score: sev.riskScore,
    dataset: ECS_DATASET,
    module: 'anomalyze',
    action: 'anomaly-detected',
    created: now.toISOString(),
  };
  if (r.time !== undefined) event.start = r.time;
  // ECS event.duration is in nanoseconds.
  if (r.duration !== undefined) event.duration = Math.round(r.duration * 1e9);

  const doc: Doc = {
    // @timestamp is when the event originated: the connection start if known, else now.
    '@timestamp': r.time ?? now.toISOString(),
    ecs: { version: ECS_VERSION },
    message: alertText(r, recordThreshold(r, ctx)),
    event,
  };
  const source = endpoint(r.src, r.srcPort);
  if (source) doc.source = source;
  const destination = endpoint(r.dst, r.dstPort);
  if (destination) doc.destination = destination;
  if (r.protocol !== undefined) {
    const transport = r.protocol.toLowerCase();
    doc.network = IANA_NUMBER[transport] ? { transport, iana_number: IANA_NUMBER[transport] } : { transport };
  }
  doc.rule = { name: ECS_RULE_NAME, ruleset: 'anomalyze', version: ctx.model };
  doc.observer = observer(ctx);
  doc.anomalyze = {
    score: r.score,
    threshold: recordThreshold(r, ctx),
    ...(r.warmup ? { warmup: true } : {}),
    anomaly: r.anomaly,
    confidence: r.confidence,
    severity: r.severity,
    model: ctx.model,
    row: r.row,
    ...(r.label !== undefined ? { label: r.label } : {}),
    ...(r.category !== undefined ? { category: r.category } : {}),
    ...(ctx.source !== undefined ? { input: ctx.source } : {}),
    top_features: r.topFeatures.map((f) => ({ feature: f.feature, value: f.value, share: f.share })),
  };
  return doc;
}

/** The rate limiter's summary as an ECS event (kind "alert", action "alerts-suppressed"). */
export function ecsSuppression(s: SuppressionSummary, ctx: AlertContext): Doc {
  const sev = SEVERITY_MAP[s.maxSeverity];
  return {
    '@timestamp': new Date(s.at).toISOString(),
    ecs: { version: ECS_VERSION },
    message: suppressionText(s),
    event: {
      kind: 'alert',
      category: ['network'],
      type: ['connection'],
      severity: sev.code,
      risk_score: sev.riskScore,
      dataset: ECS_DATASET,
      module: 'anomalyze',
      action: 'alerts-suppressed',
      start: new Date(s.windowStart).toISOString(),
      end: new Date(s.windowStart + s.seconds * 1000).toISOString(),
    },
    rule: { name: ECS_RULE_NAME, ruleset: 'anomalyze', version: ctx.model },
    observer: observer(ctx),
    anomalyze: { suppressed: { key: s.key, count: s.suppressed, max_severity: s.maxSeverity, seconds: s.seconds }, model: ctx.model },
  };
}

function observer(ctx: AlertContext): Doc {
  return { type: 'ids', vendor: 'Anomalyze', product: 'Anomalyze', ...(ctx.host !== undefined ? { hostname: ctx.host } : {}) };
}

/** ECS wants the raw address in .address and, when it is one, the IP in .ip (a hostname goes to .domain). */
function endpoint(addr: string | undefined, port: number | undefined): Doc | undefined {
  if (addr === undefined && port === undefined) return undefined;
  const out: Doc = {};
  if (addr !== undefined) {
    out.address = addr;
    if (isIpAddress(addr)) out.ip = addr;
    else out.domain = addr;
  }
  if (port !== undefined) out.port = port;
  return out;
}
