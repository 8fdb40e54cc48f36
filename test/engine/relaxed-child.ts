// Run by relaxed.test.ts in a runtime with relaxed SIMD (node --experimental-wasm-relaxed-simd, or Deno):
// fits the same starts on the plain SIMD and the relaxed-SIMD builds and prints how far apart they are.
import { readFileSync } from 'node:fs';
import { Engine, KMeans, matrix } from '../../src/engine/index.ts';
import { chooseCore, hasRelaxedSimd } from '../../src/engine/select.ts';
import { WASM_PATH, WASM_RELAXED_PATH } from '../../src/engine/node.ts';
import { blobs } from '../helpers/blobs.ts';

const simdBytes = readFileSync(WASM_PATH), relaxedBytes = readFileSync(WASM_RELAXED_PATH);
const plain = await Engine.loadBuilds({ simd: simdBytes, relaxed: relaxedBytes }, 'simd');
const relaxed = await Engine.loadBuilds({ simd: simdBytes, relaxed: relaxedBytes });
const out = { hasRelaxedSimd: hasRelaxedSimd(), chosen: chooseCore({ simd: 'simd', relaxed: 'relaxed' }).variant, variants: [plain.variant, relaxed.variant], cases: [] as unknown[] };
for (const [n, d, k] of [[3001, 13, 7], [2000, 122, 10], [4000, 41, 13], [2500, 50, 100]]) {
  const b = blobs({ n, d, k, seed: n, spread: 6 });
  const X = matrix(b.X, d);
  const p = { nClusters: k, init: b.X.slice(0, k * d), maxIter: 100, tol: 0 };
  const a = new KMeans(plain, p).fit(X);
  const r = new KMeans(relaxed, p).fit(X);
  const h = new KMeans(relaxed, { ...p, algorithm: 'hamerly' }).fit(X);
  const la = a.predict(X), lr = r.predict(X);
  let agree = 0;
  for (let i = 0; i < n; i++) agree += la[i] === lr[i] ? 1 : 0;
  let maxDiff = 0;
  for (let i = 0; i < a.centroids.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.centroids[i] - r.centroids[i]));
  const na = a.nearest(X).distances, nr = relaxed === plain ? na : new KMeans(relaxed, p).setState(a.state).nearest(X).distances;
  let maxRel = 0;
  for (let i = 0; i < n; i++) maxRel = Math.max(maxRel, Math.abs(na[i] - nr[i]) / Math.max(na[i], 1e-3));
  out.cases.push({
    n, d, k, labelAgreement: agree / n, inertiaRelDiff: Math.abs(a.inertia - r.inertia) / a.inertia, maxCentroidDiff: maxDiff,
    maxDistanceRelDiff: maxRel, hamerlyIdentical: h.inertia === r.inertia && Buffer.from(h.centroids.buffer).equals(Buffer.from(r.centroids.buffer)),
  });
}
console.log(JSON.stringify(out));
