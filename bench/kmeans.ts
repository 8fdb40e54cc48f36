// Times Lloyd iterations of the wasm core (SIMD, relaxed-SIMD and scalar builds,
// and Hamerly's variant on the SIMD build), the plain TypeScript reference,
// ml-kmeans and scikit-learn (Lloyd and Elkan, one thread, through
// bench/sklearn_kmeans.py with Debian's /usr/bin/python3), all from the same
// random data and the same starting centres.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kmeans as mlKmeans } from 'ml-kmeans';
import type { CoreExports } from '../src/engine/core.ts';
import { Engine } from '../src/engine/engine.ts';
import { loadEngine, WASM_PATH, WASM_RELAXED_PATH, WASM_SCALAR_PATH } from '../src/engine/node.ts';
import { referenceLloyd } from '../src/engine/reference-lloyd.ts';
import { hasRelaxedSimd } from '../src/engine/select.ts';
import { paddedCols, withWorkspace } from '../src/engine/workspace.ts';
import { cpuFlags, machine as machineOf, machineLine } from './machine.ts';
import { randomMatrix } from './random.ts';

export interface KMeansBenchOptions { n: number; d: number; k: number; iters: number; repeat: number; sklearn?: boolean }
export interface ImplResult {
  impl: string; msPerIter: number; gflops: number; iterations: number;
  medianMsPerIter?: number; inertia?: number; note?: string;
}

/** Debian's python3 with python3-sklearn; ANOMALYZE_BENCH_PYTHON points elsewhere (the tests use it to check the skip). */
export const PYTHON = process.env.ANOMALYZE_BENCH_PYTHON || '/usr/bin/python3';
const SKLEARN_SCRIPT = fileURLToPath(new URL('./sklearn_kmeans.py', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

export async function benchKMeans(o: KMeansBenchOptions, log: (s: string) => void) {
  const X = randomMatrix(o.n, o.d, 42);
  const init = X.slice(0, o.k * o.d); // the first k rows, for every implementation
  const flopsPerIter = 2 * o.n * o.k * o.d;
  const result = (impl: string, ms: number, iterations: number, extra: Partial<ImplResult> = {}): ImplResult => {
    const msPerIter = ms / iterations;
    return { impl, msPerIter: round(msPerIter), gflops: round(flopsPerIter / (msPerIter * 1e6)), iterations, ...extra };
  };
  const results: ImplResult[] = [];
  const skipped: { impl: string; reason: string }[] = [];
  const machine = machineOf();
  log(machineLine(machine));

  const wasmRuns: [string, 'lloyd' | 'hamerly', () => Promise<Engine>][] = [
    ['wasm-simd', 'lloyd', () => loadEngine(WASM_PATH)],
    ['wasm-simd-hamerly', 'hamerly', () => loadEngine(WASM_PATH)],
    ['wasm-scalar', 'lloyd', () => loadEngine(WASM_SCALAR_PATH)],
  ];
  for (const [impl, algorithm, load] of wasmRuns) {
    log(`${impl}: ${o.iters} iterations × ${o.repeat}…`);
    const r = timeWasm((await load()).core, X, init, o, algorithm);
    results.push(result(impl, r.ms, r.iterations, { medianMsPerIter: round(r.median / r.iterations), inertia: r.inertia, ...(r.note ? { note: r.note } : {}) }));
  }

  // The relaxed-SIMD build: here if this runtime has relaxed SIMD, else in a Node child with the flag.
  if (!existsSync(WASM_RELAXED_PATH)) skipped.push({ impl: 'wasm-relaxed', reason: `${WASM_RELAXED_PATH} is missing (npm run build:wasm)` });
  else {
    log(`wasm-relaxed: ${o.iters} iterations × ${o.repeat}${hasRelaxedSimd() ? '' : ' (child process with --experimental-wasm-relaxed-simd)'}…`);
    const r = hasRelaxedSimd() ? timeRelaxed(o) : relaxedChild(o);
    if ('reason' in r) skipped.push({ impl: 'wasm-relaxed', reason: r.reason });
    else results.splice(1, 0, result('wasm-relaxed', r.ms, r.iterations, { medianMsPerIter: round(r.median / r.iterations), inertia: r.inertia, note: r.note }));
  }

  // The plain-TypeScript loop is much slower; a few iterations give a stable figure.
  const tsIters = Math.min(o.iters, 5);
  log(`ts: ${tsIters} iterations…`);
  let t0 = performance.now();
  const ref = referenceLloyd(X, o.n, o.d, init, o.k, tsIters, -1);
  results.push(result('ts', performance.now() - t0, ref.iterations));

  const mlIters = Math.min(o.iters, 3);
  log(`ml-kmeans: ${mlIters} iterations…`);
  const rows: number[][] = [];
  for (let i = 0; i < o.n; i++) rows.push(Array.from(X.subarray(i * o.d, (i + 1) * o.d)));
  const centers: number[][] = [];
  for (let j = 0; j < o.k; j++) centers.push(Array.from(init.subarray(j * o.d, (j + 1) * o.d)));
  t0 = performance.now();
  const ml = mlKmeans(rows, o.k, { initialization: centers, maxIterations: mlIters, tolerance: -1 });
  results.push(result('ml-kmeans', performance.now() - t0, ml.iterations));

  let sklearn: SklearnRun | null = null;
  if (o.sklearn === false) skipped.push({ impl: 'sklearn', reason: 'turned off' });
  else {
    log(`scikit-learn (lloyd, elkan; one thread): ${o.iters} iterations × ${o.repeat}…`);
    const s = runSklearn(X, init, o, cpuFlags());
    if ('reason' in s) {
      skipped.push({ impl: 'sklearn', reason: s.reason });
      log(`scikit-learn skipped: ${s.reason}`);
    } else {
      sklearn = s;
      for (const r of s.results) {
        results.push(result(`sklearn-${r.algorithm}`, r.msPerIter * r.iterations, r.iterations, {
          medianMsPerIter: r.medianMsPerIter, inertia: r.inertia, note: `OpenBLAS ${s.openblas.used}`,
        }));
      }
    }
  }

  const simd = results.find((r) => r.impl === 'wasm-simd')!;
  const timesFaster: Record<string, number> = {}; // how many times faster wasm-simd is than each
  for (const r of results) if (r !== simd) timesFaster[r.impl] = round(r.msPerIter / simd.msPerIter);
  if (sklearn) {
    const sk = results.find((r) => r.impl === 'sklearn-lloyd')!;
    for (const r of results.filter((x) => x.impl.startsWith('wasm-'))) {
      log(`${r.impl}: ${(sk.msPerIter / r.msPerIter).toFixed(2)}× scikit-learn lloyd's speed (${r.msPerIter} vs ${sk.msPerIter} ms/iter; >1 = faster)`);
    }
    if (simd.inertia !== undefined && sk.inertia !== undefined) {
      log(`same start, same result: inertia wasm-simd ${simd.inertia.toFixed(3)}, sklearn-lloyd ${sk.inertia.toFixed(3)} (relative difference ${(Math.abs(simd.inertia - sk.inertia) / sk.inertia).toExponential(1)})`);
    }
  }
  return {
    n: o.n, d: o.d, k: o.k, iters: o.iters, repeat: o.repeat, machine,
    results, skipped, wasmSimdTimesFaster: timesFaster,
    sklearn: sklearn && { version: sklearn.sklearn, numpy: sklearn.numpy, openblas: sklearn.openblas, threadpool: sklearn.threadpool },
  };
}

interface Timed { ms: number; median: number; iterations: number; inertia: number; note?: string }

function timeWasm(core: CoreExports, X: Float32Array, init: Float32Array, o: KMeansBenchOptions, algorithm: 'lloyd' | 'hamerly'): Timed {
  return withWorkspace(core, (ws) => {
    const dp = paddedCols(o.d);
    const x = ws.matrixIn({ data: X, rows: o.n, cols: o.d });
    const c = ws.centroidsIn(init, o.k, o.d);
    const start = ws.alloc(o.k * dp * 4);
    ws.f32(start, o.k * dp).set(ws.f32(c, o.k * dp));
    const labels = ws.alloc(o.n * 4);
    const dists = ws.alloc(o.n * 4);
    const times: number[] = [];
    let iterations = 0;
    const fit = algorithm === 'hamerly' ? core.hamerly : core.lloyd;
    // Warm-up on a few rows, so V8 has tiered the kernels up before the clock runs.
    if (o.k <= Math.min(o.n, 4096)) for (let w = 0; w < 3; w++) fit(x, Math.min(o.n, 4096), dp, c, o.k, 3, -1, labels, dists);
    for (let r = 0; r < o.repeat; r++) {
      ws.f32(c, o.k * dp).set(ws.f32(start, o.k * dp));
      const t0 = performance.now();
      iterations = fit(x, o.n, dp, c, o.k, o.iters, -1, labels, dists);
      times.push(performance.now() - t0);
    }
    const note = algorithm === 'hamerly' ? `scored ${(100 * core.hamerlyScoredShare()).toFixed(1)} % of row passes in full` : undefined;
    return { ms: Math.min(...times), median: median(times), iterations, inertia: core.lastInertia(), note };
  });
}

function timeRelaxed(o: KMeansBenchOptions): Timed {
  const core = Engine.loadSync(readFileSync(WASM_RELAXED_PATH)).core;
  const X = randomMatrix(o.n, o.d, 42);
  return { ...timeWasm(core, X, X.slice(0, o.k * o.d), o, 'lloyd'), note: `relaxed SIMD (FMA) in ${process.versions.deno ? 'deno' : 'this runtime'}` };
}

function relaxedChild(o: KMeansBenchOptions): Timed | { reason: string } {
  if (!process.versions.node) return { reason: 'this runtime has no relaxed SIMD' };
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', THIS_FILE, '--relaxed-child', JSON.stringify(o)], { encoding: 'utf8' });
  if (r.status !== 0) return { reason: `relaxed-SIMD child failed: ${(r.stderr || '').trim().split('\n').pop()}` };
  const out = JSON.parse(r.stdout) as Timed;
  return { ...out, note: 'relaxed SIMD (FMA), node --experimental-wasm-relaxed-simd' };
}

interface SklearnRun {
  sklearn: string; numpy: string; threadpool: Record<string, unknown>[];
  openblas: { detected: string; used: string; forced: boolean };
  results: { algorithm: string; msPerIter: number; medianMsPerIter: number; iterations: number; inertia: number }[];
}

/**
 * scikit-learn under threadpool_limits(1), with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
 * unset. Where OpenBLAS does not recognise the CPU and falls back to a generic
 * SSE kernel (Debian's 0.3.21 on recent Xeons picks "Prescott"), the best kernel
 * the CPU supports is forced (SkylakeX with AVX-512, Haswell with AVX2), so the
 * reference is not handicapped; both kernels are recorded.
 */
function runSklearn(X: Float32Array, init: Float32Array, o: KMeansBenchOptions, flags: Set<string>): SklearnRun | { reason: string } {
  const probed = sklearnEnvironment(flags);
  if ('reason' in probed) return probed;
  const { env, detected, used } = probed;
  const dir = mkdtempSync(join(tmpdir(), 'anomalyze-kmeans-'));
  try {
    writeFileSync(join(dir, 'X.npy'), npy(X, o.n, o.d));
    writeFileSync(join(dir, 'init.npy'), npy(init, o.k, o.d));
    const out = execFileSync(PYTHON, [SKLEARN_SCRIPT, '--x', join(dir, 'X.npy'), '--init', join(dir, 'init.npy'),
      '--iters', String(o.iters), '--repeat', String(o.repeat), '--algorithms', 'lloyd,elkan'], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    const run = JSON.parse(out) as Omit<SklearnRun, 'openblas'>;
    const arch = run.threadpool.find((i) => i.internal_api === 'openblas')?.architecture as string | undefined;
    return { ...run, openblas: { detected, used: arch ?? used, forced: used !== detected } };
  } catch (err) {
    return { reason: `bench/sklearn_kmeans.py failed: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The environment to run Debian's /usr/bin/python3 with scikit-learn in:
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset, and where OpenBLAS does not
 * recognise the CPU and falls back to a generic SSE kernel (Debian's 0.3.21 on
 * recent Xeons picks "Prescott"), the best kernel the CPU supports forced
 * (SkylakeX with AVX-512, Haswell with AVX2), so that the reference is not
 * handicapped. A reason instead where python3 or scikit-learn is missing.
 */
export function sklearnEnvironment(flags: Set<string>): { env: NodeJS.ProcessEnv; detected: string; used: string } | { reason: string } {
  const install = 'apt-get install -y python3-sklearn python3-threadpoolctl';
  if (!existsSync(PYTHON)) return { reason: `${PYTHON} is missing (${install})` };
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const probe = spawnSync(PYTHON, ['-c', 'import json, numpy, sklearn; from threadpoolctl import threadpool_info; print(json.dumps([i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"]))'], { env, encoding: 'utf8' });
  if (probe.status !== 0) return { reason: `scikit-learn is not importable by ${PYTHON}: ${(probe.stderr || '').trim().split('\n').pop()} (${install})` };
  const detected = (JSON.parse(probe.stdout) as string[])[0] ?? 'none';
  const generic = ['Prescott', 'Core2', 'Penryn', 'Dunnington', 'Nehalem', 'Katmai', 'Coppermine', 'Northwood', 'Atom', 'Banias'];
  let used = detected;
  if (generic.includes(detected)) {
    used = flags.has('avx512f') ? 'SkylakeX' : flags.has('avx2') ? 'Haswell' : detected;
    if (used !== detected) env.OPENBLAS_CORETYPE = used;
  }
  return { env, detected, used };
}

/** A float32 C-order .npy file (format 1.0). */
export function npy(data: Float32Array, rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// Child mode: time the relaxed-SIMD build in a runtime started with the flag.
if (process.argv[2] === '--relaxed-child' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(timeRelaxed(JSON.parse(process.argv[3]) as KMeansBenchOptions)) + '\n');
}
