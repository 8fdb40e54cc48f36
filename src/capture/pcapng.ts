// pcapng files: a sequence of blocks (type, length, body, length again). A
// Section Header Block sets the byte order for its section and resets the
// interface list; each Interface Description Block gives one interface's link
// type and timestamp resolution; packets come in Enhanced, Simple or the
// obsolete Packet blocks. Every other block type is skipped.

import { InputError } from '../data/errors.ts';
import { hex32, u16, u32, u32be, u32le } from './bytes.ts';
import { CAPTURE_HINT, MAX_CAPLEN, type PacketSink } from './packet-sink.ts';
import { RecordStream } from './record-stream.ts';
import { isEpochTime } from '../flows/timestamps.ts';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;

/** Largest block we accept; real writers stay far below (packets are at most 256 KiB). */
export const MAX_BLOCK = 16 * 1024 * 1024;

const OPT_END = 0;
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

export class PcapngParser extends RecordStream {
  private littleEndian = true;
  private inSection = false;
  private linkTypes: number[] = [];
  private snaplens: number[] = [];
  /** Timestamp units per second, per interface (10^6 unless if_tsresol says otherwise). */
  private unitsPerSecond: number[] = [];
  private tsOffset: number[] = [];
  private lastTime = 0;
  packets = 0;
  sections = 0;

  constructor(private readonly sink: PacketSink, private readonly source?: string) {
    super();
  }

  /** Link types of the current section's interfaces, in interface-id order. */
  get interfaceLinkTypes(): readonly number[] {
    return this.linkTypes;
  }

  protected headerBytes(): number {
    return 12; // type, length and (for a section header) the byte-order magic
  }

  protected recordLength(b: Uint8Array, o: number): number {
    const type = u32le(b, o); // the section header type reads the same in both orders
    if (type === PCAPNG_SHB) {
      const magic = u32le(b, o + 8);
      if (magic === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (u32be(b, o + 8) === BYTE_ORDER_MAGIC) this.littleEndian = false;
      else throw this.error(`section header at byte ${this.offset} has byte-order magic ${hex32(u32be(b, o + 8))}, not 0x1a2b3c4d`);
    } else if (!this.inSection) {
      throw this.error(`not a pcap or pcapng file (magic ${hex32(u32be(b, o))} at byte ${this.offset})`);
    }
    const length = u32(b, o + 4, this.littleEndian);
    if (length > MAX_BLOCK) {
      throw this.error(`block at byte ${this.offset} claims ${formatBytes(length)} (the limit is 16 MiB)`);
    }
    if (length < 12 || length % 4 !== 0) {
      throw this.error(`block at byte ${this.offset} has length ${length}, which is not a multiple of 4 of at least 12`);
    }
    return length;
  }

  protected record(b: Uint8Array, o: number, length: number): void {
    const le = this.littleEndian;
    const type = u32(b, o, le);
    const trailer = u32(b, o + length - 4, le);
    if (trailer !== length) {
      throw this.error(`block at byte ${this.offset} ends with length ${trailer} but starts with ${length}`);
    }
    switch (type) {
      case PCAPNG_SHB: this.sectionHeader(b, o, length); break;
      case IDB: this.interfaceDescription(b, o, length); break;
      case EPB: this.packetBlock(b, o, length, u32(b, o + 8, le), 'enhanced packet block'); break;
      case PB: this.packetBlock(b, o, length, u16(b, o + 8, le), 'packet block'); break;
      case SPB: this.simplePacket(b, o, length); break;
      default: break; // name resolution, statistics, custom, decryption secrets…: not needed
    }
  }

  private sectionHeader(b: Uint8Array, o: number, length: number): void {
    if (length < 28) throw this.error(`section header at byte ${this.offset} is ${length} bytes, shorter than the 28 it needs`);
    const major = u16(b, o + 12, this.littleEndian);
    if (major !== 1) throw this.error(`section header at byte ${this.offset} has pcapng version ${major}, only 1 is supported`);
    this.inSection = true;
    this.sections++;
    this.linkTypes = [];
    this.snaplens = [];
    this.unitsPerSecond = [];
    this.tsOffset = [];
  }

  private interfaceDescription(b: Uint8Array, o: number, length: number): void {
    if (length < 20) throw this.error(`interface description at byte ${this.offset} is ${length} bytes, shorter than the 20 it needs`);
    const le = this.littleEndian;
    let unitsPerSecond = 1e6;
    let offset = 0;
    const end = o + length - 4;
    for (let p = o + 16; p + 4 <= end; ) {
      const code = u16(b, p, le);
      const len = u16(b, p + 2, le);
      if (code === OPT_END) break;
      if (p + 4 + len > end) throw this.error(`interface description at byte ${this.offset} has an option running past the block`);
      if (code === OPT_TSRESOL && len >= 1) {
        const v = b[p + 4];
        unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === OPT_TSOFFSET && len >= 8) {
        // Signed 64-bit seconds; the high word carries the sign.
        const lo = u32(b, p + 4 + (le ? 0 : 4), le);
        const hi = u32(b, p + 4 + (le ? 4 : 0), le) | 0;
        offset = hi * 4294967296 + lo;
      }
      p += 4 + ((len + 3) & ~3);
    }
    this.linkTypes.push(u16(b, o + 8, le));
    this.snaplens.push(u32(b, o + 12, le));
    this.unitsPerSecond.push(unitsPerSecond);
    this.tsOffset.push(offset);
  }

  private packetBlock(b: Uint8Array, o: number, length: number, iface: number, what: string): void {
    const le = this.littleEndian;
    if (length < 32) throw this.error(`${what} at byte ${this.offset} is ${length} bytes, shorter than the 32 it needs`);
    if (iface >= this.linkTypes.length) {
      throw this.error(`${what} at byte ${this.offset} names interface ${iface}, but the section describes ${this.linkTypes.length}`);
    }
    const caplen = u32(b, o + 20, le);
    if (caplen > MAX_CAPLEN || 28 + caplen + 4 > length) {
      throw this.error(`${what} at byte ${this.offset} claims ${caplen} captured bytes in a ${length}-byte block`);
    }
    // 64-bit count of units: exact up to 2^53 (µs for 285 years; ns to ~0.2 µs today).
    const units = u32(b, o + 12, le) * 4294967296 + u32(b, o + 16, le);
    const time = units / this.unitsPerSecond[iface] + this.tsOffset[iface];
    // A 64-bit count read at 1 unit per second (if_tsresol 0), or a huge if_tsoffset, gives
    // times no report can print as a date (Date#toISOString throws past ±8.64e12 s).
    if (!isEpochTime(time)) {
      throw this.error(`${what} at byte ${this.offset} has a timestamp of ${time.toPrecision(6)} s since 1970, outside 1970 to the year 9999 (a damaged timestamp, if_tsresol or if_tsoffset)`);
    }
    this.lastTime = time;
    this.packets++;
    this.sink.packet(b, o + 28, caplen, u32(b, o + 24, le), this.linkTypes[iface], time);
  }

  private simplePacket(b: Uint8Array, o: number, length: number): void {
    if (this.linkTypes.length === 0) {
      throw this.error(`simple packet block at byte ${this.offset} comes before any interface description`);
    }
    if (length < 16) throw this.error(`simple packet block at byte ${this.offset} is ${length} bytes, shorter than the 16 it needs`);
    const origLen = u32(b, o + 8, this.littleEndian);
    const snap = this.snaplens[0] || MAX_CAPLEN;
    const caplen = Math.min(origLen, snap, length - 16);
    this.packets++;
    // No timestamp in this block type: the previous packet's time is the best estimate.
    this.sink.packet(b, o + 12, caplen, origLen, this.linkTypes[0], this.lastTime);
  }

  finish(): void {
    if (!this.inSection) {
      throw this.error(`the capture ends after ${this.pendingBytes} bytes, inside its first section header`);
    }
    if (this.pendingBytes > 0) this.sink.truncated();
  }

  private error(problem: string): InputError {
    return new InputError(problem, { source: this.source, hint: CAPTURE_HINT, kind: 'syntax' });
  }
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(n % 2 ** 30 === 0 ? 0 : 1)} GB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MB`;
  return `${n} bytes`;
}
