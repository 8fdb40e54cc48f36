// Valid inputs of every kind the reader takes, small enough to mutate thousands of
// times: synthetic KDD CSV (three layouts), CICFlowMeter 2017/2018 exports built from
// their headers, the Argus/nfdump/Zeek fixtures, pcap/pcapng captures from the test
// writer, and gzip of some of them.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import {
  ACK, FIN, PSH, RST, SYN, URG, ether, fragmentHeader, icmp, ipv4, ipv6, nullLink, pcapFile, pcapngFile, sll, sll2, tcp, tcpPacket, udp, type Packet,
} from '../capture/pcap-writer.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const enc = new TextEncoder();
const fixture = (p: string) => new Uint8Array(readFileSync(resolve(ROOT, 'test/fixtures', p)));

export interface Sample {
  name: string;
  kind: 'kdd' | 'flow' | 'zeek' | 'capture';
  bytes: Uint8Array;
  /** Offsets where structure changes (record starts), for boundary truncation; lines for text. */
  boundaries?: (b: Uint8Array) => number[];
}

// ---- KDD CSV

const kddHeader = [...FEATURE_NAMES, 'label', 'difficulty'].join(',');

// ---- CICFlowMeter

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

const CIC2017 = (
  'Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow Duration, Total Fwd Packets, Total Backward Packets,' +
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

function cicRows(header: string[], n: number, ids: (i: number) => Record<string, string>): string {
  const rows = [header.join(',')];
  for (let i = 0; i < n; i++) {
    const values = ids(i);
    let k = 0;
    rows.push(header.map((h) => {
      const name = h.trim();
      if (name in values) return values[name];
      k++;
      return String((k * 3 + i * 7) % 1000);
    }).join(','));
  }
  return rows.join('\n') + '\n';
}

/** A CICFlowMeter-4 (CIC-IDS2018 naming) export of n labelled flows. */
export const cic2018Csv = (n: number): string => cicRows(CIC2018, n, (i) => ({
  'Flow ID': `10.0.0.${i}-10.0.1.1-${40000 + i}-443-6`, 'Src IP': `10.0.0.${i}`, 'Src Port': String(40000 + i),
  'Dst IP': '10.0.1.1', 'Dst Port': i % 3 ? '443' : '53', Protocol: i % 3 ? '6' : '17',
  Timestamp: `13/05/2024 ${String(1 + ((i / 60) | 0) % 12).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07 PM`, Label: i % 4 ? 'Benign' : 'DoS-Hulk',
}));
const cic2018 = cic2018Csv(12);

const cic2017 = cicRows(CIC2017, 10, (i) => ({
  'Flow ID': `192.168.10.${i}-104.16.207.165-${54865 + i}-443-6`, 'Source IP': `192.168.10.${i}`, 'Source Port': String(54865 + i),
  'Destination IP': '104.16.207.165', 'Destination Port': i % 2 ? '443' : '80', Protocol: i % 5 ? '6' : '1',
  Timestamp: `7/7/2017 8:${String(10 + i).padStart(2, '0')}`, 'Flow Bytes/s': i === 3 ? 'Infinity' : String(i * 100), Label: i % 3 ? 'BENIGN' : 'DDoS',
}));

// ---- captures

const T = 1_700_000_000;

function conversation(t: number, client: string, server: string, sport: number, dport: number, bytes: number): Packet[] {
  return [
    tcpPacket(t, client, server, sport, dport, SYN),
    tcpPacket(t + 0.01, server, client, dport, sport, SYN | ACK),
    tcpPacket(t + 0.02, client, server, sport, dport, ACK),
    tcpPacket(t + 0.03, client, server, sport, dport, PSH | ACK, bytes),
    tcpPacket(t + 0.04, server, client, dport, sport, PSH | ACK, bytes * 3),
    tcpPacket(t + 0.05, client, server, sport, dport, FIN | ACK),
    tcpPacket(t + 0.06, server, client, dport, sport, FIN | ACK),
    tcpPacket(t + 0.07, client, server, sport, dport, ACK),
  ];
}

function traffic(): Packet[] {
  const p: Packet[] = [];
  for (let i = 0; i < 4; i++) p.push(...conversation(T + i, '10.0.0.1', '10.0.0.2', 40000 + i, i % 2 ? 80 : 22, 100 + i));
  p.push(tcpPacket(T + 5, '10.0.0.9', '10.0.0.2', 50000, 23, SYN), tcpPacket(T + 5.01, '10.0.0.2', '10.0.0.9', 23, 50000, RST | ACK));
  p.push({ time: T + 6, data: ether(ipv4('10.0.0.1', '10.0.0.3', 17, udp(5353, 53, 30))) });
  p.push({ time: T + 6.01, data: ether(ipv4('10.0.0.3', '10.0.0.1', 17, udp(53, 5353, 90))) });
  p.push({ time: T + 7, data: ether(ipv4('10.0.0.1', '10.0.0.4', 1, icmp(8, 0, 7, 1, 56))) });
  p.push({ time: T + 7.001, data: ether(ipv4('10.0.0.4', '10.0.0.1', 1, icmp(0, 0, 7, 1, 56))) });
  p.push({ time: T + 8, data: ether(ipv6('2001:db8::1', '2001:db8::2', 6, tcp(5000, 443, SYN))) });
  p.push({ time: T + 8.1, data: ether(ipv4('10.0.0.1', '10.0.0.2', 6, tcp(40100, 80, SYN), { id: 9, moreFragments: true })) });
  return p;
}

/**
 * The decoder's harder paths, so that byte mutations land in them: IPv4 options and
 * fragments (in order, reversed, overlapping), IPv6 extension headers and fragments,
 * VLAN tags, ICMP errors quoting a header, URG data, a land packet, ARP, same-time
 * and out-of-order timestamps.
 */
function richTraffic(): Packet[] {
  const p: Packet[] = [];
  const e = (t: number, ip: Uint8Array, vlans: number[] = []) => p.push({ time: t, data: ether(ip, vlans) });
  const seg = tcp(41000, 80, PSH | ACK, 64);
  e(T, ipv4('10.1.0.1', '10.1.0.2', 6, tcp(41000, 80, SYN), { ihl: 7 }));
  e(T + 0.01, ipv4('10.1.0.2', '10.1.0.1', 6, tcp(80, 41000, SYN | ACK)), [100]);
  e(T + 0.02, ipv4('10.1.0.1', '10.1.0.2', 6, seg.subarray(0, 24), { id: 7, moreFragments: true }), [10, 200]);
  e(T + 0.02, ipv4('10.1.0.1', '10.1.0.2', 6, seg.subarray(24), { id: 7, fragOffset: 24 }));
  e(T + 0.03, ipv4('10.1.0.1', '10.1.0.2', 6, seg.subarray(16), { id: 8, fragOffset: 16 }));
  e(T + 0.025, ipv4('10.1.0.1', '10.1.0.2', 6, seg.subarray(0, 24), { id: 8, moreFragments: true }));
  e(T + 0.04, ipv4('10.1.0.1', '10.1.0.2', 6, tcp(41000, 80, URG | ACK | FIN, 10)));
  e(T + 0.05, ipv4('10.1.0.2', '10.1.0.1', 6, tcp(80, 41000, FIN | ACK)));
  e(T + 1, ipv4('10.1.0.3', '10.1.0.3', 6, tcp(139, 139, SYN)));
  e(T + 1.5, ipv4('10.1.0.9', '10.1.0.1', 1, icmp(3, 3, 0, 0, 28)));
  e(T + 1.6, ipv4('10.1.0.9', '10.1.0.1', 1, icmp(11, 0, 0, 0, 28)));
  const a = '2001:db8::1', b = '2001:db8::2';
  e(T + 2, ipv6(a, b, 6, tcp(5000, 22, SYN), [{ type: 0 }, { type: 60, body: new Uint8Array(14) }]));
  const udp6 = udp(5353, 53, 40);
  e(T + 2.1, ipv6(a, b, 17, udp6.subarray(0, 16), [{ type: 44, body: fragmentHeader(0, true, 99) }]));
  e(T + 2.2, ipv6(a, b, 17, udp6.subarray(16), [{ type: 44, body: fragmentHeader(16, false, 99) }]));
  e(T + 2.3, ipv6(b, a, 58, icmp(129, 0, 1, 1, 8)));
  p.push({ time: T + 2.4, data: ether(new Uint8Array(28), [], 0x0806) });
  e(T + 1.9, ipv4('10.1.0.4', '10.1.0.5', 17, udp(123, 123, 48)));
  e(T + 3, ipv4('10.1.0.4', '10.1.0.5', 47, new Uint8Array(20)));
  return p;
}

/** Record starts of a classic pcap (24-byte header, 16-byte record headers). */
export function pcapBoundaries(b: Uint8Array): number[] {
  const out = [0, 4, 8, 20, 24];
  if (b.length < 24) return out;
  const le = b[0] === 0xd4 || b[0] === 0x4d;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 24; o + 16 <= b.length && out.length < 400;) {
    out.push(o, o + 8, o + 16);
    const incl = dv.getUint32(o + 8, le);
    o += 16 + incl;
    if (incl > b.length) break;
  }
  out.push(b.length);
  return out;
}

/** Block starts of a pcapng file. */
export function pcapngBoundaries(b: Uint8Array): number[] {
  const out = [0, 4, 8, 12];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 12 <= b.length && out.length < 400;) {
    const total = dv.getUint32(o + 4, true);
    out.push(o, o + 4, o + 8, o + total - 4);
    if (total < 12 || total % 4) break;
    o += total;
  }
  out.push(b.length);
  return out;
}

const packets = traffic();
const pcapLe = pcapFile(packets);
const pcapBeNs = pcapFile(packets, { bigEndian: true, nanoseconds: true });
const raw = (p: Packet) => ({ time: p.time, data: p.data.subarray(14) });
const rich = richTraffic();
const rawRich = rich.filter((p) => p.data[12] === 0x08 && p.data[13] === 0x00).map((p) => ({ time: p.time, data: p.data.subarray(14) }));
const pcapng = pcapngFile([
  { interfaces: [{ linkType: 1 }, { linkType: 101, tsresol: 9 }], unknownBlocks: 1, packets: packets.slice(0, 12).map((p, i) => (i % 2 ? { ...raw(p), iface: 1 } : { ...p, iface: 0 })) },
  { bigEndian: true, interfaces: [{ linkType: 1, tsoffset: 100 }], packets: packets.slice(12).map((p, i) => ({ ...p, block: i % 3 === 0 ? 'spb' as const : 'epb' as const })) },
]);

// ---- the corpus

const kdd = (name: string, text: string): Sample => ({ name, kind: 'kdd', bytes: enc.encode(text) });

export const KDD_SAMPLES: Sample[] = [
  kdd('nsl-kdd.csv', generateTraffic({ rows: 40, seed: 3 })),
  kdd('kdd99.csv', generateTraffic({ rows: 30, seed: 4, format: 'kdd99' })),
  kdd('unlabeled.csv', generateTraffic({ rows: 25, seed: 5, labels: false })),
  kdd('header.csv', `${kddHeader}\n${generateTraffic({ rows: 25, seed: 6 })}`),
  kdd('crlf.csv', generateTraffic({ rows: 20, seed: 7 }).replace(/\n/g, '\r\n')),
];

export const FLOW_SAMPLES: Sample[] = [
  { name: 'cic2018.csv', kind: 'flow', bytes: enc.encode(cic2018) },
  { name: 'cic2017.csv', kind: 'flow', bytes: enc.encode(cic2017) },
  { name: 'argus.csv', kind: 'flow', bytes: fixture('flows/argus.csv') },
  { name: 'argus-names.csv', kind: 'flow', bytes: fixture('flows/argus-names.csv') },
  { name: 'nfdump.csv', kind: 'flow', bytes: fixture('flows/nfdump.csv') },
];

export const ZEEK_SAMPLES: Sample[] = ['conn.log', 'conn.json', 'conn-iso.json', 'conn-reordered.log', 'agreement-conn.log']
  .map((f) => ({ name: f, kind: 'zeek' as const, bytes: fixture(`zeek/${f}`) }));

export const CAPTURE_SAMPLES: Sample[] = [
  { name: 'le.pcap', kind: 'capture', bytes: pcapLe, boundaries: pcapBoundaries },
  { name: 'be-ns.pcap', kind: 'capture', bytes: pcapBeNs, boundaries: pcapBoundaries },
  { name: 'two-sections.pcapng', kind: 'capture', bytes: pcapng, boundaries: pcapngBoundaries },
  { name: 'rich.pcap', kind: 'capture', bytes: pcapFile(rich), boundaries: pcapBoundaries },
  { name: 'sll.pcap', kind: 'capture', bytes: pcapFile(rawRich.map((p) => ({ ...p, data: sll(p.data) })), { linkType: 113 }), boundaries: pcapBoundaries },
  { name: 'sll2-null.pcapng', kind: 'capture', bytes: pcapngFile([{ interfaces: [{ linkType: 276, tsresol: 0x86 }, { linkType: 0 }], packets: rawRich.map((p, i) => (i % 2 ? { ...p, data: nullLink(p.data), iface: 1 } : { ...p, data: sll2(p.data), iface: 0 })) }]), boundaries: pcapngBoundaries },
  { name: 'raw.pcap', kind: 'capture', bytes: pcapFile(rawRich, { linkType: 101, snaplen: 60 }), boundaries: pcapBoundaries },
];

export const GZIP_SAMPLES: Sample[] = [KDD_SAMPLES[0], FLOW_SAMPLES[0], ZEEK_SAMPLES[0], CAPTURE_SAMPLES[0]]
  .map((s) => ({ ...s, name: `${s.name}.gz`, bytes: new Uint8Array(gzipSync(s.bytes)) }));

export const ALL_SAMPLES: Sample[] = [...KDD_SAMPLES, ...FLOW_SAMPLES, ...ZEEK_SAMPLES, ...CAPTURE_SAMPLES, ...GZIP_SAMPLES];
