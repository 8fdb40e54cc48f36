// A plain-TypeScript Lloyd's algorithm with the same semantics as the wasm core
// (strict convergence, tol on total centre shift, farthest-point relocation of
// empty clusters). It is the yardstick for tests and for `npm run bench`.

export interface ReferenceResult {
  centroids: Float32Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
}

export function referenceLloyd(
  X: Float32Array, n: number, d: number, init: Float32Array, k: number,
  maxIter: number, tolAbs = 0,
): ReferenceResult {
  const C = Float32Array.from(init);
  const labels = new Int32Array(n);
  const previous = new Int32Array(n);
  const dists = new Float64Array(n);
  let inertia = 0;
  let iterations = 0;
  let settled = false;
  for (let it = 0; it < maxIter; it++) {
    inertia = assign(X, n, d, C, k, labels, dists);
    iterations = it + 1;
    if (it > 0 && labels.every((v, i) => v === previous[i])) { settled = true; break; }
    previous.set(labels);
    if (update(X, n, d, C, k, labels, dists) <= tolAbs) break;
  }
  if (!settled) inertia = assign(X, n, d, C, k, labels, dists);
  return { centroids: C, labels, inertia, iterations };
}

function assign(X: Float32Array, n: number, d: number, C: Float32Array, k: number,
  labels: Int32Array, dists: Float64Array): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const u = X[i * d + t] - C[j * d + t];
        s += u * u;
      }
      if (s < best) { best = s; arg = j; }
    }
    labels[i] = arg;
    dists[i] = best;
    inertia += best;
  }
  return inertia;
}

function update(X: Float32Array, n: number, d: number, C: Float32Array, k: number,
  labels: Int32Array, dists: Float64Array): number {
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    counts[j]++;
    for (let t = 0; t < d; t++) sums[j * d + t] += X[i * d + t];
  }
  for (let j = 0; j < k; j++) {
    if (counts[j] > 0) continue;
    let far = -1;
    for (let i = 0; i < n; i++) {
      if (counts[labels[i]] > 1 && (far < 0 || dists[i] > dists[far])) far = i;
    }
    if (far < 0) continue;
    const owner = labels[far];
    for (let t = 0; t < d; t++) {
      sums[owner * d + t] -= X[far * d + t];
      sums[j * d + t] += X[far * d + t];
    }
    counts[owner]--;
    counts[j] = 1;
    labels[far] = j;
    dists[far] = 0;
  }
  let shift = 0;
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue;
    for (let t = 0; t < d; t++) {
      const updated = Math.fround(sums[j * d + t] / counts[j]);
      shift += (updated - C[j * d + t]) ** 2;
      C[j * d + t] = updated;
    }
  }
  return shift;
}
