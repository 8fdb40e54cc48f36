// Times Lloyd iterations of the wasm core (SIMD and scalar builds), the plain
// TypeScript reference and ml-kmeans, from the same random data and centres.

import { kmeans as mlKmeans } from 'ml-kmeans';
import { loadEngine, WASM_PATH, WASM_SCALAR_PATH } from '../src/engine/node.ts';
import { referenceLloyd } from '../src/engine/reference-lloyd.ts';
import { paddedCols, withWorkspace } from '../src/engine/workspace.ts';
import { randomMatrix } from './random.ts';

export interface KMeansBenchOptions { n: number; d: number; k: number; iters: number; repeat: number }
export interface ImplResult { impl: string; msPerIter: number; gflops: number; iterations: number }

export async function benchKMeans(o: KMeansBenchOptions, log: (s: string) => void) {
  const X = randomMatrix(o.n, o.d, 42);
  const init = X.slice(0, o.k * o.d); // the first k rows, for every implementation
  const flopsPerIter = 2 * o.n * o.k * o.d;
  const result = (impl: string, ms: number, iterations: number): ImplResult => {
    const msPerIter = ms / iterations;
    return { impl, msPerIter: round(msPerIter), gflops: round(flopsPerIter / (msPerIter * 1e6)), iterations };
  };
  const results: ImplResult[] = [];

  for (const [impl, path] of [['wasm-simd', WASM_PATH], ['wasm-scalar', WASM_SCALAR_PATH]] as const) {
    log(`${impl}: ${o.iters} iterations × ${o.repeat}…`);
    const { core } = await loadEngine(path);
    const best = withWorkspace(core, (ws) => {
      const dp = paddedCols(o.d);
      const x = ws.matrixIn({ data: X, rows: o.n, cols: o.d });
      const c = ws.centroidsIn(init, o.k, o.d);
      const start = ws.alloc(o.k * dp * 4);
      ws.f32(start, o.k * dp).set(ws.f32(c, o.k * dp));
      const labels = ws.alloc(o.n * 4);
      const dists = ws.alloc(o.n * 4);
      let fastest = Infinity;
      let iterations = 0;
      for (let r = 0; r < o.repeat; r++) {
        ws.f32(c, o.k * dp).set(ws.f32(start, o.k * dp));
        const t0 = performance.now();
        iterations = core.lloyd(x, o.n, dp, c, o.k, o.iters, -1, labels, dists);
        fastest = Math.min(fastest, performance.now() - t0);
      }
      return { ms: fastest, iterations };
    });
    results.push(result(impl, best.ms, best.iterations));
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

  return { n: o.n, d: o.d, k: o.k, iters: o.iters, results };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
