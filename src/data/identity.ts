// Who talked to whom: the connection identity a flow source carries alongside
// its features, so that an alert can be found again in the capture, and whether
// the row's traffic windows were still filling. Columnar, one entry per batch
// row; absent (null) for KDD files, which have none.

export interface IdentityColumns {
  /** Start of the connection, seconds since the Unix epoch (NaN when the source has no time). */
  start: number[];
  /** Seconds (NaN when unknown). */
  duration: number[];
  /** 'tcp' | 'udp' | 'icmp' | other protocol names as the source gives them. */
  protocol: string[];
  /** Originator (source) address and port; port -1 when the source has none. */
  src: string[];
  srcPort: number[];
  /** Responder (destination) address and port. */
  dst: string[];
  dstPort: number[];
  /**
   * 1 when the row's window features (count, dst_host_count, …) were computed
   * before the windows had filled: the first connections of a capture or log,
   * which saw less history than the rest (see flows/window.ts). 0 otherwise, and
   * for sources whose features need no history (flow CSVs).
   */
  warmup: number[];
}

export function emptyIdentity(): IdentityColumns {
  return { start: [], duration: [], protocol: [], src: [], srcPort: [], dst: [], dstPort: [], warmup: [] };
}

/** Append one row's identity. */
export function pushIdentity(
  id: IdentityColumns, start: number, duration: number, protocol: string,
  src: string, srcPort: number, dst: string, dstPort: number, warmup = 0,
): void {
  id.start.push(start);
  id.duration.push(duration);
  id.protocol.push(protocol);
  id.src.push(src);
  id.srcPort.push(srcPort);
  id.dst.push(dst);
  id.dstPort.push(dstPort);
  id.warmup.push(warmup);
}

/**
 * The identity fields of a reported record (DetectionRecord), flat so that the
 * CSV, ndjson and alert formats carry them as plain columns.
 */
export interface RecordIdentity {
  /** ISO 8601 start time, UTC. */
  time?: string;
  duration?: number;
  protocol?: string;
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  /** Present (true) when the row's traffic windows were still filling; judged by the warm-up threshold. */
  warmup?: boolean;
}

export function recordIdentity(id: IdentityColumns, i: number): RecordIdentity {
  const out: RecordIdentity = {};
  const t = id.start[i];
  if (Number.isFinite(t)) out.time = new Date(t * 1000).toISOString();
  if (Number.isFinite(id.duration[i])) out.duration = id.duration[i];
  if (id.protocol[i]) out.protocol = id.protocol[i];
  if (id.src[i]) out.src = id.src[i];
  if (id.srcPort[i] >= 0) out.srcPort = id.srcPort[i];
  if (id.dst[i]) out.dst = id.dst[i];
  if (id.dstPort[i] >= 0) out.dstPort = id.dstPort[i];
  if (id.warmup[i] === 1) out.warmup = true;
  return out;
}
