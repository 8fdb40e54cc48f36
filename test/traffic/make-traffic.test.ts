// Runs scripts/traffic/make-traffic.sh --quick once (through ensureTraffic) and checks its
// captures: real pcaps, only 127.0.0.0/8 addresses, each attack phase in its own capture where
// labels.json says, no attacker packets in the normal captures. Skips loudly when not root, when
// `ip netns` is not permitted or a tool is missing (CI installs them).

import { spawn } from 'node:child_process';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_FILES, ensureTraffic, TRAFFIC_FILES } from './ensure.ts';
import { categoryFor, labelFor, loadTimeline, type Timeline } from './labels.ts';

interface Pkt { t: number; src: string; sport: number | null; dst: string; dport: number | null; syn: boolean; tcp: boolean }

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const inLoopback = (a: string) => {
  const m = IPV4.exec(a);
  return !!m && Number(m[1]) === 127 && m.slice(2).every((x) => Number(x) <= 255);
};
/** "127.0.0.3.40123" -> ["127.0.0.3", 40123]; "127.0.0.3" -> ["127.0.0.3", null]. */
function hostPort(s: string): [string, number | null] {
  const parts = s.replace(/:$/, '').split('.');
  if (parts.length === 5) return [parts.slice(0, 4).join('.'), Number(parts[4])];
  return [parts.join('.'), null];
}

interface Scan { packets: Pkt[]; bad: string[] }

/** Every packet of a capture through `tcpdump -nn -tt -r`; lines that are not IPv4 between loopback addresses go to bad. */
function readPcap(file: string): Promise<Scan> {
  return new Promise((resolve, reject) => {
    const child = spawn('tcpdump', ['-nn', '-tt', '-r', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const packets: Pkt[] = [];
    const bad: string[] = [];
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const f = line.split(' ');
      // <epoch> IP <src>[.<port>] > <dst>[.<port>]: ...
      if (f[1] !== 'IP' || f[3] !== '>') {
        if (bad.length < 20) bad.push(line);
        return;
      }
      const [src, sport] = hostPort(f[2]);
      const [dst, dport] = hostPort(f[4]);
      if (!inLoopback(src) || !inLoopback(dst)) {
        if (bad.length < 20) bad.push(line);
        return;
      }
      const tcp = line.includes(' Flags [');
      packets.push({ t: Number(f[0]), src, sport, dst, dport, tcp, syn: line.includes(' Flags [S],') });
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ packets, bad }) : reject(new Error(`tcpdump -r ${file}: ${code} ${err}`))));
  });
}

let dir: string | null = null;
let timeline: Timeline;
const scans = new Map<string, Scan>();

beforeAll(async () => {
  dir = await ensureTraffic();
  if (!dir) return;
  timeline = loadTimeline(join(dir, 'labels.json'));
  for (const f of CAPTURE_FILES) scans.set(f, await readPcap(join(dir, f)));
}, 420_000);

const phase = (label: string) => {
  const p = timeline.phases.find((x) => x.label === label);
  if (!p) throw new Error(`no ${label} phase in labels.json`);
  return p;
};
const within = (t: number, p: { start: number; end: number }) =>
  t >= p.start - timeline.slackSeconds && t <= p.end + timeline.slackSeconds;

describe('make-traffic.sh --quick', () => {
  it('writes the five captures as pcap files and labels.json', (ctx) => {
    if (!dir) return ctx.skip();
    for (const f of TRAFFIC_FILES) expect(statSync(join(dir, f)).size, f).toBeGreaterThan(0);
    for (const f of CAPTURE_FILES) {
      const fd = openSync(join(dir, f), 'r');
      const magic = Buffer.alloc(4);
      readSync(fd, magic, 0, 4, 0);
      closeSync(fd);
      // classic pcap, either byte order, micro- or nanosecond timestamps
      expect(['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d'], f).toContain(magic.toString('hex'));
    }
  });

  it('labels.json is a version-1 timeline of the three attack phases', (ctx) => {
    if (!dir) return ctx.skip();
    expect(timeline.version).toBe(1);
    expect(timeline.seed).toBe(7);
    expect(timeline.phases.map((p) => [p.label, p.category, p.attacker])).toEqual([
      ['portscan', 'Probe', '127.0.0.66'],
      ['synflood', 'DoS', '127.0.0.67'],
      ['sshguess', 'R2L', '127.0.0.68'],
    ]);
    for (const p of timeline.phases) expect(p.start, p.label).toBeLessThan(p.end);
    // One capture per attack, each with its own normal background.
    expect(timeline.phases.map((p) => p.file)).toEqual(['attack-portscan.pcap', 'attack-synflood.pcap', 'attack-sshguess.pcap']);
    expect(timeline.normalClients.length).toBeGreaterThanOrEqual(4);
    for (const a of [...timeline.normalClients, ...timeline.servers.map((s) => s.address)]) expect(inLoopback(a), a).toBe(true);
    for (const p of timeline.phases) {
      const cap = timeline.captures?.find((c) => c.file === p.file);
      expect(cap, p.file).toBeDefined();
      // The attack meets full windows: it starts well after its capture does.
      expect(p.start - cap!.start, p.label).toBeGreaterThan(5);
      expect(p.end, p.label).toBeLessThan(cap!.end);
    }
  });

  it('every packet is IPv4 between 127.0.0.0/8 addresses (network safety)', (ctx) => {
    if (!dir) return ctx.skip();
    for (const [f, s] of scans) {
      expect(s.bad, `${f}: packets outside 127.0.0.0/8 or not IPv4`).toEqual([]);
      expect(s.packets.length, f).toBeGreaterThan(1000);
    }
  });

  it('normal captures hold many normal connections and no attacker packets', (ctx) => {
    if (!dir) return ctx.skip();
    const attackers = new Set(timeline.phases.map((p) => p.attacker));
    for (const f of ['normal-train.pcap', 'normal-fresh.pcap']) {
      const { packets } = scans.get(f)!;
      expect(packets.filter((p) => attackers.has(p.src) || attackers.has(p.dst)).length, f).toBe(0);
      const syns = packets.filter((p) => p.syn);
      const udpFlows = new Set(packets.filter((p) => !p.tcp && p.sport !== null).map((p) => `${p.src}:${p.sport}>${p.dst}:${p.dport}`));
      const services = new Set(syns.map((p) => p.dport));
      expect(services, f).toEqual(new Set([80, 53, 22]));
      expect(udpFlows.size, f).toBeGreaterThan(100);
      expect(new Set(syns.map((p) => p.src)).size, f).toBeGreaterThanOrEqual(4);
      if (f === 'normal-train.pcap') expect(syns.length + udpFlows.size, 'train connections').toBeGreaterThanOrEqual(1000);
    }
  });

  it('the port scan touches >= 500 distinct ports from 127.0.0.66 inside its phase', (ctx) => {
    if (!dir) return ctx.skip();
    const p = phase('portscan');
    const syns = scans.get(p.file as string)!.packets.filter((x) => x.src === p.attacker && x.syn);
    expect(new Set(syns.map((x) => x.dport)).size).toBeGreaterThanOrEqual(500);
    expect(syns.every((x) => within(x.t, p))).toBe(true);
  });

  it('the SYN flood sends >= 1000 SYNs from 127.0.0.67 inside its phase', (ctx) => {
    if (!dir) return ctx.skip();
    const p = phase('synflood');
    const syns = scans.get(p.file as string)!.packets.filter((x) => x.src === p.attacker && x.syn);
    expect(syns.length).toBeGreaterThanOrEqual(1000);
    expect(syns.every((x) => x.dport === 80 && within(x.t, p))).toBe(true);
  });

  it('the password guessing makes >= 30 SSH connections from 127.0.0.68 inside its phase', (ctx) => {
    if (!dir) return ctx.skip();
    const p = phase('sshguess');
    const syns = scans.get(p.file as string)!.packets.filter((x) => x.src === p.attacker && x.syn && x.dport === 22);
    expect(new Set(syns.map((x) => x.sport)).size).toBeGreaterThanOrEqual(30);
    expect(syns.every((x) => within(x.t, p))).toBe(true);
    expect(p.failedLogins).toBe(p.attempts);
  });

  it('each attack capture has normal background throughout and only its own attacker, and labelFor joins packets to its phase', (ctx) => {
    if (!dir) return ctx.skip();
    const clients = new Set(timeline.normalClients);
    const min: Record<string, number> = { portscan: 500, synflood: 1000, sshguess: 30 };
    for (const p of timeline.phases) {
      const pk = scans.get(p.file as string)!.packets;
      const bg = pk.filter((x) => clients.has(x.src) && x.syn && x.t >= p.start - 1 && x.t <= p.end + 1);
      expect(bg.length, `background during ${p.label}`).toBeGreaterThan(0);
      const others = timeline.phases.filter((q) => q !== p).map((q) => q.attacker);
      expect(pk.filter((x) => others.includes(x.src) || others.includes(x.dst)).length, `other attackers in ${p.file}`).toBe(0);
      const counts: Record<string, number> = {};
      for (const x of pk.filter((x) => x.syn)) {
        const l = labelFor(timeline, { start: x.t, src: x.src });
        counts[l] = (counts[l] ?? 0) + 1;
      }
      expect(counts[p.label], p.label).toBeGreaterThanOrEqual(min[p.label]);
      expect(counts.normal, `normal SYNs in ${p.file}`).toBeGreaterThan(50);
    }
  });
});

describe('labelFor', () => {
  const t: Timeline = {
    version: 1, seed: 1, slackSeconds: 2, normalClients: ['127.0.0.2'], servers: [],
    phases: [
      { label: 'portscan', category: 'Probe', attacker: '127.0.0.66', start: 100, end: 110 },
      { label: 'synflood', category: 'DoS', attacker: '127.0.0.67', start: 120, end: 125 },
    ],
  };
  it('labels the attacker inside its phase (with slack) and everything else normal', () => {
    expect(labelFor(t, { start: 105, src: '127.0.0.66' })).toBe('portscan');
    expect(labelFor(t, { start: 98.5, src: '127.0.0.66' })).toBe('portscan');
    expect(labelFor(t, { start: 112, src: '127.0.0.66' })).toBe('portscan');
    expect(labelFor(t, { start: 112.1, src: '127.0.0.66' })).toBe('normal');
    expect(labelFor(t, { start: 105, src: '127.0.0.2' })).toBe('normal');
    expect(labelFor(t, { start: 105, src: '127.0.0.67' })).toBe('normal');
    expect(labelFor(t, { start: 121, src: '127.0.0.67' })).toBe('synflood');
    expect(categoryFor(t, { start: 121, src: '127.0.0.67' })).toBe('DoS');
    expect(categoryFor(t, { start: 1, src: '127.0.0.67' })).toBe('normal');
  });
});
