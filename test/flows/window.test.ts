import { describe, expect, it } from 'vitest';
import { ConnectionFeatures, connectionFeatures } from '../../src/flows/window.ts';
import { KDD_HEADER_SCHEMA, ZEEK_LACKS, CONTENT_FEATURES } from '../../src/flows/kdd-headers.ts';
import { numericNames, categoricalNames } from '../../src/data/input-schema.ts';
import { compareConnections } from '../../src/flows/reorder.ts';
import type { Connection } from '../../src/flows/connection.ts';
import type { FeatureRows } from '../../src/flows/window.ts';
import type { InputSchema } from '../../src/data/input-schema.ts';

const S = KDD_HEADER_SCHEMA;

const T0 = 1_700_000_000;

function conn(over: Partial<Connection> = {}): Connection {
  return {
    start: T0,
    duration: 0.5,
    protocol: 'tcp',
    origAddr: '10.0.0.1',
    origPort: 40000,
    respAddr: '10.0.0.9',
    respPort: 80,
    service: 'http',
    flag: 'SF',
    origBytes: 200,
    respBytes: 1000,
    origPackets: 5,
    respPackets: 5,
    wrongFragment: 0,
    urgent: 0,
    ...over,
  };
}

/** Numeric feature `name` of row `i`. */
function value(rows: FeatureRows, schema: InputSchema, i: number, name: string): number {
  const names = numericNames(schema);
  const j = names.indexOf(name);
  if (j < 0) throw new Error(`no numeric feature ${name}`);
  return rows.numeric[i * names.length + j];
}

describe('kdd-headers schema', () => {
  it('has the 28 header features in KDD order, the 13 content features apart', () => {
    expect(S.features).toHaveLength(28);
    expect(S.features.slice(0, 9).map((f) => f.name)).toEqual([
      'duration', 'protocol_type', 'service', 'flag', 'src_bytes', 'dst_bytes', 'land', 'wrong_fragment', 'urgent',
    ]);
    expect(S.features[9].name).toBe('count');
    expect(S.features.at(-1)!.name).toBe('dst_host_srv_rerror_rate');
    expect(CONTENT_FEATURES).toHaveLength(13);
    expect(CONTENT_FEATURES[0]).toBe('hot');
    expect(CONTENT_FEATURES.at(-1)).toBe('is_guest_login');
    expect(categoricalNames(S)).toEqual(['protocol_type', 'service', 'flag']);
    expect(S.features.filter((f) => f.log).map((f) => f.name)).toEqual([
      'duration', 'src_bytes', 'dst_bytes', 'wrong_fragment', 'urgent', 'count', 'srv_count', 'dst_host_count', 'dst_host_srv_count',
    ]);
  });
});

describe('two-second traffic features', () => {
  it('five connections to one host within 2 s, three of them S0: count 5, serror_rate 0.6', () => {
    const flags = ['SF', 'S0', 'S0', 'SF', 'S0'] as const;
    const conns = flags.map((flag, i) => conn({ start: T0 + i * 0.4, origPort: 40000 + i, flag }));
    const rows = connectionFeatures(conns);
    expect(rows.count).toBe(5);
    expect(value(rows, S, 4, 'count')).toBe(5);
    expect(value(rows, S, 4, 'serror_rate')).toBeCloseTo(0.6, 12);
    expect(value(rows, S, 4, 'srv_serror_rate')).toBeCloseTo(0.6, 12);
    expect(value(rows, S, 4, 'rerror_rate')).toBe(0);
    // The current connection counts itself: the first sees only itself.
    expect(value(rows, S, 0, 'count')).toBe(1);
    expect(value(rows, S, 0, 'serror_rate')).toBe(0);
    expect(value(rows, S, 1, 'serror_rate')).toBeCloseTo(0.5, 12);
  });

  it('REJ and the reset flags are REJ errors; SH and S1–S3 are SYN errors; OTH is neither', () => {
    const flags = ['REJ', 'RSTO', 'RSTR', 'RSTOS0', 'SH', 'S1', 'S2', 'S3', 'OTH', 'SF'] as const;
    const rows = connectionFeatures(flags.map((flag, i) => conn({ start: T0 + i * 0.01, origPort: 1000 + i, flag })));
    expect(value(rows, S, 9, 'count')).toBe(10);
    expect(value(rows, S, 9, 'rerror_rate')).toBeCloseTo(0.4, 12);
    expect(value(rows, S, 9, 'serror_rate')).toBeCloseTo(0.4, 12);
    expect(value(rows, S, 9, 'dst_host_rerror_rate')).toBeCloseTo(0.4, 12);
    expect(value(rows, S, 9, 'dst_host_srv_serror_rate')).toBeCloseTo(0.4, 12);
  });

  it('srv features span hosts: srv_count, srv_diff_host_rate, same/diff_srv_rate', () => {
    const rows = connectionFeatures([
      conn({ start: T0, respAddr: 'A' }),
      conn({ start: T0 + 0.1, respAddr: 'A', service: 'smtp', respPort: 25 }),
      conn({ start: T0 + 0.2, respAddr: 'B' }),
      conn({ start: T0 + 0.3, respAddr: 'C' }),
      conn({ start: T0 + 0.4, respAddr: 'A' }),
    ]);
    // Last row: to A over http. Same host in 2 s: A/http, A/smtp, A/http → count 3, same_srv 2/3.
    expect(value(rows, S, 4, 'count')).toBe(3);
    expect(value(rows, S, 4, 'same_srv_rate')).toBeCloseTo(2 / 3, 12);
    expect(value(rows, S, 4, 'diff_srv_rate')).toBeCloseTo(1 / 3, 12);
    // Same service (http) in 2 s: A, B, C, A → srv_count 4, 2 of them to other hosts.
    expect(value(rows, S, 4, 'srv_count')).toBe(4);
    expect(value(rows, S, 4, 'srv_diff_host_rate')).toBeCloseTo(0.5, 12);
    // The row to C: alone on its host, http shared with A and B.
    expect(value(rows, S, 3, 'count')).toBe(1);
    expect(value(rows, S, 3, 'srv_count')).toBe(3);
    expect(value(rows, S, 3, 'srv_diff_host_rate')).toBeCloseTo(2 / 3, 12);
  });

  it('count and srv_count stop at 511, as in KDD; the rates use every connection', () => {
    const conns = Array.from({ length: 600 }, (_, i) => conn({ start: T0 + i * 0.001, origPort: i, flag: i < 300 ? 'S0' : 'SF' }));
    const rows = connectionFeatures(conns);
    expect(value(rows, S, 510, 'count')).toBe(511);
    expect(value(rows, S, 599, 'count')).toBe(511);
    expect(value(rows, S, 599, 'srv_count')).toBe(511);
    expect(value(rows, S, 599, 'serror_rate')).toBeCloseTo(300 / 600, 12);
  });

  it('the two-second window keeps at most maxTrafficEntries connections', () => {
    const conns = Array.from({ length: 10 }, (_, i) => conn({ start: T0 + i * 0.01, origPort: i, flag: i < 5 ? 'S0' : 'SF' }));
    const rows = connectionFeatures(conns, { maxTrafficEntries: 4 });
    expect(value(rows, S, 3, 'count')).toBe(4);
    expect(value(rows, S, 5, 'count')).toBe(4);
    expect(value(rows, S, 5, 'serror_rate')).toBeCloseTo(3 / 4, 12); // connections 2–5
    expect(value(rows, S, 9, 'serror_rate')).toBe(0);
  });

  it('a connection exactly 2 s earlier is outside the window; 1.999 s is inside', () => {
    const exact = connectionFeatures([conn({ start: T0 }), conn({ start: T0 + 2, origPort: 2 })]);
    expect(value(exact, S, 1, 'count')).toBe(1);
    expect(value(exact, S, 1, 'srv_count')).toBe(1);
    const inside = connectionFeatures([conn({ start: T0 }), conn({ start: T0 + 1.999, origPort: 2 })]);
    expect(value(inside, S, 1, 'count')).toBe(2);
    // Times count in whole microseconds (pcap and Zeek print to the µs): 2 s − 0.1 µs is 2 s.
    const rounded = connectionFeatures([conn({ start: T0 }), conn({ start: T0 + 2 - 1e-7, origPort: 2 })]);
    expect(value(rounded, S, 1, 'count')).toBe(1);
    // The host window does not expire by time.
    expect(value(exact, S, 1, 'dst_host_count')).toBe(2);
  });
});

describe('host-window features', () => {
  it('rolls over after hostWindow connections, across all destinations', () => {
    // 100 connections to A, one to B, one more to A; window of 100.
    const conns = [];
    for (let i = 0; i < 100; i++) conns.push(conn({ start: T0 + i * 10, respAddr: 'A', origPort: 1000 + (i % 4) }));
    conns.push(conn({ start: T0 + 1000, respAddr: 'B', origPort: 5000 }));
    conns.push(conn({ start: T0 + 1010, respAddr: 'A', origPort: 1001 }));
    const rows = connectionFeatures(conns, { hostWindow: 100 });
    expect(value(rows, S, 99, 'dst_host_count')).toBe(100);
    // Row 100 (to B): the window holds 99 A + B.
    expect(value(rows, S, 100, 'dst_host_count')).toBe(1);
    expect(value(rows, S, 100, 'dst_host_srv_count')).toBe(100);
    expect(value(rows, S, 100, 'dst_host_srv_diff_host_rate')).toBeCloseTo(99 / 100, 12);
    // Row 101 (to A): connections 2..101 → 98 A + B + itself.
    expect(value(rows, S, 101, 'dst_host_count')).toBe(99);
    expect(value(rows, S, 101, 'dst_host_srv_count')).toBe(100);
    expect(value(rows, S, 101, 'dst_host_same_srv_rate')).toBe(1);
    expect(value(rows, S, 101, 'dst_host_srv_diff_host_rate')).toBeCloseTo(1 / 100, 12);
    // Source port 1001 among A's 99: ports cycle 1000..1003 over i = 2..99 → 24 with 1001 (i = 5, 9, …, 97) + itself.
    expect(value(rows, S, 101, 'dst_host_same_src_port_rate')).toBeCloseTo(25 / 99, 12);
    // 10 s apart: the two-second window never holds two.
    expect(value(rows, S, 101, 'count')).toBe(1);
  });

  it('defaults to 255 connections (the NSL-KDD range)', () => {
    const conns = Array.from({ length: 300 }, (_, i) => conn({ start: T0 + i * 10, origPort: i }));
    const rows = connectionFeatures(conns);
    expect(value(rows, S, 254, 'dst_host_count')).toBe(255);
    expect(value(rows, S, 299, 'dst_host_count')).toBe(255);
    expect(value(rows, S, 299, 'dst_host_srv_count')).toBe(255);
  });

  it('dst_host_diff_srv_rate and error rates over the host window', () => {
    const rows = connectionFeatures([
      conn({ start: T0, flag: 'REJ' }),
      conn({ start: T0 + 5, service: 'ftp', respPort: 21, flag: 'S0' }),
      conn({ start: T0 + 10, origPort: 40001 }),
      conn({ start: T0 + 15, origPort: 40001, respAddr: '10.0.0.8' }),
    ]);
    expect(value(rows, S, 2, 'dst_host_count')).toBe(3);
    expect(value(rows, S, 2, 'dst_host_srv_count')).toBe(2);
    expect(value(rows, S, 2, 'dst_host_same_srv_rate')).toBeCloseTo(2 / 3, 12);
    expect(value(rows, S, 2, 'dst_host_diff_srv_rate')).toBeCloseTo(1 / 3, 12);
    expect(value(rows, S, 2, 'dst_host_serror_rate')).toBeCloseTo(1 / 3, 12);
    expect(value(rows, S, 2, 'dst_host_rerror_rate')).toBeCloseTo(1 / 3, 12);
    expect(value(rows, S, 2, 'dst_host_srv_rerror_rate')).toBeCloseTo(1 / 2, 12);
    expect(value(rows, S, 2, 'dst_host_srv_serror_rate')).toBe(0);
    expect(value(rows, S, 2, 'dst_host_same_src_port_rate')).toBeCloseTo(1 / 3, 12);
    expect(value(rows, S, 3, 'dst_host_count')).toBe(1);
    expect(value(rows, S, 3, 'dst_host_srv_count')).toBe(3);
    expect(value(rows, S, 3, 'dst_host_srv_diff_host_rate')).toBeCloseTo(2 / 3, 12);
  });
});

describe('against a brute-force reference', () => {
  // The definitions computed the slow way: scan every earlier connection.
  function reference(sorted: Connection[], hostWindow: number): number[][] {
    const serr = new Set(['S0', 'S1', 'S2', 'S3', 'SH']);
    const rerr = new Set(['REJ', 'RSTO', 'RSTR', 'RSTOS0']);
    return sorted.map((c, i) => {
      const recent = sorted.slice(0, i + 1).filter((p) => Math.round(c.start * 1e6) - Math.round(p.start * 1e6) < 2e6);
      const last = sorted.slice(Math.max(0, i + 1 - hostWindow), i + 1);
      const rate = (xs: Connection[], f: (p: Connection) => boolean) => xs.filter(f).length / xs.length;
      const feats = (w: Connection[]) => {
        const host = w.filter((p) => p.respAddr === c.respAddr);
        const srv = w.filter((p) => p.service === c.service);
        return { host, srv };
      };
      const r = feats(recent);
      const h = feats(last);
      return [
        c.duration, c.origBytes, c.respBytes, c.origAddr === c.respAddr && c.origPort === c.respPort ? 1 : 0, c.wrongFragment, c.urgent,
        Math.min(511, r.host.length), Math.min(511, r.srv.length),
        rate(r.host, (p) => serr.has(p.flag)), rate(r.srv, (p) => serr.has(p.flag)),
        rate(r.host, (p) => rerr.has(p.flag)), rate(r.srv, (p) => rerr.has(p.flag)),
        rate(r.host, (p) => p.service === c.service), rate(r.host, (p) => p.service !== c.service),
        rate(r.srv, (p) => p.respAddr !== c.respAddr),
        h.host.length, h.srv.length,
        rate(h.host, (p) => p.service === c.service), rate(h.host, (p) => p.service !== c.service),
        rate(h.host, (p) => p.origPort === c.origPort), rate(h.srv, (p) => p.respAddr !== c.respAddr),
        rate(h.host, (p) => serr.has(p.flag)), rate(h.srv, (p) => serr.has(p.flag)),
        rate(h.host, (p) => rerr.has(p.flag)), rate(h.srv, (p) => rerr.has(p.flag)),
      ];
    });
  }

  it('agrees on every feature for mixed traffic: bursts, many hosts coming and going', () => {
    const flags = ['SF', 'S0', 'REJ', 'SF', 'RSTO', 'SH', 'OTH', 'SF', 'S1'] as const;
    const services = ['http', 'smtp', 'ftp', 'private', 'domain_u'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const conns: Connection[] = [];
    let t = T0;
    for (let i = 0; i < 1600; i++) {
      // A burst of 1,200 connections within 1.2 s (the two-second window outgrows its first buffer),
      // otherwise gaps up to 0.6 s; hosts drawn from a range that drifts, so names leave and return.
      t += i >= 200 && i < 1400 ? 0.001 : rand(600) / 1000;
      conns.push(conn({
        start: t, origPort: 1000 + rand(5), respAddr: `10.0.${(i >> 6) % 7}.${rand(12)}`,
        service: services[rand(5)], flag: flags[rand(flags.length)], origBytes: rand(1000),
      }));
    }
    conns.sort(compareConnections); // equal starts: the tie-break order
    const rows = connectionFeatures(conns, { hostWindow: 40 });
    const want = reference(conns, 40);
    for (let i = 0; i < conns.length; i++) {
      const got = Array.from(rows.numeric.subarray(i * 25, i * 25 + 25));
      for (let j = 0; j < 25; j++) expect(got[j], `row ${i} ${numericNames(S)[j]}`).toBeCloseTo(want[i][j], 12);
    }
  });
});

describe('basic features and output layout', () => {
  it('copies the basic features, sets land, fills categorical and identity columns', () => {
    const rows = connectionFeatures([
      conn({ start: T0, duration: 1.25, origBytes: 7, respBytes: 9, wrongFragment: 1, urgent: 2 }),
      conn({ start: T0 + 1, origAddr: '10.0.0.9', origPort: 80, protocol: 'udp', service: 'private', flag: 'SF' }),
    ]);
    expect(rows.numeric).toHaveLength(2 * 25);
    expect(Array.from(rows.numeric.subarray(0, 6))).toEqual([1.25, 7, 9, 0, 1, 2]);
    expect(value(rows, S, 1, 'land')).toBe(1);
    expect(rows.categorical).toEqual([['tcp', 'udp'], ['http', 'private'], ['SF', 'SF']]);
    expect(rows.identity.src).toEqual(['10.0.0.1', '10.0.0.9']);
    expect(rows.identity.dstPort).toEqual([80, 80]);
    expect(rows.identity.start).toEqual([T0, T0 + 1]);
  });

  it('a source lacking wrong_fragment and urgent gets a 26-feature schema, never zeros for them', () => {
    const z = conn({ wrongFragment: NaN, urgent: NaN });
    const rows = connectionFeatures([z], { lacks: ZEEK_LACKS });
    expect(rows.schema.features).toHaveLength(26);
    expect(numericNames(rows.schema)).not.toContain('wrong_fragment');
    expect(rows.numeric).toHaveLength(23);
    expect(rows.numeric.every(Number.isFinite)).toBe(true);
    expect(() => connectionFeatures([z])).toThrow(/lacks: ZEEK_LACKS/);
    expect(() => new ConnectionFeatures({ lacks: ['service'] })).toThrow(/not a numeric KDD header feature/);
  });

  it('take(maxRows) drains in order, in pieces', () => {
    const f = new ConnectionFeatures();
    for (let i = 0; i < 5; i++) f.push(conn({ start: T0 + i, origPort: i }));
    f.finish();
    const a = f.take(2);
    const b = f.take(10);
    expect(a.count).toBe(2);
    expect(b.count).toBe(3);
    expect(a.identity.srcPort).toEqual([0, 1]);
    expect(b.identity.srcPort).toEqual([2, 3, 4]);
    expect(f.take().count).toBe(0);
  });
});

describe('ordering', () => {
  // Mixed traffic, with ties on start, shuffled deterministically.
  const sorted = Array.from({ length: 60 }, (_, i) =>
    conn({
      start: T0 + Math.floor(i / 3) * 0.3,
      respAddr: `10.0.0.${i % 4}`,
      origPort: 30000 + ((i * 7) % 11),
      service: i % 5 === 0 ? 'smtp' : 'http',
      flag: i % 6 === 0 ? 'S0' : i % 7 === 0 ? 'REJ' : 'SF',
    }),
  );
  const shuffled = [...sorted].sort((a, b) => ((a.origPort * 31 + a.start * 17) % 13) - ((b.origPort * 31 + b.start * 17) % 13));

  it('out-of-order input within the horizon gives the same rows as sorted input', () => {
    expect(shuffled.map((c) => c.start)).not.toEqual(sorted.map((c) => c.start));
    const a = connectionFeatures(sorted);
    const b = connectionFeatures(shuffled);
    expect(b.identity).toEqual(a.identity);
    expect(Array.from(b.numeric)).toEqual(Array.from(a.numeric));
    expect(b.categorical).toEqual(a.categorical);
  });

  it('advance(watermark) releases only connections that started before it', () => {
    const f = new ConnectionFeatures({ horizon: Infinity });
    for (const c of shuffled) f.push(c);
    expect(f.pending).toBe(0);
    f.advance(T0 + 0.3); // starts T0 (3 connections)
    expect(f.pending).toBe(3);
    expect(f.buffered).toBe(57);
    f.finish();
    const rows = f.take();
    expect(Array.from(rows.numeric)).toEqual(Array.from(connectionFeatures(sorted).numeric));
  });

  it('once a watermark is given, the horizon no longer releases (a long connection ends late)', () => {
    const f = new ConnectionFeatures({ horizon: 120 });
    f.advance(T0);
    f.push(conn({ start: T0 + 1000, origPort: 1 }));
    f.push(conn({ start: T0 + 500, origPort: 3 })); // a horizon would release this one now…
    f.push(conn({ start: T0 + 10, origPort: 2 })); // …and this 1000 s connection would come too late
    expect(f.pending).toBe(0);
    f.advance(T0 + 11);
    expect(f.take().identity.srcPort).toEqual([2]);
    f.finish();
    expect(f.take().identity.srcPort).toEqual([3, 1]);
    expect(f.late).toBe(0);
  });

  it('without a watermark, the horizon releases; a connection later than it is processed on arrival', () => {
    const f = new ConnectionFeatures({ horizon: 120 });
    f.push(conn({ start: T0 + 100 }));
    f.push(conn({ start: T0 + 10, origPort: 1 })); // 90 s late: still in order
    expect(f.pending).toBe(0);
    f.push(conn({ start: T0 + 300, origPort: 2 })); // releases T0+10 and T0+100
    expect(f.take().identity.srcPort).toEqual([1, 40000]);
    f.push(conn({ start: T0 + 50, origPort: 3 })); // before what was released: late
    expect(f.late).toBe(1);
    expect(f.take().identity.srcPort).toEqual([3]);
    f.finish();
    expect(f.take().identity.srcPort).toEqual([2]);
  });
});

describe('warm-up flag', () => {
  it('marks the rows computed before the host window filled or within the first two seconds', () => {
    // 30 connections 0.06 s apart (the last at 1.74 s), then 30 more 1 s apart; host window of 20.
    const conns = [];
    for (let i = 0; i < 30; i++) conns.push(conn({ start: T0 + i * 0.06, origPort: 2000 + i }));
    for (let i = 0; i < 30; i++) conns.push(conn({ start: T0 + 3 + i, origPort: 3000 + i }));
    const rows = connectionFeatures(conns, { hostWindow: 20 });
    const warm = rows.identity.warmup;
    expect(warm).toHaveLength(60);
    // Rows 0–18 see fewer than 20 connections; rows 19–29 started < 2 s after the first.
    expect(warm.slice(0, 30).every((w) => w === 1)).toBe(true);
    expect(warm.slice(30).every((w) => w === 0)).toBe(true);
    expect(value(rows, S, 18, 'dst_host_count')).toBe(19);
  });

  it('ends with the host window when the first two seconds are already over', () => {
    const conns = Array.from({ length: 25 }, (_, i) => conn({ start: T0 + i * 5, origPort: 4000 + i }));
    const warm = connectionFeatures(conns, { hostWindow: 10 }).identity.warmup;
    expect(warm.indexOf(0)).toBe(9); // the 10th connection fills the window
    expect(warm.slice(9).every((w) => w === 0)).toBe(true);
  });
});
