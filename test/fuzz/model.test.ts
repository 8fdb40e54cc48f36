// Property 3: model directories with mutated manifests, checksum files and centroid
// files — SHA256SUMS recomputed so that the content checks, not the checksums, are
// what is tested → a ModelError naming the directory, or a model that scores with
// finite numbers. Never another exception, never a request for a path outside the
// directory, never an allocation proportional to a claimed size (k = 1e9, dim = 1e9).

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { CHECKSUMS, decodeModel, encodeModel, MANIFEST, ModelError } from '../../src/model/format.ts';
import { AnomalyModel } from '../../src/model/model.ts';
import { DEFAULT_MODEL_DIR } from '../../src/model/node.ts';
import { sha256Hex } from '../../src/model/sha256.ts';
import type { RecordBatch } from '../../src/data/batch.ts';
import { ModelInfoSchema } from '../../src/server/schemas.ts';
import { fuzzModels, type FuzzModels } from './models.ts';
import { byteMutation, inTime, mutate, mutations, params } from './support.ts';

type Files = Map<string, Uint8Array>;
const enc = new TextEncoder();
const dec = new TextDecoder();

let models: FuzzModels;
let smallFiles: Files;
let defaultFiles: Files;
let kddBatch: RecordBatch;

beforeAll(async () => {
  models = await fuzzModels();
  smallFiles = await encodeModel(models.small);
  defaultFiles = new Map(readdirSync(DEFAULT_MODEL_DIR).map((n) => [n, new Uint8Array(readFileSync(join(DEFAULT_MODEL_DIR, n)))]));
  kddBatch = (await readAll(generateTraffic({ rows: 50, seed: 31 }))).batch;
});

async function withSums(f: Files, extra: string[] = []): Promise<Files> {
  const names = [...f.keys()].filter((n) => n !== CHECKSUMS).sort();
  const lines = await Promise.all(names.map(async (n) => `${await sha256Hex(f.get(n)!)}  ${n}\n`));
  return new Map([...f, [CHECKSUMS, enc.encode(lines.join('') + extra.join(''))]]);
}

// ---------------------------------------------------------------- manifest edits

/** Every path (keys and array indices) in a JSON value, depth-first, capped. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length > 5000) return out;
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => { if (i < 40) paths(x, [...prefix, i], out); });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

const NASTY_VALUES: unknown[] = [
  1e9, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e308, -1, 0, -0, 0.5, 1.5, 1e-320, '8', '', 'NaN', null, true, [], {}, [null], [1e9],
  '../x', '/etc/passwd', '..', 'member-0.f32', 'SHA256SUMS', 'manifest.json', 'member-999.f32', 'x'.repeat(10_000),
  { __proto__: null, k: 1e9 }, ['a', 'a'], Array.from({ length: 50 }, (_, i) => `v${i}`),
];

type Edit =
  | { op: 'set'; path: number; value: number }
  | { op: 'delete'; path: number }
  | { op: 'grow'; path: number; times: number }
  | { op: 'claim'; what: 'k' | 'dim' | 'members' | 'columns' | 'scale' | 'mean' | 'member'; value: number; at?: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.nat(), value: fc.nat({ max: NASTY_VALUES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), path: fc.nat(), times: fc.constantFrom(2, 10, 1000) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('claim' as const), what: fc.constantFrom('k' as const, 'dim' as const, 'members' as const, 'columns' as const, 'scale' as const, 'mean' as const, 'member' as const), value: fc.constantFrom(1e9, 2 ** 31, -5, 0, 1e15, 7, 1e-320, 1e308, -1e308), at: fc.nat() }) },
);

/** Structural paths (the ensemble, scoring, training and each member's fields) first, then everything. */
const structural = (p: (string | number)[]) =>
  p.length <= 2 || (p[0] === 'ensemble' && p.length <= 4 && !(p.length === 4 && p[3] === 'features')) || (p[0] !== 'preprocessing' && p.length <= 3);

function applyEdit(m: Record<string, unknown>, e: Edit): void {
  const every = paths(m).filter((p) => p.length > 0);
  const shallow = every.filter(structural);
  // Even path numbers pick among the structural paths (a member, a weight, scoring.threshold), odd ones among all.
  const all = e.op !== 'claim' && 'path' in e && e.path % 2 === 0 ? shallow : every;
  if (e.op !== 'claim' && 'path' in e) e = { ...e, path: e.path >> 1 } as Edit;
  const get = (p: (string | number)[]) => p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], m);
  const parentOf = (p: (string | number)[]) => get(p.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const ensemble = m.ensemble as { dim: unknown; members: Record<string, unknown>[] } | undefined;
  switch (e.op) {
    case 'set': { const p = all[e.path % all.length]; const parent = parentOf(p); if (parent && typeof parent === 'object') (parent as Record<string | number, unknown>)[p[p.length - 1]] = structuredClone(NASTY_VALUES[e.value]); break; }
    case 'delete': {
      const p = all[e.path % all.length];
      const parent = parentOf(p);
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[p[p.length - 1] as string];
      break;
    }
    case 'grow': {
      const arrays = all.filter((p) => Array.isArray(get(p)) && (get(p) as unknown[]).length > 0);
      if (!arrays.length) break;
      const a = get(arrays[e.path % arrays.length]) as unknown[];
      const copy = a.slice();
      for (let i = 1; i < e.times && a.length < 20_000; i++) a.push(...structuredClone(copy));
      break;
    }
    case 'claim':
      if (!ensemble || !Array.isArray(ensemble.members)) break;
      if (e.what === 'k') { const mm = ensemble.members[0]; if (mm && typeof mm === 'object') mm.k = e.value; }
      else if (e.what === 'dim') ensemble.dim = e.value;
      else if (e.what === 'members') { const mm = ensemble.members[0]; if (mm && typeof mm === 'object') mm.centroids = e.value === 7 ? '../member-0.f32' : `member-${e.value}.f32`; }
      else if (e.what === 'scale' || e.what === 'mean') {
        // One per-column statistic at an extreme: a denormal scale, a mean of ±1e308.
        const a = (m.preprocessing as Record<string, unknown> | undefined)?.[e.what];
        if (Array.isArray(a) && a.length) a[(e.at ?? 0) % a.length] = e.what === 'scale' ? Math.abs(e.value) : e.value;
      } else if (e.what === 'member') {
        // A member that is not an object: null, a number, a string, an array.
        const replacement = [null, 5, 'member', [], {}][(e.at ?? 0) % 5];
        ensemble.members[(e.at ?? 0) % Math.max(1, ensemble.members.length)] = replacement as Record<string, unknown>;
      } else { const pre = m.preprocessing as { columns?: unknown[] } | undefined; if (pre && Array.isArray(pre.columns)) pre.columns.length = Math.floor(Math.min(Math.abs(e.value), 100_000)); }
      break;
  }
}

/** SHA256SUMS-level damage: names outside the directory, duplicates, missing lines, other notations. */
const sumsEdit = fc.constantFrom(
  ...Array<string>(16).fill('none'), 'dotdot', 'absolute', 'dotfile', 'dup', 'drop-manifest', 'drop-member', 'upper', 'star', 'crlf', 'trailing-space', 'tab', 'empty', 'bom',
);

async function applySums(f: Files, kind: string): Promise<Files> {
  const sums = dec.decode(f.get(CHECKSUMS));
  const lines = sums.split('\n').filter(Boolean);
  const digest = lines[0].slice(0, 64);
  const set = (text: string) => new Map([...f, [CHECKSUMS, enc.encode(text)]]);
  switch (kind) {
    case 'dotdot': return set(`${sums}${digest}  ../manifest.json\n`);
    case 'absolute': return set(`${sums}${digest}  /etc/passwd\n`);
    case 'dotfile': return set(`${sums}${digest}  .hidden\n`);
    case 'dup': return set(`${sums}${lines[lines.length - 1]}\n${lines[0].replace(/^[0-9a-f]{64}/, '0'.repeat(64))}\n`);
    case 'drop-manifest': return set(lines.filter((l) => !l.endsWith(MANIFEST)).join('\n') + '\n');
    case 'drop-member': return set(lines.filter((l) => !l.endsWith('member-0.f32')).join('\n') + '\n');
    case 'upper': return set(sums.replace(/[0-9a-f]{64}/, (h) => h.toUpperCase()));
    case 'star': return set(sums.replace(/ {2}/g, ' *'));
    case 'crlf': return set(sums.replace(/\n/g, '\r\n'));
    case 'trailing-space': return set(sums.replace(/\n/g, ' \n'));
    case 'tab': return set(sums.replace(/ {2}/g, '\t'));
    case 'empty': return set('');
    case 'bom': return set(`\ufeff${sums}`);
    default: return f;
  }
}

/** Centroid damage: NaN/Infinity floats, cut or extended files. */
const centroidEdit = fc.record({
  kind: fc.constantFrom(...Array<string>(10).fill('none'), 'nan', 'inf', 'huge', 'cut', 'extend', 'empty'),
  at: fc.nat(),
});

function applyCentroids(f: Files, c: { kind: string; at: number }): Files {
  if (c.kind === 'none') return f;
  const names = [...f.keys()].filter((n) => n.endsWith('.f32'));
  const name = names[c.at % names.length];
  const b = f.get(name)!.slice();
  const dv = new DataView(b.buffer);
  const i = ((c.at >> 4) % Math.max(1, b.length >> 2)) * 4;
  let out = b;
  if (c.kind === 'nan') dv.setUint32(i, 0x7fc00000, true);
  else if (c.kind === 'inf') dv.setFloat32(i, -Infinity, true);
  else if (c.kind === 'huge') dv.setFloat32(i, 3.4e38, true);
  else if (c.kind === 'cut') out = b.slice(0, Math.max(0, b.length - 4));
  else if (c.kind === 'extend') { out = new Uint8Array(b.length + 4); out.set(b); }
  else out = new Uint8Array(0);
  return new Map([...f, [name, out]]);
}

// ---------------------------------------------------------------- the property

const MB = 1 << 20;

/**
 * Bugs found by this suite in src/model and src/data (not ours to fix; see the fuzz
 * report, test/fuzz/regressions/README.md): a case that hits one is counted, not
 * failed, so CI stays green while they are open. ANOMALYZE_FUZZ_STRICT=1 fails on them.
 */
export const KNOWN = {
  nullMember: 'M1: a null member in ensemble.members → TypeError instead of ModelError (validateManifest, src/model/format.ts)',
  weightTypes: 'M2: non-number weights ("0.5", [0.5]) pass the type check and defeat the sum-to-1 check (string concatenation → NaN)',
  infiniteEncoding: 'M3: a loaded model whose one-hot columns encode to ±Infinity (tiny scale / huge mean) → RangeError at scoring',
  describeSchema: 'M4: a loaded model whose /api/model description violates ModelInfoSchema (quality, inertia, nIter, seed, severityCuts unchecked)',
} as const;
// The reported model bugs (M1–M4) are fixed in src/model and src/data: strict by default; ANOMALYZE_FUZZ_STRICT=0 relaxes.
const strict = process.env.ANOMALYZE_FUZZ_STRICT !== '0';
const knownHits = new Map<string, number>();
function known(which: keyof typeof KNOWN, ctx: string, detail: string): 'known' {
  if (strict) expect.fail(`${ctx}: ${KNOWN[which]}: ${detail}`);
  knownHits.set(which, (knownHits.get(which) ?? 0) + 1);
  return 'known';
}

async function decodeOutcome(files: Files, where: string, ctx: string): Promise<'model' | 'error' | 'known'> {
  const asked: string[] = [];
  const reader = (name: string) => { asked.push(name); return files.get(name); };
  const before = process.memoryUsage();
  const result = await inTime(async () => {
    try {
      return await decodeModel(models.engine, reader, where);
    } catch (err) {
      return err;
    }
  }, ctx, 10_000);
  const after = process.memoryUsage();
  for (const n of asked) {
    if (n.includes('/') || n.includes('\\') || n.startsWith('.')) expect.fail(`${ctx}: the reader was asked for ${JSON.stringify(n)}`);
  }
  // Nothing proportional to a claimed size: the directory here is at most a few MB.
  expect((after.arrayBuffers - before.arrayBuffers) / MB, `${ctx}: ArrayBuffer growth (MB)`).toBeLessThan(256);
  expect((after.rss - before.rss) / MB, `${ctx}: RSS growth (MB)`).toBeLessThan(512);
  if (result instanceof AnomalyModel) {
    // A model that loads must score: finite, non-negative scores for ordinary rows.
    let scores: Float32Array;
    const weights = result.ensemble.members.map((mm) => mm.weight);
    if (!weights.every((w) => typeof w === 'number')) return known('weightTypes', ctx, JSON.stringify(weights));
    try {
      scores = new Detector(result).scoreBatch(kddBatch).scores;
    } catch (err) {
      if (err instanceof RangeError && /input contains (-?Infinity|NaN)/.test(err.message)) return known('infiniteEncoding', ctx, err.message);
      return expect.fail(`${ctx}: the model loaded but scoring threw ${(err as Error).name}: ${(err as Error).message}`);
    }
    for (let i = 0; i < scores.length; i++) if (!(Number.isFinite(scores[i]) && scores[i] >= 0)) expect.fail(`${ctx}: the model loaded but row ${i} scores ${scores[i]}`);
    expect(Number.isFinite(result.scoring.threshold), `${ctx}: threshold`).toBe(true);
    // What GET /api/model serves must match its documented schema…
    const info = ModelInfoSchema.safeParse(JSON.parse(JSON.stringify(result.describe())));
    if (!info.success) return known('describeSchema', ctx, info.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    // …and the weights sum to 1, as the format promises.
    expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 1), `${ctx}: weights sum to 1`).toBeLessThan(1e-6);
    return 'model';
  }
  if (!(result instanceof ModelError)) {
    const e = result as Error;
    if (e instanceof TypeError && /Cannot read properties of (null|undefined) \(reading 'kind'\)/.test(e.message) && /validateManifest/.test(e.stack ?? '')) return known('nullMember', ctx, e.message);
    return expect.fail(`${ctx}: expected a ModelError, got ${e?.name}: ${e?.message}\n${e?.stack}`);
  }
  expect(result.message.length, `${ctx}: empty message`).toBeGreaterThan(where.length + 2);
  expect(result.message.startsWith(where), `${ctx}: the message names the directory: ${result.message}`).toBe(true);
  return 'error';
}

describe('fuzz: model directories → a ModelError or a model that scores', () => {
  it('mutated manifests with recomputed checksums, damaged SHA256SUMS and centroid files', async () => {
    const seen = { model: 0, error: 0, known: 0 };
    await fc.assert(fc.asyncProperty(
      fc.boolean(), fc.array(edit, { minLength: 0, maxLength: 3 }), fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: mutations(byteMutation) }),
      sumsEdit, centroidEdit,
      async (useDefault, edits, textDamage, sums, centroids) => {
        const base = useDefault ? defaultFiles : smallFiles;
        const manifest = JSON.parse(dec.decode(base.get(MANIFEST))) as Record<string, unknown>;
        for (const e of edits) applyEdit(manifest, e);
        let text: Uint8Array = enc.encode(JSON.stringify(manifest, null, 2));
        if (textDamage) text = mutate(text, textDamage);
        let files: Files = new Map([...base, [MANIFEST, text]]);
        files = applyCentroids(files, centroids);
        files = await applySums(await withSums(files), sums);
        const ctx = `${useDefault ? 'default' : 'small'} ${JSON.stringify({ edits, textDamage, sums, centroids })}`;
        seen[await decodeOutcome(files, 'models/fuzz', ctx)]++;
      },
    ), params('model dirs', 250));
    expect(seen.error).toBeGreaterThan(0);
    expect(seen.model).toBeGreaterThan(0);
    if (knownHits.size) console.log(`model fuzz: ${JSON.stringify(seen)}; cases hitting reported bugs: ${[...knownHits].map(([k, n]) => `${KNOWN[k as keyof typeof KNOWN].slice(0, 2)} ×${n}`).join(', ')}`);
  });

  it('claims of k = 1e9 or dim = 1e9 fail fast, without allocating for them', async () => {
    for (const [what, set] of [
      ['k = 1e9', (m: any) => { m.ensemble.members[0].k = 1e9; }],
      ['k = 2^31 on every member', (m: any) => { for (const mm of m.ensemble.members) mm.k = 2 ** 31; }],
      ['dim = 1e9', (m: any) => { m.ensemble.dim = 1e9; }],
      ['k = 1e9 with a matching claim of columns', (m: any) => { m.ensemble.members[0].k = 1e9; m.ensemble.members[0].features = m.features; }],
      ['k = -1', (m: any) => { m.ensemble.members[0].k = -1; }],
      ['k = 1.5', (m: any) => { m.ensemble.members[0].k = 1.5; }],
      ['k = "8"', (m: any) => { m.ensemble.members[0].k = '8'; }],
    ] as const) {
      const manifest = JSON.parse(dec.decode(smallFiles.get(MANIFEST)));
      set(manifest);
      const files = await withSums(new Map([...smallFiles, [MANIFEST, enc.encode(JSON.stringify(manifest))]]));
      expect(await decodeOutcome(files, 'models/claims', what), what).toBe('error');
    }
  });

  it('unmutated directories load (the fuzz starts from valid models)', async () => {
    expect(await decodeOutcome(smallFiles, 'models/small', 'small')).toBe('model');
    expect(await decodeOutcome(defaultFiles, 'models/default', 'default')).toBe('model');
  });
});
