import { describe, expect, it } from 'vitest';
import { ACK, c, ether, FIN, icmp, ipv4, pcapFile, pcapngFile, PSH, RST, s, SYN, tcpPacket, udp, type Packet } from './pcap-writer.ts';
import { readAll } from './read.ts';

const T = 1_700_000_000;

/** A mixed little capture: several TCP states, UDP, ICMP and a fragment pair, interleaved. */
function mixed(): Packet[] {
  const u = (t: number, from: string, to: string, sp: number, dp: number, n: number) => ({ time: t, data: ether(ipv4(from, to, 17, udp(sp, dp, n))) });
  const whole = udp(7000, 53, 1500);
  const frag = (t: number, off: number, len: number, more: boolean) => ({ time: t, data: ether(ipv4('10.0.0.7', '10.0.0.8', 17, whole.subarray(off, off + len), { id: 3, fragOffset: off, moreFragments: more })) });
  return [
    c(T, SYN), u(T + 0.001, '10.0.0.5', '10.0.0.53', 3333, 53, 40), s(T + 0.002, SYN | ACK),
    tcpPacket(T + 0.003, '10.0.0.9', '10.0.0.2', 1234, 23, SYN), c(T + 0.004, ACK), u(T + 0.005, '10.0.0.53', '10.0.0.5', 53, 3333, 120),
    tcpPacket(T + 0.006, '10.0.0.2', '10.0.0.9', 23, 1234, RST | ACK), frag(T + 0.007, 0, 800, true),
    c(T + 0.01, PSH | ACK, 300), s(T + 0.02, PSH | ACK, 5000), frag(T + 0.021, 800, 708, false),
    { time: T + 0.03, data: ether(ipv4('10.0.0.1', '10.0.0.99', 1, icmp(8, 0, 5, 1, 56))) },
    c(T + 0.04, FIN | ACK), s(T + 0.05, FIN | ACK), c(T + 0.06, ACK),
    tcpPacket(T + 0.07, '10.0.0.3', '10.0.0.2', 5555, 25, SYN),
  ];
}

describe('chunk boundaries', () => {
  for (const [name, bytes] of [
    ['pcap', pcapFile(mixed())],
    ['pcapng', pcapngFile([{ interfaces: [{ linkType: 1 }], packets: mixed(), unknownBlocks: 1 }])],
  ] as const) {
    it(`${name}: 1-byte, 7-byte and whole-file chunks give identical connections and stats`, async () => {
      const whole = await readAll(bytes);
      // Nothing times out within 0.07 s, so all end with the input, in start order.
      expect(whole.connections.map((x) => `${x.protocol}/${x.service}/${x.flag}/${x.origPackets}+${x.respPackets}`)).toEqual([
        'tcp/http/SF/5+3', 'udp/domain_u/SF/1+1', 'tcp/telnet/REJ/1+1', 'udp/domain_u/SF/2+0', 'icmp/eco_i/SF/1+0', 'tcp/smtp/S0/1+0',
      ]);
      for (const size of [1, 7, 4096]) {
        const r = await readAll(bytes, {}, size);
        expect(r.connections).toEqual(whole.connections);
        expect(r.stats).toEqual(whole.stats);
      }
    });
  }

  it('watermark: no connection emitted after a batch started before that batch’s watermark', async () => {
    // Many overlapping connections ending at different times, read in small chunks.
    const packets: Packet[] = [];
    for (let i = 0; i < 40; i++) {
      const t = T + i * 2;
      const port = 20000 + i;
      packets.push(tcpPacket(t, '10.1.0.1', '10.1.0.2', port, 80, SYN), tcpPacket(t + 0.1, '10.1.0.2', '10.1.0.1', 80, port, SYN | ACK));
      if (i % 3 === 0) packets.push(tcpPacket(t + 0.2, '10.1.0.1', '10.1.0.2', port, 80, RST));
    }
    packets.sort((a, b) => a.time - b.time);
    const r = await readAll(pcapFile(packets), { timeouts: { tcp: 10 } }, 100);
    expect(r.batches.length).toBeGreaterThan(5);
    expect(r.connections).toHaveLength(40);
    for (let i = 0; i < r.batches.length; i++) {
      for (const later of r.batches.slice(i + 1).flat()) expect(later.start).toBeGreaterThanOrEqual(r.watermarks[i]);
      if (i > 0) expect(r.watermarks[i]).toBeGreaterThanOrEqual(r.watermarks[i - 1]);
    }
  });
});
