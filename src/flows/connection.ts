// One bidirectional connection as every traffic source sees it (pcap flow
// assembler, Zeek conn.log): identity plus the KDD "basic" header features.
// Window features (count, srv_count, dst_host_*) are computed from a sequence
// of these by src/flows/window.ts, so every source gets the same definitions.

export type TransportProtocol = 'tcp' | 'udp' | 'icmp';

/**
 * KDD connection-status flags (Zeek's conn_state uses the same names):
 * SF normal establish and close; S0 SYN seen, no reply; REJ rejected (SYN → RST);
 * S1 established, not closed; S2/S3 established, close attempt by originator /
 * responder only; RSTO/RSTR established, reset by originator / responder;
 * RSTOS0 originator SYN then RST, no SYN-ACK; SH originator SYN then FIN, no
 * SYN-ACK; OTH no SYN seen (mid-stream traffic). UDP and ICMP connections are SF.
 */
export type KddFlag = 'SF' | 'S0' | 'S1' | 'S2' | 'S3' | 'REJ' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'SH' | 'OTH';

export interface Connection {
  /** Time of the first packet, seconds since the Unix epoch (fractional). */
  start: number;
  /** Seconds from the first to the last packet. */
  duration: number;
  protocol: TransportProtocol;
  /** The side that sent the first packet (TCP: the SYN sender when a SYN was seen). */
  origAddr: string;
  origPort: number;
  respAddr: string;
  /** ICMP: origPort is the type and respPort the code, as Zeek does. */
  respPort: number;
  /** KDD service name derived from the responder port (http, domain_u, ecr_i, private, other…). */
  service: string;
  flag: KddFlag;
  /** Payload bytes originator → responder (KDD src_bytes). */
  origBytes: number;
  /** Payload bytes responder → originator (KDD dst_bytes). */
  respBytes: number;
  origPackets: number;
  respPackets: number;
  /** Packets with an invalid fragment (overlapping, bad offset, bad checksum) — KDD wrong_fragment. */
  wrongFragment: number;
  /** Packets with the TCP URG flag set — KDD urgent. */
  urgent: number;
}
