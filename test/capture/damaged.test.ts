import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { readCaptureConnections } from '../../src/capture/index.ts';
import { ACK, c, ether, ipv4, pcapFile, pcapngFile, s, SYN } from './pcap-writer.ts';
import { readAll } from './read.ts';

const T = 1_700_000_000;

async function failure(bytes: Uint8Array): Promise<InputError> {
  try {
    await readAll(bytes, { source: 'cap.pcap' });
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('damaged captures', () => {
  it('a file that is not a capture names its magic', async () => {
    const e = await failure(new TextEncoder().encode('duration,protocol_type,service\n'));
    expect(e.kind).toBe('syntax');
    expect(e.message).toMatch(/^cap\.pcap: not a pcap or pcapng file \(magic 0x64757261 at byte 0\)\. Check that/);
  });

  it('a corrupted pcap header or a record claiming an absurd length names the byte offset', async () => {
    const good = pcapFile([c(T, SYN), s(T + 0.1, SYN | ACK)]);
    const version = good.slice();
    version[4] = 9;
    expect((await failure(version)).message).toMatch(/pcap version 9 at byte 4/);
    const huge = good.slice();
    const second = 24 + 16 + (good[32] | (good[33] << 8)); // second record header
    huge.set([0, 0, 0, 0x40], second + 8); // caplen 1 GiB
    expect((await failure(huge)).message).toMatch(new RegExp(`packet 2 at byte ${second} claims 1073741824 captured bytes`));
  });

  it('a pcapng block claiming 4 GB is refused before anything is allocated', async () => {
    const bytes = pcapngFile([{ interfaces: [{ linkType: 1 }], packets: [c(T, SYN)] }]);
    bytes.set([0xff, 0xff, 0xff, 0xff], 28 + 20 + 4); // the EPB's length (after the 28-byte SHB and 20-byte IDB)
    expect((await failure(bytes)).message).toMatch(/block at byte 48 claims 4\.0 GB/);
    const mismatch = pcapngFile([{ interfaces: [{ linkType: 1 }], packets: [c(T, SYN)] }]);
    mismatch[mismatch.length - 4] ^= 4;
    expect((await failure(mismatch)).message).toMatch(/block at byte 48 ends with length/);
  });

  it('empty input and a cut-off header are errors', async () => {
    expect((await failure(new Uint8Array(0))).message).toMatch(/the capture is empty/);
    expect((await failure(pcapFile([]).subarray(0, 10))).message).toMatch(/ends after 10 bytes, inside its 24-byte file header/);
  });

  it('a file ending mid-packet: counted as truncated, the rest read', async () => {
    const whole = pcapFile([c(T, SYN), s(T + 0.1, SYN | ACK), c(T + 0.2, ACK)]);
    const { connections, stats } = await readAll(whole.subarray(0, whole.length - 20));
    expect(stats).toMatchObject({ packets: 2, truncatedPackets: 1 });
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ origPackets: 1, respPackets: 1, flag: 'S1' });
  });

  it('a packet captured shorter than its headers: counted as truncated and skipped', async () => {
    const short = { time: T, data: ether(ipv4('1.1.1.1', '2.2.2.2', 6, new Uint8Array(20))).subarray(0, 40) };
    const { connections, stats } = await readAll(pcapFile([short, c(T + 1, SYN)]));
    expect(stats).toMatchObject({ packets: 2, truncatedPackets: 1, ipPackets: 1 });
    expect(connections).toHaveLength(1);
  });

  it('snap-length captures count payload from the IP length, not the captured bytes', async () => {
    const p = c(T, ACK, 1400);
    const { connections } = await readAll(pcapFile([{ time: T, data: p.data.subarray(0, 96), origLen: p.data.length }], { snaplen: 96 }));
    expect(connections[0].origBytes).toBe(1400);
  });

  it('the generator closes cleanly when the consumer stops early', async () => {
    const packets = Array.from({ length: 50 }, (_, i) => c(T + i * 400, SYN)); // each SYN ends the previous by timeout
    const gen = readCaptureConnections(pcapFile(packets));
    const first = await gen.next();
    expect(first.done).toBe(false);
    await gen.return(undefined as never);
  });
});
