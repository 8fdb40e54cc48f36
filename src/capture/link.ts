// Link layers: where the IP header starts in a captured frame.

import { u16be, u32le } from './bytes.ts';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** ipOffset() results below zero. */
export const LINK_NOT_IP = -1;
export const LINK_TRUNCATED = -2;
export const LINK_UNSUPPORTED = -3;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;

/**
 * Offset of the IP header inside `buf[off, off + caplen)`, or LINK_NOT_IP (ARP,
 * LLDP, …), LINK_TRUNCATED (the frame is shorter than its link header) or
 * LINK_UNSUPPORTED (a link type this reader does not know).
 */
export function ipOffset(buf: Uint8Array, off: number, caplen: number, linkType: number): number {
  const end = off + caplen;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      // Linux `lo` captures are Ethernet too, with zero MAC addresses.
      let p = off + 12;
      if (p + 2 > end) return LINK_TRUNCATED;
      let type = u16be(buf, p);
      while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
        p += 4;
        if (p + 2 > end) return LINK_TRUNCATED;
        type = u16be(buf, p);
      }
      return etherTypeOffset(type, p + 2);
    }
    case LINKTYPE_LINUX_SLL:
      if (caplen < 16) return LINK_TRUNCATED;
      return etherTypeOffset(u16be(buf, off + 14), off + 16);
    case LINKTYPE_LINUX_SLL2:
      if (caplen < 20) return LINK_TRUNCATED;
      return etherTypeOffset(u16be(buf, off), off + 20);
    case LINKTYPE_RAW:
    case 12: // DLT_RAW on OpenBSD and older systems
    case 14: // DLT_RAW on BSD/OS
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return off;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      // A 4-byte address family, in the capturing host's byte order for NULL and
      // (by the spec) network order for LOOP; writers disagree, so accept both.
      if (caplen < 4) return LINK_TRUNCATED;
      let family = u32le(buf, off);
      if (family > 0xffff) family = (family >>> 24) | ((family >>> 8) & 0xff00);
      if (family === 2) return off + 4; // AF_INET everywhere
      if (family === 10 || family === 24 || family === 28 || family === 30) return off + 4; // AF_INET6: Linux, BSDs, FreeBSD, macOS
      return LINK_NOT_IP;
    }
    default:
      return LINK_UNSUPPORTED;
  }
}

function etherTypeOffset(type: number, next: number): number {
  return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? next : LINK_NOT_IP;
}
