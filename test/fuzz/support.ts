// Shared machinery of the fuzz suite: run counts and seeds, a seeded mutator over
// bytes and text (as fast-check arbitraries, so failures shrink and replay), chunk
// splits, the deadline every case races, and the invariants of a read batch.
//
//   ANOMALYZE_FUZZ_RUNS=2000 npx vitest run test/fuzz     # longer, by hand
//   ANOMALYZE_FUZZ_SEED=123 npx vitest run test/fuzz      # another fixed seed
//
// By default every property runs a fixed number of cases from a fixed seed, so CI
// is reproducible; a failure prints fast-check's seed and path to replay it.

import fc from 'fast-check';
import { expect } from 'vitest';
import type { RecordBatch } from '../../src/data/batch.ts';
import { InputError } from '../../src/data/errors.ts';
import { schemaLayout } from '../../src/data/input-schema.ts';

const envRuns = Number(process.env.ANOMALYZE_FUZZ_RUNS);
const envSeed = Number(process.env.ANOMALYZE_FUZZ_SEED);

/** Cases for a property: `base` in CI, ANOMALYZE_FUZZ_RUNS (scaled to the same share) by hand. */
export function runs(base: number): number {
  return Number.isFinite(envRuns) && envRuns > 0 ? Math.max(1, Math.round((envRuns * base) / 100)) : base;
}

/** fast-check parameters: fixed seed per property (its name hashed with the suite seed). */
export function params(name: string, base: number): fc.Parameters<unknown> {
  let h = Number.isFinite(envSeed) ? envSeed | 0 : 0x5eed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return { seed: h | 0, numRuns: runs(base), endOnFailure: false, interruptAfterTimeLimit: undefined };
}

// ---------------------------------------------------------------- deadline

/** Per-case deadline: generous, only a hang (a promise that never settles) reaches it. */
export const CASE_MS = 20_000;

export class Hang extends Error {
  override name = 'Hang';
}

/** Races `work` against a deadline; a hang becomes a Hang error (a failure of the property). */
export async function inTime<T>(work: () => Promise<T>, what: string, ms = CASE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`${what}: no result and no error after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- mutations

/** Values that break parsers: huge numbers, NaN/Infinity text, controls, quotes, Unicode. */
export const NASTY_FIELDS = [
  '', ' ', '-1', '-0', '0x10', '1e308', '1e309', '-1e309', '9'.repeat(400), '1'.repeat(17), '4294967296', '9007199254740993',
  'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '+5', '.', '1.2.3', '1e', '١٢٣', '\u00a0', '\u2028',
  '"', '""', '"a,b"', 'a"b', '"unterminated', '\t', '\r', '\r\n', '\x00', '\x01', '\x1b[31m', '\ufeff', '\ud800', '😀',
  '(empty)', '-', 'T', 'F', 'true', 'null', '{}', '[]', '__proto__', 'constructor', 'x'.repeat(5000),
];

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'boundary'; which: number; shift: number }
  | { op: 'u32'; at: number; value: number }
  | { op: 'field'; line: number; field: number; value: string }
  | { op: 'swap'; line: number; a: number; b: number }
  | { op: 'dupline'; from: number; to: number }
  | { op: 'dropline'; line: number }
  | { op: 'longline'; line: number; length: number };

const pos = fc.nat({ max: 1 << 30 });

/** Byte-level mutations (for every input kind). */
export const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: pos, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: pos, value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 10, 13, 44, 34, 9) }),
  fc.record({ op: fc.constant('insert' as const), at: pos, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: pos, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: pos }),
  fc.record({ op: fc.constant('boundary' as const), which: pos, shift: fc.integer({ min: -2, max: 2 }) }),
  fc.record({ op: fc.constant('u32' as const), at: pos, value: fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xffff, 65536, 262145, 16 << 20) }),
);

/** Text-level mutations (CSV, TSV, JSON lines): fields, lines, headers. */
export const textMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('field' as const), line: pos, field: pos, value: fc.oneof(fc.constantFrom(...NASTY_FIELDS), fc.string({ maxLength: 12 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), line: pos, a: pos, b: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dupline' as const), from: fc.constantFrom(0, 0, 1, 2, 3, 4, 5, 6, 7), to: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dropline' as const), line: pos }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('longline' as const), line: pos, length: fc.constantFrom(3000, 70_000, 200_000) }) },
);

export const anyMutation = fc.oneof({ weight: 2, arbitrary: byteMutation }, { weight: 3, arbitrary: textMutation });

export const mutations = (m: fc.Arbitrary<Mutation> = anyMutation) => fc.array(m, { minLength: 1, maxLength: 4 });

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Applies mutations in order. `boundaries`: offsets where structure changes (line
 * ends, pcap record starts) for truncation "at every kind of boundary" ± a byte or two.
 */
export function mutate(input: Uint8Array, ms: readonly Mutation[], boundaries: (b: Uint8Array) => number[] = lineBoundaries): Uint8Array {
  let b = input;
  for (const m of ms) b = apply(b, m, boundaries);
  return b;
}

function apply(b: Uint8Array, m: Mutation, boundaries: (b: Uint8Array) => number[]): Uint8Array {
  const n = b.length;
  const at = (x: number, max = n) => (max <= 0 ? 0 : x % max);
  switch (m.op) {
    case 'flip': { if (!n) return b; const c = b.slice(); c[at(m.at)] ^= 1 << m.bit; return c; }
    case 'set': { if (!n) return b; const c = b.slice(); c[at(m.at)] = m.value; return c; }
    case 'insert': { const i = at(m.at, n + 1); return concat([b.subarray(0, i), Uint8Array.from(m.bytes), b.subarray(i)]); }
    case 'delete': { const i = at(m.at, n + 1); return concat([b.subarray(0, i), b.subarray(i + m.length)]); }
    case 'truncate': return b.slice(0, at(m.at, n + 1));
    case 'boundary': {
      const bs = boundaries(b);
      if (!bs.length) return b;
      const i = Math.max(0, Math.min(n, bs[m.which % bs.length] + m.shift));
      return b.slice(0, i);
    }
    case 'u32': {
      if (n < 4) return b;
      const c = b.slice();
      const i = at(m.at, n - 3);
      new DataView(c.buffer).setUint32(i, m.value, (m.at & 1) === 0);
      return c;
    }
    default: return enc.encode(applyText(dec.decode(b), m));
  }
}

function applyText(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = (x: number) => x % lines.length;
  const sep = (line: string) => (line.includes('\t') ? '\t' : ',');
  switch (m.op) {
    case 'field': {
      const i = li(m.line);
      const s = sep(lines[i]);
      const fs = lines[i].split(s);
      fs[m.field % fs.length] = m.value;
      lines[i] = fs.join(s);
      break;
    }
    case 'swap': {
      const i = li(m.line);
      const s = sep(lines[i]);
      const fs = lines[i].split(s);
      const a = m.a % fs.length, c = m.b % fs.length;
      [fs[a], fs[c]] = [fs[c], fs[a]];
      lines[i] = fs.join(s);
      break;
    }
    case 'dupline': lines.splice(m.to % (lines.length + 1), 0, lines[li(m.from)]); break;
    case 'dropline': lines.splice(li(m.line), 1); break;
    case 'longline': { const i = li(m.line); lines[i] += 'x'.repeat(m.length); break; }
    default: break;
  }
  return lines.join('\n');
}

export function lineBoundaries(b: Uint8Array): number[] {
  const out = [0];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 10) out.push(i, i + 1);
    else if (b[i] === 44 || b[i] === 9) out.push(i + 1);
  }
  out.push(b.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// ---------------------------------------------------------------- chunk splits

/** Cut points (taken modulo the length) and how to deliver the pieces. */
export const splits = fc.record({
  cuts: fc.array(pos, { maxLength: 12 }),
  every: fc.constantFrom(0, 0, 0, 1, 2, 3, 7, 64, 1000),
  asString: fc.boolean(),
});

export type Split = { cuts: number[]; every: number; asString?: boolean };

/** The bytes in pieces: fixed-size (`every`) or at sorted random cuts; async iterable, as a stream gives them. */
export function chunked(b: Uint8Array, s: Split): AsyncIterable<Uint8Array> {
  const pieces: Uint8Array[] = [];
  // At most ~20,000 pieces, so that 1-byte pieces of a 200 kB line stay a fast case.
  const every = s.every > 0 ? Math.max(s.every, Math.ceil(b.length / 20_000)) : 0;
  if (every > 0) for (let i = 0; i < b.length; i += every) pieces.push(b.slice(i, i + every));
  else {
    const cuts = [...new Set(s.cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
    let prev = 0;
    for (const c of cuts) { if (c > prev) pieces.push(b.slice(prev, c)); prev = c; }
    if (prev < b.length) pieces.push(b.slice(prev));
  }
  return (async function* () { for (const p of pieces) yield p; })();
}

// ---------------------------------------------------------------- invariants

/** A batch's values are finite and its columns agree with its count. */
export function checkBatch(b: RecordBatch, where: string, batchSize = Infinity): void {
  const width = schemaLayout(b.schema).numeric.length;
  const ncat = schemaLayout(b.schema).categorical.length;
  const ctx = (what: string) => `${where}: ${what}`;
  expect(Number.isInteger(b.count) && b.count >= 0, ctx(`count ${b.count}`)).toBe(true);
  expect(b.count, ctx('count over the batch size')).toBeLessThanOrEqual(batchSize);
  expect(b.numeric.length, ctx('numeric length')).toBe(b.count * width);
  for (let i = 0; i < b.numeric.length; i++) {
    if (!Number.isFinite(b.numeric[i])) expect.fail(ctx(`numeric[${i}] = ${b.numeric[i]} (row ${Math.floor(i / width)}, column ${schemaLayout(b.schema).numeric[i % width]})`));
  }
  expect(b.categorical.length, ctx('categorical columns')).toBe(ncat);
  for (const c of b.categorical) {
    expect(c.length, ctx('categorical length')).toBe(b.count);
    for (const v of c) if (typeof v !== 'string') expect.fail(ctx(`categorical value ${String(v)}`));
  }
  if (b.labels) {
    expect(b.labels.length, ctx('labels length')).toBe(b.count);
    for (const l of b.labels) if (typeof l !== 'string' || l === '') expect.fail(ctx(`label ${JSON.stringify(l)}`));
  }
  if (b.identity) for (const [k, col] of Object.entries(b.identity)) expect((col as unknown[]).length, ctx(`identity.${k} length`)).toBe(b.count);
  // A record's time is printed as an ISO date: it must be one Date can hold (±8.64e12 s), and not before 1970.
  if (b.identity) for (let i = 0; i < b.count; i++) {
    const t: number = b.identity.start[i];
    if (Number.isFinite(t) && !(t >= 0 && t < 253_402_300_800)) expect.fail(ctx(`row ${i} starts at ${t} s, which no report can print as a date`));
    const d: number = b.identity.duration[i];
    // (Flow exports may hold negative durations — CIC-IDS2017 has them — so only finiteness is required.)
    if (!(Number.isNaN(d) || Number.isFinite(d))) expect.fail(ctx(`row ${i} lasts ${d} s`));
  }
  expect(Number.isInteger(b.firstLine) && b.firstLine >= 1, ctx(`firstLine ${b.firstLine}`)).toBe(true);
}

/** The error is a clean InputError: non-empty one-line message naming the source. */
export function checkInputError(err: unknown, source: string, where: string): asserts err is InputError {
  if (!(err instanceof InputError)) {
    const e = err as Error;
    expect.fail(`${where}: expected an InputError, got ${e?.name ?? typeof err}: ${e?.message ?? String(err)}\n${e?.stack ?? ''}`);
  }
  expect(err.message.length, `${where}: empty message`).toBeGreaterThan(0);
  expect(err.problem.trim().length, `${where}: empty problem`).toBeGreaterThan(0);
  expect(err.message, `${where}: message does not name the source`).toContain(source);
  expect(err.message, `${where}: message spans lines`).not.toMatch(/[\r\n]/);
}

/** Compact description of a case for failure messages. */
export function describeCase(name: string, ms: readonly Mutation[]): string {
  return `${name} + ${JSON.stringify(ms, (_, v) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v))}`;
}
