// Argus flow records printed by `ra -c , -s <fields>` (header line on, the default).
//
// Columns are found by ra's header labels, in any order and any subset that has
// the required ones: Proto, SrcAddr, Sport, DstAddr, Dport, TotPkts, TotBytes
// (all in ra's default field list). Every other known numeric column that is present
// becomes a feature, as do State and Dir; so the schema depends on the fields asked
// of ra, and a model reads exports made with the same -s list.
//
// Best read with `ra -n -u`: numeric ports and Unix times. Without -n, ra prints
// service names for ports (common ones are understood, others are an error naming
// -n); without -u, a time of day without a date (identity start NaN, counted).
// Blank numeric fields, which ra prints where a value does not apply (SrcWin of a
// UDP flow), read as 0. Management records (Proto "man") are skipped.

import { pushIdentity } from '../data/identity.ts';
import type { FeatureSpec, InputSchema } from '../data/input-schema.ts';
import { InputError, listNames } from '../data/errors.ts';
import {
  checkColumnCount, compactName, emptyCounts, fieldError, findColumn, isIcmp, Missing, protocolName, readNumericPlan,
  readPort, serviceOf, type FieldContext, type FlowCsvLayout,
} from './flow-csv.ts';
import { isTimeOfDay, parseFlowTime } from './timestamps.ts';

interface ArgusColumn {
  /** ra's header label (compared after compactName; ra truncates some, e.g. TotAppByte). */
  labels: string[];
  feature: string;
  log: boolean;
}

const col = (feature: string, log: boolean, ...labels: string[]): ArgusColumn => ({ feature, log, labels });

/** Known numeric columns, in the schema's canonical order. Times are seconds (SIntPkt/DIntPkt: ms). */
const NUMERIC: readonly ArgusColumn[] = [
  col('duration', true, 'Dur'),
  col('packets', true, 'TotPkts'),
  col('bytes', true, 'TotBytes'),
  col('src_packets', true, 'SrcPkts'),
  col('dst_packets', true, 'DstPkts'),
  col('src_bytes', true, 'SrcBytes'),
  col('dst_bytes', true, 'DstBytes'),
  col('app_bytes', true, 'TotAppByte', 'TotAppBytes'),
  col('src_app_bytes', true, 'SAppBytes'),
  col('dst_app_bytes', true, 'DAppBytes'),
  col('rate', true, 'Rate'),
  col('src_rate', true, 'SrcRate'),
  col('dst_rate', true, 'DstRate'),
  col('load', true, 'Load'),
  col('src_load', true, 'SrcLoad'),
  col('dst_load', true, 'DstLoad'),
  col('loss', true, 'Loss'),
  col('src_loss', true, 'SrcLoss'),
  col('dst_loss', true, 'DstLoss'),
  col('loss_percent', false, 'pLoss'),
  col('src_interpacket_ms', true, 'SIntPkt'),
  col('dst_interpacket_ms', true, 'DIntPkt'),
  col('src_jitter_ms', true, 'SrcJitter'),
  col('dst_jitter_ms', true, 'DstJitter'),
  col('src_ttl', false, 'sTtl'),
  col('dst_ttl', false, 'dTtl'),
  col('src_tos', false, 'sTos'),
  col('dst_tos', false, 'dTos'),
  col('src_window', true, 'SrcWin'),
  col('dst_window', true, 'DstWin'),
  col('tcp_rtt', true, 'TcpRtt'),
  col('syn_ack', true, 'SynAck'),
  col('ack_dat', true, 'AckDat'),
  col('src_mean_packet_size', true, 'sMeanPktSz'),
  col('dst_mean_packet_size', true, 'dMeanPktSz'),
  col('src_max_packet_size', true, 'sMaxPktSz'),
  col('dst_max_packet_size', true, 'dMaxPktSz'),
  col('src_min_packet_size', true, 'sMinPktSz'),
  col('dst_min_packet_size', true, 'dMinPktSz'),
];

/** Categorical columns besides protocol and service, in schema order. */
const CATEGORICAL: readonly { label: string; feature: string }[] = [
  { label: 'State', feature: 'state' },
  { label: 'Dir', feature: 'direction' },
];

const REQUIRED = ['Proto', 'SrcAddr', 'Sport', 'DstAddr', 'Dport', 'TotPkts', 'TotBytes'];

const HINT = 'Export with ra -n -u -c , (numeric ports and protocols, Unix times) and a header line.';

// One frozen schema per set of columns, so that batches read with the same -s list share it.
const schemas = new Map<string, InputSchema>();

function argusSchema(numeric: readonly ArgusColumn[], categorical: readonly string[]): InputSchema {
  const features: FeatureSpec[] = [
    ...numeric.map((c): FeatureSpec => (c.log ? { name: c.feature, kind: 'numeric', log: true } : { name: c.feature, kind: 'numeric' })),
    { name: 'protocol', kind: 'categorical' },
    { name: 'service', kind: 'categorical' },
    ...categorical.map((name): FeatureSpec => ({ name, kind: 'categorical' })),
  ];
  const key = features.map((f) => f.name).join(',');
  let s = schemas.get(key);
  if (!s) {
    s = Object.freeze({ name: 'argus', features: Object.freeze(features.map((f) => Object.freeze(f))) });
    schemas.set(key, s);
  }
  return s;
}

export function detectArgus(header: string[], source?: string): FlowCsvLayout | null {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const compacted = names.map(compactName);
  // ra's address labels are distinctive; nothing else writes SrcAddr and DstAddr.
  if (!compacted.includes('srcaddr') || !compacted.includes('dstaddr')) return null;
  const missing = REQUIRED.filter((r) => !compacted.includes(compactName(r)));
  if (missing.length > 0) {
    throw new InputError(
      `this looks like an Argus (ra) export, but the header row lacks ${listNames(missing)}`,
      { source, line: 1, hint: `ra must print at least ${REQUIRED.join(', ')} (ra -s ...).` },
    );
  }
  const at = (label: string): number => compacted.indexOf(compactName(label));
  const numeric = NUMERIC.filter((c) => findColumn(compacted, ...c.labels.map(compactName)) >= 0);
  const categorical = CATEGORICAL.filter((c) => at(c.label) >= 0);
  const schema = argusSchema(numeric, categorical.map((c) => c.feature));

  const counts = emptyCounts();
  const ctx: FieldContext = { header: names, hint: HINT, counts };
  const plan = {
    columns: Int32Array.from(numeric, (c) => findColumn(compacted, ...c.labels.map(compactName))),
    missing: new Uint8Array(numeric.length).fill(Missing.BlankAsZero),
  };
  const proto = at('Proto');
  const srcAddr = at('SrcAddr');
  const srcPort = at('Sport');
  const dstAddr = at('DstAddr');
  const dstPort = at('Dport');
  const startTime = at('StartTime');
  const durationFeature = numeric.findIndex((c) => c.feature === 'duration');
  const extraColumns = Int32Array.from(categorical, (c) => at(c.label));

  return {
    format: 'argus',
    schema,
    columnCount: names.length,
    hasLabel: false,
    header: names,
    counts,
    write(fields, line, out, src = source) {
      checkColumnCount(ctx, fields, line, src);
      const protocolText = fields[proto];
      if (protocolText === 'man') {
        counts.skipped++;
        return false;
      }
      if (protocolText === '') fieldError(ctx, `expected a protocol for ${names[proto]}, got an empty field`, proto, line, src);
      const protocol = protocolName(protocolText);
      let origPort = readPort(ctx, fields, srcPort, line, src);
      let respPort = readPort(ctx, fields, dstPort, line, src);
      if (isIcmp(protocol) && origPort >= 0) {
        // ra puts ICMP type and code in Sport (0x0303: code 3, type 3; 0x0008: echo
        // request) and the echo id in Dport; identity follows Zeek: type, code.
        const typeCode = origPort;
        origPort = typeCode & 0xff;
        respPort = typeCode >> 8;
      }
      readNumericPlan(plan, ctx, fields, line, out, src);
      const start = startTime >= 0 ? argusTime(ctx, fields, startTime, line, src) : NaN;
      // Nothing is pushed before every field has been checked.
      out.categorical[0].push(protocol);
      out.categorical[1].push(serviceOf(protocol, respPort, origPort));
      for (let c = 0; c < extraColumns.length; c++) out.categorical[2 + c].push(fields[extraColumns[c]]);
      const duration = durationFeature >= 0 ? out.numeric[out.offset + durationFeature] : NaN;
      pushIdentity(out.identity, start, duration, protocol, fields[srcAddr], origPort, fields[dstAddr], respPort);
      return true;
    },
  };
}

function argusTime(ctx: FieldContext, fields: string[], col: number, line: number, source: string | undefined): number {
  const text = fields[col];
  const t = parseFlowTime(text);
  if (t === t) return t;
  if (isTimeOfDay(text)) {
    ctx.counts.undated++;
    return NaN;
  }
  return fieldError(
    ctx,
    `expected a time for ${ctx.header[col]} (Unix seconds with ra -u, or a date and time), got ${text === '' ? 'an empty field' : JSON.stringify(text.slice(0, 40))}`,
    col, line, source,
  );
}
