// CICFlowMeter CSV exports (CIC-IDS2017, CIC-IDS2018, CICFlowMeter-4 output).
//
// Three naming generations exist for the same statistics: CICFlowMeter-V3 /
// CIC-IDS2017 ("Total Fwd Packets", usually with a leading space), CICFlowMeter-4 /
// CIC-IDS2018 ("Tot Fwd Pkts") and the names in CICFlowMeter's own FlowFeature enum
// ("Total Fwd Packet"). All map to one set of canonical feature names, so a model
// trained on one generation reads the others.
//
// Columns dropped because CICFlowMeter's code makes them constant or duplicate
// (BasicFlow.java, ahlashkari/CICFlowMeter, both the V3 and the 4.0 code):
// - Bwd PSH Flags, Bwd URG Flags: only counted for a backward *first* packet, and
//   the first packet defines the forward direction, so they are always 0;
// - Fwd Avg Bytes/Bulk, Fwd Avg Packets/Bulk, Fwd Avg Bulk Rate: the forward bulk
//   update runs only when `this.src == packet.getSrc()`, a reference comparison
//   with a fresh copy of the address, which is never true, so they are always 0;
// - the second "Fwd Header Length" (pandas calls it "Fwd Header Length.1"): the
//   V3 writer prints fHeaderBytes twice ("this feature is duplicated").
// Identifiers (Flow ID, addresses, ports, Timestamp) go to the identity, not the
// features; the destination port and protocol give the `service` feature.

import { pushIdentity } from '../data/identity.ts';
import type { FeatureSpec, InputSchema } from '../data/input-schema.ts';
import { InputError, listNames } from '../data/errors.ts';
import {
  checkColumnCount, compactName, emptyCounts, fieldError, findColumn, isIcmp, Missing, protocolName,
  readNumericPlan, readPort, serviceOf, type FieldContext, type FlowCsvLayout, type NumericPlan,
} from './flow-csv.ts';
import { parseFlowTime } from './timestamps.ts';

interface StatColumn {
  /** Canonical feature name. */
  name: string;
  log: boolean;
  /** Rates: 'Infinity'/'NaN' (a zero duration) read as 0. */
  rate?: boolean;
  /** Header names in the generations that use them (compared after compactName). */
  aliases: string[];
}

const stat = (name: string, log: boolean, ...aliases: string[]): StatColumn => ({ name, log, aliases });
const rate = (name: string, ...aliases: string[]): StatColumn => ({ name, log: true, rate: true, aliases });

/** The statistics every CICFlowMeter export has, in canonical order. Durations and IATs are microseconds. */
const STATS: readonly StatColumn[] = [
  stat('flow_duration', true, 'Flow Duration'),
  stat('fwd_packets', true, 'Total Fwd Packets', 'Tot Fwd Pkts', 'Total Fwd Packet'),
  stat('bwd_packets', true, 'Total Backward Packets', 'Tot Bwd Pkts', 'Total Bwd packets'),
  stat('fwd_bytes', true, 'Total Length of Fwd Packets', 'TotLen Fwd Pkts', 'Total Length of Fwd Packet'),
  stat('bwd_bytes', true, 'Total Length of Bwd Packets', 'TotLen Bwd Pkts', 'Total Length of Bwd Packet'),
  stat('fwd_packet_length_max', true, 'Fwd Packet Length Max', 'Fwd Pkt Len Max'),
  stat('fwd_packet_length_min', true, 'Fwd Packet Length Min', 'Fwd Pkt Len Min'),
  stat('fwd_packet_length_mean', true, 'Fwd Packet Length Mean', 'Fwd Pkt Len Mean'),
  stat('fwd_packet_length_std', true, 'Fwd Packet Length Std', 'Fwd Pkt Len Std'),
  stat('bwd_packet_length_max', true, 'Bwd Packet Length Max', 'Bwd Pkt Len Max'),
  stat('bwd_packet_length_min', true, 'Bwd Packet Length Min', 'Bwd Pkt Len Min'),
  stat('bwd_packet_length_mean', true, 'Bwd Packet Length Mean', 'Bwd Pkt Len Mean'),
  stat('bwd_packet_length_std', true, 'Bwd Packet Length Std', 'Bwd Pkt Len Std'),
  rate('flow_bytes_per_s', 'Flow Bytes/s', 'Flow Byts/s'),
  rate('flow_packets_per_s', 'Flow Packets/s', 'Flow Pkts/s'),
  stat('flow_iat_mean', true, 'Flow IAT Mean'),
  stat('flow_iat_std', true, 'Flow IAT Std'),
  stat('flow_iat_max', true, 'Flow IAT Max'),
  stat('flow_iat_min', true, 'Flow IAT Min'),
  stat('fwd_iat_total', true, 'Fwd IAT Total', 'Fwd IAT Tot'),
  stat('fwd_iat_mean', true, 'Fwd IAT Mean'),
  stat('fwd_iat_std', true, 'Fwd IAT Std'),
  stat('fwd_iat_max', true, 'Fwd IAT Max'),
  stat('fwd_iat_min', true, 'Fwd IAT Min'),
  stat('bwd_iat_total', true, 'Bwd IAT Total', 'Bwd IAT Tot'),
  stat('bwd_iat_mean', true, 'Bwd IAT Mean'),
  stat('bwd_iat_std', true, 'Bwd IAT Std'),
  stat('bwd_iat_max', true, 'Bwd IAT Max'),
  stat('bwd_iat_min', true, 'Bwd IAT Min'),
  // 0 or 1: only the first packet is looked at.
  stat('fwd_psh_flags', false, 'Fwd PSH Flags'),
  stat('fwd_urg_flags', false, 'Fwd URG Flags'),
  stat('fwd_header_bytes', true, 'Fwd Header Length', 'Fwd Header Len'),
  stat('bwd_header_bytes', true, 'Bwd Header Length', 'Bwd Header Len'),
  rate('fwd_packets_per_s', 'Fwd Packets/s', 'Fwd Pkts/s'),
  rate('bwd_packets_per_s', 'Bwd Packets/s', 'Bwd Pkts/s'),
  stat('packet_length_min', true, 'Min Packet Length', 'Pkt Len Min', 'Packet Length Min'),
  stat('packet_length_max', true, 'Max Packet Length', 'Pkt Len Max', 'Packet Length Max'),
  stat('packet_length_mean', true, 'Packet Length Mean', 'Pkt Len Mean'),
  stat('packet_length_std', true, 'Packet Length Std', 'Pkt Len Std'),
  stat('packet_length_variance', true, 'Packet Length Variance', 'Pkt Len Var'),
  stat('fin_flag_count', true, 'FIN Flag Count', 'FIN Flag Cnt'),
  stat('syn_flag_count', true, 'SYN Flag Count', 'SYN Flag Cnt'),
  stat('rst_flag_count', true, 'RST Flag Count', 'RST Flag Cnt'),
  stat('psh_flag_count', true, 'PSH Flag Count', 'PSH Flag Cnt'),
  stat('ack_flag_count', true, 'ACK Flag Count', 'ACK Flag Cnt'),
  stat('urg_flag_count', true, 'URG Flag Count', 'URG Flag Cnt'),
  // "CWE" is the data sets' misspelling of CWR.
  stat('cwr_flag_count', true, 'CWE Flag Count', 'CWR Flag Count', 'CWE Flag Cnt', 'CWR Flag Cnt'),
  stat('ece_flag_count', true, 'ECE Flag Count', 'ECE Flag Cnt'),
  stat('down_up_ratio', true, 'Down/Up Ratio'),
  stat('average_packet_size', true, 'Average Packet Size', 'Pkt Size Avg'),
  stat('fwd_segment_size_avg', true, 'Avg Fwd Segment Size', 'Fwd Seg Size Avg', 'Fwd Segment Size Avg'),
  stat('bwd_segment_size_avg', true, 'Avg Bwd Segment Size', 'Bwd Seg Size Avg', 'Bwd Segment Size Avg'),
  stat('bwd_bytes_per_bulk', true, 'Bwd Avg Bytes/Bulk', 'Bwd Byts/b Avg', 'Bwd Bytes/Bulk Avg'),
  stat('bwd_packets_per_bulk', true, 'Bwd Avg Packets/Bulk', 'Bwd Pkts/b Avg', 'Bwd Packet/Bulk Avg'),
  stat('bwd_bulk_rate', true, 'Bwd Avg Bulk Rate', 'Bwd Blk Rate Avg', 'Bwd Bulk Rate Avg'),
  stat('subflow_fwd_packets', true, 'Subflow Fwd Packets', 'Subflow Fwd Pkts'),
  stat('subflow_fwd_bytes', true, 'Subflow Fwd Bytes', 'Subflow Fwd Byts'),
  stat('subflow_bwd_packets', true, 'Subflow Bwd Packets', 'Subflow Bwd Pkts'),
  stat('subflow_bwd_bytes', true, 'Subflow Bwd Bytes', 'Subflow Bwd Byts'),
  // -1 when the flow has no TCP window (UDP, ICMP): kept linear so -1 stays apart from 0.
  stat('fwd_init_window_bytes', false, 'Init_Win_bytes_forward', 'Init Fwd Win Byts', 'FWD Init Win Bytes'),
  stat('bwd_init_window_bytes', false, 'Init_Win_bytes_backward', 'Init Bwd Win Byts', 'Bwd Init Win Bytes'),
  stat('fwd_data_packets', true, 'act_data_pkt_fwd', 'Fwd Act Data Pkts'),
  stat('fwd_segment_size_min', false, 'min_seg_size_forward', 'Fwd Seg Size Min'),
  stat('active_mean', true, 'Active Mean'),
  stat('active_std', true, 'Active Std'),
  stat('active_max', true, 'Active Max'),
  stat('active_min', true, 'Active Min'),
  stat('idle_mean', true, 'Idle Mean'),
  stat('idle_std', true, 'Idle Std'),
  stat('idle_max', true, 'Idle Max'),
  stat('idle_min', true, 'Idle Min'),
];

const FWD_HEADER = compactName('Fwd Header Length');

const numericFeatures = (): FeatureSpec[] =>
  STATS.map((s): FeatureSpec => (s.log ? { name: s.name, kind: 'numeric', log: true } : { name: s.name, kind: 'numeric' }));

const freezeSchema = (name: string, features: FeatureSpec[]): InputSchema =>
  Object.freeze({ name, features: Object.freeze(features.map((f) => Object.freeze(f))) });

/** Exports with a Protocol column: the statistics, then protocol and service. */
export const CICFLOWMETER_SCHEMA: InputSchema = freezeSchema('cicflowmeter', [
  ...numericFeatures(),
  { name: 'protocol', kind: 'categorical' },
  { name: 'service', kind: 'categorical' },
]);

/**
 * Exports without one (CIC-IDS2017's MachineLearningCVE files): the statistics
 * alone, since a port without its protocol does not name a KDD service.
 */
export const CICFLOWMETER_STATS_SCHEMA: InputSchema = freezeSchema('cicflowmeter-stats', numericFeatures());

const ALIAS_TO_STAT = new Map<string, number>();
STATS.forEach((s, i) => { for (const a of s.aliases) ALIAS_TO_STAT.set(compactName(a), i); });

/** A header counts as CICFlowMeter's when it names this many of the statistics. */
const RECOGNISED = 12;

const HINT = 'Check that the file is an unmodified CICFlowMeter CSV export (CIC-IDS2017/2018 naming).';

export function detectCicFlowMeter(header: string[], source?: string): FlowCsvLayout | null {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const compacted = names.map(compactName);
  const statColumn = new Int32Array(STATS.length).fill(-1);
  let recognised = 0;
  const duplicates: string[] = [];
  compacted.forEach((c, col) => {
    const i = ALIAS_TO_STAT.get(c);
    if (i === undefined) return;
    recognised++;
    if (statColumn[i] < 0) statColumn[i] = col;
    // CIC-IDS2017's raw files repeat "Fwd Header Length" (see above): keep the first.
    else if (c !== FWD_HEADER) duplicates.push(names[col]);
  });
  if (recognised < RECOGNISED) return null;

  const fail = (problem: string, hint = HINT): never => { throw new InputError(problem, { source, line: 1, hint }); };
  if (duplicates.length > 0) fail(`the header row names ${listNames(duplicates)} more than once`);
  const missing = STATS.filter((_, i) => statColumn[i] < 0).map((s) => s.aliases[0]);
  const dstPort = findColumn(compacted, 'destinationport', 'dstport');
  if (dstPort < 0) missing.unshift('Destination Port (or Dst Port)');
  if (missing.length > 0) {
    fail(
      `this looks like a CICFlowMeter export, but the header row lacks ${missing.length === 1 ? 'the column' : `${missing.length} columns`}: ${listNames(missing)}`,
      'Every CICFlowMeter statistic is needed (any of the CIC-IDS2017 or CIC-IDS2018 names); columns may be in any order.',
    );
  }

  const protocol = findColumn(compacted, 'protocol');
  const srcAddr = findColumn(compacted, 'sourceip', 'srcip');
  const srcPort = findColumn(compacted, 'sourceport', 'srcport');
  const dstAddr = findColumn(compacted, 'destinationip', 'dstip');
  const timestamp = findColumn(compacted, 'timestamp');
  const label = findColumn(compacted, 'label');
  const schema = protocol >= 0 ? CICFLOWMETER_SCHEMA : CICFLOWMETER_STATS_SCHEMA;
  const counts = emptyCounts();
  const ctx: FieldContext = { header: names, hint: HINT, counts };
  const plan: NumericPlan = {
    columns: statColumn,
    missing: Uint8Array.from(STATS, (s) => (s.rate ? Missing.NonFiniteAsZero : Missing.Reject)),
  };

  return {
    format: 'cicflowmeter',
    schema,
    columnCount: names.length,
    hasLabel: label >= 0,
    header: names,
    counts,
    write(fields, line, out, src = source) {
      // Some CIC-IDS2017 files hold long runs of rows with every field empty: not flows.
      if (fields[0] === '' && fields.every((f) => f === '')) {
        counts.skipped++;
        return false;
      }
      checkColumnCount(ctx, fields, line, src);
      // Everything that can fail comes first, so a bad row adds nothing to the columns.
      readNumericPlan(plan, ctx, fields, line, out, src);
      const respPort = readPort(ctx, fields, dstPort, line, src);
      const origPort = srcPort >= 0 ? readPort(ctx, fields, srcPort, line, src) : -1;
      if (protocol >= 0 && fields[protocol] === '') {
        fieldError(ctx, `expected a protocol number for ${names[protocol]}, got an empty field`, protocol, line, src);
      }
      const start = timestamp >= 0 ? cicTime(ctx, fields, timestamp, line, src) : NaN;
      const labelValue = label >= 0 ? cicLabel(ctx, fields, label, line, src) : null;

      const proto = protocol >= 0 ? protocolName(fields[protocol]) : '';
      if (protocol >= 0) {
        out.categorical[0].push(proto);
        // CICFlowMeter keeps no ICMP type (its ports are 0 for ICMP): an unknown type
        // gives kddService's oth_i rather than the echo reply that type 0 would claim.
        out.categorical[1].push(serviceOf(proto, respPort, isIcmp(proto) ? -1 : origPort));
      }
      if (out.labels && label >= 0) out.labels.push(labelValue);
      const duration = out.numeric[out.offset] / 1e6; // flow_duration is the first feature, in µs
      pushIdentity(
        out.identity, start, duration, proto,
        srcAddr >= 0 ? fields[srcAddr] : '', origPort,
        dstAddr >= 0 ? fields[dstAddr] : '', respPort,
      );
      return true;
    },
  };
}

/** 'BENIGN' / 'Benign' → 'normal'; 'No Label' → null (not labelled); attack names lower-cased. */
export function normalizeCicLabel(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  if (s === 'benign') return 'normal';
  if (s === 'no label') return null;
  return s;
}

function cicLabel(ctx: FieldContext, fields: string[], col: number, line: number, source: string | undefined): string | null {
  const label = normalizeCicLabel(fields[col]);
  if (label === '') fieldError(ctx, `expected a label such as BENIGN or an attack name for ${ctx.header[col]}, got an empty field`, col, line, source);
  if (label === null) ctx.counts.unlabeled++;
  return label;
}

function cicTime(ctx: FieldContext, fields: string[], col: number, line: number, source: string | undefined): number {
  const t = parseFlowTime(fields[col]);
  if (t !== t) {
    fieldError(
      ctx,
      `expected a date and time such as "13/05/2024 12:34:07 PM" or "7/7/2017 8:59:59" for ${ctx.header[col]}, got ${fields[col] === '' ? 'an empty field' : JSON.stringify(fields[col].slice(0, 40))}`,
      col, line, source,
    );
  }
  return t;
}
