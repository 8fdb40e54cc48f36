// Packets → bidirectional connections (the KDD "basic" features), as Zeek
// would log them: originator = sender of the first packet, or of the SYN for
// TCP; Zeek's TCP states for the flag (tcp-state.ts); ICMP echo grouped by
// (addresses, id), other ICMP by (addresses, type, code), with origPort = type
// and respPort = code. A connection ends when both sides have sent a FIN or one
// a RST (after a short linger that absorbs the last ACK), on an inactivity or
// the active timeout, or at the end of input. Expiry runs as packet time
// advances, over lists ordered by last activity, so the work per packet is a
// few typed-array writes and the state is the open connections only.

import type { Connection, TransportProtocol } from '../flows/connection.ts';
import { formatIPv4, formatIPv6 } from './address.ts';
import { ConnectionTable, grown, KEY_WORDS } from './conn-table.ts';
import { LATER_FRAGMENT, PROTO_ICMP, PROTO_ICMP6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, TCP_URG, type PacketDecoder } from './decode.ts';
import { FragmentTracker, type Datagram } from './fragments.ts';
import { icmp6AsIcmp4Type, kddService } from './services.ts';
import { SlotLists } from './slot-lists.ts';
import { CLOSED, INACTIVE, PARTIAL, RESET, SYN_ACK_SENT, SYN_SENT, tcpFlag, tcpTransition } from './tcp-state.ts';

/** Seconds. */
export interface FlowTimeouts {
  /** Inactivity timeouts per protocol (Zeek: tcp_inactivity_timeout 5 min, udp and icmp 1 min). */
  tcp?: number;
  udp?: number;
  icmp?: number;
  /** Longest connection: one running longer is ended and continues as a new one. */
  active?: number;
  /** How long a TCP connection stays after its FINs or RST, so the final ACK joins it. */
  linger?: number;
}

export const DEFAULT_TIMEOUTS: Required<FlowTimeouts> = { tcp: 300, udp: 60, icmp: 60, active: 3600, linger: 1 };

const TCP = 0;
const UDP = 1;
const ICMP = 2;
const LINGER = 3; // activity list of TCP connections that have closed or been reset
const PROTOCOL_NAMES: readonly TransportProtocol[] = ['tcp', 'udp', 'icmp'];

const ICMP_ECHO_KEY = 1 << 16;
const ICMP_OTHER_KEY = 2 << 16;

// Originator history bits, for RSTOS0 (Zeek: history ^?S[^HAFGIQ]*R).
const ORIG_SENT = 1;
const ORIG_SYN_FIRST = 2;
const ORIG_ACKED = 4;

export class FlowAssembler {
  private readonly table: ConnectionTable;
  private readonly activity: SlotLists;
  private readonly byStart: SlotLists;
  private readonly timeouts: Float64Array;
  private readonly activeTimeout: number;
  private readonly fragments = new FragmentTracker();

  // Per-slot state (struct of arrays, grown with the table).
  private start: Float64Array;
  private last: Float64Array;
  private origBytes: Float64Array;
  private respBytes: Float64Array;
  private origPackets: Uint32Array;
  private respPackets: Uint32Array;
  private wrongFragment: Uint32Array;
  private urgent: Uint32Array;
  private generation: Uint32Array;
  private origPort: Int32Array;
  private respPort: Int32Array;
  private kind: Uint8Array;
  private origIsA: Uint8Array;
  private origState: Uint8Array;
  private respState: Uint8Array;
  private history: Uint8Array;

  /** Packet clock: the latest packet time seen (never goes back). */
  private now = -Infinity;
  /** The last watermark handed out; no later connection may start before it. */
  private floor = -Infinity;
  private nextExpiry = Infinity;
  private generations = 0;
  private ended: Connection[] = [];
  /** Connections emitted so far. */
  emitted = 0;

  constructor(timeouts: FlowTimeouts = {}, initialCapacity = 1024) {
    const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
    for (const [name, v] of Object.entries(t)) {
      if (!(v > 0)) throw new RangeError(`flow timeout ${name} must be a positive number of seconds, got ${v}`);
    }
    this.timeouts = Float64Array.of(t.tcp, t.udp, t.icmp, t.linger);
    this.activeTimeout = t.active;
    const n = initialCapacity;
    this.table = new ConnectionTable(n, (c) => this.grow(c));
    this.activity = new SlotLists(n, 4);
    this.byStart = new SlotLists(n, 1);
    this.start = new Float64Array(n);
    this.last = new Float64Array(n);
    this.origBytes = new Float64Array(n);
    this.respBytes = new Float64Array(n);
    this.origPackets = new Uint32Array(n);
    this.respPackets = new Uint32Array(n);
    this.wrongFragment = new Uint32Array(n);
    this.urgent = new Uint32Array(n);
    this.generation = new Uint32Array(n);
    this.origPort = new Int32Array(n);
    this.respPort = new Int32Array(n);
    this.kind = new Uint8Array(n);
    this.origIsA = new Uint8Array(n);
    this.origState = new Uint8Array(n);
    this.respState = new Uint8Array(n);
    this.history = new Uint8Array(n);
  }

  get openConnections(): number {
    return this.table.size;
  }

  /** Datagrams whose first fragment never arrived (their later fragments are in no connection). */
  get orphanedFragments(): number {
    return this.fragments.orphaned;
  }

  /** Account one decoded packet (status DECODED or LATER_FRAGMENT from PacketDecoder). */
  packet(d: PacketDecoder, status: number, time: number): void {
    // Raise the floor as a watermark taken here would: a connection's start is then
    // clamped the same way wherever the input's chunks (and so the watermarks handed
    // out) end — packets that go back in time no longer give chunk-dependent results.
    this.watermark();
    if (time > this.now) this.now = time;
    if (this.now >= this.nextExpiry) this.expire(this.now);
    if (status === LATER_FRAGMENT) {
      this.laterFragment(d, time);
      return;
    }
    const proto = d.protocol;
    let kind: number;
    let srcPort: number;
    let dstPort: number;
    let meta: number;
    if (proto === PROTO_TCP || proto === PROTO_UDP) {
      kind = proto === PROTO_TCP ? TCP : UDP;
      srcPort = d.srcPort;
      dstPort = d.dstPort;
      meta = kind;
    } else {
      kind = ICMP;
      const type = d.icmpType;
      const echo = proto === PROTO_ICMP ? type === 8 || type === 0 : type === 128 || type === 129;
      srcPort = dstPort = echo ? d.icmpId : (type << 8) | d.icmpCode;
      meta = echo ? ICMP | ICMP_ECHO_KEY : ICMP | ICMP_OTHER_KEY;
    }
    const srcIsA = endpointOrder(d.addr, srcPort, dstPort) <= 0;
    const key = this.table.key;
    const a = d.addr;
    const s = srcIsA ? 0 : 4;
    const t = 4 - s;
    key[0] = a[s];
    key[1] = a[s + 1];
    key[2] = a[s + 2];
    key[3] = a[s + 3];
    key[4] = a[t];
    key[5] = a[t + 1];
    key[6] = a[t + 2];
    key[7] = a[t + 3];
    key[8] = srcIsA ? ((srcPort << 16) | dstPort) >>> 0 : ((dstPort << 16) | srcPort) >>> 0;
    key[9] = meta | (d.version << 8);
    const hash = this.table.hash();
    let slot = this.table.find(hash);
    const flags = kind === TCP ? d.tcpFlags : 0;
    const pureSyn = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (slot >= 0 && pureSyn && this.activity.list[slot] === LINGER) {
      // A new SYN on a closed connection's ports: the old connection is over.
      this.end(slot);
      slot = -1;
    }
    if (slot < 0) {
      // A SYN-ACK seen first answers a SYN we missed: its receiver is the originator.
      const origIsA = (flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK) ? !srcIsA : srcIsA;
      slot = this.create(hash, kind, origIsA, time);
      if (kind === ICMP) {
        this.origPort[slot] = d.icmpType;
        this.respPort[slot] = d.icmpCode;
      } else if (origIsA === srcIsA) {
        this.origPort[slot] = srcPort;
        this.respPort[slot] = dstPort;
      } else {
        this.origPort[slot] = dstPort;
        this.respPort[slot] = srcPort;
      }
    }
    let fromOrig = (this.origIsA[slot] === 1) === srcIsA;
    if (kind === TCP) {
      if (!fromOrig && pureSyn && this.respState[slot] <= PARTIAL && this.origState[slot] !== SYN_SENT && this.origState[slot] !== SYN_ACK_SENT) {
        this.flip(slot); // the SYN sender is the originator, even if the other side spoke first
        fromOrig = true;
      }
      this.tcpPacket(slot, fromOrig, flags, d.payload);
    } else {
      this.activity.moveToEnd(kind, slot);
    }
    this.count(slot, fromOrig, d.payload);
    if (d.fragment) this.firstFragment(d, slot, fromOrig, time);
  }

  /** Connections that ended since the last call. */
  takeEnded(): Connection[] {
    const out = this.ended;
    this.ended = [];
    return out;
  }

  /**
   * A time W such that every connection not yet returned by takeEnded()
   * started at or after W: the oldest open connection's start, or the packet
   * clock when none is open. Never decreases.
   */
  watermark(): number {
    const h = this.byStart.head[0];
    const w = h >= 0 ? this.start[h] : this.now;
    if (w > this.floor) this.floor = w;
    return this.floor;
  }

  /** End of input: every open connection ends (in start order). */
  flush(): void {
    while (this.byStart.head[0] >= 0) this.end(this.byStart.head[0]);
    this.floor = Infinity;
  }

  private tcpPacket(slot: number, fromOrig: boolean, flags: number, payload: number): void {
    if (flags & TCP_URG) this.urgent[slot]++;
    let r: number;
    if (fromOrig) {
      let h = this.history[slot];
      if (!(h & ORIG_SENT)) h |= (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN ? ORIG_SENT | ORIG_SYN_FIRST : ORIG_SENT;
      if (!(flags & TCP_RST) && (flags & TCP_FIN || (flags & TCP_ACK && (payload === 0 || flags & TCP_SYN)))) h |= ORIG_ACKED;
      this.history[slot] = h;
      r = tcpTransition(this.origState[slot], this.respState[slot], flags, payload, true);
      this.origState[slot] = r & 15;
      this.respState[slot] = r >> 4;
    } else {
      r = tcpTransition(this.respState[slot], this.origState[slot], flags, payload, false);
      this.respState[slot] = r & 15;
      this.origState[slot] = r >> 4;
    }
    const o = this.origState[slot];
    const p = this.respState[slot];
    const over = o === RESET || p === RESET || (o === CLOSED && p === CLOSED);
    if (over) {
      this.activity.moveToEnd(LINGER, slot);
      const deadline = this.now + this.timeouts[LINGER];
      if (deadline < this.nextExpiry) this.nextExpiry = deadline;
    } else {
      this.activity.moveToEnd(TCP, slot);
    }
  }

  private count(slot: number, fromOrig: boolean, payload: number): void {
    if (fromOrig) {
      this.origPackets[slot]++;
      this.origBytes[slot] += payload;
    } else {
      this.respPackets[slot]++;
      this.respBytes[slot] += payload;
    }
    this.last[slot] = this.now;
  }

  private create(hash: number, kind: number, origIsA: boolean, time: number): number {
    const slot = this.table.insert(hash);
    const start = time > this.floor ? time : this.floor;
    this.start[slot] = start;
    this.last[slot] = this.now;
    this.origBytes[slot] = 0;
    this.respBytes[slot] = 0;
    this.origPackets[slot] = 0;
    this.respPackets[slot] = 0;
    this.wrongFragment[slot] = 0;
    this.urgent[slot] = 0;
    this.generation[slot] = ++this.generations;
    this.kind[slot] = kind;
    this.origIsA[slot] = origIsA ? 1 : 0;
    this.origState[slot] = INACTIVE;
    this.respState[slot] = INACTIVE;
    this.history[slot] = 0;
    this.activity.push(kind, slot);
    // Keep byStart sorted by start; packets almost always come in time order, so this rarely walks.
    let after = this.byStart.tail[0];
    while (after >= 0 && this.start[after] > start) after = this.byStart.prev[after];
    this.byStart.insertAfter(0, after, slot);
    const deadline = Math.min(this.now + this.timeouts[kind], start + this.activeTimeout);
    if (deadline < this.nextExpiry) this.nextExpiry = deadline;
    return slot;
  }

  /** Swap originator and responder. */
  private flip(slot: number): void {
    this.origIsA[slot] ^= 1;
    swap(this.origPort, this.respPort, slot);
    swap(this.origBytes, this.respBytes, slot);
    swap(this.origPackets, this.respPackets, slot);
    swap(this.origState, this.respState, slot);
    this.history[slot] = 0;
  }

  private firstFragment(d: PacketDecoder, slot: number, fromOrig: boolean, time: number): void {
    const dg = this.fragments.datagram(d, time);
    if (this.fragments.invalid(dg, d)) this.wrongFragment[slot]++;
    dg.slot = slot;
    dg.generation = this.generation[slot];
    dg.fromOrig = fromOrig;
    if (dg.pendingPackets > 0) {
      // Later fragments that overtook the first one.
      if (fromOrig) {
        this.origPackets[slot] += dg.pendingPackets;
        this.origBytes[slot] += dg.pendingBytes;
      } else {
        this.respPackets[slot] += dg.pendingPackets;
        this.respBytes[slot] += dg.pendingBytes;
      }
      this.wrongFragment[slot] += dg.pendingInvalid;
      dg.pendingPackets = dg.pendingBytes = dg.pendingInvalid = 0;
    }
  }

  private laterFragment(d: PacketDecoder, time: number): void {
    const dg: Datagram = this.fragments.datagram(d, time);
    const invalid = this.fragments.invalid(dg, d) ? 1 : 0;
    const slot = dg.slot;
    if (slot >= 0 && this.generation[slot] === dg.generation && this.activity.list[slot] >= 0) {
      this.wrongFragment[slot] += invalid;
      this.count(slot, dg.fromOrig, d.payload);
      this.activity.moveToEnd(this.activity.list[slot], slot);
    } else {
      dg.pendingPackets++;
      dg.pendingBytes += d.payload;
      dg.pendingInvalid += invalid;
    }
  }

  private expire(now: number): void {
    const lists = this.activity;
    let next = Infinity;
    for (let l = 0; l < 4; l++) {
      const timeout = this.timeouts[l];
      let h = lists.head[l];
      while (h >= 0 && this.last[h] + timeout <= now) {
        this.end(h);
        h = lists.head[l];
      }
      if (h >= 0 && this.last[h] + timeout < next) next = this.last[h] + timeout;
    }
    let h = this.byStart.head[0];
    while (h >= 0 && this.start[h] + this.activeTimeout <= now) {
      this.end(h);
      h = this.byStart.head[0];
    }
    if (h >= 0 && this.start[h] + this.activeTimeout < next) next = this.start[h] + this.activeTimeout;
    this.nextExpiry = next;
  }

  private end(slot: number): void {
    const kind = this.kind[slot];
    const protocol = PROTOCOL_NAMES[kind];
    const keys = this.table.keys;
    const o = slot * KEY_WORDS;
    const v6 = ((keys[o + 9] >>> 8) & 0xff) === 6;
    const aText = v6 ? formatIPv6(keys, o) : formatIPv4(keys[o]);
    const bText = v6 ? formatIPv6(keys, o + 4) : formatIPv4(keys[o + 4]);
    const origIsA = this.origIsA[slot] === 1;
    const origPort = this.origPort[slot];
    const respPort = this.respPort[slot];
    let service: string;
    if (kind === ICMP) {
      const type = v6 ? icmp6AsIcmp4Type(origPort) : origPort;
      service = kddService('icmp', respPort, type);
    } else {
      service = kddService(protocol, respPort, origPort);
    }
    const origBytes = this.origBytes[slot];
    const respBytes = this.respBytes[slot];
    const h = this.history[slot];
    this.ended.push({
      start: this.start[slot],
      duration: Math.max(0, this.last[slot] - this.start[slot]),
      protocol,
      origAddr: origIsA ? aText : bText,
      origPort,
      respAddr: origIsA ? bText : aText,
      respPort,
      service,
      flag: kind === TCP
        ? tcpFlag(this.origState[slot], this.respState[slot], origBytes, respBytes, (h & ORIG_SYN_FIRST) !== 0 && (h & ORIG_ACKED) === 0)
        : 'SF',
      origBytes,
      respBytes,
      origPackets: this.origPackets[slot],
      respPackets: this.respPackets[slot],
      wrongFragment: this.wrongFragment[slot],
      urgent: this.urgent[slot],
    });
    this.emitted++;
    this.activity.unlink(slot);
    this.byStart.unlink(slot);
    this.table.remove(slot);
  }

  private grow(n: number): void {
    this.activity.grow(n);
    this.byStart.grow(n);
    this.start = grown(this.start, n);
    this.last = grown(this.last, n);
    this.origBytes = grown(this.origBytes, n);
    this.respBytes = grown(this.respBytes, n);
    this.origPackets = grown(this.origPackets, n);
    this.respPackets = grown(this.respPackets, n);
    this.wrongFragment = grown(this.wrongFragment, n);
    this.urgent = grown(this.urgent, n);
    this.generation = grown(this.generation, n);
    this.origPort = grown(this.origPort, n);
    this.respPort = grown(this.respPort, n);
    this.kind = grown(this.kind, n);
    this.origIsA = grown(this.origIsA, n);
    this.origState = grown(this.origState, n);
    this.respState = grown(this.respState, n);
    this.history = grown(this.history, n);
  }
}

/** Sign of (source address, port) compared with (destination address, port). */
function endpointOrder(a: Uint32Array, srcPort: number, dstPort: number): number {
  for (let i = 0; i < 4; i++) {
    if (a[i] !== a[i + 4]) return a[i] < a[i + 4] ? -1 : 1;
  }
  return srcPort - dstPort;
}

function swap(x: Float64Array | Uint32Array | Int32Array | Uint8Array, y: typeof x, i: number): void {
  const t = x[i];
  x[i] = y[i];
  y[i] = t;
}
