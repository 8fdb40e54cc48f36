// Who talked to whom: the connection identity a flow source carries alongside
// its features, so that an alert can be found again in the capture. Columnar,
// one entry per batch row; absent (null) for KDD files, which have none.

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
}

export function emptyIdentity(): IdentityColumns {
  return { start: [], duration: [], protocol: [], src: [], srcPort: [], dst: [], dstPort: [] };
}

/** Append one row's identity. */
export function pushIdentity(
  id: IdentityColumns, start: number, duration: number, protocol: string,
  src: string, srcPort: number, dst: string, dstPort: number,
): void {
  id.start.push(start);
  id.duration.push(duration);
  id.protocol.push(protocol);
  id.src.push(src);
  id.srcPort.push(srcPort);
  id.dst.push(dst);
  id.dstPort.push(dstPort);
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
  return out;
}
