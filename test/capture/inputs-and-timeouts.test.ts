import { describe, expect, it } from 'vitest';
import { readCaptureConnections } from '../../src/capture/index.ts';
import { c, ether, ipv4, pcapFile, PSH, ACK, s, SYN, udp, type Packet } from './pcap-writer.ts';
import { readAll } from './read.ts';

const T = 1_700_000_000;
const dns = (t: number) => ({ time: t, data: ether(ipv4('10.0.0.5', '10.0.0.53', 17, udp(3333, 53, 40))) });

async function collect(input: Parameters<typeof readCaptureConnections>[0]) {
  const out = [];
  for await (const b of readCaptureConnections(input)) out.push(...b.connections);
  return out;
}

describe('inputs', () => {
  const bytes = pcapFile([c(T, SYN), s(T + 0.1, SYN | ACK), c(T + 0.2, PSH | ACK, 10)]);

  it('a ReadableStream, an async iterable and a sync iterable read like one buffer', async () => {
    const expected = await collect(bytes);
    expect(expected).toHaveLength(1);
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < bytes.length; i += 13) ctl.enqueue(bytes.slice(i, i + 13));
        ctl.close();
      },
    });
    expect(await collect(stream)).toEqual(expected);
    expect(await collect((async function* () { yield bytes.slice(0, 30); yield bytes.slice(30); })())).toEqual(expected);
    expect(await collect([bytes.slice(0, 3), bytes.slice(3)])).toEqual(expected);
  });

  it('reports progress in bytes read', async () => {
    const seen: number[] = [];
    for await (const _ of readCaptureConnections([bytes.slice(0, 50), bytes.slice(50)], { onProgress: (n) => seen.push(n) })) void _;
    expect(seen).toEqual([50, bytes.length]);
  });
});

describe('timeouts', () => {
  it('UDP: a gap longer than the inactivity timeout starts a new connection', async () => {
    const { connections } = await readAll(pcapFile([dns(T), dns(T + 30), dns(T + 91), dns(T + 100)]));
    expect(connections.map((x) => x.origPackets)).toEqual([2, 2]);
    expect(connections[1].start).toBeCloseTo(T + 91, 6);
  });

  it('configurable: a 10 s UDP timeout splits at 30 s gaps', async () => {
    const { connections } = await readAll(pcapFile([dns(T), dns(T + 30), dns(T + 60)]), { timeouts: { udp: 10 } });
    expect(connections).toHaveLength(3);
  });

  it('the active timeout ends a busy connection and the rest continues as a new one', async () => {
    const packets: Packet[] = [];
    for (let t = 0; t <= 7200; t += 30) packets.push(dns(T + t));
    const { connections } = await readAll(pcapFile(packets), { timeouts: { active: 3600 } });
    expect(connections.map((x) => x.origPackets)).toEqual([120, 120, 1]);
    expect(connections[0].duration).toBeCloseTo(3570, 6);
  });

  it('rejects a timeout that is not a positive number', async () => {
    await expect(readAll(pcapFile([dns(T)]), { timeouts: { tcp: 0 } })).rejects.toThrow(/tcp must be a positive/);
  });
});

describe('readCaptureFile (Node)', () => {
  it('streams a file from disk and names it in errors', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { readCaptureFile } = await import('../../src/capture/node.ts');
    const dir = mkdtempSync(join(tmpdir(), 'anz-capfile-'));
    try {
      const good = join(dir, 'good.pcap');
      writeFileSync(good, pcapFile([dns(T), dns(T + 1)]));
      const out = [];
      for await (const b of readCaptureFile(good)) out.push(...b.connections);
      expect(out.map((x) => x.origPackets)).toEqual([2]);
      const bad = join(dir, 'bad.pcap');
      writeFileSync(bad, 'hello world');
      await expect((async () => { for await (const _ of readCaptureFile(bad)) void _; })()).rejects.toThrow(`${bad}: not a pcap or pcapng file (magic 0x68656c6c at byte 0)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
