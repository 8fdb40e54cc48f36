// Flow-meter CSV exports as model inputs, recognised by their header row:
// CICFlowMeter (CIC-IDS2017/2018), Argus (`ra -c ,`) and nfdump (`-o csv`).
// Each becomes an InputSchema plus a row writer that fills the caller's columnar
// batch: numeric features, categorical features, label and connection identity.
//
// The format modules import the field helpers below and this module imports
// their detectors; the cycle is safe because both sides only call each other's
// function declarations, never read a top-level constant during loading.

import { parseNumeric } from '../data/batch.ts';
import { InputError, quoteValue } from '../data/errors.ts';
import type { IdentityColumns } from '../data/identity.ts';
import type { InputSchema } from '../data/input-schema.ts';
import { icmp6AsIcmp4Type, kddService } from '../capture/services.ts';
import { detectArgus } from './argus.ts';
import { detectCicFlowMeter } from './cicflowmeter.ts';
import { detectNfdump } from './nfdump.ts';

export type FlowCsvFormat = 'cicflowmeter' | 'argus' | 'nfdump';

/** Where one row goes: the caller's batch columns. */
export interface FlowRowOutput {
  /** Row-major numeric block; the row's values go to [offset, offset + numeric features). */
  numeric: Float64Array;
  offset: number;
  /** One array per categorical feature of the schema, in schema order; one value is pushed to each. */
  categorical: string[][];
  /**
   * Receives the normalised label when the layout has a label column ('normal' for
   * benign traffic), or null for a row marked as not labelled (CICFlowMeter "No Label").
   * Pass null to ignore labels.
   */
  labels: (string | null)[] | null;
  identity: IdentityColumns;
}

/** Per-input tallies, updated as rows are written (for the detection summary). */
export interface FlowCsvCounts {
  /** Rate fields that were 'Infinity', 'NaN' or empty and were read as 0. */
  nonFinite: number;
  /** Records that are not flows and were skipped (argus management records, nfdump's summary, CIC rows of empty fields). */
  skipped: number;
  /** Rows whose label column says they carry no label. */
  unlabeled: number;
  /** Start times without a date (ra's default time format); their identity start is NaN. */
  undated: number;
}

export type FlowRowWriter = (fields: string[], line: number, out: FlowRowOutput, source: string | undefined) => boolean;

export interface FlowCsvLayout {
  format: FlowCsvFormat;
  schema: InputSchema;
  /** Fields every data row has (the header's count). */
  columnCount: number;
  hasLabel: boolean;
  /** Header names as written (trimmed), for messages. */
  header: readonly string[];
  counts: FlowCsvCounts;
  /** Writes one record; use appendFlowRow. */
  readonly write: FlowRowWriter;
}

/**
 * The flow-meter format a header row belongs to, or null when it is none of them
 * (then the KDD detection applies). Throws an InputError when the header is
 * clearly one of these formats but lacks columns the reader needs.
 */
export function detectFlowCsv(header: string[], source?: string): FlowCsvLayout | null {
  return detectCicFlowMeter(header, source) ?? detectArgus(header, source) ?? detectNfdump(header, source);
}

/**
 * Write one data record into `out`. Returns false, writing nothing, for records that
 * are not flows (argus management records, nfdump's trailing summary, CIC-IDS2017's
 * rows of empty fields).
 * Bad values throw an InputError naming source, line, 1-based column and header name.
 */
export function appendFlowRow(layout: FlowCsvLayout, fields: string[], line: number, out: FlowRowOutput, source?: string): boolean {
  return layout.write(fields, line, out, source);
}

export function emptyCounts(): FlowCsvCounts {
  return { nonFinite: 0, skipped: 0, unlabeled: 0, undated: 0 };
}

// ---- Field helpers shared by the format modules ----

/** "Total Fwd Packets", " Tot Fwd Pkts", "Init_Win_bytes_forward" → lower-case letters and digits only. */
export function compactName(name: string): string {
  return name.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** What the reader needs to word an error for one input. */
export interface FieldContext {
  header: readonly string[];
  /** What to do about a bad value in this format. */
  hint: string;
  counts: FlowCsvCounts;
}

export function fieldError(ctx: FieldContext, problem: string, col: number, line: number, source: string | undefined): never {
  throw new InputError(problem, { source, line, column: col + 1, hint: ctx.hint });
}

export function checkColumnCount(ctx: FieldContext, fields: string[], line: number, source: string | undefined): void {
  if (fields.length !== ctx.header.length) {
    throw new InputError(`expected ${ctx.header.length} columns as in the header row, found ${fields.length}`, {
      source, line, hint: ctx.hint,
    });
  }
}

const described = (v: string): string => (v === '' ? 'an empty field' : quoteValue(v));

export function readNumber(ctx: FieldContext, fields: string[], col: number, line: number, source: string | undefined): number {
  const v = parseNumeric(fields[col]);
  if (v !== v) fieldError(ctx, `expected a number for ${ctx.header[col]}, got ${described(fields[col])}`, col, line, source);
  return v;
}

/** How a numeric column treats values other than finite numbers. */
export const Missing = {
  /** Anything but a finite number is an error. */
  Reject: 0,
  /** 'Infinity', 'NaN' and '' read as 0 and counted (rates over a zero duration). */
  NonFiniteAsZero: 1,
  /** '' reads as 0 (argus leaves not-applicable fields blank); text is still an error. */
  BlankAsZero: 2,
} as const;

const NON_FINITE = new Set(['', 'infinity', '+infinity', '-infinity', 'inf', '+inf', '-inf', 'nan']);

/** Numeric columns read in schema order: source column and missing-value rule of each. */
export interface NumericPlan {
  columns: Int32Array;
  missing: Uint8Array;
}

export function readNumericPlan(
  plan: NumericPlan, ctx: FieldContext, fields: string[], line: number, out: FlowRowOutput, source: string | undefined,
): void {
  const { columns, missing } = plan;
  const numeric = out.numeric;
  const base = out.offset;
  for (let j = 0; j < columns.length; j++) {
    const col = columns[j];
    const text = fields[col];
    let v = parseNumeric(text);
    if (v !== v) {
      const rule = missing[j];
      if (rule === Missing.NonFiniteAsZero && NON_FINITE.has(text.toLowerCase())) {
        ctx.counts.nonFinite++;
        v = 0;
      } else if (rule === Missing.BlankAsZero && text === '') {
        v = 0;
      } else {
        fieldError(ctx, `expected a number for ${ctx.header[col]}, got ${described(text)}`, col, line, source);
      }
    }
    numeric[base + j] = v;
  }
}

const PROTOCOL_NAMES: Record<string, string> = {
  '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmp6', 'ipv6-icmp': 'icmp6', icmpv6: 'icmp6',
};

/**
 * 'TCP', 'tcp', '6' → 'tcp'; ICMPv6 under any of its names (ra: ipv6-icmp, nfdump:
 * ICMP6) → 'icmp6'; other protocols keep their name (lower-cased) or number.
 */
export function protocolName(text: string): string {
  const p = text.toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

export function isIcmp(protocol: string): boolean {
  return protocol === 'icmp' || protocol === 'icmp6';
}

/**
 * KDD service of a flow; for ICMP, origPort is the type and respPort the code (as
 * in Connection), ICMPv6 types translated to their ICMPv4 equivalents. 'other' for
 * protocols KDD has no services for.
 */
export function serviceOf(protocol: string, respPort: number, origPort: number): string {
  if (protocol === 'icmp6') return kddService('icmp', respPort, origPort >= 0 ? icmp6AsIcmp4Type(origPort) : undefined);
  if ((protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp') && respPort >= 0) {
    return kddService(protocol, respPort, origPort >= 0 ? origPort : undefined);
  }
  return 'other';
}

// Service names that ra and other tools print for ports without -n (from IANA's
// registry, as in /etc/services); others are reported with a hint to export numbers.
const PORT_NAMES: Record<string, number> = {
  echo: 7, discard: 9, daytime: 13, 'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37,
  domain: 53, bootps: 67, bootpc: 68, tftp: 69, gopher: 70, finger: 79, http: 80, www: 80, kerberos: 88,
  pop3: 110, sunrpc: 111, auth: 113, nntp: 119, ntp: 123, 'netbios-ns': 137, 'netbios-dgm': 138,
  'netbios-ssn': 139, imap: 143, imap2: 143, snmp: 161, 'snmp-trap': 162, bgp: 179, irc: 194, ldap: 389,
  https: 443, 'microsoft-ds': 445, isakmp: 500, syslog: 514, printer: 515, submission: 587, ldaps: 636,
  imaps: 993, pop3s: 995, socks: 1080, openvpn: 1194, 'ms-sql-s': 1433, mysql: 3306, 'ms-wbt-server': 3389,
  postgresql: 5432, mdns: 5353, x11: 6000, 'http-alt': 8080, webcache: 8080,
};

/**
 * A port field: decimal, hexadecimal ("0x0303", argus for ICMP type/code), a common
 * service name, or empty (-1: the protocol has no ports).
 */
export function readPort(ctx: FieldContext, fields: string[], col: number, line: number, source: string | undefined): number {
  const text = fields[col];
  if (text === '') return -1;
  let v: number;
  if (/^\d{1,5}$/.test(text)) v = Number(text);
  else if (/^0x[0-9a-f]{1,4}$/i.test(text)) v = Number.parseInt(text.slice(2), 16);
  else v = PORT_NAMES[text.toLowerCase()] ?? NaN;
  if (!(v >= 0 && v <= 65535)) {
    fieldError(ctx, `expected a port number for ${ctx.header[col]}, got ${described(text)}`, col, line, source);
  }
  return v;
}

/** Column of the first header name (compacted) in `names`, or -1. */
export function findColumn(compacted: readonly string[], ...names: string[]): number {
  for (const n of names) {
    const i = compacted.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}
