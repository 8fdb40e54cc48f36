import { describe, expect, it } from 'vitest';
import { captureFormat, isCapture } from '../../src/capture/index.ts';
import {
  ACK, c, ether, FIN, icmp, ip6, ipv4, ipv6, nullLink, pcapFile, pcapngFile, PSH, s, sll, sll2, SYN, tcp, udp,
} from './pcap-writer.ts';
import { onlyConnection, readAll } from './read.ts';

const T = 1_700_000_000;
const handshake = [c(T, SYN), s(T + 0.25, SYN | ACK), c(T + 0.5, ACK), c(T + 0.75, PSH | ACK, 33), c(T + 1, FIN | ACK), s(T + 1.25, FIN | ACK)];
const raw = (p: { time: number; data: Uint8Array }) => ({ time: p.time, data: p.data.subarray(14) }); // strip Ethernet

describe('capture formats', () => {
  it('recognises the four pcap magics and pcapng by their first bytes', () => {
    for (const o of [{}, { bigEndian: true }, { nanoseconds: true }, { bigEndian: true, nanoseconds: true }]) {
      expect(captureFormat(pcapFile([], o))).toBe('pcap');
    }
    expect(captureFormat(pcapngFile([{ interfaces: [], packets: [] }]))).toBe('pcapng');
    expect(isCapture(new TextEncoder().encode('duration,protocol_type'))).toBe(false);
    expect(isCapture(new Uint8Array([0xd4, 0xc3]))).toBe(false);
  });

  it('big-endian pcap gives the same connection as little-endian', async () => {
    const little = await onlyConnection(pcapFile(handshake));
    const big = await onlyConnection(pcapFile(handshake, { bigEndian: true }));
    expect(big).toEqual(little);
    expect(big).toMatchObject({ flag: 'SF', origBytes: 33, duration: 1.25 });
  });

  it('nanosecond pcap keeps sub-microsecond times', async () => {
    // Small epoch values: a float64 of today's epoch seconds resolves only ~0.24 µs.
    const packets = [c(1000.000000123, SYN), s(1000.000000623, SYN | ACK)];
    const conn = await onlyConnection(pcapFile(packets, { nanoseconds: true }));
    expect(conn.duration).toBeCloseTo(500e-9, 11);
    expect(conn.start - 1000).toBeCloseTo(123e-9, 11);
    const micro = await onlyConnection(pcapFile(packets));
    expect(micro.duration).toBeCloseTo(1e-6, 11); // the same times rounded to µs: .000000 and .000001
  });

  it('reads Linux cooked captures (SLL and SLL2), raw IP and BSD loopback', async () => {
    const expected = await onlyConnection(pcapFile(handshake));
    const relink = (wrap: (ip: Uint8Array) => Uint8Array) => handshake.map((p) => ({ time: p.time, data: wrap(raw(p).data) }));
    expect(await onlyConnection(pcapFile(relink(sll), { linkType: 113 }))).toEqual(expected);
    expect(await onlyConnection(pcapFile(relink(sll2), { linkType: 276 }))).toEqual(expected);
    for (const lt of [101, 12, 14, 228]) expect(await onlyConnection(pcapFile(handshake.map(raw), { linkType: lt }))).toEqual(expected);
    expect(await onlyConnection(pcapFile(relink((ip) => nullLink(ip, 2, true)), { linkType: 0 }))).toEqual(expected);
    expect(await onlyConnection(pcapFile(relink((ip) => nullLink(ip, 2, false)), { linkType: 108 }))).toEqual(expected);
  });

  it('skips 802.1Q and 802.1ad VLAN tags, and counts ARP as non-IP', async () => {
    const expected = await onlyConnection(pcapFile(handshake));
    const tagged = handshake.map((p, i) => ({ time: p.time, data: ether(raw(p).data, i % 2 ? [100] : [10, 200]) }));
    const arp = { time: T, data: ether(new Uint8Array(28), [], 0x0806) };
    const { connections, stats } = await readAll(pcapFile([arp, ...tagged]));
    expect(connections).toEqual([expected]);
    expect(stats.nonIpPackets).toBe(1);
    expect(stats.packets).toBe(7);
  });

  it('IPv6 TCP through extension headers, and IPv6 UDP', async () => {
    const a = '2001:db8::1', b = '2001:db8::2';
    const ext = [{ type: 0 }, { type: 60, body: new Uint8Array(14) }];
    const v6 = (t: number, src: string, dst: string, seg: Uint8Array) => ({ time: t, data: ether(ipv6(src, dst, 6, seg, ext)) });
    const { connections } = await readAll(pcapFile([
      v6(T, a, b, tcp(5000, 22, SYN)), v6(T + 0.1, b, a, tcp(22, 5000, SYN | ACK)), v6(T + 0.2, a, b, tcp(5000, 22, ACK, 40)),
      v6(T + 0.3, a, b, tcp(5000, 22, FIN | ACK)), v6(T + 0.4, b, a, tcp(22, 5000, FIN | ACK, 7)),
      { time: T + 1, data: ether(ipv6(b, 'fe80::1:0:0:5', 17, udp(5353, 53, 30))) },
      { time: T + 1.5, data: ether(ipv6('fe80::1:0:0:5', b, 17, udp(53, 5353, 90))) },
    ]));
    expect(connections).toHaveLength(2);
    expect(connections[0]).toMatchObject({ protocol: 'tcp', origAddr: a, respAddr: b, service: 'ssh', flag: 'SF', origBytes: 40, respBytes: 7 });
    expect(connections[1]).toMatchObject({
      protocol: 'udp', origAddr: b, respAddr: 'fe80::1:0:0:5', respPort: 53, service: 'domain_u', flag: 'SF',
      origBytes: 30, respBytes: 90, origPackets: 1, respPackets: 1,
    });
    expect(ip6('fe80::1:0:0:5')).toHaveLength(16);
  });

  it('ICMP echo request and reply form one eco_i connection counting both directions', async () => {
    const req = (t: number, seq: number) => ({ time: t, data: ether(ipv4('10.1.1.1', '10.1.1.9', 1, icmp(8, 0, 77, seq, 56))) });
    const rep = (t: number, seq: number) => ({ time: t, data: ether(ipv4('10.1.1.9', '10.1.1.1', 1, icmp(0, 0, 77, seq, 56))) });
    const unreachable = { time: T + 5, data: ether(ipv4('10.1.1.9', '10.1.1.1', 1, icmp(3, 3, 0, 0, 28))) };
    const { connections } = await readAll(pcapFile([req(T, 1), rep(T + 0.001, 1), req(T + 1, 2), rep(T + 1.001, 2), unreachable]));
    expect(connections[0]).toMatchObject({
      protocol: 'icmp', origAddr: '10.1.1.1', origPort: 8, respPort: 0, service: 'eco_i', flag: 'SF',
      origPackets: 2, respPackets: 2, origBytes: 112, respBytes: 112,
    });
    expect(connections[1]).toMatchObject({ origAddr: '10.1.1.9', origPort: 3, respPort: 3, service: 'urp_i', origBytes: 28 });
  });

  it('pcapng: two interfaces with different link types and resolutions, several sections, unknown blocks, SPB and PB', async () => {
    const ip = handshake.map(raw);
    const bytes = pcapngFile([
      {
        interfaces: [{ linkType: 1 }, { linkType: 101, tsresol: 9 }],
        unknownBlocks: 2,
        packets: handshake.map((p, i) => (i % 2 ? { ...ip[i], iface: 1 } : { ...p, iface: 0 })),
      },
      {
        bigEndian: true,
        interfaces: [{ linkType: 113, tsresol: 0x80 | 20, tsoffset: T }],
        packets: [
          { time: T + 100, data: sll(ipv4('10.9.9.9', '10.9.9.8', 17, udp(1234, 123, 48))), block: 'pb' },
          { time: T + 100, data: sll(ipv4('10.9.9.8', '10.9.9.9', 17, udp(123, 1234, 48))), block: 'spb' },
        ],
      },
    ]);
    const { connections, stats } = await readAll(bytes);
    expect(stats.format).toBe('pcapng');
    expect(connections).toHaveLength(2);
    const [tcpConn, ntp] = connections;
    // Interface 1 counts nanoseconds: today's epoch in ns exceeds 2^53, so times agree to ~1 µs, not exactly.
    const { start, duration, ...rest } = await onlyConnection(pcapFile(handshake));
    expect(tcpConn).toMatchObject(rest);
    expect(tcpConn.start).toBeCloseTo(start, 5);
    expect(tcpConn.duration).toBeCloseTo(duration, 5);
    expect(ntp).toMatchObject({ protocol: 'udp', service: 'ntp_u', origPackets: 1, respPackets: 1, origBytes: 48, respBytes: 48 });
    expect(ntp.start).toBeCloseTo(T + 100, 5);
    expect(stats.linkTypes).toEqual({ 1: 3, 101: 3, 113: 2 });
  });
});
