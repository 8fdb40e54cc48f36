// Replays every failing input the fuzz suite has found (test/fuzz/regressions/):
//   input/*  — inputs that broke the reader or the detector; the bugs are fixed, so
//              each must now read to valid batches or a clean InputError, whole and
//              in 1-byte pieces, and be answered 200/4xx by the API.
//   model/*  — model-directory edits (applied to a base model, SHA256SUMS recomputed)
//              that load or crash where a ModelError is due. These bugs are in
//              src/model and src/data, reported (see regressions/README.md) and not
//              ours to fix: their replays run with ANOMALYZE_FUZZ_STRICT=1, which is
//              how whoever fixes them checks the fix; then the skip can go.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { CHECKSUMS, decodeModel, MANIFEST, ModelError } from '../../src/model/format.ts';
import { sha256Hex } from '../../src/model/sha256.ts';
import { ModelInfoSchema } from '../../src/server/schemas.ts';
import { createApp } from '../../src/server/app.ts';
import { ROOT } from './corpus.ts';
import { request } from './http.ts';
import { fuzzModels, type FuzzModels } from './models.ts';
import { deliver, detectOutcome, digest, readOutcome } from './outcome.ts';

const DIR = resolve(ROOT, 'test/fuzz/regressions');
const list = (sub: string) => (existsSync(join(DIR, sub)) ? readdirSync(join(DIR, sub)).filter((f) => !f.startsWith('.')).sort() : []);
// The reported model bugs (M1–M4) are fixed in src/model and src/data: strict by default; ANOMALYZE_FUZZ_STRICT=0 relaxes.
const strict = process.env.ANOMALYZE_FUZZ_STRICT !== '0';

let models: FuzzModels;
beforeAll(async () => { models = await fuzzModels(); });

describe('fuzz regressions: inputs', () => {
  const inputs = list('input');
  it.skipIf(inputs.length === 0)('every input fixture reads, detects and is answered cleanly', async () => {
    const app = createApp({ detector: models.defaultDetector, version: 'test', log: (m, e) => { throw new Error(`${m}: ${e}`); } });
    for (const f of inputs) {
      const bytes = new Uint8Array(readFileSync(join(DIR, 'input', f)));
      const whole = await readOutcome(bytes, f, 8192, f);
      const bytewise = await readOutcome(deliver(bytes, { cuts: [], every: 1 }, true), f, 8192, `${f} bytewise`);
      expect(whole.ok, `${f} bytewise: ${bytewise.ok ? '' : bytewise.message}`).toBe(bytewise.ok);
      if (whole.ok) expect(digest(bytewise), f).toEqual(digest(whole));
      await detectOutcome(models.choice, bytes, f, `${f} (small models)`);
      await detectOutcome(models.defaultDetector, bytes, f, `${f} (models/default)`);
      const ct = /\.pcap(ng)?$/.test(f) ? 'application/vnd.tcpdump.pcap' : 'text/csv';
      await request(app, { body: bytes, contentType: ct }, `${f} over HTTP`);
      await request(app, { path: '/api/detect?format=ndjson', body: bytes, contentType: ct, streamPiece: 3 }, `${f} over HTTP, ndjson, streamed`);
    }
  });
});

interface ModelFixture { bug: string; base: string; set: [string, unknown][]; expect: 'ModelError'; found: string }

function setPath(root: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const walk = (o: unknown, i: number): void => {
    if (o === null || typeof o !== 'object') throw new Error(`fixture path ${path} does not exist`);
    const k = keys[i];
    const targets = k === '*' ? Object.keys(o) : [k];
    for (const t of targets) {
      if (i === keys.length - 1) (o as Record<string, unknown>)[t] = structuredClone(value);
      else walk((o as Record<string, unknown>)[t], i + 1);
    }
  };
  walk(root, 0);
}

describe('fuzz regressions: model directories (reported bugs; replayed with ANOMALYZE_FUZZ_STRICT=1)', () => {
  for (const f of list('model')) {
    // Skipped by default: see test/fuzz/regressions/README.md and the fuzz report for each bug.
    it.skipIf(!strict)(f, async () => {
      const fx = JSON.parse(readFileSync(join(DIR, 'model', f), 'utf8')) as ModelFixture;
      const baseDir = resolve(ROOT, fx.base);
      const files = new Map(readdirSync(baseDir).map((n) => [n, new Uint8Array(readFileSync(join(baseDir, n)))]));
      const manifest = JSON.parse(new TextDecoder().decode(files.get(MANIFEST)));
      for (const [p, v] of fx.set) setPath(manifest, p, v);
      files.set(MANIFEST, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
      const names = [...files.keys()].filter((n) => n !== CHECKSUMS).sort();
      files.set(CHECKSUMS, new TextEncoder().encode((await Promise.all(names.map(async (n) => `${await sha256Hex(files.get(n)!)}  ${n}\n`))).join('')));
      let result: unknown;
      try {
        result = await decodeModel(models.engine, (n) => files.get(n), 'models/regression');
      } catch (err) {
        result = err;
      }
      if (result instanceof ModelError) return;
      // Fixed another way (the model loads and is sound)? Then it must score and describe itself correctly.
      expect(result, `${fx.bug}: ${fx.found}`).not.toBeInstanceOf(Error);
      const model = result as Awaited<ReturnType<typeof decodeModel>>;
      const { batch } = await readAll(generateTraffic({ rows: 50, seed: 31 }));
      const scores = new Detector(model).scoreBatch(batch).scores;
      expect(Array.from(scores).every((s) => Number.isFinite(s)), fx.found).toBe(true);
      expect(ModelInfoSchema.safeParse(JSON.parse(JSON.stringify(model.describe()))).success, fx.found).toBe(true);
      const w = model.ensemble.members.map((m) => m.weight);
      expect(w.every((x) => typeof x === 'number') && Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-6, fx.found).toBe(true);
    });
  }
});
