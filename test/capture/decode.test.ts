import { describe, expect, it } from 'vitest';
import { DECODED, MALFORMED, OTHER_PROTOCOL, PacketDecoder, TRUNCATED } from '../../src/capture/decode.ts';
import { ACK, ether, ipv4, ipv6, pcapFile, pcapngFile, SYN, tcp, udp } from './pcap-writer.ts';
import { readAll } from './read.ts';

const decode = (frame: Uint8Array, origLen = frame.length) => {
  const d = new PacketDecoder();
  return { status: d.decode(frame, 0, frame.length, origLen, 1), d };
};

describe('PacketDecoder', () => {
  it('IPv4 with options: ports and payload after the longer header', () => {
    const { status, d } = decode(ether(ipv4('1.2.3.4', '5.6.7.8', 6, tcp(1111, 2222, SYN | ACK, 17), { ihl: 7 })));
    expect(status).toBe(DECODED);
    expect([d.srcPort, d.dstPort, d.tcpFlags, d.payload, d.addr[0], d.addr[4]]).toEqual([1111, 2222, SYN | ACK, 17, 0x01020304, 0x05060708]);
  });

  it('IHL below 5 and TCP data offsets beyond the packet are malformed; cut headers are truncated', () => {
    expect(decode(ether(ipv4('1.2.3.4', '5.6.7.8', 6, tcp(1, 2, SYN), { ihl: 4 }))).status).toBe(MALFORMED);
    const bad = tcp(1, 2, SYN);
    bad[12] = 0xf0; // 60-byte header in a 20-byte segment
    expect(decode(ether(ipv4('1.2.3.4', '5.6.7.8', 6, bad))).status).toBe(MALFORMED);
    expect(decode(ether(ipv4('1.2.3.4', '5.6.7.8', 17, udp(1, 2))).subarray(0, 14 + 20 + 4)).status).toBe(TRUNCATED);
    expect(decode(ether(ipv6('::1', '::2', 6, tcp(1, 2, SYN))).subarray(0, 14 + 30)).status).toBe(TRUNCATED);
  });

  it('a total length of 0 (segmentation offload) takes the length from the wire', () => {
    const frame = ether(ipv4('1.2.3.4', '5.6.7.8', 6, tcp(1, 2, ACK, 3000), { totalLength: 0 }));
    const { status, d } = decode(frame.subarray(0, 80), frame.length);
    expect(status).toBe(DECODED);
    expect(d.payload).toBe(3000);
  });

  it('other IP protocols are skipped and counted', async () => {
    expect(decode(ether(ipv4('1.2.3.4', '5.6.7.8', 47, new Uint8Array(8)))).status).toBe(OTHER_PROTOCOL);
    const { stats } = await readAll(pcapFile([{ time: 1, data: ether(ipv4('1.2.3.4', '5.6.7.8', 50, new Uint8Array(40))) }]));
    expect(stats).toMatchObject({ packets: 1, otherProtocolPackets: 1, connections: 0 });
  });

  it('pcapng packets naming an undescribed interface are refused with the offset', async () => {
    const bytes = pcapngFile([{ interfaces: [{ linkType: 1 }], packets: [{ time: 1, data: ether(ipv4('1.2.3.4', '5.6.7.8', 17, udp(1, 2))), iface: 0 }] }]);
    bytes[48 + 8] = 3; // EPB interface id
    await expect(readAll(bytes)).rejects.toThrow(/enhanced packet block at byte 48 names interface 3, but the section describes 1/);
  });
});
