// IP and transport headers of one packet, decoded into the fields of a single
// reused PacketDecoder (no object per packet). Payload sizes come from the IP
// length fields, so captures cut short by a snap length still count the bytes
// that were on the wire.

import { u16be, u32be } from './bytes.ts';
import { ipOffset, LINK_NOT_IP, LINK_TRUNCATED } from './link.ts';

export const DECODED = 0;
/** ARP, LLDP and other non-IP frames. */
export const NOT_IP = 1;
/** The captured bytes end before the headers we need. */
export const TRUNCATED = 2;
/** IP, but not TCP/UDP/ICMP (GRE, ESP, SCTP, OSPF, …). */
export const OTHER_PROTOCOL = 3;
/** A fragment after the first: no transport header, the flow is found by IP id. */
export const LATER_FRAGMENT = 4;
/** Header fields that contradict each other (IHL < 5, total length < header). */
export const MALFORMED = 5;
export const UNSUPPORTED_LINK = 6;

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMP6 = 58;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

const MAX_EXTENSION_HEADERS = 8;

export class PacketDecoder {
  version = 4;
  protocol = 0;
  /** Source address words 0–3, destination 4–7; IPv4 uses words 0 and 4 only. */
  readonly addr = new Uint32Array(8);
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  icmpType = 0;
  icmpCode = 0;
  /** Echo identifier (ICMP echo request/reply only). */
  icmpId = 0;
  /** Transport payload bytes (TCP/UDP data, ICMP body), or the fragment's data for LATER_FRAGMENT. */
  payload = 0;
  /** Whether this packet is an IP fragment (first or later). */
  fragment = false;
  fragId = 0;
  /** Fragment offset in bytes, its data length and the more-fragments bit. */
  fragOffset = 0;
  fragLength = 0;
  moreFragments = false;

  decode(buf: Uint8Array, off: number, caplen: number, origLen: number, linkType: number): number {
    const p = ipOffset(buf, off, caplen, linkType);
    if (p < 0) return p === LINK_NOT_IP ? NOT_IP : p === LINK_TRUNCATED ? TRUNCATED : UNSUPPORTED_LINK;
    const end = off + caplen;
    if (p >= end) return TRUNCATED;
    const version = buf[p] >> 4;
    // Bytes the link layer says the IP packet occupies on the wire (for length fields of 0).
    const wire = origLen - (p - off);
    if (version === 4) return this.ipv4(buf, p, end, wire);
    if (version === 6) return this.ipv6(buf, p, end, wire);
    return NOT_IP;
  }

  private ipv4(b: Uint8Array, p: number, end: number, wire: number): number {
    if (p + 20 > end) return TRUNCATED;
    const ihl = (b[p] & 15) * 4;
    if (ihl < 20) return MALFORMED;
    if (p + ihl > end) return TRUNCATED;
    let total = u16be(b, p + 2);
    if (total === 0) total = wire; // TCP segmentation offload: the sender's capture shows 0
    if (total < ihl) return MALFORMED;
    this.version = 4;
    const a = this.addr;
    a[0] = u32be(b, p + 12);
    a[1] = a[2] = a[3] = 0;
    a[4] = u32be(b, p + 16);
    a[5] = a[6] = a[7] = 0;
    const frag = u16be(b, p + 6);
    const offset = (frag & 0x1fff) * 8;
    const data = total - ihl;
    this.moreFragments = (frag & 0x2000) !== 0;
    this.fragment = this.moreFragments || offset > 0;
    if (this.fragment) {
      this.fragId = u16be(b, p + 4);
      this.fragOffset = offset;
      this.fragLength = data;
    }
    this.protocol = b[p + 9];
    if (offset > 0) {
      this.payload = data;
      return LATER_FRAGMENT;
    }
    return this.transport(b, p + ihl, end, data);
  }

  private ipv6(b: Uint8Array, p: number, end: number, wire: number): number {
    if (p + 40 > end) return TRUNCATED;
    let remaining = u16be(b, p + 4);
    if (remaining === 0) remaining = wire - 40; // jumbogram or offload
    if (remaining < 0) return MALFORMED;
    this.version = 6;
    const a = this.addr;
    for (let i = 0; i < 8; i++) a[i] = u32be(b, p + 8 + 4 * i);
    let next = b[p + 6];
    let q = p + 40;
    this.fragment = false;
    this.moreFragments = false;
    let offset = 0;
    for (let n = 0; n < MAX_EXTENSION_HEADERS; n++) {
      let length: number;
      if (next === 0 || next === 43 || next === 60) {
        // hop-by-hop, routing, destination options: length in 8-byte units, not counting the first 8
        if (q + 8 > end) return TRUNCATED;
        length = (b[q + 1] + 1) * 8;
      } else if (next === 44) {
        if (q + 8 > end) return TRUNCATED;
        length = 8;
        const f = u16be(b, q + 2);
        offset = f & 0xfff8;
        this.fragment = true;
        this.moreFragments = (f & 1) !== 0;
        this.fragOffset = offset;
        this.fragId = u32be(b, q + 4);
      } else if (next === 51) {
        if (q + 8 > end) return TRUNCATED;
        length = (b[q + 1] + 2) * 4; // authentication header: 4-byte units, not counting the first 2
      } else {
        break;
      }
      next = b[q];
      q += length;
      remaining -= length;
      if (remaining < 0) return MALFORMED;
    }
    this.protocol = next;
    if (this.fragment) this.fragLength = remaining;
    if (offset > 0) {
      this.payload = remaining;
      return LATER_FRAGMENT;
    }
    return this.transport(b, q, end, remaining);
  }

  private transport(b: Uint8Array, t: number, end: number, length: number): number {
    switch (this.protocol) {
      case PROTO_TCP: {
        if (t + 20 > end) return TRUNCATED;
        const headerLength = (b[t + 12] >> 4) * 4;
        if (headerLength < 20 || headerLength > length) return MALFORMED;
        this.srcPort = u16be(b, t);
        this.dstPort = u16be(b, t + 2);
        this.seq = u32be(b, t + 4);
        this.ack = u32be(b, t + 8);
        this.tcpFlags = b[t + 13];
        this.payload = length - headerLength;
        return DECODED;
      }
      case PROTO_UDP:
        if (t + 8 > end) return TRUNCATED;
        if (length < 8) return MALFORMED;
        this.srcPort = u16be(b, t);
        this.dstPort = u16be(b, t + 2);
        this.payload = length - 8;
        return DECODED;
      case PROTO_ICMP:
      case PROTO_ICMP6:
        if (t + 8 > end) return TRUNCATED;
        if (length < 8) return MALFORMED;
        this.icmpType = b[t];
        this.icmpCode = b[t + 1];
        this.icmpId = u16be(b, t + 4);
        this.payload = length - 8;
        return DECODED;
      default:
        return OTHER_PROTOCOL;
    }
  }
}
