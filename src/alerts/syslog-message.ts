// RFC 5424 syslog messages:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="VALUE" …] MSG
// MSG is UTF-8 without a BOM (RFC 5424 §6.4 allows MSG-ANY; a BOM confuses many
// receivers). Framing for a transport is done in syslog-transport.ts.

import { hostname } from 'node:os';
import type { DetectionRecord } from '../detect/report.ts';
import type { Severity } from '../model/scoring.ts';
import { alertTime, recordThreshold, type AlertContext } from './context.ts';
import { alertText, round } from './describe.ts';
import { SEVERITY_MAP } from './severity-map.ts';
import { suppressionText, type SuppressionSummary } from './suppression.ts';

/** RFC 5424 §6.2.1 facility codes by their usual names. */
export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

/**
 * local0: the local facilities exist for site-specific routing (an rsyslog rule sends
 * local0 to the SIEM); auth/authpriv would mix our alerts into auth.log with logins.
 * Suricata's syslog output makes the same kind of choice (local5).
 */
export const DEFAULT_FACILITY = 'local0';

/**
 * 32473 is the private enterprise number RFC 5612 reserves for documentation: Anomalyze has
 * no registered one. Sites that forward to a strict collector can set their own SD-ID.
 */
export const DEFAULT_SD_ID = 'anomalyze@32473';

export interface SyslogOptions {
  /** Facility name (see FACILITIES) or number 0–23; default local0. */
  facility?: string | number;
  /** APP-NAME; default "anomalyze". */
  appName?: string;
  /** PROCID; default process.pid. */
  procId?: string | number;
  /** SD-ID of our structured-data element; default anomalyze@32473. */
  sdId?: string;
}

/** Facility name or number → code, with an error that lists the choices. */
export function facilityCode(f: string | number | undefined): number {
  if (f === undefined) return FACILITIES[DEFAULT_FACILITY];
  if (typeof f === 'number' || /^\d+$/.test(f)) {
    const n = Number(f);
    if (Number.isInteger(n) && n >= 0 && n <= 23) return n;
  } else if (Object.hasOwn(FACILITIES, f.toLowerCase())) {
    return FACILITIES[f.toLowerCase()];
  }
  throw new Error(`Unknown syslog facility "${f}". Use a number 0–23 or one of: ${Object.keys(FACILITIES).join(', ')}.`);
}

export function syslogPri(facility: number, severity: Severity): number {
  return facility * 8 + SEVERITY_MAP[severity].syslog;
}

/** PARAM-VALUE escaping, RFC 5424 §6.3.3: '"', '\' and ']' are preceded by a backslash. */
export function escapeSdValue(v: string): string {
  return v.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** SD-NAME (§6.3.2): 1–32 printable US-ASCII characters except '=', space, ']' and '"'. */
export function isSdName(name: string): boolean {
  return /^[!#-<>-\\^-~]{1,32}$/.test(name);
}

type SdParams = [string, string | number | boolean | undefined][];

/** One SD-ELEMENT; parameters whose value is undefined are left out. */
export function sdElement(id: string, params: SdParams): string {
  if (!isSdName(id)) throw new Error(`Invalid syslog SD-ID "${id}": use 1–32 printable ASCII characters without '=', ' ', ']' or '"'.`);
  let out = `[${id}`;
  for (const [name, value] of params) {
    if (value === undefined) continue;
    if (!isSdName(name)) throw new Error(`Invalid syslog SD parameter name "${name}".`);
    out += ` ${name}="${escapeSdValue(String(value))}"`;
  }
  return `${out}]`;
}

export function syslogAlert(r: DetectionRecord, ctx: AlertContext, opts: SyslogOptions = {}): string {
  const features = r.topFeatures.map((f) => `${f.feature}=${f.value} (${Math.round(f.share * 100)}%)`).join(', ');
  const sd = sdElement(opts.sdId ?? DEFAULT_SD_ID, [
    ['severity', r.severity],
    ['score', round(r.score, 6)],
    ['threshold', round(recordThreshold(r, ctx), 6)],
    ['confidence', round(r.confidence, 4)],
    ['model', ctx.model],
    ['row', r.row],
    ['time', r.time],
    ['proto', r.protocol],
    ['src', r.src],
    ['srcPort', r.srcPort],
    ['dst', r.dst],
    ['dstPort', r.dstPort],
    ['label', r.label],
    ['category', r.category],
    ['input', ctx.source],
    ['features', features || undefined],
  ]);
  return header(syslogPri(facilityCode(opts.facility), r.severity), alertTime(ctx), ctx, opts, 'alert') + ` ${sd} ${msg(alertText(r, recordThreshold(r, ctx)))}`;
}

export function syslogSuppression(s: SuppressionSummary, ctx: AlertContext, opts: SyslogOptions = {}): string {
  const sd = sdElement(opts.sdId ?? DEFAULT_SD_ID, [
    ['suppressed', s.suppressed], ['key', s.key], ['maxSeverity', s.maxSeverity], ['seconds', s.seconds], ['model', ctx.model],
  ]);
  return header(syslogPri(facilityCode(opts.facility), s.maxSeverity), new Date(s.at), ctx, opts, 'suppressed') + ` ${sd} ${msg(suppressionText(s))}`;
}

function header(pri: number, time: Date, ctx: AlertContext, opts: SyslogOptions, msgId: string): string {
  const host = headerField(ctx.host ?? hostname(), 255);
  const app = headerField(opts.appName ?? 'anomalyze', 48);
  const proc = headerField(String(opts.procId ?? process.pid), 128);
  return `<${pri}>1 ${time.toISOString()} ${host} ${app} ${proc} ${headerField(msgId, 32)}`;
}

/** Header fields are printable US-ASCII without spaces, bounded in length; "-" (NILVALUE) when empty. */
function headerField(v: string, max: number): string {
  const clean = v.replace(/[^!-~]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** Line breaks would split the message for newline-framed receivers. */
function msg(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
