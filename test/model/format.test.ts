import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { CHECKSUMS, decodeModel, encodeModel, MANIFEST, ModelError } from '../../src/model/format.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { sha256Hex } from '../../src/model/sha256.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let engine: Engine;
let model: AnomalyModel;
let files: Map<string, Uint8Array>;
beforeAll(async () => {
  engine = await loadEngine();
  model = await trainSyntheticModel(engine, 1);
  files = await encodeModel(model);
});

const reader = (f: Map<string, Uint8Array>) => (name: string) => f.get(name);

async function withSums(f: Map<string, Uint8Array>): Promise<Map<string, Uint8Array>> {
  const names = [...f.keys()].filter((n) => n !== CHECKSUMS).sort();
  const lines = await Promise.all(names.map(async (n) => `${await sha256Hex(f.get(n)!)}  ${n}\n`));
  return new Map([...f, [CHECKSUMS, new TextEncoder().encode(lines.join(''))]]);
}

describe('model files', () => {
  it('round-trip to a model that scores identically', async () => {
    const restored = await decodeModel(engine, reader(files));
    const { batch } = await readAll(generateTraffic({ rows: 500, seed: 9 }));
    const a = new Detector(model).scoreBatch(batch);
    const b = new Detector(restored).scoreBatch(batch);
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    expect(restored.scoring).toEqual(model.scoring);
    expect(restored.id).toMatch(/^synthetic-[0-9a-f]{12}$/);
  });

  it('are byte-identical for the same data and seed, and differ for another seed', async () => {
    const again = await encodeModel(await trainSyntheticModel(engine, 1));
    expect([...again.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [name, bytes] of files) expect(Buffer.from(again.get(name)!).equals(Buffer.from(bytes))).toBe(true);
    const other = await encodeModel(await trainSyntheticModel(engine, 2));
    expect(Buffer.from(other.get(MANIFEST)!).equals(Buffer.from(files.get(MANIFEST)!))).toBe(false);
  });

  it('hold only plain data: JSON, float32 arrays and checksums', () => {
    for (const name of files.keys()) expect(name).toMatch(/^(manifest\.json|member-\d+\.f32|SHA256SUMS)$/);
    expect(() => JSON.parse(new TextDecoder().decode(files.get(MANIFEST)))).not.toThrow();
  });

  it('refuse a corrupted centroid file', async () => {
    const bad = new Map(files);
    const bytes = Uint8Array.from(bad.get('member-0.f32')!);
    bytes[5] ^= 0xff;
    bad.set('member-0.f32', bytes);
    await expect(decodeModel(engine, reader(bad), 'models/x')).rejects.toThrow(/models\/x\/member-0\.f32 fails its SHA-256 check.*corrupted or was edited/);
  });

  it('refuse an edited manifest', async () => {
    const bad = new Map(files);
    const text = new TextDecoder().decode(bad.get(MANIFEST)).replace('"threshold": ', '"threshold": 1');
    bad.set(MANIFEST, new TextEncoder().encode(text));
    await expect(decodeModel(engine, reader(bad))).rejects.toThrow(ModelError);
    await expect(decodeModel(engine, reader(bad))).rejects.toThrow(/manifest\.json fails its SHA-256 check/);
  });

  it('refuse a model without checksums or with a missing file', async () => {
    const noSums = new Map(files);
    noSums.delete(CHECKSUMS);
    await expect(decodeModel(engine, reader(noSums))).rejects.toThrow(/SHA256SUMS is missing/);
    const missing = new Map(files);
    missing.delete('member-1.f32');
    await expect(decodeModel(engine, reader(missing))).rejects.toThrow(/member-1\.f32 is missing/);
  });

  it('validate the manifest even when the checksums match', async () => {
    const edit = async (f: (m: any) => void) => {
      const m = JSON.parse(new TextDecoder().decode(files.get(MANIFEST)));
      f(m);
      const out = new Map(files);
      out.set(MANIFEST, new TextEncoder().encode(JSON.stringify(m)));
      return withSums(out);
    };
    await expect(decodeModel(engine, reader(await edit((m) => { m.version = 99; })))).rejects.toThrow(/version 99 is not supported/);
    await expect(decodeModel(engine, reader(await edit((m) => { m.scoring.threshold = -1; })))).rejects.toThrow(/threshold must be a positive number/);
    await expect(decodeModel(engine, reader(await edit((m) => { m.ensemble.members[0].weight = 0.9; })))).rejects.toThrow(/weights sum to/);
    await expect(decodeModel(engine, reader(await edit((m) => { m.ensemble.members[0].k += 1; })))).rejects.toThrow(/bytes; member 0 needs/);
    await expect(decodeModel(engine, reader(await edit((m) => { m.features[0] = 'x'; })))).rejects.toThrow(/features do not match/);
    await expect(decodeModel(engine, reader(await edit((m) => { m.ensemble.dim += 1; })))).rejects.toThrow(/ensemble\.dim is \d+ but the preprocessing produces/);
    await expect(decodeModel(engine, reader(await edit((m) => { m.training = { rows: 'many' }; })))).rejects.toThrow(/training must be null or describe/);
  });

  it('accept only plain file names in SHA256SUMS and report unreadable files as model errors', async () => {
    const sums = new TextDecoder().decode(files.get(CHECKSUMS)).replace('member-0.f32', '..');
    const bad = new Map(files);
    bad.set(CHECKSUMS, new TextEncoder().encode(sums));
    await expect(decodeModel(engine, reader(bad))).rejects.toThrow(/expected "<sha256>  <file>"/);
    const failing = (name: string) => { if (name === 'member-2.f32') throw new Error('EISDIR'); return files.get(name); };
    await expect(decodeModel(engine, failing, 'm')).rejects.toThrow(/m\/member-2\.f32 cannot be read: EISDIR/);
  });
});
