// npm run build:web → dist/web/: a static site that works from any static host.
//   index.html, app.js (page), worker.js (detection worker), styles.css, source maps,
//   anomalyze.wasm and anomalyze-relaxed.wasm (byte-identical copies of the plain SIMD and the
//   relaxed-SIMD builds; the worker fetches the one the browser validates), every model directory under
//   models/ (models/<name>/*) and models/index.json listing them, default first.
// The detection code is the shared TypeScript in src/, bundled for the browser by esbuild.

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { ModelIndex } from './protocol.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB_SRC = fileURLToPath(new URL('.', import.meta.url));

export interface BuildOptions {
  /** Default dist/web. Emptied first. */
  outDir?: string;
  /** Default build/anomalyze.wasm. */
  wasmPath?: string;
  /** Default build/anomalyze-relaxed.wasm (the relaxed-SIMD build, for browsers that validate it). */
  relaxedWasmPath?: string;
  /** Where the model directories are (each with manifest.json and SHA256SUMS); default models/. */
  modelsRoot?: string;
  /** Ship only this one model directory, as models/default (instead of every model under modelsRoot). */
  modelDir?: string;
  /** Default true. */
  minify?: boolean;
  /** Default true (external .map files). */
  sourcemap?: boolean;
}

export interface BuildResult {
  outDir: string;
  /** Paths relative to outDir. */
  files: string[];
  /** Model names shipped under models/, in the order of models/index.json (default first). */
  models: string[];
  wasmSha256: string;
  /** SHA-256 of anomalyze-relaxed.wasm. */
  relaxedWasmSha256: string;
}

const SAFE_NAME = /^[\w.-]{1,64}$/;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function buildWeb(opts: BuildOptions = {}): Promise<BuildResult> {
  const outDir = resolve(opts.outDir ?? join(ROOT, 'dist/web'));
  const wasmPath = resolve(opts.wasmPath ?? join(ROOT, 'build/anomalyze.wasm'));
  const relaxedWasmPath = resolve(opts.relaxedWasmPath ?? join(ROOT, 'build/anomalyze-relaxed.wasm'));
  const minify = opts.minify ?? true;
  const sourcemap = opts.sourcemap ?? true;

  const readWasm = (path: string) => readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`${relative(ROOT, path)} is missing: run \`npm run build:wasm\` first`);
    throw err;
  });
  const wasm = await readWasm(wasmPath);
  const relaxedWasm = await readWasm(relaxedWasmPath);
  const models = opts.modelDir !== undefined
    ? [await oneModel(resolve(opts.modelDir))]
    : await findModels(resolve(opts.modelsRoot ?? join(ROOT, 'models')));

  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'models'), { recursive: true });

  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
    minify,
    sourcemap: sourcemap ? 'linked' : false,
    // csv-parse 7 has no "browser" export condition; its browser build brings its own stream shim.
    alias: { 'csv-parse': 'csv-parse/browser/esm' },
    // No `process` in browsers: environment lookups in shared code read as unset.
    define: { 'process.env.NODE_ENV': '"production"', 'process.env': '{}' },
    legalComments: 'none',
    logLevel: 'warning',
    write: true,
  };

  // The worker first: the page embeds its content-hashed URL.
  await esbuild.build({ ...common, entryPoints: [join(WEB_SRC, 'worker.ts')], outfile: join(outDir, 'worker.js') });
  const workerUrl = `worker.js?v=${await fileHash(join(outDir, 'worker.js'))}`;
  await esbuild.build({
    ...common,
    entryPoints: [join(WEB_SRC, 'main.ts')],
    outfile: join(outDir, 'app.js'),
    define: { ...common.define, __WORKER_URL__: JSON.stringify(workerUrl) },
  });
  await esbuild.build({
    entryPoints: [join(WEB_SRC, 'styles.css')],
    outfile: join(outDir, 'styles.css'),
    bundle: true,
    minify,
    logLevel: 'warning',
  });

  const html = (await readFile(join(WEB_SRC, 'index.html'), 'utf8'))
    .replace('%STYLES_URL%', `styles.css?v=${await fileHash(join(outDir, 'styles.css'))}`)
    .replace('%APP_URL%', `app.js?v=${await fileHash(join(outDir, 'app.js'))}`);
  if (html.includes('%')) {
    const left = /%[A-Z_]+%/.exec(html);
    if (left) throw new Error(`index.html: unreplaced placeholder ${left[0]}`);
  }
  await writeFile(join(outDir, 'index.html'), html);

  // The engine's two builds, byte for byte, and the models.
  const wasmSha256 = await copyChecked(wasmPath, wasm, join(outDir, 'anomalyze.wasm'));
  const relaxedWasmSha256 = await copyChecked(relaxedWasmPath, relaxedWasm, join(outDir, 'anomalyze-relaxed.wasm'));
  for (const m of models) {
    await mkdir(join(outDir, 'models', m.name), { recursive: true });
    for (const f of m.files) await copyFile(join(m.dir, f), join(outDir, 'models', m.name, f));
  }
  // The worker loads the models in this order; the first that fits an input scores it.
  const index: ModelIndex = { models: models.map((m) => m.name) };
  await writeFile(join(outDir, 'models/index.json'), JSON.stringify(index, null, 2) + '\n');

  return { outDir, files: await listFiles(outDir), models: index.models, wasmSha256, relaxedWasmSha256 };
}

/** Copies a file whose bytes were read before, checking that the copy has them; returns their SHA-256. */
async function copyChecked(from: string, bytes: Uint8Array, to: string): Promise<string> {
  await copyFile(from, to);
  const hash = sha256(bytes);
  if (sha256(await readFile(to)) !== hash) throw new Error(`${relative(ROOT, from)} changed while copying`);
  return hash;
}

interface ModelDir { name: string; dir: string; files: string[] }

/** Model directories under root (those with manifest.json and SHA256SUMS): default first, then by name. */
async function findModels(root: string): Promise<ModelDir[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => {
    throw new Error(`${relative(ROOT, root) || root} is missing: train a model with \`npm run train\``);
  });
  const found: ModelDir[] = [];
  for (const e of entries) {
    // The name becomes a URL path segment; temp directories of an interrupted save are not models.
    if (!e.isDirectory() || !SAFE_NAME.test(e.name) || /\.(tmp|old)-\d+$/.test(e.name)) continue;
    const files = await modelFiles(join(root, e.name));
    if (files.includes('manifest.json') && files.includes('SHA256SUMS')) found.push({ name: e.name, dir: join(root, e.name), files });
  }
  if (found.length === 0) {
    throw new Error(`no model directory (with manifest.json and SHA256SUMS) under ${relative(ROOT, root) || root}: train one with \`npm run train\``);
  }
  return found.sort((a, b) => Number(b.name === 'default') - Number(a.name === 'default') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function oneModel(dir: string): Promise<ModelDir> {
  const files = await modelFiles(dir).catch(() => {
    throw new Error(`model directory ${relative(ROOT, dir)} is missing: train one with \`npm run train\``);
  });
  if (!files.includes('manifest.json') || !files.includes('SHA256SUMS')) {
    throw new Error(`${relative(ROOT, dir)} is not a model directory (needs manifest.json and SHA256SUMS)`);
  }
  return { name: 'default', dir, files };
}

async function modelFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
}

async function fileHash(path: string): Promise<string> {
  return sha256(await readFile(path)).slice(0, 10);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function main(): Promise<void> {
  const started = performance.now();
  const result = await buildWeb();
  const rel = relative(process.cwd(), result.outDir) || '.';
  const lines = await Promise.all(result.files.map(async (f) => {
    const { size } = await stat(join(result.outDir, f));
    return `  ${f.padEnd(34)} ${(size / 1024).toFixed(1).padStart(8)} KB`;
  }));
  console.log(`built ${rel}/ in ${Math.round(performance.now() - started)} ms\n${lines.join('\n')}\n  anomalyze.wasm sha256 ${result.wasmSha256}\n  anomalyze-relaxed.wasm sha256 ${result.relaxedWasmSha256}\n  models: ${result.models.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`build:web failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
