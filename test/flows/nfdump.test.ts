import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { NFDUMP_SCHEMA } from '../../src/flows/nfdump.ts';
import { parseFlowTime } from '../../src/flows/timestamps.ts';
import { categoricalValue, numericValue, parseCsv, readFlowCsv } from '../fixtures/flows/read-flow-csv.ts';

// Real `nfdump -R dir -o csv` (Debian's nfdump 1.7.1) of our own loopback traffic (scripts/flow-fixtures.sh).
const text = readFileSync(resolve(import.meta.dirname, '../fixtures/flows/nfdump.csv'), 'utf8');
const records = parseCsv(text).map((r) => r.fields);
const header = records[0];
const summaryAt = records.findIndex((f) => f[0] === 'Summary');
const flows = records.slice(1, summaryAt).map((f) => Object.fromEntries(header.map((h, i) => [h, f[i]])));

describe('nfdump: real CSV export', () => {
  const rows = readFlowCsv(text, 'nfdump.csv');

  it('reads the flows and skips the summary trailer', () => {
    expect(summaryAt).toBeGreaterThan(1);
    expect(rows.layout.format).toBe('nfdump');
    expect(rows.layout.schema).toBe(NFDUMP_SCHEMA);
    expect(rows.count).toBe(flows.length);
    expect(rows.layout.counts.skipped).toBe(records.length - summaryAt); // Summary, its header, its totals
  });

  it('copies counters, identity and times', () => {
    flows.forEach((f, i) => {
      expect(numericValue(rows, i, 'duration')).toBe(Number(f.td));
      expect(numericValue(rows, i, 'in_bytes')).toBe(Number(f.ibyt));
      expect(numericValue(rows, i, 'in_packets')).toBe(Number(f.ipkt));
      expect(rows.identity.src[i]).toBe(f.sa);
      expect(rows.identity.dst[i]).toBe(f.da);
      expect(rows.identity.protocol[i]).toBe(f.pr.toLowerCase());
      expect(rows.identity.start[i]).toBe(parseFlowTime(f.ts));
      expect(Number.isFinite(rows.identity.start[i])).toBe(true);
    });
  });

  it('turns the flags string into 0/1 features', () => {
    const i = flows.findIndex((f) => f.flg === '...AP.SF');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(['tcp_fin', 'tcp_syn', 'tcp_rst', 'tcp_psh', 'tcp_ack', 'tcp_urg'].map((n) => numericValue(rows, i, n))).toEqual([1, 1, 0, 1, 1, 0]);
    const r = flows.findIndex((f) => f.flg === '...A.R..');
    expect(['tcp_fin', 'tcp_syn', 'tcp_rst', 'tcp_psh', 'tcp_ack', 'tcp_urg'].map((n) => numericValue(rows, r, n))).toEqual([0, 0, 1, 0, 1, 0]);
  });

  it('decodes ICMP type and code from dp and names services', () => {
    flows.forEach((f, i) => {
      if (f.pr !== 'ICMP') return;
      const dp = Number(f.dp);
      expect([rows.identity.srcPort[i], rows.identity.dstPort[i]]).toEqual([dp >> 8, dp & 0xff]);
      const expected = { 0: 'ecr_i', 8: 'eco_i', 3: 'urp_i' }[dp >> 8];
      expect(categoricalValue(rows, i, 'service')).toBe(expected);
    });
    const http = flows.findIndex((f) => f.dp === '8000');
    expect(categoricalValue(rows, http, 'service')).toBe('other');
    const dns = flows.findIndex((f) => f.dp === '53' && f.pr === 'UDP');
    expect(categoricalValue(rows, dns, 'service')).toBe('domain_u');
  });
});

describe('nfdump: other shapes and errors', () => {
  const head = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt';
  const caught = (t: string): InputError => {
    try {
      readFlowCsv(t, 'nf.csv');
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    }
    throw new Error('expected an InputError');
  };

  it('reads nfdump 1.6 six-letter flags, protocol numbers, milliseconds, and a blank line before the summary', () => {
    const rows = readFlowCsv(
      `${head}\n2019-03-13 10:00:01.250,2019-03-13 10:00:03.250,2.000,10.0.0.1,10.0.0.2,40000,22,6,.AP.SF,0,0,12,3000,10,2000\n\nSummary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,5000,22,20000,11,227\n`,
    );
    expect(rows.count).toBe(1);
    expect(rows.categorical).toEqual([['tcp'], ['ssh']]);
    expect(rows.identity.start[0]).toBe(Date.UTC(2019, 2, 13, 10, 0, 1) / 1000 + 0.25);
    expect(Array.from(rows.numeric)).toEqual([2, 12, 3000, 10, 2000, 1, 1, 0, 1, 1, 0]);
  });

  it('reads ICMPv6 with the ICMPv4 service of the same meaning', () => {
    const rows = readFlowCsv(`${head}\n2019-03-13 10:00:01,2019-03-13 10:00:01,0.000,fe80::1,fe80::2,0,32768,ICMP6,........,0,0,1,104,0,0\n`);
    expect(rows.categorical).toEqual([['icmp6'], ['eco_i']]);
    expect([rows.identity.srcPort[0], rows.identity.dstPort[0]]).toEqual([128, 0]);
  });

  it('bad flags, counters and times name their column', () => {
    const flags = caught(`${head}\n2019-03-13 10:00:01,2019-03-13 10:00:01,0.000,10.0.0.1,10.0.0.2,1,2,TCP,SYN,0,0,1,40,0,0\n`);
    expect(flags.problem).toBe('expected TCP flags such as ".AP.SF" or "...AP.SF" for flg, got "SYN"');
    expect([flags.line, flags.column]).toEqual([2, 9]);
    const bytes = caught(`${head}\n2019-03-13 10:00:01,2019-03-13 10:00:01,0.000,10.0.0.1,10.0.0.2,1,2,TCP,......S.,0,0,1,1.2 K,0,0\n`);
    expect(bytes.problem).toBe('expected a number for ibyt, got "1.2 K"');
    expect(bytes.column).toBe(13);
    const time = caught(`${head}\n13 Mar 2019,2019-03-13 10:00:01,0.000,10.0.0.1,10.0.0.2,1,2,TCP,......S.,0,0,1,40,0,0\n`);
    expect([time.line, time.column]).toEqual([2, 1]);
  });

  it('a header with nfdump names but without counters', () => {
    const e = caught('ts,te,td,sa,da,sp,dp,pr,flg\n');
    expect(e.line).toBe(1);
    expect(e.problem).toContain('lacks ipkt, ibyt, opkt, obyt');
  });
});
