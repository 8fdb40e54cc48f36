// Zeek conn.log → Connections. Both of Zeek's log writers: the ASCII (TSV)
// writer with its '#'-header, and JSON lines (LogAscii::use_json). One line is
// one connection, written when Zeek removes the connection from memory — so
// lines are not in start order; ConnectionFeatures' horizon puts them back.
//
// Mapping to the KDD basic features (the same as the pcap flow assembler's):
// - service from the responder port (kddService), not Zeek's `service` column,
//   which names the protocol Zeek's analyzers recognised ('http', 'dns,ssl').
// - flag from conn_state: RSTRH → RSTR and SHR → SH (the "responder only" halves
//   KDD has no names for); the others as they are. UDP and ICMP are SF, as in
//   KDD (NSL-KDD has no other flag for them; Zeek writes S0/SHR/OTH for UDP
//   and OTH for ICMP).
// - Zeek leaves duration, orig_bytes and resp_bytes unset when the duration is
//   zero (a lone SYN, one datagram): those read as 0 and are counted in the notes.
// - conn.log has no fragment or URG counts: wrongFragment and urgent are NaN,
//   and a conn.log source lacks those features (ZEEK_LACKS).

import type { Connection, KddFlag, TransportProtocol } from './connection.ts';
import { InputError, quoteValue } from '../data/errors.ts';
import { textChunks, type CsvInput } from '../data/text.ts';
import { MAX_LINE } from '../data/plain-records.ts';
import { isEpochTime } from './timestamps.ts';
import { icmp6AsIcmp4Type, kddService } from '../capture/services.ts';

export const ZEEK_HINT = 'Is this a Zeek conn.log? Other Zeek logs (dns.log, http.log) are not connection records.';

export interface ZeekReadOptions {
  /** Name used in error messages, e.g. the file name. */
  source?: string;
  /** Most connections per yielded array; default 8192. */
  batchSize?: number;
  /** Filled in while reading: what was read, and what had to be assumed. */
  notes?: ZeekNotes;
}

export interface ZeekNotes {
  connections: number;
  /** Lines whose duration was unset ('-' or absent): read as 0. */
  unsetDuration: number;
  /** Lines whose orig_bytes or resp_bytes was unset: read as 0. */
  unsetBytes: number;
  /** Lines of a transport other than tcp/udp/icmp ('unknown_transport'): skipped. */
  skippedProtocol: number;
}

export function emptyZeekNotes(): ZeekNotes {
  return { connections: 0, unsetDuration: 0, unsetBytes: 0, skippedProtocol: 0 };
}

/** Whether the first line starts a Zeek conn.log: the TSV header, or a JSON record with a connection's keys. */
export function isZeekConnLog(firstLine: string): boolean {
  const line = firstLine.replace(/^\uFEFF/, '').trim();
  if (line.startsWith('#separator ')) return true;
  if (!line.startsWith('{')) return false;
  try {
    const o = JSON.parse(line) as unknown;
    return typeof o === 'object' && o !== null && 'id.orig_h' in o && 'conn_state' in o;
  } catch {
    return false;
  }
}

const FLAGS: Readonly<Record<string, KddFlag>> = {
  S0: 'S0', S1: 'S1', SF: 'SF', REJ: 'REJ', S2: 'S2', S3: 'S3', RSTO: 'RSTO', RSTR: 'RSTR',
  RSTOS0: 'RSTOS0', RSTRH: 'RSTR', SH: 'SH', SHR: 'SH', OTH: 'OTH',
};

/** KDD flag for a Zeek conn_state (TCP); undefined for a state Zeek does not write. */
export function zeekConnState(state: string): KddFlag | undefined {
  return Object.hasOwn(FLAGS, state) ? FLAGS[state] : undefined;
}

const REQUIRED = ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'conn_state'] as const;

/** One field's raw value and where it was, for messages. */
type Field = (name: string) => string | number | undefined;

interface Where {
  line: number;
  /** TSV: 1-based field position; JSON: undefined (the key is named in the message). */
  column: (name: string) => number | undefined;
}

/**
 * Stream a conn.log (TSV or JSON lines, told apart by the first line) as arrays
 * of at most batchSize Connections, in file order. Memory: one text chunk, one
 * line, one array.
 */
export async function* readZeekConnections(input: CsvInput, opts: ZeekReadOptions = {}): AsyncGenerator<Connection[]> {
  const source = opts.source;
  const batchSize = opts.batchSize ?? 8192;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const notes = opts.notes ?? emptyZeekNotes();
  const parser = new ZeekLines(source, notes);
  let out: Connection[] = [];
  let carry = '';
  let line = 0;
  for await (const chunk of textChunks(input, source)) {
    // An idle tick of a live input (src/data/idle.ts): hand on what has been read.
    if (chunk === '' && out.length > 0) {
      yield out;
      out = [];
      continue;
    }
    let text = carry + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      line++;
      const c = parser.line(text.slice(from, nl), line);
      from = nl + 1;
      if (c) {
        out.push(c);
        if (out.length >= batchSize) {
          yield out;
          out = [];
        }
      }
    }
    carry = text.slice(from);
    text = '';
    if (carry.length > MAX_LINE) {
      throw new InputError(`the line is longer than ${MAX_LINE >> 20} MiB without a line break`, { source, line: line + 1, hint: ZEEK_HINT, kind: 'syntax' });
    }
  }
  if (carry !== '') {
    const c = parser.line(carry, ++line);
    if (c) out.push(c);
  }
  parser.end(line);
  if (out.length > 0) yield out;
}

/** The state of one conn.log as its lines go by: format, header, field positions. */
class ZeekLines {
  private format: 'tsv' | 'json' | null = null;
  private separator = '\t';
  private unset = '-';
  private empty = '(empty)';
  private fields: string[] | null = null;
  private index = new Map<string, number>();
  private records = 0;

  constructor(private readonly source: string | undefined, private readonly notes: ZeekNotes) {}

  line(raw: string, line: number): Connection | null {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return null;
    if (this.format === null) {
      if (text.startsWith('#')) this.format = 'tsv';
      else if (text.trimStart().startsWith('{')) this.format = 'json';
      else throw this.error('the first line is neither a Zeek header (#separator …) nor a JSON record', line);
    }
    return this.format === 'tsv' ? this.tsvLine(text, line) : this.jsonLine(text, line);
  }

  end(lines: number): void {
    if (this.format === 'tsv' && this.fields === null) {
      throw this.error('no #fields header line: the column names are unknown', lines || 1);
    }
  }

  private error(problem: string, line: number, column?: number): InputError {
    return new InputError(problem, { source: this.source, line, column, hint: ZEEK_HINT });
  }

  private tsvLine(text: string, line: number): Connection | null {
    if (text.startsWith('#')) {
      this.header(text, line);
      return null;
    }
    if (this.fields === null) throw this.error('a record before the #fields header line: the column names are unknown', line);
    const values = text.split(this.separator);
    if (values.length !== this.fields.length) {
      const column = Math.min(values.length, this.fields.length) + 1;
      const sep = this.separator === '\t' ? 'tab' : quoteValue(this.separator);
      throw this.error(`expected ${this.fields.length} ${sep}-separated fields as #fields names, got ${values.length}`, line, column);
    }
    const get: Field = (name) => {
      const i = this.index.get(name);
      if (i === undefined) return undefined;
      const v = values[i];
      return v === this.unset || v === this.empty ? undefined : v;
    };
    return this.connection(get, { line, column: (name) => (this.index.get(name) ?? -1) + 1 });
  }

  private header(text: string, line: number): void {
    if (text.startsWith('#separator ')) {
      this.separator = unescapeZeek(text.slice('#separator '.length));
      if (this.separator === '') throw this.error('the #separator line names no separator', line);
      return;
    }
    const parts = text.split(this.separator);
    const key = parts[0];
    const value = parts.slice(1);
    switch (key) {
      case '#unset_field': this.unset = value[0] ?? '-'; return;
      case '#empty_field': this.empty = value[0] ?? '(empty)'; return;
      case '#path':
        if (value[0] !== 'conn') {
          throw this.error(`this is a Zeek ${quoteValue(value[0] ?? '')} log (#path ${value[0] ?? ''}), not conn.log: it has no connection records`, line, 2);
        }
        return;
      case '#fields': {
        this.fields = value;
        this.index = new Map(value.map((f, i) => [f, i]));
        const missing = REQUIRED.filter((f) => !this.index.has(f));
        if (missing.length > 0) throw this.error(`the #fields line has no ${missing.join(', ')} field${missing.length > 1 ? 's' : ''}`, line);
        return;
      }
      default: // #set_separator, #types, #open, #close and comments: nothing to keep
    }
  }

  private jsonLine(text: string, line: number): Connection | null {
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { source: this.source, line, hint: ZEEK_HINT, kind: 'syntax' });
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw this.error('expected one JSON object per line', line);
    const rec = o as Record<string, unknown>;
    if (!('conn_state' in rec) || !('id.orig_h' in rec)) {
      throw this.error(`a record without ${'conn_state' in rec ? '"id.orig_h"' : '"conn_state"'}: not a conn.log record`, line);
    }
    const get: Field = (name) => {
      const v = rec[name];
      if (v === undefined || v === null) return undefined;
      return typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
    };
    return this.connection(get, { line, column: () => undefined });
  }

  /** Build a Connection from named fields; shared by both formats. */
  private connection(get: Field, at: Where): Connection | null {
    this.records++;
    const bad = (name: string, what: string, v: unknown): InputError =>
      this.error(`${what} for ${name}, got ${v === undefined ? 'nothing' : quoteValue(v)}`, at.line, at.column(name));
    const required = (name: string): string | number => {
      const v = get(name);
      if (v === undefined) throw bad(name, 'expected a value', v);
      return v;
    };
    const port = (name: string): number => {
      const v = required(name);
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad(name, 'expected a port number (0–65535)', v);
      return n;
    };
    const count = (name: string, unset: () => void): number => {
      const v = get(name);
      if (v === undefined) {
        unset();
        return 0;
      }
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0) throw bad(name, 'expected a count (a whole number ≥ 0)', v);
      return n;
    };

    const protoRaw = String(required('proto'));
    if (protoRaw !== 'tcp' && protoRaw !== 'udp' && protoRaw !== 'icmp') {
      this.notes.skippedProtocol++;
      return null;
    }
    const protocol: TransportProtocol = protoRaw;
    const tsRaw = required('ts');
    const start = typeof tsRaw === 'number' ? tsRaw : parseZeekTime(tsRaw);
    if (!Number.isFinite(start)) throw bad('ts', 'expected a time (epoch seconds or ISO 8601)', tsRaw);
    // 1e13 or a 300-digit number parse as numbers, but no report can print them as a date.
    if (!isEpochTime(start)) throw bad('ts', 'expected a time between 1970 and the year 9999 (epoch seconds or ISO 8601)', tsRaw);
    const origAddr = String(required('id.orig_h'));
    const respAddr = String(required('id.resp_h'));
    const origPort = port('id.orig_p');
    const respPort = port('id.resp_p');
    const stateRaw = String(required('conn_state'));
    const tcpFlag = zeekConnState(stateRaw);
    if (tcpFlag === undefined) throw bad('conn_state', 'expected a Zeek connection state (S0, S1, SF, REJ, …)', stateRaw);

    let duration = 0;
    const d = get('duration');
    if (d === undefined) this.notes.unsetDuration++;
    else {
      duration = typeof d === 'number' ? d : /^\d+(\.\d+)?$/.test(d) ? Number(d) : NaN;
      // A 400-digit duration matches the pattern and parses to Infinity: not a duration either.
      if (!(duration >= 0) || duration === Infinity) throw bad('duration', 'expected seconds (a number ≥ 0)', d);
    }
    let bytesUnset = false;
    const origBytes = count('orig_bytes', () => (bytesUnset = true));
    const respBytes = count('resp_bytes', () => (bytesUnset = true));
    if (bytesUnset) this.notes.unsetBytes++;

    // ICMP: Zeek puts the type in orig_p and the code in resp_p; ICMPv6 types differ.
    const icmpType = protocol === 'icmp' && origAddr.includes(':') ? icmp6AsIcmp4Type(origPort) : origPort;
    this.notes.connections++;
    return {
      start,
      duration,
      protocol,
      origAddr,
      origPort,
      respAddr,
      respPort,
      service: kddService(protocol, respPort, protocol === 'icmp' ? icmpType : origPort),
      flag: protocol === 'tcp' ? tcpFlag : 'SF',
      origBytes,
      respBytes,
      origPackets: count('orig_pkts', () => {}),
      respPackets: count('resp_pkts', () => {}),
      wrongFragment: NaN,
      urgent: NaN,
    };
  }
}

/** "\x09" → tab: Zeek writes its separator escaped in the #separator line. */
function unescapeZeek(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const EPOCH = /^\d+(\.\d+)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch seconds ("1700000000.123456") or ISO 8601 with a zone ("2023-11-14T22:13:20.123456Z"), as seconds. */
export function parseZeekTime(text: string): number {
  if (EPOCH.test(text)) return Number(text);
  if (!ISO.test(text)) return NaN;
  // Date keeps milliseconds only; Zeek writes microseconds: add the rest back.
  const m = /\.(\d+)/.exec(text);
  const whole = Date.parse(text.replace(/\.\d+/, ''));
  if (Number.isNaN(whole)) return NaN;
  return whole / 1000 + (m ? Number(`0.${m[1]}`) : 0);
}
