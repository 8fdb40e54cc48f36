// What a capture-file parser hands on for each packet: plain arguments, no
// per-packet object, and the bytes still in the parser's buffer (valid only
// during the call).

export interface PacketSink {
  /**
   * One captured packet: `caplen` bytes at `buf[off]`, `origLen` on the wire,
   * link-layer type (LINKTYPE_* number), time in seconds since the epoch.
   */
  packet(buf: Uint8Array, off: number, caplen: number, origLen: number, linkType: number, time: number): void;
  /** A packet record that could not be used (the file ended inside it). */
  truncated(): void;
}

/** Largest packet we accept: beyond any real link's frame, so the file is damaged. */
export const MAX_CAPLEN = 256 * 1024;

export const CAPTURE_HINT =
  'Check that the file is a pcap or pcapng capture (tcpdump -w, Wireshark, dumpcap) and was copied completely; decompress .gz files first.';
