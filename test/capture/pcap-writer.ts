// Builds tiny captures in memory for the tests: frames (Ethernet, SLL, SLL2,
// VLAN), IPv4/IPv6 packets (with fragments and extension headers), TCP/UDP/ICMP,
// and pcap or pcapng files around them.

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

export interface Packet {
  time: number;
  /** Link-layer frame (or raw IP for raw link types). */
  data: Uint8Array;
  /** On-the-wire length (default data.length); caplen < origLen models a snap length. */
  origLen?: number;
}

class Bytes {
  readonly out: number[] = [];
  constructor(private readonly le = false) {}
  u8(v: number) { this.out.push(v & 255); return this; }
  u16(v: number) { return this.le ? this.u8(v).u8(v >> 8) : this.u8(v >> 8).u8(v); }
  u32(v: number) { return this.le ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff); }
  bytes(b: ArrayLike<number>) { for (let i = 0; i < b.length; i++) this.out.push(b[i]); return this; }
  zeros(n: number) { for (let i = 0; i < n; i++) this.out.push(0); return this; }
  pad4() { while (this.out.length % 4) this.out.push(0); return this; }
  get length() { return this.out.length; }
  toUint8Array() { return Uint8Array.from(this.out); }
}

// ---- addresses -------------------------------------------------------------

export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

/** Full 8-group IPv6 text or with one "::". */
export function ip6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 255]);
}

// ---- transport -------------------------------------------------------------

export function tcp(sport: number, dport: number, flags: number, dataLength = 0, seq = 1000, ack = 0): Uint8Array {
  return new Bytes().u16(sport).u16(dport).u32(seq).u32(ack).u8(5 << 4).u8(flags).u16(65535).u16(0).u16(0)
    .zeros(dataLength).toUint8Array();
}

export function udp(sport: number, dport: number, dataLength = 0): Uint8Array {
  return new Bytes().u16(sport).u16(dport).u16(8 + dataLength).u16(0).zeros(dataLength).toUint8Array();
}

export function icmp(type: number, code: number, id = 0, seq = 0, dataLength = 0): Uint8Array {
  return new Bytes().u8(type).u8(code).u16(0).u16(id).u16(seq).zeros(dataLength).toUint8Array();
}

// ---- IP --------------------------------------------------------------------

export interface Ipv4Options {
  id?: number;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  moreFragments?: boolean;
  /** Override the total-length field (default header + payload). */
  totalLength?: number;
  ihl?: number;
}

export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  const ihl = o.ihl ?? 5;
  const frag = ((o.moreFragments ? 0x2000 : 0) | ((o.fragOffset ?? 0) >> 3)) & 0xffff;
  return new Bytes().u8(0x40 | ihl).u8(0).u16(o.totalLength ?? ihl * 4 + payload.length).u16(o.id ?? 1).u16(frag)
    .u8(64).u8(proto).u16(0).bytes(ip4(src)).bytes(ip4(dst)).zeros(Math.max(0, ihl * 4 - 20)).bytes(payload).toUint8Array();
}

/** Extension headers: [next-header number, body bytes after the 2-byte type/length] — lengths padded to 8. */
export function ipv6(src: string, dst: string, proto: number, payload: Uint8Array, ext: { type: number; body?: Uint8Array }[] = []): Uint8Array {
  const chain = new Bytes();
  const types = [...ext.map((e) => e.type), proto];
  ext.forEach((e, i) => {
    const next = types[i + 1];
    if (e.type === 44) {
      chain.u8(next).u8(0).bytes(e.body ?? new Uint8Array(6));
    } else {
      const body = e.body ?? new Uint8Array(6);
      const total = Math.ceil((2 + body.length) / 8) * 8;
      chain.u8(next).u8(total / 8 - 1).bytes(body).zeros(total - 2 - body.length);
    }
  });
  const first = ext.length ? ext[0].type : proto;
  return new Bytes().u32(0x60000000).u16(chain.length + payload.length).u8(first).u8(64)
    .bytes(ip6(src)).bytes(ip6(dst)).bytes(chain.out).bytes(payload).toUint8Array();
}

/** IPv6 fragment header body (after next-header and reserved bytes). */
export function fragmentHeader(offset: number, more: boolean, id: number): Uint8Array {
  return new Bytes().u16((offset & 0xfff8) | (more ? 1 : 0)).u32(id).toUint8Array();
}

// ---- link layers -----------------------------------------------------------

export function ether(ip: Uint8Array, vlans: number[] = [], etherType?: number): Uint8Array {
  const b = new Bytes().zeros(12);
  vlans.forEach((tag, i) => b.u16(i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100).u16(tag));
  return b.u16(etherType ?? ((ip[0] >> 4) === 6 ? 0x86dd : 0x0800)).bytes(ip).toUint8Array();
}

export function sll(ip: Uint8Array): Uint8Array {
  return new Bytes().u16(0).u16(1).u16(6).bytes([1, 2, 3, 4, 5, 6, 0, 0]).u16((ip[0] >> 4) === 6 ? 0x86dd : 0x0800)
    .bytes(ip).toUint8Array();
}

export function sll2(ip: Uint8Array): Uint8Array {
  return new Bytes().u16((ip[0] >> 4) === 6 ? 0x86dd : 0x0800).u16(0).u32(2).u16(1).u8(0).u8(6)
    .bytes([1, 2, 3, 4, 5, 6, 0, 0]).bytes(ip).toUint8Array();
}

/** BSD null/loopback: the address family in the writer's byte order. */
export function nullLink(ip: Uint8Array, family = 2, littleEndian = true): Uint8Array {
  return new Bytes(littleEndian).u32(family).bytes(ip).toUint8Array();
}

// ---- files -----------------------------------------------------------------

export interface PcapOptions {
  linkType?: number;
  nanoseconds?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

export function pcapFile(packets: Packet[], o: PcapOptions = {}): Uint8Array {
  const b = new Bytes(!o.bigEndian);
  b.u32(o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(o.snaplen ?? 262144).u32(o.linkType ?? 1);
  const scale = o.nanoseconds ? 1e9 : 1e6;
  for (const p of packets) {
    const sec = Math.floor(p.time);
    const frac = Math.round((p.time - sec) * scale);
    b.u32(sec).u32(frac).u32(p.data.length).u32(p.origLen ?? p.data.length).bytes(p.data);
  }
  return b.toUint8Array();
}

export interface NgInterface {
  linkType: number;
  /** if_tsresol byte (default: no option, i.e. microseconds). */
  tsresol?: number;
  /** if_tsoffset seconds. */
  tsoffset?: number;
  snaplen?: number;
}

export interface NgPacket extends Packet {
  iface?: number;
  block?: 'epb' | 'spb' | 'pb';
}

export interface NgSection {
  bigEndian?: boolean;
  interfaces: NgInterface[];
  packets: NgPacket[];
  /** Extra blocks of unknown type to put before the packets. */
  unknownBlocks?: number;
}

export function pcapngFile(sections: NgSection[]): Uint8Array {
  const out: number[] = [];
  for (const s of sections) {
    const le = !s.bigEndian;
    const block = (type: number, body: Bytes) => {
      body.pad4();
      const total = 12 + body.length;
      const b = new Bytes(le).u32(type).u32(total).bytes(body.out).u32(total);
      out.push(...b.out);
    };
    block(0x0a0d0d0a, new Bytes(le).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff));
    for (const i of s.interfaces) {
      const body = new Bytes(le).u16(i.linkType).u16(0).u32(i.snaplen ?? 262144);
      if (i.tsresol !== undefined) body.u16(9).u16(1).u8(i.tsresol).pad4();
      if (i.tsoffset !== undefined) {
        // A 64-bit integer in the section's byte order.
        const lo = i.tsoffset >>> 0, hi = Math.floor(i.tsoffset / 2 ** 32);
        body.u16(14).u16(8);
        if (le) body.u32(lo).u32(hi);
        else body.u32(hi).u32(lo);
      }
      if (i.tsresol !== undefined || i.tsoffset !== undefined) body.u16(0).u16(0);
      block(1, body);
    }
    for (let k = 0; k < (s.unknownBlocks ?? 0); k++) block(0x0badcafe, new Bytes(le).u32(k).u32(42));
    for (const p of s.packets) {
      const iface = p.iface ?? 0;
      const r = s.interfaces[iface].tsresol;
      const perSecond = r === undefined ? 1e6 : r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      const units = BigInt(Math.round((p.time - (s.interfaces[iface].tsoffset ?? 0)) * perSecond));
      const hi = Number(units >> 32n);
      const lo = Number(units & 0xffffffffn);
      const origLen = p.origLen ?? p.data.length;
      if (p.block === 'spb') block(3, new Bytes(le).u32(origLen).bytes(p.data));
      else if (p.block === 'pb') block(2, new Bytes(le).u16(iface).u16(0).u32(hi).u32(lo).u32(p.data.length).u32(origLen).bytes(p.data));
      else block(6, new Bytes(le).u32(iface).u32(hi).u32(lo).u32(p.data.length).u32(origLen).bytes(p.data));
    }
  }
  return Uint8Array.from(out);
}

// ---- conversations ---------------------------------------------------------

/** Ethernet-framed IPv4 TCP packets between a client and a server. */
export function tcpPacket(time: number, src: string, dst: string, sport: number, dport: number, flags: number, dataLength = 0): Packet {
  return { time, data: ether(ipv4(src, dst, 6, tcp(sport, dport, flags, dataLength))) };
}

export const CLIENT = '10.0.0.1';
export const SERVER = '10.0.0.2';

/** Client → server (c) or server → client (s) TCP packet on ports 40000 ↔ 80. */
export function c(time: number, flags: number, len = 0): Packet {
  return tcpPacket(time, CLIENT, SERVER, 40000, 80, flags, len);
}
export function s(time: number, flags: number, len = 0): Packet {
  return tcpPacket(time, SERVER, CLIENT, 80, 40000, flags, len);
}
