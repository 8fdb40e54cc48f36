import { describe, expect, it } from 'vitest';
import { SAMPLE_ATTACKS, generateTraffic } from '../src/data/synthetic.ts';
import { attackCategory } from '../src/metrics/categories.ts';

// Independent copy of the NSL-KDD column order, to cross-check the generator's.
const FEATURES = [
  'duration', 'protocol_type', 'service', 'flag', 'src_bytes', 'dst_bytes', 'land', 'wrong_fragment',
  'urgent', 'hot', 'num_failed_logins', 'logged_in', 'num_compromised', 'root_shell', 'su_attempted',
  'num_root', 'num_file_creations', 'num_shells', 'num_access_files', 'num_outbound_cmds', 'is_host_login',
  'is_guest_login', 'count', 'srv_count', 'serror_rate', 'srv_serror_rate', 'rerror_rate', 'srv_rerror_rate',
  'same_srv_rate', 'diff_srv_rate', 'srv_diff_host_rate', 'dst_host_count', 'dst_host_srv_count',
  'dst_host_same_srv_rate', 'dst_host_diff_srv_rate', 'dst_host_same_src_port_rate',
  'dst_host_srv_diff_host_rate', 'dst_host_serror_rate', 'dst_host_srv_serror_rate', 'dst_host_rerror_rate',
  'dst_host_srv_rerror_rate',
];
const col = (name: string) => FEATURES.indexOf(name);
const TEXT = new Set([1, 2, 3]);

function parse(csv: string): string[][] {
  expect(csv.endsWith('\n')).toBe(true);
  return csv.slice(0, -1).split('\n').map((l) => l.split(','));
}

describe('generateTraffic', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateTraffic({ rows: 500, seed: 7 });
    expect(generateTraffic({ rows: 500, seed: 7 })).toBe(a);
    expect(generateTraffic({ rows: 500, seed: 8 })).not.toBe(a);
    expect(generateTraffic({ rows: 10 })).toBe(generateTraffic({ rows: 10 })); // default seed
  });

  it('NSL-KDD layout: 43 columns, label and difficulty', () => {
    const rows = parse(generateTraffic({ rows: 1000, seed: 1 }));
    expect(rows.length).toBe(1000);
    for (const r of rows) {
      expect(r.length).toBe(43);
      expect(r[41].endsWith('.')).toBe(false);
      const d = Number(r[42]);
      expect(Number.isInteger(d) && d >= 15 && d <= 21).toBe(true);
    }
  });

  it('KDD99 layout: 42 columns, labels end in "." with the same features', () => {
    const nsl = parse(generateTraffic({ rows: 300, seed: 3 }));
    const kdd = parse(generateTraffic({ rows: 300, seed: 3, format: 'kdd99' }));
    expect(kdd.length).toBe(300);
    kdd.forEach((r, i) => {
      expect(r.length).toBe(42);
      expect(r[41]).toBe(`${nsl[i][41]}.`);
      expect(r.slice(0, 41)).toEqual(nsl[i].slice(0, 41));
    });
  });

  it('labels: false leaves only the 41 features', () => {
    for (const format of ['nsl-kdd', 'kdd99'] as const) {
      const rows = parse(generateTraffic({ rows: 50, seed: 2, labels: false, format }));
      expect(rows.every((r) => r.length === 41)).toBe(true);
    }
  });

  it('handles edge sizes and rejects bad options', () => {
    expect(generateTraffic({ rows: 0 })).toBe('');
    expect(parse(generateTraffic({ rows: 1 })).length).toBe(1);
    expect(() => generateTraffic({ rows: -1 })).toThrow(RangeError);
    expect(() => generateTraffic({ rows: 5, attackRate: 1.5 })).toThrow(RangeError);
  });

  it('attack rate is as asked and labels map to known categories', () => {
    for (const attackRate of [0, 0.05, 0.2, 0.5, 1]) {
      const rows = parse(generateTraffic({ rows: 2000, seed: 11, attackRate }));
      const attacks = rows.filter((r) => r[41] !== 'normal').length;
      expect(Math.abs(attacks / 2000 - attackRate)).toBeLessThan(0.01);
      for (const r of rows) expect(attackCategory(r[41])).not.toBe('unknown');
    }
    const names = new Set(parse(generateTraffic({ rows: 3000, seed: 5, attackRate: 0.5 })).map((r) => r[41]));
    for (const a of SAMPLE_ATTACKS) expect(names.has(a.name)).toBe(true);
    expect(names.has('normal')).toBe(true);
  });

  it('numeric fields are finite and in range', () => {
    const rows = parse(generateTraffic({ rows: 5000, seed: 99, attackRate: 0.4 }));
    // Collect violations instead of 200k expect() calls, which would be slow.
    const bad: string[] = [];
    const check = (ok: boolean, r: string[], what: string) => {
      if (!ok && bad.length < 20) bad.push(`${what} in ${r.join(',')}`);
    };
    const limits: Record<string, number> = {
      count: 511, srv_count: 511, dst_host_count: 255, dst_host_srv_count: 255,
      land: 1, logged_in: 1, root_shell: 1, is_host_login: 1, is_guest_login: 1,
    };
    for (const r of rows) {
      check(['tcp', 'udp', 'icmp'].includes(r[1]), r, 'protocol_type');
      check(/^[A-Za-z0-9_]+$/.test(r[2]), r, 'service');
      check(/^(SF|S0|REJ|RSTO)$/.test(r[3]), r, 'flag');
      for (let i = 0; i < 41; i++) {
        if (TEXT.has(i)) continue;
        const name = FEATURES[i];
        const x = Number(r[i]);
        check(Number.isFinite(x) && x >= 0, r, name);
        if (name.endsWith('_rate')) check(/^[01]\.\d\d$/.test(r[i]) && x <= 1, r, name);
        else check(/^\d+$/.test(r[i]), r, name);
        if (name in limits) check(x <= limits[name], r, name);
      }
    }
    expect(bad).toEqual([]);
  });

  it('attack patterns carry their signatures', () => {
    const rows = parse(generateTraffic({ rows: 4000, seed: 21, attackRate: 0.5 }));
    const num = (r: string[], f: string) => Number(r[col(f)]);
    for (const r of rows) {
      switch (r[41]) {
        case 'neptune':
          expect(r[3]).toBe('S0');
          expect(num(r, 'src_bytes') + num(r, 'dst_bytes')).toBe(0);
          expect(num(r, 'count')).toBeGreaterThanOrEqual(100);
          expect(num(r, 'serror_rate')).toBe(1);
          expect(num(r, 'srv_serror_rate')).toBe(1);
          break;
        case 'smurf':
          expect([r[1], r[2]]).toEqual(['icmp', 'ecr_i']);
          expect([1032, 520]).toContain(num(r, 'src_bytes'));
          expect(num(r, 'count')).toBe(511);
          break;
        case 'portsweep':
        case 'satan':
          expect(['REJ', 'RSTO']).toContain(r[3]);
          expect(num(r, 'rerror_rate')).toBeGreaterThanOrEqual(0.7);
          expect(num(r, 'diff_srv_rate')).toBeGreaterThanOrEqual(0.5);
          break;
        case 'guess_passwd':
          expect(['telnet', 'ftp']).toContain(r[2]);
          expect(num(r, 'num_failed_logins')).toBeGreaterThanOrEqual(1);
          expect(num(r, 'logged_in')).toBe(0);
          break;
        case 'normal':
          expect(num(r, 'serror_rate')).toBe(0);
          expect(num(r, 'num_failed_logins')).toBe(0);
          break;
      }
    }
    const http = rows.filter((r) => r[41] === 'normal' && r[2] === 'http');
    expect(http.length).toBeGreaterThan(500);
    for (const r of http) {
      expect(r[3]).toBe('SF');
      expect(num(r, 'logged_in')).toBe(1);
      expect(num(r, 'src_bytes')).toBeGreaterThanOrEqual(200);
      expect(num(r, 'src_bytes')).toBeLessThanOrEqual(400);
    }
  });

  it('SAMPLE_ATTACKS describes each pattern', () => {
    expect(SAMPLE_ATTACKS.length).toBeGreaterThanOrEqual(4);
    const share = SAMPLE_ATTACKS.reduce((s, a) => s + a.share, 0);
    expect(share).toBeCloseTo(1, 9);
    for (const a of SAMPLE_ATTACKS) {
      expect(attackCategory(a.name)).toBe(a.category);
      expect(a.description.length).toBeGreaterThan(10);
    }
  });
});
