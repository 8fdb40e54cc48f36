import { describe, expect, it } from 'vitest';
import { ACK, c, CLIENT, FIN, pcapFile, PSH, RST, s, SERVER, SYN, tcpPacket, URG, type Packet } from './pcap-writer.ts';
import { onlyConnection, readAll } from './read.ts';

const T = 1_700_000_000;
const flagOf = async (packets: Packet[]) => (await onlyConnection(pcapFile(packets))).flag;

describe('TCP connections from a pcap', () => {
  it('handshake, data and FIN close: SF with exact bytes, packets and duration', async () => {
    const conn = await onlyConnection(pcapFile([
      c(T, SYN), s(T + 0.01, SYN | ACK), c(T + 0.02, ACK),
      c(T + 0.03, PSH | ACK, 120), s(T + 0.05, PSH | ACK, 1460), s(T + 0.06, PSH | ACK, 540), c(T + 0.07, ACK),
      c(T + 0.5, FIN | ACK), s(T + 0.51, FIN | ACK), c(T + 0.52, ACK),
    ]));
    expect(conn).toMatchObject({
      protocol: 'tcp', origAddr: CLIENT, origPort: 40000, respAddr: SERVER, respPort: 80, service: 'http', flag: 'SF',
      origBytes: 120, respBytes: 2000, origPackets: 6, respPackets: 4, wrongFragment: 0, urgent: 0,
    });
    expect(conn.start).toBeCloseTo(T, 6);
    expect(conn.duration).toBeCloseTo(0.52, 6);
  });

  it('SYN only: S0', async () => {
    expect(await flagOf([c(T, SYN), c(T + 1, SYN), c(T + 3, SYN)])).toBe('S0');
  });

  it('SYN answered by RST: REJ', async () => {
    expect(await flagOf([c(T, SYN), s(T + 0.001, RST | ACK)])).toBe('REJ');
  });

  it('established, then RST from the originator: RSTO; from the responder: RSTR', async () => {
    const open = [c(T, SYN), s(T + 0.01, SYN | ACK), c(T + 0.02, ACK), c(T + 0.03, PSH | ACK, 10)];
    expect(await flagOf([...open, c(T + 0.1, RST | ACK)])).toBe('RSTO');
    expect(await flagOf([...open, s(T + 0.1, RST | ACK)])).toBe('RSTR');
  });

  it('established and never closed: S1; closed by one side only: S2 / S3', async () => {
    const open = [c(T, SYN), s(T + 0.01, SYN | ACK), c(T + 0.02, ACK), c(T + 0.03, PSH | ACK, 10), s(T + 0.04, ACK)];
    expect(await flagOf(open)).toBe('S1');
    expect(await flagOf([...open, c(T + 0.1, FIN | ACK)])).toBe('S2');
    expect(await flagOf([...open, s(T + 0.1, FIN | ACK)])).toBe('S3');
  });

  it('SYN then FIN without a SYN-ACK: SH; SYN then RST from the originator: RSTOS0', async () => {
    expect(await flagOf([c(T, SYN), c(T + 0.1, FIN)])).toBe('SH');
    expect(await flagOf([c(T, SYN), c(T + 0.1, RST)])).toBe('RSTOS0');
  });

  it('mid-stream traffic without any SYN: OTH, originator = first sender', async () => {
    const conn = await onlyConnection(pcapFile([s(T, PSH | ACK, 100), c(T + 0.01, ACK), s(T + 0.02, PSH | ACK, 100)]));
    expect(conn).toMatchObject({ flag: 'OTH', origAddr: SERVER, origPort: 80, respPort: 40000, origBytes: 200 });
  });

  it('a SYN-ACK seen first makes its receiver the originator', async () => {
    const conn = await onlyConnection(pcapFile([s(T, SYN | ACK), c(T + 0.01, ACK), c(T + 0.02, PSH | ACK, 5)]));
    expect(conn).toMatchObject({ origAddr: CLIENT, respPort: 80, flag: 'S1', origBytes: 5 });
  });

  it('counts URG packets', async () => {
    const conn = await onlyConnection(pcapFile([c(T, SYN), s(T + 0.01, SYN | ACK), c(T + 0.02, ACK | URG, 1), c(T + 0.03, ACK | URG, 1)]));
    expect(conn.urgent).toBe(2);
  });

  it('the final ACK after both FINs joins the connection; a SYN after the close starts a new one', async () => {
    const first = [c(T, SYN), s(T + 0.01, SYN | ACK), c(T + 0.02, FIN | ACK), s(T + 0.03, FIN | ACK), c(T + 0.2, ACK)];
    const { connections } = await readAll(pcapFile([...first, c(T + 0.3, SYN), s(T + 0.31, RST | ACK)]));
    expect(connections.map((x) => [x.flag, x.origPackets + x.respPackets])).toEqual([['SF', 5], ['REJ', 2]]);
  });

  it('ends a closed connection after the linger and an idle one after the inactivity timeout', async () => {
    const other = (t: number) => tcpPacket(t, CLIENT, SERVER, 40001, 80, SYN);
    const { connections, watermarks } = await readAll(
      pcapFile([c(T, SYN), s(T + 0.01, RST | ACK), other(T + 10), other(T + 400)]),
      { timeouts: { tcp: 300 } },
      64,
    );
    expect(connections.map((x) => x.flag)).toEqual(['REJ', 'S0', 'S0']);
    expect(watermarks[watermarks.length - 1]).toBe(Infinity);
    expect(connections[1].duration).toBe(0);
    expect(connections[2].start).toBeCloseTo(T + 400, 6);
  });
});
