// npm run build:web output: a self-contained static site with the very same wasm bytes.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, type BuildResult } from '../../src/web/build.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('build:web', () => {
  let out: string;
  let result: BuildResult;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'anomalyze-web-'));
    result = await buildWeb({ outDir: out });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes index.html, the bundles, the CSS, the wasm, the default model and the model index', () => {
    for (const f of ['index.html', 'app.js', 'worker.js', 'styles.css', 'anomalyze.wasm', 'anomalyze-relaxed.wasm', 'models/default/manifest.json', 'models/default/SHA256SUMS', 'models/index.json']) {
      expect(result.files).toContain(f);
    }
    const index = JSON.parse(readFileSync(join(out, 'models/index.json'), 'utf8')) as { models: string[] };
    expect(index.models[0]).toBe('default');
    expect(index.models).toEqual(result.models);
  });

  it('copies both builds of the core byte for byte: build/anomalyze.wasm and the relaxed-SIMD build', () => {
    const original = readFileSync(join(ROOT, 'build/anomalyze.wasm'));
    const copy = readFileSync(join(out, 'anomalyze.wasm'));
    expect(sha256(copy)).toBe(sha256(original));
    expect(result.wasmSha256).toBe(sha256(original));
    const relaxed = readFileSync(join(ROOT, 'build/anomalyze-relaxed.wasm'));
    expect(sha256(readFileSync(join(out, 'anomalyze-relaxed.wasm')))).toBe(sha256(relaxed));
    expect(result.relaxedWasmSha256).toBe(sha256(relaxed));
    expect(result.relaxedWasmSha256).not.toBe(result.wasmSha256);
  });

  it('ships every file of models/default unchanged', () => {
    const src = join(ROOT, 'models/default');
    const names = readdirSync(src, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(names.length).toBeGreaterThan(2);
    for (const n of names) {
      expect(sha256(readFileSync(join(out, 'models/default', n))), n).toBe(sha256(readFileSync(join(src, n))));
    }
  });

  it('links content-hashed assets that exist, with no placeholders left', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/%[A-Z_]+%/);
    const app = /src="(app\.js\?v=[0-9a-f]{10})"/.exec(html);
    const css = /href="(styles\.css\?v=[0-9a-f]{10})"/.exec(html);
    expect(app).not.toBeNull();
    expect(css).not.toBeNull();
    const appJs = readFileSync(join(out, 'app.js'), 'utf8');
    expect(appJs).toMatch(/worker\.js\?v=[0-9a-f]{10}/);
    expect(appJs).not.toContain('__WORKER_URL__');
  });

  it('bundles for the browser: no Node built-ins or require() calls', () => {
    for (const f of ['app.js', 'worker.js']) {
      const js = readFileSync(join(out, f), 'utf8');
      expect(js, f).not.toMatch(/\brequire\(["']/);
      expect(js, f).not.toMatch(/["']node:[a-z]/);
      expect(js, f).not.toMatch(/\bprocess\.env\b/);
    }
    // The test hooks the page promises.
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('data-testid="file-input"');
    expect(html).toContain('data-testid="wasm-sha256"');
  });

  it('ships every model directory under modelsRoot, default first, and skips what is not a model', async () => {
    const root = mkdtempSync(join(tmpdir(), 'anomalyze-web-models-'));
    const out2 = mkdtempSync(join(tmpdir(), 'anomalyze-web-'));
    try {
      for (const name of ['zeta', 'default', 'alpha']) cpSync(join(ROOT, 'models/default'), join(root, name), { recursive: true });
      mkdirSync(join(root, 'notes'));
      writeFileSync(join(root, 'notes/readme.txt'), 'not a model');
      writeFileSync(join(root, 'README.md'), 'models');
      const r = await buildWeb({ outDir: out2, modelsRoot: root, minify: false, sourcemap: false });
      expect(r.models).toEqual(['default', 'alpha', 'zeta']);
      expect(JSON.parse(readFileSync(join(out2, 'models/index.json'), 'utf8'))).toEqual({ models: ['default', 'alpha', 'zeta'] });
      expect(r.files).toContain('models/zeta/SHA256SUMS');
      expect(r.files.some((f) => f.startsWith('models/notes'))).toBe(false);
      for (const n of readdirSync(join(root, 'alpha'))) {
        expect(sha256(readFileSync(join(out2, 'models/alpha', n))), n).toBe(sha256(readFileSync(join(root, 'alpha', n))));
      }
      rmSync(join(root, 'default'), { recursive: true });
      rmSync(join(root, 'alpha'), { recursive: true });
      rmSync(join(root, 'zeta'), { recursive: true });
      await expect(buildWeb({ outDir: out2, modelsRoot: root })).rejects.toThrow(/no model directory \(with manifest\.json and SHA256SUMS\) under .*npm run train/);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(out2, { recursive: true, force: true });
    }
  });
});
