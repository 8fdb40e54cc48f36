// Capture files (pcap, pcapng) → connections, streamed: the reader keeps one
// input chunk and one partial record, plus the open connections.
//
//   for await (const { connections, watermark, stats } of readCaptureConnections(bytes, { source })) …
//
// Each batch holds the connections that ended while its input chunk was read;
// `watermark` is a time before which no connection still to come started
// (Infinity on the last batch). `stats` is the running count, final on the
// last batch (which has done: true and is always yielded, possibly empty).

import type { Connection } from '../flows/connection.ts';
import { InputError } from '../data/errors.ts';
import { u32be, u32le } from './bytes.ts';
import { DECODED, LATER_FRAGMENT, MALFORMED, NOT_IP, OTHER_PROTOCOL, PacketDecoder, TRUNCATED, UNSUPPORTED_LINK } from './decode.ts';
import { FlowAssembler, type FlowTimeouts } from './flows.ts';
import { byteChunks, type CaptureInput } from './input.ts';
import { CAPTURE_HINT, type PacketSink } from './packet-sink.ts';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PcapParser } from './pcap.ts';
import { PCAPNG_SHB, PcapngParser } from './pcapng.ts';

export type { CaptureInput } from './input.ts';
export { DEFAULT_TIMEOUTS, type FlowTimeouts } from './flows.ts';
export { kddService, icmp6AsIcmp4Type } from './services.ts';

export type CaptureFormat = 'pcap' | 'pcapng';

/** 'pcap' or 'pcapng' from the first four bytes, or null. */
export function captureFormat(firstBytes: Uint8Array): CaptureFormat | null {
  if (firstBytes.length < 4) return null;
  const le = u32le(firstBytes, 0);
  const be = u32be(firstBytes, 0);
  if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) return 'pcap';
  if (le === PCAPNG_SHB) return 'pcapng';
  return null;
}

/** Whether these bytes start a pcap or pcapng file (by magic number). */
export function isCapture(firstBytes: Uint8Array): boolean {
  return captureFormat(firstBytes) !== null;
}

export interface CaptureStats {
  format: CaptureFormat | null;
  /** Bytes of the file read so far. */
  bytesRead: number;
  /** Packet records in the file. */
  packets: number;
  /** Sum of the packets' on-the-wire lengths. */
  wireBytes: number;
  /** Packets used for connections (TCP, UDP, ICMP over IPv4/IPv6, fragments included). */
  ipPackets: number;
  /** Packets whose captured bytes end inside the headers we need, and a record cut off by the end of the file. */
  truncatedPackets: number;
  /** Non-IP frames (ARP, LLDP, …) skipped. */
  nonIpPackets: number;
  /** IP packets of other protocols (GRE, ESP, SCTP, …) skipped. */
  otherProtocolPackets: number;
  /** IP headers that contradict themselves, skipped. */
  malformedPackets: number;
  /** Packets on interfaces whose link type this reader does not decode. */
  unsupportedLinkPackets: number;
  /** Link types seen, with packet counts. */
  linkTypes: Record<number, number>;
  /** Fragmented datagrams whose first fragment never came (their later fragments are not counted). */
  orphanedFragments: number;
  /** Connections emitted. */
  connections: number;
}

export interface CaptureBatch {
  connections: Connection[];
  watermark: number;
  stats: CaptureStats;
  done: boolean;
}

export interface CaptureOptions {
  /** File name for error messages. */
  source?: string;
  /** Called after each input chunk with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  timeouts?: FlowTimeouts;
}

export function emptyStats(): CaptureStats {
  return {
    format: null, bytesRead: 0, packets: 0, wireBytes: 0, ipPackets: 0, truncatedPackets: 0, nonIpPackets: 0,
    otherProtocolPackets: 0, malformedPackets: 0, unsupportedLinkPackets: 0, linkTypes: {}, orphanedFragments: 0, connections: 0,
  };
}

/** Decodes each packet and hands it to the flow assembler, counting what it skips. */
class ConnectionSink implements PacketSink {
  readonly decoder = new PacketDecoder();
  constructor(readonly flows: FlowAssembler, readonly stats: CaptureStats) {}

  packet(buf: Uint8Array, off: number, caplen: number, origLen: number, linkType: number, time: number): void {
    const s = this.stats;
    s.packets++;
    s.wireBytes += origLen;
    s.linkTypes[linkType] = (s.linkTypes[linkType] ?? 0) + 1;
    const status = this.decoder.decode(buf, off, caplen, origLen, linkType);
    switch (status) {
      case DECODED:
      case LATER_FRAGMENT:
        s.ipPackets++;
        this.flows.packet(this.decoder, status, time);
        break;
      case TRUNCATED: s.truncatedPackets++; break;
      case NOT_IP: s.nonIpPackets++; break;
      case OTHER_PROTOCOL: s.otherProtocolPackets++; break;
      case MALFORMED: s.malformedPackets++; break;
      case UNSUPPORTED_LINK: s.unsupportedLinkPackets++; break;
    }
  }

  truncated(): void {
    this.stats.truncatedPackets++;
  }
}

/** Connections of a pcap or pcapng capture, in batches as they end. Throws InputError for a damaged file. */
export async function* readCaptureConnections(input: CaptureInput, opts: CaptureOptions = {}): AsyncGenerator<CaptureBatch, CaptureStats> {
  const stats = emptyStats();
  const flows = new FlowAssembler(opts.timeouts);
  const sink = new ConnectionSink(flows, stats);
  let parser: PcapParser | PcapngParser | null = null;
  const head = new Uint8Array(4); // the magic may arrive split over chunks
  let headLength = 0;
  const sync = () => {
    stats.connections = flows.emitted;
    stats.orphanedFragments = flows.orphanedFragments;
  };
  for await (const chunk of byteChunks(input)) {
    stats.bytesRead += chunk.length;
    if (parser === null) {
      const take = Math.min(4 - headLength, chunk.length);
      head.set(chunk.subarray(0, take), headLength);
      headLength += take;
      if (headLength < 4) continue;
      parser = openParser(head, sink, opts.source);
      stats.format = parser instanceof PcapParser ? 'pcap' : 'pcapng';
      parser.push(take === 4 ? chunk : concat(head, chunk.subarray(take)));
    } else {
      parser.push(chunk);
    }
    opts.onProgress?.(stats.bytesRead);
    const connections = flows.takeEnded();
    if (connections.length > 0) {
      sync();
      yield { connections, watermark: flows.watermark(), stats, done: false };
    }
  }
  if (parser === null) {
    const problem = headLength === 0 ? 'the capture is empty' : `the capture ends after ${headLength} bytes, before its file header`;
    throw new InputError(problem, { source: opts.source, hint: CAPTURE_HINT, kind: 'syntax' });
  }
  parser.finish();
  flows.flush();
  sync();
  yield { connections: flows.takeEnded(), watermark: flows.watermark(), stats, done: true };
  return stats;
}

function openParser(magic: Uint8Array, sink: PacketSink, source?: string): PcapParser | PcapngParser {
  const format = captureFormat(magic);
  if (format === 'pcap') return new PcapParser(sink, source);
  if (format === 'pcapng') return new PcapngParser(sink, source);
  const hex = Array.from(magic, (b) => b.toString(16).padStart(2, '0')).join('');
  throw new InputError(`not a pcap or pcapng file (magic 0x${hex} at byte 0)`, { source, hint: CAPTURE_HINT, kind: 'syntax' });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
