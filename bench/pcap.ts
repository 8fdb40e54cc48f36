// npm run bench -- pcap [--packets 400000] [--file <capture>] [--gigabytes 1]
//
// Decode + flow assembly throughput of src/capture on a synthetic capture:
//   1. in memory: a realistic capture (many concurrent TCP sessions with handshakes,
//      requests, full-size responses, ACKs and FIN closes, plus DNS over UDP;
//      frames 60–1514 bytes) built in memory, read best of 3 → packets/s, MB/s;
//   2. --gigabytes N: the same traffic streamed to a file in os.tmpdir() (never held
//      in memory), read back through a file stream → packets/s and peak RSS; the
//      file is deleted afterwards.
// --file reads an existing capture instead of the in-memory synthetic one.

import { createReadStream, createWriteStream, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureConnections, type CaptureInput, type CaptureStats } from '../src/capture/index.ts';
import { machine, machineLine, type Machine } from './machine.ts';

export const TARGET_PACKETS_PER_SECOND = 1_000_000;

export interface PcapRun { seconds: number; packetsPerSecond: number; megabytesPerSecond: number }

export interface PcapBenchResult {
  machine: Machine;
  node: string;
  memory?: { source: string; packets: number; bytes: number; connections: number; runs: PcapRun[]; best: PcapRun; targetMet: boolean };
  file?: { bytes: number; packets: number; connections: number; writeSeconds: number; run: PcapRun; peakRssMiB: number };
}

// ---- synthetic traffic -------------------------------------------------------

const ETH = 14, IP = 20, TCPH = 20, UDPH = 8;
const SYN = 0x02, ACK = 0x10, FIN = 0x01, PSH = 0x08;

/** Deterministic xorshift32 in [0, 1). */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Session {
  client: number;
  server: number;
  cport: number;
  sport: number;
  udp: boolean;
  /** Remaining script steps: [fromClient, flags, payload] triples, consumed from `step`. */
  script: number[];
  step: number;
}

/**
 * Streams a pcap of `packets` packets to `emit` in chunks of about `chunkBytes`.
 * ~2,000 sessions are open at any time; a new one replaces each that finishes.
 */
export async function syntheticCapture(packets: number, emit: (chunk: Uint8Array) => void | Promise<void>, chunkBytes = 4 << 20): Promise<{ bytes: number }> {
  const rnd = random(12345);
  const CONCURRENT = 2000;
  let nextPort = 1024;
  const newSession = (): Session => {
    const udp = rnd() < 0.2;
    const client = (10 << 24) | (Math.floor(rnd() * 65536) << 8) | 1;
    const server = (172 << 24) | (16 << 16) | Math.floor(rnd() * 256);
    nextPort = nextPort >= 65535 ? 1024 : nextPort + 1;
    const script: number[] = [];
    if (udp) {
      script.push(1, 0, 20 + Math.floor(rnd() * 40), 0, 0, 60 + Math.floor(rnd() * 400));
    } else {
      script.push(1, SYN, 0, 0, SYN | ACK, 0, 1, ACK, 0);
      const exchanges = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < exchanges; e++) {
        script.push(1, PSH | ACK, 200 + Math.floor(rnd() * 400));
        const segments = 1 + Math.floor(rnd() * 8);
        for (let k = 0; k < segments; k++) {
          script.push(0, ACK, k === segments - 1 ? 100 + Math.floor(rnd() * 1360) : 1460);
          if (k % 2 === 1) script.push(1, ACK, 0);
        }
      }
      script.push(1, FIN | ACK, 0, 0, FIN | ACK, 0, 1, ACK, 0);
    }
    return { client, server, cport: nextPort, sport: udp ? 53 : [80, 443, 22, 25, 8080][Math.floor(rnd() * 5)], udp, script, step: 0 };
  };
  const sessions = Array.from({ length: CONCURRENT }, newSession);
  let buf = new Uint8Array(chunkBytes + 2048);
  let dv = new DataView(buf.buffer);
  let pos = 0;
  let total = 0;
  // File header, little-endian, microseconds, Ethernet.
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, 1, true);
  pos = 24;
  let time = 1_700_000_000;
  for (let n = 0; n < packets; n++) {
    const i = Math.floor(rnd() * CONCURRENT);
    const ses = sessions[i];
    const j = ses.step * 3;
    const fromClient = ses.script[j] === 1;
    const flags = ses.script[j + 1];
    const payload = ses.script[j + 2];
    ses.step++;
    if (ses.step * 3 >= ses.script.length) sessions[i] = newSession();
    time += 0.00001 * (0.5 + rnd());
    const l4 = ses.udp ? UDPH : TCPH;
    const ipLength = IP + l4 + payload;
    const frame = Math.max(60, ETH + ipLength); // Ethernet pads short frames to 60 bytes
    const sec = Math.floor(time);
    dv.setUint32(pos, sec, true);
    dv.setUint32(pos + 4, Math.floor((time - sec) * 1e6), true);
    dv.setUint32(pos + 8, frame, true);
    dv.setUint32(pos + 12, frame, true);
    const f = pos + 16;
    buf.fill(0, f, f + frame);
    buf[f + 12] = 0x08; // IPv4 ethertype
    const ip = f + ETH;
    buf[ip] = 0x45;
    dv.setUint16(ip + 2, ipLength);
    dv.setUint16(ip + 4, n & 0xffff);
    buf[ip + 6] = 0x40; // don't fragment
    buf[ip + 8] = 64;
    buf[ip + 9] = ses.udp ? 17 : 6;
    dv.setUint32(ip + 12, fromClient ? ses.client : ses.server);
    dv.setUint32(ip + 16, fromClient ? ses.server : ses.client);
    const t = ip + IP;
    dv.setUint16(t, fromClient ? ses.cport : ses.sport);
    dv.setUint16(t + 2, fromClient ? ses.sport : ses.cport);
    if (ses.udp) {
      dv.setUint16(t + 4, UDPH + payload);
    } else {
      dv.setUint32(t + 4, n);
      buf[t + 12] = 0x50;
      buf[t + 13] = flags;
      dv.setUint16(t + 14, 65535);
    }
    pos = f + frame;
    if (pos >= chunkBytes) {
      await emit(buf.subarray(0, pos));
      total += pos;
      buf = new Uint8Array(chunkBytes + 2048); // the consumer may keep the previous chunk
      dv = new DataView(buf.buffer);
      pos = 0;
    }
  }
  if (pos > 0) {
    await emit(buf.subarray(0, pos));
    total += pos;
  }
  return { bytes: total };
}

async function inMemoryCapture(packets: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const { bytes } = await syntheticCapture(packets, (c) => void parts.push(c));
  const out = new Uint8Array(bytes);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- measurement -------------------------------------------------------------

async function readAllConnections(input: CaptureInput, onProgress?: () => void): Promise<CaptureStats> {
  let stats: CaptureStats | undefined;
  for await (const batch of readCaptureConnections(input, { onProgress })) stats = batch.stats;
  return stats!;
}

function run(stats: CaptureStats, seconds: number): PcapRun {
  return {
    seconds: round(seconds, 3),
    packetsPerSecond: Math.round(stats.packets / seconds),
    megabytesPerSecond: round(stats.bytesRead / 1e6 / seconds, 1),
  };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

export async function benchPcap(opts: { packets?: number; file?: string; gigabytes?: number; runs?: number }, log: (s: string) => void): Promise<PcapBenchResult> {
  const result: PcapBenchResult = { machine: machine(), node: process.version };
  log(machineLine(result.machine));
  if (!opts.gigabytes || opts.file) {
    const packets = opts.packets ?? 400_000;
    log(opts.file ? `reading ${opts.file}` : `building a synthetic capture of ${packets} packets in memory`);
    const bytes = opts.file ? new Uint8Array(readFileSync(opts.file)) : await inMemoryCapture(packets);
    const runs: PcapRun[] = [];
    let stats: CaptureStats | undefined;
    for (let r = 0; r < (opts.runs ?? 3); r++) {
      const t0 = performance.now();
      stats = await readAllConnections(bytes);
      runs.push(run(stats, (performance.now() - t0) / 1000));
      log(`  run ${r + 1}: ${runs[r].packetsPerSecond.toLocaleString('en')} packets/s`);
    }
    const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    result.memory = {
      source: opts.file ?? 'synthetic', packets: stats!.packets, bytes: bytes.length, connections: stats!.connections, runs, best,
      targetMet: best.packetsPerSecond >= TARGET_PACKETS_PER_SECOND,
    };
  }
  if (opts.gigabytes) {
    const target = opts.gigabytes * 1e9;
    const packets = Math.ceil(target / 640); // the mix averages ~640 bytes per record
    const path = join(tmpdir(), `anomalyze-bench-${process.pid}.pcap`);
    try {
      log(`writing ~${opts.gigabytes} GB (${packets.toLocaleString('en')} packets) to ${path}`);
      const t0 = performance.now();
      const out = createWriteStream(path);
      const { bytes } = await syntheticCapture(packets, (chunk) =>
        out.write(chunk) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())),
      );
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      const writeSeconds = (performance.now() - t0) / 1000;
      log(`  wrote ${(bytes / 1e9).toFixed(2)} GB in ${writeSeconds.toFixed(1)} s; reading it back`);
      let peak = process.memoryUsage().rss;
      const sample = () => {
        const rss = process.memoryUsage().rss;
        if (rss > peak) peak = rss;
      };
      const timer = setInterval(sample, 50);
      let chunks = 0;
      const t1 = performance.now();
      let stats: CaptureStats;
      try {
        stats = await readAllConnections(createReadStream(path, { highWaterMark: 1 << 20 }), () => {
          if (++chunks % 64 === 0) sample();
        });
      } finally {
        clearInterval(timer);
      }
      sample();
      result.file = {
        bytes, packets: stats.packets, connections: stats.connections, writeSeconds: round(writeSeconds, 1),
        run: run(stats, (performance.now() - t1) / 1000), peakRssMiB: Math.round(peak / 2 ** 20),
      };
    } finally {
      rmSync(path, { force: true });
    }
  }
  return result;
}

export function printPcap(r: PcapBenchResult): void {
  console.log(machineLine(r.machine));
  console.log(`capture reader (decode + flow assembly), node ${r.node}`);
  if (r.memory) {
    const m = r.memory;
    console.log(`  in memory (${m.source}): ${m.packets.toLocaleString('en')} packets, ${(m.bytes / 1e6).toFixed(0)} MB, ${m.connections.toLocaleString('en')} connections`);
    console.table(m.runs.map((x, i) => ({ run: i + 1, seconds: x.seconds, 'packets/s': x.packetsPerSecond, 'MB/s': x.megabytesPerSecond, best: x === m.best ? '*' : '' })));
    console.log(`    best of ${m.runs.length}: ${m.best.packetsPerSecond.toLocaleString('en')} packets/s, ${m.best.megabytesPerSecond} MB/s (${m.best.seconds} s)`);
    console.log(`    target ≥ ${TARGET_PACKETS_PER_SECOND.toLocaleString('en')} packets/s: ${m.targetMet ? 'met' : 'missed'}`);
  }
  if (r.file) {
    const f = r.file;
    console.log(`  from a file stream: ${(f.bytes / 1e9).toFixed(2)} GB, ${f.packets.toLocaleString('en')} packets, ${f.connections.toLocaleString('en')} connections`);
    console.log(`    ${f.run.packetsPerSecond.toLocaleString('en')} packets/s, ${f.run.megabytesPerSecond} MB/s (${f.run.seconds} s); peak RSS ${f.peakRssMiB} MiB`);
  }
}

// Direct run: npx tsx bench/pcap.ts [packets] [gigabytes]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [packets, gigabytes] = process.argv.slice(2).map(Number);
  const r = await benchPcap({ packets: packets || undefined, gigabytes: gigabytes || undefined }, (s) => process.stderr.write(s + '\n'));
  printPcap(r);
}
