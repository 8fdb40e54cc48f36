import { describe, expect, it } from 'vitest';
import { ether, fragmentHeader, icmp, ipv4, ipv6, pcapFile, udp } from './pcap-writer.ts';
import { readAll } from './read.ts';

const T = 1_700_000_000;
const A = '192.168.1.10', B = '192.168.1.20';

/** UDP datagram of `dataLength` bytes cut into IPv4 fragments at the given [offset, length) pieces. */
function fragments(pieces: [number, number][], more: boolean[], id = 7, dataLength = 2000) {
  const whole = udp(5000, 69, dataLength); // 8-byte UDP header + data
  return pieces.map(([off, len], i) => ({
    time: T + i * 0.001,
    data: ether(ipv4(A, B, 17, whole.subarray(off, off + len), { id, fragOffset: off, moreFragments: more[i] })),
  }));
}

describe('IP fragments', () => {
  it('a normal fragmented datagram: one connection with ports from the first fragment, wrong_fragment 0', async () => {
    const { connections } = await readAll(pcapFile(fragments([[0, 1000], [1000, 1008]], [true, false])));
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ protocol: 'udp', origPort: 5000, respPort: 69, service: 'tftp_u', origPackets: 2, origBytes: 2000, wrongFragment: 0 });
  });

  it('later fragments that arrive before the first still count', async () => {
    const f = fragments([[0, 1000], [1000, 1008]], [true, false]);
    const { connections } = await readAll(pcapFile([{ ...f[1], time: T }, { ...f[0], time: T + 0.001 }]));
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ origPackets: 2, origBytes: 2000, wrongFragment: 0 });
  });

  it('overlapping fragments (teardrop) count as wrong fragments', async () => {
    const { connections } = await readAll(pcapFile(fragments([[0, 1000], [992, 1016]], [true, false])));
    expect(connections[0].wrongFragment).toBe(1);
  });

  it('a fragment reaching past 65535 bytes (ping of death) and an empty non-last fragment are wrong', async () => {
    const ping = icmp(8, 0, 1, 1, 1472);
    const pod = [0, 1480, 64760].map((off, i) => ({
      time: T + i * 0.001,
      data: ether(ipv4(A, B, 1, off === 0 ? ping : new Uint8Array(1480), { id: 99, fragOffset: off, moreFragments: i < 2 })),
    }));
    const empty = { time: T + 1, data: ether(ipv4(A, B, 1, new Uint8Array(0), { id: 99, fragOffset: 2960, moreFragments: true })) };
    const { connections } = await readAll(pcapFile([...pod, empty]));
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ service: 'eco_i', origPackets: 4, wrongFragment: 2 });
  });

  it('IPv6 fragment headers: later fragments join the first one’s flow', async () => {
    const whole = udp(6000, 53, 1600);
    const frag = (off: number, len: number, more: boolean, t: number) => ({
      time: t, data: ether(ipv6('2001:db8::a', '2001:db8::b', 17, whole.subarray(off, off + len), [{ type: 44, body: fragmentHeader(off, more, 0x1234) }])),
    });
    const { connections } = await readAll(pcapFile([frag(0, 1200, true, T), frag(1200, 408, false, T + 0.001)]));
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ service: 'domain_u', origPackets: 2, origBytes: 1600, wrongFragment: 0 });
  });
});
