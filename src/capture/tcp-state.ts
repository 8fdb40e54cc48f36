// TCP endpoint states and the KDD/Zeek connection flag derived from them.
// Follows Zeek's TCP analyzer (endpoint states) and its conn_state function in
// base/protocols/conn/main.zeek, so that a capture read here and the same
// capture's Zeek conn.log give the same flags. Two Zeek states have no KDD
// name and are folded — the Zeek conn.log reader must use the same mapping:
//   RSTRH (responder SYN-ACK then RST, no originator SYN) → RSTR
//   SHR   (responder SYN-ACK then FIN, no originator SYN) → SH

import type { KddFlag } from '../flows/connection.ts';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './decode.ts';

export const INACTIVE = 0; // nothing sent yet
export const SYN_SENT = 1;
export const SYN_ACK_SENT = 2; // the originator's first packet was a SYN-ACK
export const PARTIAL = 3; // data without a SYN: the capture started mid-connection
export const ESTABLISHED = 4;
export const CLOSED = 5; // sent a FIN
export const RESET = 6; // sent a RST

/**
 * New states after one endpoint sent a packet with `flags` and `len` payload
 * bytes: returns `endpoint | peer << 4`. `isOrig`: the sender is the originator.
 */
export function tcpTransition(endpoint: number, peer: number, flags: number, len: number, isOrig: boolean): number {
  const syn = (flags & TCP_SYN) !== 0;
  const fin = (flags & TCP_FIN) !== 0;
  const rst = (flags & TCP_RST) !== 0;
  const ack = (flags & TCP_ACK) !== 0;
  switch (endpoint) {
    case INACTIVE:
      if (syn) {
        if (isOrig) endpoint = ack ? SYN_ACK_SENT : SYN_SENT;
        else {
          // The responder's SYN(-ACK) establishes both sides once the originator has sent its SYN.
          if (peer === SYN_SENT) peer = ESTABLISHED;
          endpoint = ESTABLISHED;
        }
      }
      if (fin) endpoint = CLOSED;
      if (rst) endpoint = RESET;
      if (endpoint === INACTIVE) {
        if (!isOrig && len === 0 && peer === SYN_SENT) {
          // Some stacks ACK a SYN before answering it: not a sign of a partial connection.
        } else if (ack && peer === ESTABLISHED) {
          endpoint = ESTABLISHED; // we missed this side's SYN but saw the other's SYN-ACK
        } else {
          endpoint = PARTIAL;
        }
      }
      return endpoint | (peer << 4);
    case SYN_SENT:
    case SYN_ACK_SENT:
      if (fin) endpoint = CLOSED;
      if (rst) endpoint = RESET;
      return endpoint | (peer << 4);
    case ESTABLISHED:
    case PARTIAL:
      if (syn && endpoint === PARTIAL && peer === INACTIVE && !ack) endpoint = SYN_SENT;
      if (fin && !rst) endpoint = CLOSED;
      if (rst) endpoint = RESET;
      return endpoint | (peer << 4);
    case CLOSED:
      // After a complete FIN exchange a RST changes nothing.
      if (rst && peer !== CLOSED) endpoint = RESET;
      return endpoint | (peer << 4);
    default:
      return endpoint | (peer << 4);
  }
}

/**
 * Zeek's conn_state for TCP. `syn0`: the originator opened with a SYN and sent
 * nothing but data before its RST (Zeek's history ^?S[^HAFGIQ]*R), for RSTOS0.
 */
export function tcpFlag(orig: number, resp: number, origBytes: number, respBytes: number, syn0: boolean): KddFlag {
  const origInactive = orig === INACTIVE || orig === PARTIAL;
  const respInactive = resp === INACTIVE || resp === PARTIAL;
  if (resp === RESET) {
    if (orig === SYN_SENT || orig === SYN_ACK_SENT || (orig === RESET && origBytes === 0 && respBytes === 0)) return 'REJ';
    return 'RSTR'; // Zeek says RSTRH when origInactive
  }
  if (orig === RESET) {
    if (respInactive) return syn0 ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (orig === CLOSED && resp === CLOSED) return 'SF';
  if (orig === CLOSED) return respInactive ? 'SH' : 'S2';
  if (resp === CLOSED) return origInactive ? 'SH' : 'S3'; // Zeek says SHR when origInactive
  if (orig === SYN_SENT && resp === INACTIVE) return 'S0';
  if (orig === ESTABLISHED && resp === ESTABLISHED) return 'S1';
  return 'OTH';
}
