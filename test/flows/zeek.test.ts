import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyZeekNotes, isZeekConnLog, parseZeekTime, readZeekConnections, zeekConnState } from '../../src/flows/zeek.ts';
import type { Connection } from '../../src/flows/connection.ts';
import { InputError } from '../../src/data/errors.ts';
import { connectionFeatures } from '../../src/flows/window.ts';
import { ZEEK_LACKS } from '../../src/flows/kdd-headers.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/zeek/${name}`, import.meta.url), 'utf8');

async function readAll(text: string | Uint8Array, opts: Parameters<typeof readZeekConnections>[1] = {}): Promise<Connection[]> {
  const out: Connection[] = [];
  for await (const batch of readZeekConnections(text, opts)) out.push(...batch);
  return out;
}

async function errorOf(text: string, source = 'conn.log'): Promise<InputError> {
  try {
    await readAll(text, { source });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const HEADER = [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn', '#open\t2025-12-02-10-00-00',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring',
].join('\n');
const tsv = (...rows: string[][]) => `${HEADER}\n${rows.map((r) => r.join('\t')).join('\n')}\n`;
const ROW = ['1764669600.1', 'Cabc', '10.0.0.1', '40000', '10.0.0.2', '80', 'tcp', 'http', '0.5', '10', '20', 'SF'];

describe('Zeek conn.log, TSV', () => {
  it('reads every connection of a real-format log, mapping flags, services and unset fields', async () => {
    const notes = emptyZeekNotes();
    const conns = await readAll(fixture('conn.log'), { source: 'conn.log', notes });
    expect(conns).toHaveLength(8); // the unknown_transport line is skipped
    expect(notes).toEqual({ connections: 8, unsetDuration: 2, unsetBytes: 2, skippedProtocol: 1 });
    const byUid = (i: number) => conns[i];
    expect(byUid(0)).toEqual({
      start: 1764669600.05, duration: 0.012, protocol: 'udp', origAddr: '192.168.1.10', origPort: 53535,
      respAddr: '192.168.1.1', respPort: 53, service: 'domain_u', flag: 'SF', origBytes: 33, respBytes: 49,
      origPackets: 1, respPackets: 1, wrongFragment: NaN, urgent: NaN,
    });
    expect(conns.map((c) => [c.service, c.flag])).toEqual([
      ['domain_u', 'SF'],
      ['http', 'SF'],
      ['smtp', 'REJ'],
      ['eco_i', 'SF'], // Zeek: OTH; ICMP is SF in KDD. Type 8 = echo request.
      ['http_443', 'RSTR'], // RSTRH
      ['ssh', 'SH'], // SHR
      ['other', 'SF'], // UDP S0 (no reply) is SF in KDD; 5353 has no KDD name
      ['telnet', 'S0'],
    ]);
    const s0 = conns[7];
    expect([s0.duration, s0.origBytes, s0.respBytes]).toEqual([0, 0, 0]);
  });

  it('reads fields in any order and ignores extra ones', async () => {
    const conns = await readAll(fixture('conn-reordered.log'));
    expect(conns.map((c) => [c.origAddr, c.origPort, c.respAddr, c.respPort, c.flag, c.origBytes])).toEqual([
      ['192.168.1.10', 51234, '93.184.216.34', 80, 'SF', 420],
      ['192.168.1.10', 51302, '192.168.1.20', 23, 'S0', 0],
    ]);
  });

  it('streams in bounded arrays over chunks split anywhere, with the same result', async () => {
    const text = fixture('conn.log');
    const whole = await readAll(text);
    const bytes = new TextEncoder().encode(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const arrays: Connection[][] = [];
    for await (const a of readZeekConnections(pieces, { batchSize: 3 })) arrays.push(a);
    expect(arrays.map((a) => a.length)).toEqual([3, 3, 2]);
    expect(arrays.flat()).toEqual(whole);
  });

  it('reads CRLF line ends and two logs one after the other (rotated files concatenated)', async () => {
    const one = tsv(ROW);
    const conns = await readAll((one + one).replace(/\n/g, '\r\n'));
    expect(conns).toHaveLength(2);
    expect(conns[1].respBytes).toBe(20);
  });

  it('wrong field count: line and the first missing field', async () => {
    const e = await errorOf(tsv(ROW, ROW.slice(0, 9)));
    expect(e.line).toBe(10);
    expect(e.column).toBe(10);
    expect(e.message).toBe(
      'conn.log:10:10: expected 12 tab-separated fields as #fields names, got 9. Is this a Zeek conn.log? Other Zeek logs (dns.log, http.log) are not connection records.',
    );
  });

  it('a non-number in id.orig_p: its field position', async () => {
    const row = [...ROW];
    row[3] = 'http';
    const e = await errorOf(tsv(ROW, row));
    expect([e.line, e.column]).toEqual([10, 4]);
    expect(e.problem).toBe('expected a port number (0–65535) for id.orig_p, got "http"');
  });

  it('a bad count and an unknown conn_state: their field positions', async () => {
    const bytes = [...ROW];
    bytes[9] = '1e3';
    expect([(await errorOf(tsv(bytes))).line, (await errorOf(tsv(bytes))).column]).toEqual([9, 10]);
    const state = [...ROW];
    state[11] = 'XYZ';
    const e = await errorOf(tsv(state));
    expect([e.line, e.column]).toEqual([9, 12]);
    expect(e.problem).toMatch(/Zeek connection state/);
  });

  it('a missing #fields header', async () => {
    const noFields = HEADER.split('\n').filter((l) => !l.startsWith('#fields')).join('\n');
    const e = await errorOf(`${noFields}\n${ROW.join('\t')}\n`);
    expect(e.line).toBe(8);
    expect(e.problem).toMatch(/before the #fields header/);
    const onlyHeader = await errorOf('#separator \\x09\n#path\tconn\n');
    expect(onlyHeader.problem).toMatch(/no #fields header/);
  });

  it('#fields without a required field', async () => {
    const e = await errorOf(HEADER.replace('\tconn_state', '') + '\n');
    expect(e.line).toBe(7);
    expect(e.problem).toBe('the #fields line has no conn_state field');
  });

  it('a log of another path (#path dns) is refused at its #path line', async () => {
    const e = await errorOf(fixture('dns.log'), 'dns.log');
    expect([e.line, e.column]).toEqual([5, 2]);
    expect(e.message).toMatch(/^dns\.log:5:2: this is a Zeek "dns" log \(#path dns\), not conn\.log/);
    expect(e.hint).toMatch(/Other Zeek logs/);
  });

  it('a file that is neither form', async () => {
    const e = await errorOf('duration,protocol_type\n0,tcp\n');
    expect(e.line).toBe(1);
  });
});

describe('Zeek conn.log, JSON lines', () => {
  it('gives the same connections as the TSV log (unset fields are absent keys)', async () => {
    const notes = emptyZeekNotes();
    expect(await readAll(fixture('conn.json'), { notes })).toEqual(await readAll(fixture('conn.log')));
    expect(notes.unsetDuration).toBe(2);
  });

  it('reads ts as an ISO 8601 string, to the microsecond', async () => {
    const iso = await readAll(fixture('conn-iso.json'));
    const epoch = (await readAll(fixture('conn.json'))).slice(0, 2);
    expect(iso.map((c) => c.start)).toEqual(epoch.map((c) => c.start));
    expect(parseZeekTime('2025-12-02T10:00:00.000001Z')).toBeCloseTo(1764669600.000001, 6);
    expect(parseZeekTime('2025-12-02T11:00:00+01:00')).toBe(1764669600);
    expect(parseZeekTime('yesterday')).toBeNaN();
  });

  it('errors name the line and the key', async () => {
    const good = fixture('conn.json').split('\n')[0];
    const port = good.replace('"id.orig_p":53535', '"id.orig_p":"x"');
    const e = await errorOf(`${good}\n${port}\n`, 'conn.json');
    expect(e.message).toMatch(/^conn\.json:2: expected a port number \(0–65535\) for id\.orig_p, got "x"\./);
    const broken = await errorOf(`${good}\n{"ts":1,\n`, 'conn.json');
    expect([broken.line, broken.kind]).toEqual([2, 'syntax']);
    const dns = await errorOf(`${good}\n{"ts":1764669600.05,"uid":"C1","id.orig_h":"10.0.0.1","query":"example.com"}\n`);
    expect(dns.problem).toMatch(/without "conn_state": not a conn.log record/);
  });
});

describe('detection and mapping', () => {
  it('isZeekConnLog: the TSV header or a JSON conn record', () => {
    expect(isZeekConnLog('#separator \\x09')).toBe(true);
    expect(isZeekConnLog(fixture('conn.json').split('\n')[0])).toBe(true);
    expect(isZeekConnLog('{"ts":1,"query":"example.com","id.orig_h":"10.0.0.1"}')).toBe(false);
    expect(isZeekConnLog('0,tcp,http,SF,181,5450,0,0,0')).toBe(false);
    expect(isZeekConnLog('{not json')).toBe(false);
  });

  it('conn_state → KDD flag', () => {
    expect(['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'].map(zeekConnState)).toEqual(
      ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTR', 'SH', 'SH', 'OTH'],
    );
    expect(zeekConnState('constructor')).toBeUndefined();
  });

  it('feeds ConnectionFeatures as a source lacking wrong_fragment and urgent, in start order', async () => {
    const rows = connectionFeatures(await readAll(fixture('conn.log')), { lacks: ZEEK_LACKS });
    expect(rows.schema.features).toHaveLength(26);
    expect(rows.numeric.every(Number.isFinite)).toBe(true);
    const starts = rows.identity.start;
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });
});
