// IP fragments: which connection a later fragment (no transport header, so no
// ports) belongs to, and which fragments are invalid in the sense of KDD's
// wrong_fragment. Datagrams are remembered by (src, dst, protocol, IP id) in a
// small map bounded in size and age; fragments are rare, so an object per
// datagram (not per packet) is fine here.

import type { PacketDecoder } from './decode.ts';

/** Fragment ranges remembered per datagram; beyond this, overlaps go unchecked. */
const MAX_RANGES = 32;
/** Largest IP datagram: offset + length beyond it is the "ping of death". */
const MAX_DATAGRAM = 65535;

export interface Datagram {
  /** Connection slot and generation the first fragment went to (slot -1 until it arrives). */
  slot: number;
  generation: number;
  /** Whether the fragments travel originator → responder in that connection. */
  fromOrig: boolean;
  /** Later fragments seen before the first one, credited when it arrives. */
  pendingPackets: number;
  pendingBytes: number;
  pendingInvalid: number;
  firstSeen: number;
  starts: number[];
  ends: number[];
}

export class FragmentTracker {
  private readonly datagrams = new Map<string, Datagram>();
  /** Datagrams dropped before their first fragment arrived (their fragments are not counted anywhere). */
  orphaned = 0;

  constructor(private readonly capacity = 4096, private readonly maxAge = 30) {}

  /** The datagram this fragment belongs to, created if new. */
  datagram(d: PacketDecoder, time: number): Datagram {
    const a = d.addr;
    const key =
      d.version === 4
        ? `${a[0]} ${a[4]} ${d.protocol} ${d.fragId}`
        : `${a[0]} ${a[1]} ${a[2]} ${a[3]} ${a[4]} ${a[5]} ${a[6]} ${a[7]} ${d.protocol} ${d.fragId}`;
    let dg = this.datagrams.get(key);
    if (dg === undefined) {
      this.evict(time);
      dg = { slot: -1, generation: 0, fromOrig: true, pendingPackets: 0, pendingBytes: 0, pendingInvalid: 0, firstSeen: time, starts: [], ends: [] };
      this.datagrams.set(key, dg);
    }
    return dg;
  }

  /**
   * Record the decoder's fragment in its datagram; true if it is invalid: it
   * overlaps an earlier fragment (teardrop), reaches past 65535 bytes (ping of
   * death), or is a non-last fragment that is empty or not a multiple of 8 bytes.
   */
  invalid(dg: Datagram, d: PacketDecoder): boolean {
    const start = d.fragOffset;
    const end = start + d.fragLength;
    let bad = end > MAX_DATAGRAM || (d.moreFragments && (d.fragLength === 0 || d.fragLength % 8 !== 0));
    const { starts, ends } = dg;
    for (let i = 0; i < starts.length && !bad; i++) {
      if (start < ends[i] && starts[i] < end) bad = true;
    }
    if (starts.length < MAX_RANGES && end > start) {
      starts.push(start);
      ends.push(end);
    }
    return bad;
  }

  private evict(time: number): void {
    // Map iteration is insertion order: the oldest datagrams come first.
    for (const [key, dg] of this.datagrams) {
      if (this.datagrams.size < this.capacity && time - dg.firstSeen <= this.maxAge) break;
      if (dg.slot < 0) this.orphaned++;
      this.datagrams.delete(key);
    }
  }
}
