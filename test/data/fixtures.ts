// Hand-made KDD-format fixtures (no rows copied from the real data sets).

import { expect } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';

export interface Row {
  /** 41 feature values in FEATURE_NAMES order. */
  values: (string | number)[];
  label: string;
  difficulty: number;
}

const BASE: Record<string, string | number> = Object.fromEntries(FEATURE_NAMES.map((f) => [f, 0]));
Object.assign(BASE, { protocol_type: 'tcp', service: 'http', flag: 'SF' });

/** A row built from all-zero numerics plus the given overrides. */
export function row(overrides: Record<string, string | number>, label = 'normal', difficulty = 20): Row {
  for (const k of Object.keys(overrides)) if (!FEATURE_NAMES.includes(k)) throw new Error(`fixture: unknown feature ${k}`);
  const all = { ...BASE, ...overrides };
  return { values: FEATURE_NAMES.map((f) => all[f]), label, difficulty };
}

/** Six varied rows: web, DNS, SYN flood, ICMP flood, mail, port scan. */
export const ROWS: Row[] = [
  row({ duration: 1, src_bytes: 230, dst_bytes: 4100, logged_in: 1, count: 4, srv_count: 6, same_srv_rate: 1, dst_host_count: 40, dst_host_srv_count: 250, dst_host_same_srv_rate: 1 }),
  row({ protocol_type: 'udp', service: 'domain_u', src_bytes: 44, dst_bytes: 77, count: 90, srv_count: 88, same_srv_rate: 0.98, diff_srv_rate: 0.02, dst_host_count: 255, dst_host_srv_count: 240 }),
  row({ service: 'private', flag: 'S0', count: 120, srv_count: 9, serror_rate: 1, srv_serror_rate: 1, same_srv_rate: 0.07, diff_srv_rate: 0.05, dst_host_count: 255, dst_host_srv_count: 9, dst_host_serror_rate: 1 }, 'neptune', 19),
  row({ protocol_type: 'icmp', service: 'ecr_i', src_bytes: 1480, count: 511, srv_count: 511, same_srv_rate: 1, dst_host_count: 255, dst_host_srv_count: 255, dst_host_same_src_port_rate: 1 }, 'smurf', 18),
  row({ duration: 3, service: 'smtp', src_bytes: 1900, dst_bytes: 330, logged_in: 1, count: 2, srv_count: 2, same_srv_rate: 1, dst_host_count: 70, dst_host_srv_count: 120, dst_host_same_srv_rate: 0.6 }),
  row({ service: 'private', flag: 'REJ', count: 3, srv_count: 1, rerror_rate: 1, srv_rerror_rate: 1, same_srv_rate: 0.33, diff_srv_rate: 0.5, dst_host_count: 12, dst_host_srv_count: 1, dst_host_rerror_rate: 0.9 }, 'portsweep', 15),
];

export type FixtureFormat = 'nsl-kdd' | 'kdd99' | 'unlabeled';

/** One CSV line for a row in the given headerless format. */
export function line(r: Row, format: FixtureFormat = 'nsl-kdd'): string {
  const cells = r.values.map(String);
  if (format === 'nsl-kdd') cells.push(r.label, String(r.difficulty));
  if (format === 'kdd99') cells.push(`${r.label}.`);
  return cells.join(',');
}

export function toCsv(rows: Row[], format: FixtureFormat = 'nsl-kdd', eol = '\n'): string {
  return rows.map((r) => line(r, format) + eol).join('');
}

/** CSV with a header row; `columns` names features and optionally a label column in any order. */
export function toHeaderCsv(rows: Row[], columns: string[], labelName = 'label'): string {
  const lines = [columns.join(',')];
  for (const r of rows) {
    lines.push(columns.map((c) => (c === labelName ? r.label : String(r.values[FEATURE_NAMES.indexOf(c)]))).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Deterministic pseudo-random rows for statistics tests (mulberry32). */
export function randomRows(n: number, seed = 1): Row[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const normal = rnd() < 0.6;
    out.push(
      row(
        {
          protocol_type: pick(['tcp', 'udp', 'icmp']),
          service: normal ? pick(['http', 'smtp', 'domain_u']) : pick(['private', 'ecr_i', 'telnet']),
          flag: normal ? 'SF' : pick(['S0', 'REJ', 'SF']),
          duration: Math.floor(rnd() * 50),
          src_bytes: Math.floor(rnd() * 1e5),
          dst_bytes: Math.floor(rnd() * 1e4),
          count: Math.floor(rnd() * 500),
          serror_rate: Math.round(rnd() * 100) / 100,
          same_srv_rate: Math.round(rnd() * 100) / 100,
          dst_host_count: Math.floor(rnd() * 256),
        },
        normal ? 'normal' : pick(['neptune', 'smurf', 'satan']),
      ),
    );
  }
  return out;
}

/** Feed text as UTF-8 byte chunks of the given size. */
export async function* byteChunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

/** Await a rejection and check it is an InputError with the expected location. */
export async function expectInputError(
  p: Promise<unknown>,
  want: { line?: number; column?: number; message?: RegExp },
): Promise<InputError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  if ('line' in want) expect(e.line).toBe(want.line);
  if ('column' in want) expect(e.column).toBe(want.column);
  if (want.message) expect(e.message).toMatch(want.message);
  expect(e.message).not.toMatch(/\n|CSV_|INVALID_|at .*\.js/);
  return e;
}
