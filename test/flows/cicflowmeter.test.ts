import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { numericNames } from '../../src/data/input-schema.ts';
import { CICFLOWMETER_SCHEMA, CICFLOWMETER_STATS_SCHEMA, normalizeCicLabel } from '../../src/flows/cicflowmeter.ts';
import { detectFlowCsv } from '../../src/flows/flow-csv.ts';
import { categoricalValue, numericValue, readFlowCsv } from '../fixtures/flows/read-flow-csv.ts';

// CIC-IDS2017 (CICFlowMeter-V3) names as in its TrafficLabelling CSVs: leading spaces,
// "Fwd Header Length" twice. The MachineLearningCVE files start at Destination Port.
const CIC2017_IDS = ['Flow ID', ' Source IP', ' Source Port', ' Destination IP'];
const CIC2017_STATS = (
  ' Destination Port, Protocol, Timestamp, Flow Duration, Total Fwd Packets, Total Backward Packets,' +
  'Total Length of Fwd Packets, Total Length of Bwd Packets, Fwd Packet Length Max, Fwd Packet Length Min,' +
  ' Fwd Packet Length Mean, Fwd Packet Length Std,Bwd Packet Length Max, Bwd Packet Length Min,' +
  ' Bwd Packet Length Mean, Bwd Packet Length Std,Flow Bytes/s, Flow Packets/s, Flow IAT Mean, Flow IAT Std,' +
  ' Flow IAT Max, Flow IAT Min,Fwd IAT Total, Fwd IAT Mean, Fwd IAT Std, Fwd IAT Max, Fwd IAT Min,' +
  'Bwd IAT Total, Bwd IAT Mean, Bwd IAT Std, Bwd IAT Max, Bwd IAT Min,Fwd PSH Flags, Bwd PSH Flags,' +
  ' Fwd URG Flags, Bwd URG Flags, Fwd Header Length, Bwd Header Length,Fwd Packets/s, Bwd Packets/s,' +
  ' Min Packet Length, Max Packet Length, Packet Length Mean, Packet Length Std, Packet Length Variance,' +
  'FIN Flag Count, SYN Flag Count, RST Flag Count, PSH Flag Count, ACK Flag Count, URG Flag Count,' +
  ' CWE Flag Count, ECE Flag Count, Down/Up Ratio, Average Packet Size, Avg Fwd Segment Size,' +
  ' Avg Bwd Segment Size, Fwd Header Length,Fwd Avg Bytes/Bulk, Fwd Avg Packets/Bulk, Fwd Avg Bulk Rate,' +
  ' Bwd Avg Bytes/Bulk, Bwd Avg Packets/Bulk,Bwd Avg Bulk Rate,Subflow Fwd Packets, Subflow Fwd Bytes,' +
  ' Subflow Bwd Packets, Subflow Bwd Bytes,Init_Win_bytes_forward, Init_Win_bytes_backward,' +
  ' act_data_pkt_fwd, min_seg_size_forward,Active Mean, Active Std, Active Max, Active Min,' +
  'Idle Mean, Idle Std, Idle Max, Idle Min, Label'
).split(',');
const CIC2017 = [...CIC2017_IDS, ...CIC2017_STATS];

// The same columns under CICFlowMeter-4 / CIC-IDS2018 names (as in ../shared/data/cicflowmeter).
const CIC2018 = (
  'Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Tot Fwd Pkts,Tot Bwd Pkts,' +
  'TotLen Fwd Pkts,TotLen Bwd Pkts,Fwd Pkt Len Max,Fwd Pkt Len Min,Fwd Pkt Len Mean,Fwd Pkt Len Std,' +
  'Bwd Pkt Len Max,Bwd Pkt Len Min,Bwd Pkt Len Mean,Bwd Pkt Len Std,Flow Byts/s,Flow Pkts/s,Flow IAT Mean,' +
  'Flow IAT Std,Flow IAT Max,Flow IAT Min,Fwd IAT Tot,Fwd IAT Mean,Fwd IAT Std,Fwd IAT Max,Fwd IAT Min,' +
  'Bwd IAT Tot,Bwd IAT Mean,Bwd IAT Std,Bwd IAT Max,Bwd IAT Min,Fwd PSH Flags,Bwd PSH Flags,Fwd URG Flags,' +
  'Bwd URG Flags,Fwd Header Len,Bwd Header Len,Fwd Pkts/s,Bwd Pkts/s,Pkt Len Min,Pkt Len Max,Pkt Len Mean,' +
  'Pkt Len Std,Pkt Len Var,FIN Flag Cnt,SYN Flag Cnt,RST Flag Cnt,PSH Flag Cnt,ACK Flag Cnt,URG Flag Cnt,' +
  'CWE Flag Count,ECE Flag Cnt,Down/Up Ratio,Pkt Size Avg,Fwd Seg Size Avg,Bwd Seg Size Avg,Fwd Byts/b Avg,' +
  'Fwd Pkts/b Avg,Fwd Blk Rate Avg,Bwd Byts/b Avg,Bwd Pkts/b Avg,Bwd Blk Rate Avg,Subflow Fwd Pkts,' +
  'Subflow Fwd Byts,Subflow Bwd Pkts,Subflow Bwd Byts,Init Fwd Win Byts,Init Bwd Win Byts,Fwd Act Data Pkts,' +
  'Fwd Seg Size Min,Active Mean,Active Std,Active Max,Active Min,Idle Mean,Idle Std,Idle Max,Idle Min,Label'
).split(',');

/** One row for `header`: every statistic numbered distinctly, overridden by `values` (trimmed names). */
function row(header: string[], values: Record<string, string>): string {
  let n = 0;
  return header.map((h) => {
    const name = h.trim();
    if (name in values) return values[name];
    n++;
    return String(n * 3);
  }).join(',');
}

const csv = (header: string[], ...rows: string[]): string => [header.join(','), ...rows].join('\n') + '\n';

const ID_2017 = { 'Flow ID': '192.168.10.5-104.16.207.165-54865-443-6', 'Source IP': '192.168.10.5', 'Source Port': '54865', 'Destination IP': '104.16.207.165', 'Destination Port': '443', Protocol: '6' };
const ID_2018 = { 'Flow ID': '192.168.10.5-104.16.207.165-54865-443-6', 'Src IP': '192.168.10.5', 'Src Port': '54865', 'Dst IP': '104.16.207.165', 'Dst Port': '443', Protocol: '6' };

describe('CICFlowMeter: CIC-IDS2017 naming', () => {
  const text = csv(
    CIC2017,
    row(CIC2017, { ...ID_2017, Timestamp: '7/7/2017 8:59', 'Flow Duration': '4', 'Flow Bytes/s': 'Infinity', 'Flow Packets/s': 'NaN', Label: 'BENIGN' }),
    row(CIC2017, { ...ID_2017, Protocol: '17', 'Destination Port': '53', Timestamp: '4/7/2017 1:05:09', 'Flow Bytes/s': '', 'Init_Win_bytes_forward': '-1', Label: 'DoS Hulk' }),
    row(CIC2017, { ...ID_2017, Protocol: '1', 'Destination Port': '0', 'Source Port': '0', Timestamp: '7/7/2017 8:59:59', Label: 'Benign' }),
  );
  const rows = readFlowCsv(text, 'wednesday.csv');

  it('is recognised by its header and reads every row', () => {
    expect(rows.layout.format).toBe('cicflowmeter');
    expect(rows.layout.schema).toBe(CICFLOWMETER_SCHEMA);
    expect(rows.layout.hasLabel).toBe(true);
    expect(rows.layout.columnCount).toBe(85);
    expect(rows.count).toBe(3);
    expect(rows.lines).toEqual([2, 3, 4]);
  });

  it('reads Infinity, NaN and empty rates as 0 and counts them', () => {
    expect(numericValue(rows, 0, 'flow_bytes_per_s')).toBe(0);
    expect(numericValue(rows, 0, 'flow_packets_per_s')).toBe(0);
    expect(numericValue(rows, 1, 'flow_bytes_per_s')).toBe(0);
    expect(numericValue(rows, 2, 'flow_bytes_per_s')).toBeGreaterThan(0);
    expect(rows.layout.counts.nonFinite).toBe(3);
    expect(rows.numeric.every(Number.isFinite)).toBe(true);
  });

  it('normalises labels: BENIGN and Benign are normal, attacks lower-cased', () => {
    expect(rows.labels).toEqual(['normal', 'dos hulk', 'normal']);
  });

  it('keeps negative window sizes and derives protocol and service', () => {
    expect(numericValue(rows, 1, 'fwd_init_window_bytes')).toBe(-1);
    expect([0, 1, 2].map((i) => categoricalValue(rows, i, 'protocol'))).toEqual(['tcp', 'udp', 'icmp']);
    expect([0, 1, 2].map((i) => categoricalValue(rows, i, 'service'))).toEqual(['http_443', 'domain_u', 'oth_i']);
  });

  it('parses the identity: addresses, ports, day-first times, duration in seconds', () => {
    expect(rows.identity.src).toEqual(['192.168.10.5', '192.168.10.5', '192.168.10.5']);
    expect(rows.identity.dst[0]).toBe('104.16.207.165');
    expect(rows.identity.srcPort).toEqual([54865, 54865, 0]);
    expect(rows.identity.dstPort).toEqual([443, 53, 0]);
    expect(rows.identity.protocol).toEqual(['tcp', 'udp', 'icmp']);
    expect(rows.identity.start).toEqual([
      Date.UTC(2017, 6, 7, 8, 59) / 1000,
      Date.UTC(2017, 6, 4, 1, 5, 9) / 1000,
      Date.UTC(2017, 6, 7, 8, 59, 59) / 1000,
    ]);
    expect(rows.identity.duration[0]).toBe(4e-6);
  });

  it('drops the constant and duplicated columns', () => {
    const names = numericNames(rows.layout.schema);
    expect(names).not.toContain('bwd_psh_flags');
    expect(names.some((n) => n.startsWith('fwd_bytes_per_bulk') || n.includes('fwd_bulk'))).toBe(false);
    expect(names.filter((n) => n === 'fwd_header_bytes')).toHaveLength(1);
    // 85 columns: 7 identifiers, the label and 6 dropped columns leave 71 statistics.
    expect(names).toHaveLength(71);
  });

  it('reads the same statistics under CIC-IDS2018 names into the same features', () => {
    // Build the 2018 row from the 2017 row's values, column by column (both lists are in the same order,
    // except that 2018 has no second Fwd Header Length).
    const values2017 = text.split('\n')[1].split(',');
    const at2017 = CIC2017.map((h) => h.trim());
    const secondFwdHeader = at2017.lastIndexOf('Fwd Header Length');
    const kept = values2017.filter((_, i) => i !== secondFwdHeader);
    expect(kept).toHaveLength(CIC2018.length);
    const other = readFlowCsv(csv(CIC2018, kept.join(',')));
    expect(other.layout.schema).toBe(rows.layout.schema);
    expect(Array.from(other.numeric)).toEqual(Array.from(rows.numeric.subarray(0, rows.width)));
    expect(other.categorical.map((c) => c[0])).toEqual(rows.categorical.map((c) => c[0]));
    expect(other.identity.start[0]).toBe(rows.identity.start[0]);
  });

  it('reads pandas re-exports ("Fwd Header Length.1", no leading spaces)', () => {
    const header = CIC2017.map((h) => h.trim());
    header[header.lastIndexOf('Fwd Header Length')] = 'Fwd Header Length.1';
    const again = readFlowCsv(csv(header, text.split('\n')[1]));
    expect(Array.from(again.numeric)).toEqual(Array.from(rows.numeric.subarray(0, rows.width)));
  });

  it('skips the rows of nothing but commas that some CIC-IDS2017 files contain', () => {
    const empty = CIC2017.map(() => '').join(',');
    const again = readFlowCsv(csv(CIC2017, empty, text.split('\n')[1], empty));
    expect(again.count).toBe(1);
    expect(again.lines).toEqual([3]);
    expect(again.layout.counts.skipped).toBe(2);
  });

  it('reads MachineLearningCVE files (no identifiers, no protocol) with the statistics schema', () => {
    const header = CIC2017_STATS.filter((h) => !['Protocol', 'Timestamp'].includes(h.trim()));
    const stats = readFlowCsv(csv(header, row(header, { 'Destination Port': '80', Label: 'PortScan' })));
    expect(stats.layout.schema).toBe(CICFLOWMETER_STATS_SCHEMA);
    expect(numericNames(stats.layout.schema)).toEqual(numericNames(CICFLOWMETER_SCHEMA));
    expect(stats.categorical).toEqual([]);
    expect(stats.identity.dstPort).toEqual([80]);
    expect(stats.identity.protocol).toEqual(['']);
    expect(stats.identity.start[0]).toBeNaN();
    expect(stats.labels).toEqual(['portscan']);
  });
});

describe('CICFlowMeter: errors name the place', () => {
  const good = row(CIC2018, { ...ID_2018, Timestamp: '13/05/2024 12:34:07 PM', Label: 'Benign' });
  const caught = (text: string): InputError => {
    try {
      readFlowCsv(text, 'flows.csv');
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    }
    throw new Error('expected an InputError');
  };

  it('a word in Flow Duration: line, column and header name', () => {
    const e = caught(csv(CIC2018, good, row(CIC2018, { ...ID_2018, Timestamp: '13/05/2024 12:34:08 PM', 'Flow Duration': 'abc', Label: 'Benign' })));
    expect(e.problem).toBe('expected a number for Flow Duration, got "abc"');
    expect(e.line).toBe(3);
    expect(e.column).toBe(8);
    expect(e.message.startsWith('flows.csv:3:8: expected a number for Flow Duration, got "abc". ')).toBe(true);
  });

  it('Infinity outside a rate column is an error', () => {
    const e = caught(csv(CIC2018, row(CIC2018, { ...ID_2018, Timestamp: '13/05/2024 12:34:07 PM', 'Flow IAT Mean': 'Infinity', Label: 'Benign' })));
    expect(e.problem).toBe('expected a number for Flow IAT Mean, got "Infinity"');
    expect([e.line, e.column]).toEqual([2, CIC2018.indexOf('Flow IAT Mean') + 1]);
  });

  it('the 2017 header names its columns as written (trimmed) in messages', () => {
    const e = caught(csv(CIC2017, row(CIC2017, { ...ID_2017, Timestamp: '7/7/2017 8:59', 'Total Fwd Packets': '1,5', Label: 'BENIGN' })));
    // "1,5" splits into two fields, so the row is one field too long.
    expect(e.problem).toBe('expected 85 columns as in the header row, found 86');
    expect(e.line).toBe(2);
  });

  it('an unparseable timestamp', () => {
    const e = caught(csv(CIC2018, row(CIC2018, { ...ID_2018, Timestamp: '31/02/2024 10:00:00 AM', Label: 'Benign' })));
    expect(e.problem).toMatch(/^expected a date and time such as .* for Timestamp, got "31\/02\/2024 10:00:00 AM"$/);
    expect([e.line, e.column]).toEqual([2, 7]);
  });

  it('a bad port and an empty label', () => {
    const port = caught(csv(CIC2018, row(CIC2018, { ...ID_2018, 'Dst Port': '70000', Timestamp: '13/05/2024 12:34:07 PM', Label: 'Benign' })));
    expect(port.problem).toBe('expected a port number for Dst Port, got "70000"');
    expect(port.column).toBe(5);
    const label = caught(csv(CIC2018, row(CIC2018, { ...ID_2018, Timestamp: '13/05/2024 12:34:07 PM', Label: '' })));
    expect(label.column).toBe(84);
  });

  it('a header missing statistics is reported on line 1 with the missing names', () => {
    const header = CIC2018.filter((h) => h !== 'Flow IAT Std' && h !== 'Idle Max');
    const e = caught(csv(header));
    expect(e.line).toBe(1);
    expect(e.problem).toContain('lacks 2 columns: Flow IAT Std, Idle Max');
  });

  it('a header that is not CICFlowMeter is not claimed', () => {
    expect(detectFlowCsv(['duration', 'protocol_type', 'service', 'flag', 'src_bytes', 'label'])).toBeNull();
    expect(detectFlowCsv(['0', 'tcp', 'http', 'SF', '181', '5450'])).toBeNull();
  });
});

describe('normalizeCicLabel', () => {
  it('maps benign to normal and No Label to null', () => {
    expect(normalizeCicLabel(' BENIGN ')).toBe('normal');
    expect(normalizeCicLabel('Benign')).toBe('normal');
    expect(normalizeCicLabel('No Label')).toBeNull();
    expect(normalizeCicLabel('DDoS attacks-LOIC-HTTP')).toBe('ddos attacks-loic-http');
  });
});

const cicDir = resolve(process.cwd(), process.env.ANOMALYZE_CIC_DIR ?? '../shared/data/cicflowmeter');
const realFiles = [['DoSAttack.csv', 242], ['MitMAttack.csv', 5]] as const;
const present = realFiles.every(([f]) => existsSync(resolve(cicDir, f)));
if (!present) console.warn(`[test/flows] skipping real CICFlowMeter exports: not found in ${cicDir} (set ANOMALYZE_CIC_DIR)`);

describe.skipIf(!present)('CICFlowMeter: real exports', () => {
  for (const [file, expected] of realFiles) {
    it(`reads ${file}: ${expected} rows, identity parsed, unlabelled`, () => {
      const text = readFileSync(resolve(cicDir, file), 'utf8');
      const rows = readFlowCsv(text, file);
      expect(rows.layout.format).toBe('cicflowmeter');
      expect(rows.layout.schema).toBe(CICFLOWMETER_SCHEMA);
      expect(rows.count).toBe(expected);
      expect(rows.numeric.every(Number.isFinite)).toBe(true);
      // Every row says "No Label".
      expect(rows.labels.every((l) => l === null)).toBe(true);
      expect(rows.layout.counts.unlabeled).toBe(expected);
      // Identity matches the raw fields of each line.
      const lines = text.trim().split('\n').slice(1).map((l) => l.split(','));
      expect(rows.identity.src).toEqual(lines.map((f) => f[1]));
      expect(rows.identity.dst).toEqual(lines.map((f) => f[3]));
      expect(rows.identity.srcPort).toEqual(lines.map((f) => Number(f[2])));
      expect(rows.identity.dstPort).toEqual(lines.map((f) => Number(f[4])));
      expect(rows.identity.duration).toEqual(lines.map((f) => Number(f[7]) / 1e6));
      expect(rows.identity.start.every(Number.isFinite)).toBe(true);
      // Their Protocol column is 0 (HOPOPT): kept as the number, service 'other'.
      expect(new Set(rows.categorical[0])).toEqual(new Set(lines.map((f) => f[5])));
      expect(new Set(rows.categorical[1])).toEqual(new Set(['other']));
    });
  }

  it('parses "13/05/2024 12:34:07 PM" (dd/MM/yyyy hh:mm:ss a) in DoSAttack.csv', () => {
    const rows = readFlowCsv(readFileSync(resolve(cicDir, 'DoSAttack.csv'), 'utf8'));
    expect(rows.identity.start[0]).toBe(Date.UTC(2024, 4, 13, 12, 34, 7) / 1000);
    expect(rows.identity.start[4]).toBe(Date.UTC(2024, 4, 13, 13, 1, 37) / 1000); // 01:01:37 PM
  });
});
