// npm run build:web output: a self-contained static site with the very same wasm bytes.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

  it('writes index.html, the bundles, the CSS, the wasm and the default model', () => {
    for (const f of ['index.html', 'app.js', 'worker.js', 'styles.css', 'anomalyze.wasm', 'models/default/manifest.json', 'models/default/SHA256SUMS']) {
      expect(result.files).toContain(f);
    }
  });

  it('copies build/anomalyze.wasm byte for byte', () => {
    const original = readFileSync(join(ROOT, 'build/anomalyze.wasm'));
    const copy = readFileSync(join(out, 'anomalyze.wasm'));
    expect(sha256(copy)).toBe(sha256(original));
    expect(result.wasmSha256).toBe(sha256(original));
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
});
