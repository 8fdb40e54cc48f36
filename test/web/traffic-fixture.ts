// What the traffic tests of the demo share: a small traffic model trained here on
// header features (the 26 a Zeek conn.log has, so that both captures and conn.logs
// fit it), a models/ directory holding it next to the committed default model, and a
// capture built in code with normal web sessions, DNS and a port scan.

import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatBatches, projectBatch } from '../../src/data/batch.ts';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import type { Engine } from '../../src/engine/index.ts';
import { kddHeaderSchema, ZEEK_LACKS } from '../../src/flows/kdd-headers.ts';
import { planMembers } from '../../src/model/members.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { saveModelDir } from '../../src/model/node.ts';
import { trainModel } from '../../src/train/train.ts';
import { ACK, FIN, PSH, RST, SYN, ether, ipv4, pcapFile, tcp, udp, type Packet } from '../capture/pcap-writer.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ZEEK_FIXTURE = join(ROOT, 'test/fixtures/zeek/conn.log');
/** The Zeek-compatible header schema (26 features): a capture's 28 include them all. */
export const TRAFFIC_SCHEMA = kddHeaderSchema(ZEEK_LACKS);

/**
 * Trained without labels on a scan-free capture (web sessions and DNS) plus normal generated
 * KDD traffic, on the Zeek-compatible header features: the threshold comes from a 2 %
 * false-alarm rate.
 */
export async function trainTrafficModel(engine: Engine): Promise<AnomalyModel> {
  const capture = projectBatch((await readAll(buildCapture({ sessions: 200, scan: false }))).batch, TRAFFIC_SCHEMA);
  const generated = projectBatch((await readAll(generateTraffic({ rows: 1000, seed: 5, attackRate: 0 }))).batch, TRAFFIC_SCHEMA);
  const normal = { ...concatBatches([{ ...capture, identity: null }, { ...generated, labels: null }]), labels: null };
  return trainModel(engine, normal, {
    name: 'traffic-test', source: 'normal.csv', seed: 3, folds: 3, nInit: 1, falseAlarmRate: 0.02,
    members: planMembers(3, { members: 3, ks: [4, 6] }, TRAFFIC_SCHEMA.features.map((f) => f.name)),
  });
}

/** A temporary models/ with the committed default model and `traffic`; the caller removes it. */
export async function modelsRootWith(traffic: AnomalyModel): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'anomalyze-web-models-'));
  cpSync(join(ROOT, 'models/default'), join(root, 'default'), { recursive: true });
  await saveModelDir(traffic, join(root, 'traffic'));
  return root;
}

const T = 1764669600; // 2025-12-02T10:00:00Z
const CLIENT = '192.168.1.10';
const WEB = '192.168.1.20';
const DNS = '192.168.1.1';
const SCANNER = '10.9.9.9';

/** Web sessions and DNS lookups, two seconds apart, then (unless scan is false) a scanner sweeping 60 ports of the server. */
export function buildCapture(o: { sessions?: number; scan?: boolean } = {}): Uint8Array {
  const sessions = o.sessions ?? 30;
  const packets: Packet[] = [];
  const tcpPacket = (t: number, src: string, dst: string, sport: number, dport: number, flags: number, data = 0, seq = 0, ack = 0) =>
    packets.push({ time: T + t, data: ether(ipv4(src, dst, 6, tcp(sport, dport, flags, data, seq, ack))) });
  const udpPacket = (t: number, src: string, dst: string, sport: number, dport: number, data: number) =>
    packets.push({ time: T + t, data: ether(ipv4(src, dst, 17, udp(sport, dport, data))) });
  for (let i = 0; i < sessions; i++) {
    const t = i * 2, port = 50000 + (i % 10000), req = 200 + (i % 30) * 7, res = 1500 + (i % 30) * 40;
    const c = 1000, s = 5000;
    tcpPacket(t, CLIENT, WEB, port, 80, SYN, 0, c);
    tcpPacket(t + 0.01, WEB, CLIENT, 80, port, SYN | ACK, 0, s, c + 1);
    tcpPacket(t + 0.011, CLIENT, WEB, port, 80, ACK, 0, c + 1, s + 1);
    tcpPacket(t + 0.012, CLIENT, WEB, port, 80, PSH | ACK, req, c + 1, s + 1);
    tcpPacket(t + 0.04, WEB, CLIENT, 80, port, PSH | ACK, res, s + 1, c + 1 + req);
    tcpPacket(t + 0.05, CLIENT, WEB, port, 80, FIN | ACK, 0, c + 1 + req, s + 1 + res);
    tcpPacket(t + 0.06, WEB, CLIENT, 80, port, FIN | ACK, 0, s + 1 + res, c + 2 + req);
    tcpPacket(t + 0.061, CLIENT, WEB, port, 80, ACK, 0, c + 2 + req, s + 2 + res);
    udpPacket(t + 1, CLIENT, DNS, 40000 + (i % 10000), 53, 33);
    udpPacket(t + 1.01, DNS, CLIENT, 53, 40000 + (i % 10000), 49);
  }
  for (let i = 0; o.scan !== false && i < 60; i++) {
    const t = sessions * 2 + 1 + i * 0.01, port = 1 + i;
    tcpPacket(t, SCANNER, WEB, 60000, port, SYN, 0, 7000);
    tcpPacket(t + 0.0005, WEB, SCANNER, port, 60000, RST | ACK, 0, 0, 7001);
  }
  packets.sort((a, b) => a.time - b.time);
  return pcapFile(packets);
}
