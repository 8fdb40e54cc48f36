// Loading the compute core. No file system here: Node reads the bytes itself
// (src/engine/node.ts), other runtimes hand in bytes or a compiled module.

import { instantiateSync, type Imports } from '@assemblyscript/loader';

/** The raw exports of build/anomalyze.wasm (pointers are byte offsets). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  liveBlocks(): number;
  seedRandom(seed: number): void;
  randomBelow(bound: number): number;
  nearest(X: number, n: number, dp: number, C: number, k: number, labels: number, dists: number): number;
  distances(X: number, n: number, dp: number, C: number, k: number, out: number): void;
  inertiaOf(X: number, n: number, dp: number, C: number, labels: number): number;
  meanColumnVariance(X: number, n: number, dp: number, d: number): number;
  firstNonFinite(X: number, count: number): number;
  /** Square roots of n f32 values in place, each Math.fround(Math.sqrt(v)). */
  sqrtInPlace(p: number, n: number): void;
  /** A dictionary of words for kddLines (assembly/kdd-lines.ts). */
  kddDictionary(): number;
  /** Plain KDD lines of a chunk into rows (assembly/kdd-lines.ts has the layout; src/data/module-lines.ts drives it). */
  kddLines(buf: number, pos: number, n: number, final: number, role: number, columns: number, width: number,
    maxRows: number, numeric: number, rowsOut: number, dict: number, result: number): number;
  /** Preprocessing's arithmetic on parsed rows, into the padded matrix (assembly/encode.ts has the layout; src/model/encode.ts drives it). */
  encodeRows(numeric: number, n: number, width: number, logMask: number, mean: number, scale: number,
    template: number, one: number, codes: number, nCat: number, out: number, dp: number): void;
  /** nearest of several members' columns (given as runs: source, destination, length), gathered a block of rows at a time in the module and scored for every member: labels and squared distances (assembly/subspace.ts has the table's layout). */
  nearestOfMembers(X: number, n: number, xDp: number, members: number, nMembers: number): void;
  /** Explanations of listed rows, all members at once (assembly/explain.ts has the layout). */
  explainRows(X: number, xDp: number, members: number, nMembers: number, rows: number, nRows: number, dim: number,
    featureOf: number, nFeatures: number, count: number, shares: number, top: number): void;
  kmeansPlusPlus(X: number, n: number, dp: number, k: number, C: number, trials: number): void;
  lloyd(X: number, n: number, dp: number, C: number, k: number, maxIter: number, tolAbs: number, labels: number, dists: number): number;
  /** Hamerly's bounds on Lloyd's iterations: same arguments and, bit for bit, the same result as lloyd. */
  hamerly(X: number, n: number, dp: number, C: number, k: number, maxIter: number, tolAbs: number, labels: number, dists: number): number;
  /** Share of row passes of the last hamerly call that scored every centre (1 = nothing pruned). */
  hamerlyScoredShare(): number;
  lastInertia(): number;
  miniBatch(X: number, n: number, dp: number, C: number, k: number, batchSize: number, maxSteps: number,
    tolAbs: number, maxNoImprovement: number, reassignmentRatio: number): number;
  silhouette(X: number, n: number, dp: number, labels: number, k: number, sampleSize: number): number;
  calinskiHarabasz(X: number, n: number, dp: number, d: number, labels: number, k: number): number;
}

export type CoreSource = WebAssembly.Module | BufferSource;

/**
 * Compiles off the calling thread, then instantiates the compiled module. Not the loader's
 * async `instantiate`: it first asks whether its argument is a fetch `Response`, and on
 * Node merely reading the global `Response` loads undici, about 55 ms of a detect run.
 */
export async function loadCore(source: CoreSource): Promise<CoreExports> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  return loadCoreSync(module);
}

export function loadCoreSync(source: CoreSource): CoreExports {
  // Besides the loader's own imports, JavaScript's log1p: preprocessing in the module gives the
  // host's values bit for bit (assembly/encode.ts). A fresh object: the loader adds to it per instance.
  const { exports } = instantiateSync<Record<string, unknown>>(source, { env: { log1p: Math.log1p } } as Imports);
  return exports as unknown as CoreExports;
}
