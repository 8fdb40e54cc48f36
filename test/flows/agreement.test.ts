// The same traffic through both header sources gives the same feature rows:
// a capture built here → pcap reader → ConnectionFeatures, and the conn.log
// Zeek would write for that capture → Zeek reader → ConnectionFeatures, agree
// on the 26 features both provide.
//
// Zeek cannot be installed here, so test/fixtures/zeek/agreement-conn.log was
// written by hand from Zeek's field semantics for exactly these packets:
// ts = first packet; duration = last − first packet, unset ('-') with the byte
// counts when it is zero (the lone SYNs); orig/resp_bytes = TCP payload by
// sequence numbers, UDP payload, ICMP body after its 8-byte header (56 for a
// default ping); *_ip_bytes = IP total lengths; conn_state SF for the closed
// sessions, S0 for an unanswered SYN, REJ for SYN → RST-ACK, SF for the
// answered DNS queries, OTH for ICMP; ICMP ports = type 8 / code 0; service '-'
// where the payload (zeros) gives Zeek's protocol detection nothing, 'dns' on
// 53/udp; local_orig/local_resp '-' (no Site::local_nets); lines in the
// arbitrary order Zeek flushes its table at the end of a trace.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureConnections } from '../../src/capture/index.ts';
import { readZeekConnections } from '../../src/flows/zeek.ts';
import { ConnectionFeatures, type FeatureRows } from '../../src/flows/window.ts';
import { featureNames, numericNames, type InputSchema } from '../../src/data/input-schema.ts';
import { ZEEK_LACKS } from '../../src/flows/kdd-headers.ts';
import { ACK, FIN, PSH, RST, SYN, ether, icmp, ipv4, pcapFile, tcp, udp, type Packet } from '../capture/pcap-writer.ts';

const T = 1764669600; // 2025-12-02T10:00:00Z
const CLIENT = '192.168.1.10';
const WEB = '192.168.1.20';
const DNS = '192.168.1.1';
const SCANNER = '10.9.9.9';

const packets: Packet[] = [];
const tcpPacket = (t: number, src: string, dst: string, sport: number, dport: number, flags: number, data = 0, seq = 0, ack = 0) =>
  packets.push({ time: T + t, data: ether(ipv4(src, dst, 6, tcp(sport, dport, flags, data, seq, ack))) });
const udpPacket = (t: number, src: string, dst: string, sport: number, dport: number, data: number) =>
  packets.push({ time: T + t, data: ether(ipv4(src, dst, 17, udp(sport, dport, data))) });

/** A complete HTTP-port session: handshake, request, response, FIN from each side, last ACK; 61 ms. */
function session(t: number, port: number, request: number, response: number) {
  const c = 1000, s = 5000; // initial sequence numbers
  tcpPacket(t, CLIENT, WEB, port, 80, SYN, 0, c);
  tcpPacket(t + 0.01, WEB, CLIENT, 80, port, SYN | ACK, 0, s, c + 1);
  tcpPacket(t + 0.011, CLIENT, WEB, port, 80, ACK, 0, c + 1, s + 1);
  tcpPacket(t + 0.012, CLIENT, WEB, port, 80, PSH | ACK, request, c + 1, s + 1);
  tcpPacket(t + 0.04, WEB, CLIENT, 80, port, PSH | ACK, response, s + 1, c + 1 + request);
  tcpPacket(t + 0.041, CLIENT, WEB, port, 80, ACK, 0, c + 1 + request, s + 1 + response);
  tcpPacket(t + 0.05, CLIENT, WEB, port, 80, FIN | ACK, 0, c + 1 + request, s + 1 + response);
  tcpPacket(t + 0.06, WEB, CLIENT, 80, port, FIN | ACK, 0, s + 1 + response, c + 2 + request);
  tcpPacket(t + 0.061, CLIENT, WEB, port, 80, ACK, 0, c + 2 + request, s + 2 + response);
}
const synOnly = (t: number, port: number, dport: number) => tcpPacket(t, SCANNER, WEB, port, dport, SYN, 0, 7000);
function rejected(t: number, port: number, dport: number, rtt: number) {
  tcpPacket(t, SCANNER, WEB, port, dport, SYN, 0, 7000);
  tcpPacket(t + rtt, WEB, SCANNER, dport, port, RST | ACK, 0, 0, 7001);
}

udpPacket(0, CLIENT, DNS, 53535, 53, 33);
udpPacket(0.012, DNS, CLIENT, 53, 53535, 49);
session(0.02, 51234, 120, 500);
session(0.5, 51235, 200, 1500);
synOnly(0.6, 40001, 23);
synOnly(0.7, 40002, 25);
synOnly(0.8, 40003, 22);
rejected(0.9, 40004, 21, 0.0005);
rejected(1.0, 40005, 8080, 0.0004);
packets.push({ time: T + 1.1, data: ether(ipv4(CLIENT, DNS, 1, icmp(8, 0, 77, 1, 56))) });
packets.push({ time: T + 1.1015, data: ether(ipv4(DNS, CLIENT, 1, icmp(0, 0, 77, 1, 56))) });
session(1.3, 51236, 150, 800);
udpPacket(1.5, CLIENT, DNS, 53536, 53, 35);
udpPacket(1.509, DNS, CLIENT, 53, 53536, 51);
synOnly(1.6, 40006, 80);
session(3.0, 51237, 180, 900);
packets.sort((a, b) => a.time - b.time);

async function fromCapture(): Promise<{ rows: FeatureRows; schema: InputSchema }> {
  const f = new ConnectionFeatures();
  for await (const batch of readCaptureConnections(pcapFile(packets), { source: 'agreement.pcap' })) {
    for (const c of batch.connections) f.push(c);
    f.advance(batch.watermark);
  }
  f.finish();
  return { rows: f.take(), schema: f.schema };
}

async function fromZeek(): Promise<{ rows: FeatureRows; schema: InputSchema }> {
  const f = new ConnectionFeatures({ lacks: ZEEK_LACKS });
  const log = readFileSync(new URL('../fixtures/zeek/agreement-conn.log', import.meta.url), 'utf8');
  for await (const conns of readZeekConnections(log, { source: 'agreement-conn.log' })) for (const c of conns) f.push(c);
  f.finish();
  return { rows: f.take(), schema: f.schema };
}

/** Row i as { feature: value } over the given feature names. */
function row(r: { rows: FeatureRows; schema: InputSchema }, i: number): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const num = numericNames(r.schema);
  num.forEach((n, j) => (out[n] = r.rows.numeric[i * num.length + j]));
  ['protocol_type', 'service', 'flag'].forEach((n, j) => (out[n] = r.rows.categorical[j][i]));
  return out;
}

describe('pcap and Zeek conn.log of the same capture', () => {
  it('give the same connections and the same 26 shared features', async () => {
    const pcap = await fromCapture();
    const zeek = await fromZeek();
    expect(pcap.rows.count).toBe(13);
    expect(zeek.rows.count).toBe(13);
    const shared = featureNames(zeek.schema);
    expect(shared).toHaveLength(26);
    expect(featureNames(pcap.schema).filter((n) => !shared.includes(n))).toEqual(['wrong_fragment', 'urgent']);

    for (let i = 0; i < 13; i++) {
      const where = `row ${i} (${zeek.rows.identity.src[i]}:${zeek.rows.identity.srcPort[i]} → ${zeek.rows.identity.dst[i]}:${zeek.rows.identity.dstPort[i]})`;
      expect(pcap.rows.identity.src[i], where).toBe(zeek.rows.identity.src[i]);
      expect(pcap.rows.identity.srcPort[i], where).toBe(zeek.rows.identity.srcPort[i]);
      expect(pcap.rows.identity.dst[i], where).toBe(zeek.rows.identity.dst[i]);
      expect(pcap.rows.identity.dstPort[i], where).toBe(zeek.rows.identity.dstPort[i]);
      expect(pcap.rows.identity.start[i], where).toBeCloseTo(zeek.rows.identity.start[i], 6);
      const p = row(pcap, i);
      const z = row(zeek, i);
      for (const name of shared) {
        // conn.log prints times to the microsecond; everything else must match exactly.
        if (name === 'duration') expect(p[name] as number, `${where} ${name}`).toBeCloseTo(z[name] as number, 6);
        else expect(p[name], `${where} ${name}`).toBe(z[name]);
      }
    }
  });

  it('the rows carry the features hand-computed for this traffic', async () => {
    const zeek = await fromZeek();
    const rows = Array.from({ length: zeek.rows.count }, (_, i) => row(zeek, i));
    const at = (srcPort: number) => rows[zeek.rows.identity.srcPort.indexOf(srcPort)];
    // S0 to port 80 at 1.6 s: the web server's connections that started after −0.4 s: sessions at
    // 0.02, 0.5 and 1.3, S0 at 0.6/0.7/0.8, REJ at 0.9/1.0, itself = 9; SYN errors 4/9, REJ errors
    // 2/9, http 4/9.
    const s0 = at(40006);
    expect([s0.service, s0.flag, s0.count, s0.serror_rate, s0.rerror_rate, s0.same_srv_rate]).toEqual(['http', 'S0', 9, 4 / 9, 2 / 9, 4 / 9]);
    // http in 2 s: the three sessions and itself, all to the web server.
    expect([s0.srv_count, s0.srv_serror_rate, s0.srv_diff_host_rate]).toEqual([4, 1 / 4, 0]);
    // Host window: all 12 connections so far; 9 to the web server, 4 of them http.
    expect([s0.dst_host_count, s0.dst_host_srv_count, s0.dst_host_serror_rate]).toEqual([9, 4, 4 / 9]);
    // The last session at 3.0 s: 1.3's session and 1.6's S0 remain in its 2 s; the REJ at 1.0 is
    // exactly 2 s earlier, so out.
    const last = at(51237);
    expect([last.count, last.srv_count, last.serror_rate]).toEqual([3, 3, 1 / 3]);
    const ping = at(8);
    expect([ping.protocol_type, ping.service, ping.flag, ping.src_bytes, ping.dst_bytes]).toEqual(['icmp', 'eco_i', 'SF', 56, 56]);
  });
});
