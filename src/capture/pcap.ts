// Classic libpcap files: a 24-byte file header, then 16-byte record headers,
// each followed by the captured bytes. Four magics give the byte order and
// whether the fraction of a second is in micro- or nanoseconds.

import { InputError } from '../data/errors.ts';
import { hex32, u16, u32, u32le } from './bytes.ts';
import { CAPTURE_HINT, MAX_CAPLEN, type PacketSink } from './packet-sink.ts';
import { RecordStream } from './record-stream.ts';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapParser extends RecordStream {
  private haveHeader = false;
  private littleEndian = true;
  private fractionScale = 1e-6;
  linkType = -1;
  snaplen = 0;
  packets = 0;

  constructor(private readonly sink: PacketSink, private readonly source?: string) {
    super();
  }

  protected headerBytes(): number {
    return this.haveHeader ? RECORD_HEADER : FILE_HEADER;
  }

  protected recordLength(b: Uint8Array, o: number): number {
    if (!this.haveHeader) return FILE_HEADER;
    const caplen = u32(b, o + 8, this.littleEndian);
    if (caplen > MAX_CAPLEN) {
      throw this.error(`packet ${this.packets + 1} at byte ${this.offset} claims ${caplen} captured bytes (more than ${MAX_CAPLEN})`);
    }
    return RECORD_HEADER + caplen;
  }

  protected record(b: Uint8Array, o: number, length: number): void {
    if (!this.haveHeader) {
      this.fileHeader(b, o);
      return;
    }
    const le = this.littleEndian;
    const time = u32(b, o, le) + u32(b, o + 4, le) * this.fractionScale;
    const origLen = u32(b, o + 12, le);
    this.packets++;
    this.sink.packet(b, o + RECORD_HEADER, length - RECORD_HEADER, origLen, this.linkType, time);
  }

  private fileHeader(b: Uint8Array, o: number): void {
    const magic = u32le(b, o);
    const swapped = ((magic & 0xff) << 24 | (magic & 0xff00) << 8 | (magic >>> 8) & 0xff00 | magic >>> 24) >>> 0;
    if (magic === PCAP_MAGIC_US || magic === PCAP_MAGIC_NS) this.littleEndian = true;
    else if (swapped === PCAP_MAGIC_US || swapped === PCAP_MAGIC_NS) this.littleEndian = false;
    else throw this.error(`not a pcap or pcapng file (magic ${hex32(swapped)} at byte 0)`);
    const canonical = this.littleEndian ? magic : swapped;
    this.fractionScale = canonical === PCAP_MAGIC_NS ? 1e-9 : 1e-6;
    const major = u16(b, o + 4, this.littleEndian);
    if (major !== 2) throw this.error(`pcap version ${major} at byte 4 is not supported (only 2.x exists)`);
    this.snaplen = u32(b, o + 16, this.littleEndian);
    // The upper bits of the link-type field hold an FCS length (rarely set); the type is the low 16.
    this.linkType = u32(b, o + 20, this.littleEndian) & 0xffff;
    this.haveHeader = true;
  }

  /** Called at end of input. */
  finish(): void {
    if (!this.haveHeader) {
      throw this.error(`the capture ends after ${this.pendingBytes} bytes, inside its ${FILE_HEADER}-byte file header`);
    }
    if (this.pendingBytes > 0) this.sink.truncated();
  }

  private error(problem: string): InputError {
    return new InputError(problem, { source: this.source, hint: CAPTURE_HINT, kind: 'syntax' });
  }
}
