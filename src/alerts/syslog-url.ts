// Where syslog goes, from a URL: udp://host:port, tcp://host:port, unix:///path.
// Query parameters tune the message and framing:
//   ?facility=local3&app=ids&sdid=anomalyze@32473&framing=octet|lf

import type { SyslogOptions } from './syslog-message.ts';
import { facilityCode, isSdName } from './syslog-message.ts';

export type SyslogFraming = 'octet-counting' | 'lf';

export type SyslogTarget =
  | { transport: 'udp'; host: string; port: number; message: SyslogOptions }
  | { transport: 'tcp'; host: string; port: number; framing: SyslogFraming; message: SyslogOptions }
  | { transport: 'unix'; path: string; framing: SyslogFraming; message: SyslogOptions };

const DEFAULT_PORT = 514;
const EXAMPLES = 'udp://127.0.0.1:514, tcp://siem.example:6514 or unix:///run/syslog-stream.sock';

export function parseSyslogUrl(text: string): SyslogTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a syslog URL. Write it as ${EXAMPLES}.`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const message = messageOptions(url, text);
  const framing = framingOption(url, text, scheme === 'unix' ? 'lf' : 'octet-counting');
  if (scheme === 'unix') {
    const path = decodeURIComponent(url.pathname);
    if (url.host !== '' || path === '' || path === '/') {
      throw new Error(`Syslog URL "${text}" needs an absolute socket path after unix:// (three slashes: unix:///dev/log).`);
    }
    return { transport: 'unix', path, framing, message };
  }
  if (scheme !== 'udp' && scheme !== 'tcp') {
    const hint = scheme === 'tls' ? ' TLS (RFC 5425) is not supported yet: forward through a local rsyslog or stunnel.' : '';
    throw new Error(`Syslog URL "${text}" has transport "${scheme}"; use udp, tcp or unix, as in ${EXAMPLES}.${hint}`);
  }
  if (url.hostname === '') throw new Error(`Syslog URL "${text}" has no host; write it as ${scheme}://host:port.`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (scheme === 'udp') {
    if (url.searchParams.has('framing')) throw new Error(`Syslog URL "${text}": framing applies to tcp and unix only (one UDP datagram is one message).`);
    return { transport: 'udp', host, port, message };
  }
  return { transport: 'tcp', host, port, framing, message };
}

function messageOptions(url: URL, text: string): SyslogOptions {
  const known = new Set(['facility', 'app', 'sdid', 'framing']);
  for (const key of url.searchParams.keys()) {
    if (!known.has(key)) throw new Error(`Syslog URL "${text}" has an unknown parameter "${key}"; the parameters are facility, app, sdid and framing.`);
  }
  const opts: SyslogOptions = {};
  const facility = url.searchParams.get('facility');
  if (facility !== null) {
    facilityCode(facility); // throws with the list of names
    opts.facility = facility;
  }
  const app = url.searchParams.get('app');
  if (app !== null) {
    if (!/^[!-~]{1,48}$/.test(app)) throw new Error(`Syslog URL "${text}": app must be 1–48 printable ASCII characters without spaces.`);
    opts.appName = app;
  }
  const sdId = url.searchParams.get('sdid');
  if (sdId !== null) {
    if (!isSdName(sdId)) throw new Error(`Syslog URL "${text}": sdid "${sdId}" is not a valid SD-ID (1–32 printable ASCII characters without '=', ' ', ']' or '"', e.g. anomalyze@32473).`);
    opts.sdId = sdId;
  }
  return opts;
}

function framingOption(url: URL, text: string, fallback: SyslogFraming): SyslogFraming {
  const f = url.searchParams.get('framing');
  if (f === null) return fallback;
  if (f === 'octet' || f === 'octet-counting') return 'octet-counting';
  if (f === 'lf' || f === 'newline') return 'lf';
  throw new Error(`Syslog URL "${text}": framing must be "octet" (RFC 6587 octet counting) or "lf" (one message per line).`);
}

/** One message framed for a stream transport (RFC 6587 §3.4.1 octet counting, or §3.4.2 with LF as trailer). */
export function frame(message: string, framing: SyslogFraming): Buffer {
  const body = Buffer.from(message, 'utf8');
  if (framing === 'lf') return Buffer.concat([body, Buffer.from('\n')]);
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
