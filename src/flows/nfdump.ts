// nfdump's CSV output (`nfdump -r … -o csv`, the "legacy" CSV of nfdump 1.6 and
// 1.7.1 as in Debian 12): a header
//   ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,…
// one line per flow, and unless -q was given a trailer that is not flows:
//   Summary
//   flows,bytes,packets,avg_bps,avg_pps,avg_bpp
//   20,3919,54,47719,82,72
// Everything from the "Summary" line on is skipped (and counted).
//
// Flows are unidirectional when nfpcapd or most NetFlow exporters made them (opkt
// and obyt 0). ICMP has sp 0 and dp = type × 256 + code; identity follows Zeek
// (srcPort = type, dstPort = code). Times are local time of the nfdump host, read
// as UTC (see timestamps.ts).

import { pushIdentity } from '../data/identity.ts';
import type { FeatureSpec, InputSchema } from '../data/input-schema.ts';
import { InputError, listNames } from '../data/errors.ts';
import {
  checkColumnCount, compactName, emptyCounts, fieldError, isIcmp, Missing, protocolName, readNumericPlan, readPort,
  serviceOf, type FieldContext, type FlowCsvLayout,
} from './flow-csv.ts';
import { parseFlowTime } from './timestamps.ts';

/** Numeric columns read as they are: [nfdump name, feature]. td is seconds. */
const COUNTERS: readonly [string, string][] = [
  ['td', 'duration'],
  ['ipkt', 'in_packets'],
  ['ibyt', 'in_bytes'],
  ['opkt', 'out_packets'],
  ['obyt', 'out_bytes'],
];

/** TCP flags from flg, each a 0/1 feature: 8 characters "CEUAPRSF" or 6 "UAPRSF", '.' for unset. */
const FLAGS: readonly [string, string][] = [
  ['F', 'tcp_fin'],
  ['S', 'tcp_syn'],
  ['R', 'tcp_rst'],
  ['P', 'tcp_psh'],
  ['A', 'tcp_ack'],
  ['U', 'tcp_urg'],
];

export const NFDUMP_SCHEMA: InputSchema = Object.freeze({
  name: 'nfdump',
  features: Object.freeze([
    ...COUNTERS.map(([, name]): FeatureSpec => ({ name, kind: 'numeric', log: true })),
    ...FLAGS.map(([, name]): FeatureSpec => ({ name, kind: 'numeric' })),
    { name: 'protocol', kind: 'categorical' } as FeatureSpec,
    { name: 'service', kind: 'categorical' } as FeatureSpec,
  ].map((f) => Object.freeze(f))),
});

const REQUIRED = ['ts', 'td', 'sa', 'da', 'sp', 'dp', 'pr', 'flg', 'ipkt', 'ibyt', 'opkt', 'obyt'];

const HINT = 'Check that the file is nfdump -o csv output (nfdump 1.6 or 1.7 legacy CSV).';

export function detectNfdump(header: string[], source?: string): FlowCsvLayout | null {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const compacted = names.map(compactName);
  // Its two-letter names are distinctive only together.
  if (!['ts', 'te', 'sa', 'da', 'sp', 'dp', 'pr'].every((n) => compacted.includes(n))) return null;
  const missing = REQUIRED.filter((r) => !compacted.includes(r));
  if (missing.length > 0) {
    throw new InputError(`this looks like nfdump CSV, but the header row lacks ${listNames(missing)}`, { source, line: 1, hint: HINT });
  }
  const at = (name: string): number => compacted.indexOf(name);
  const counts = emptyCounts();
  const ctx: FieldContext = { header: names, hint: HINT, counts };
  const plan = {
    columns: Int32Array.from(COUNTERS, ([name]) => at(name)),
    missing: new Uint8Array(COUNTERS.length).fill(Missing.Reject),
  };
  const flagBase = COUNTERS.length;
  const ts = at('ts'), sa = at('sa'), da = at('da'), sp = at('sp'), dp = at('dp'), pr = at('pr'), flg = at('flg');
  let inSummary = false;

  return {
    format: 'nfdump',
    schema: NFDUMP_SCHEMA,
    columnCount: names.length,
    hasLabel: false,
    header: names,
    counts,
    write(fields, line, out, src = source) {
      if (inSummary || fields[0] === 'Summary') {
        inSummary = true;
        counts.skipped++;
        return false;
      }
      checkColumnCount(ctx, fields, line, src);
      readNumericPlan(plan, ctx, fields, line, out, src);
      const flags = fields[flg];
      if (!/^[.A-Z]{6}$|^[.A-Z]{8}$/.test(flags)) {
        fieldError(ctx, `expected TCP flags such as ".AP.SF" or "...AP.SF" for ${names[flg]}, got ${JSON.stringify(flags.slice(0, 40))}`, flg, line, src);
      }
      for (let f = 0; f < FLAGS.length; f++) out.numeric[out.offset + flagBase + f] = flags.includes(FLAGS[f][0]) ? 1 : 0;

      if (fields[pr] === '') fieldError(ctx, `expected a protocol for ${names[pr]}, got an empty field`, pr, line, src);
      const protocol = protocolName(fields[pr]);
      let origPort = readPort(ctx, fields, sp, line, src);
      let respPort = readPort(ctx, fields, dp, line, src);
      if (isIcmp(protocol)) {
        origPort = respPort >> 8; // type
        respPort &= 0xff; // code
      }
      const start = parseFlowTime(fields[ts]);
      if (start !== start) {
        fieldError(ctx, `expected a date and time such as "2026-12-03 00:22:11" for ${names[ts]}, got ${JSON.stringify(fields[ts].slice(0, 40))}`, ts, line, src);
      }
      // Nothing is pushed before every field has been checked.
      out.categorical[0].push(protocol);
      out.categorical[1].push(serviceOf(protocol, respPort, origPort));
      pushIdentity(out.identity, start, out.numeric[out.offset], protocol, fields[sa], origPort, fields[da], respPort);
      return true;
    },
  };
}
