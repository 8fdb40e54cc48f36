// k-means++ seeding (assembly/kmeanspp.ts) against a TypeScript emulation of the SIMD
// build's arithmetic (sqDist: two 4-lane accumulators over 8-float blocks, a 4-float
// tail into the first, lanes summed ((l0 + l1) + l2) + l3) and of its random draws
// (xoshiro128** seeded through splitmix32). The committed default model's centres
// start here, so its candidates, scored four at a time, must stay bit for bit the same.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine, WASM_PATH } from '../../src/engine/node.ts';
import { paddedCols, withWorkspace } from '../../src/engine/workspace.ts';
import { blobs } from '../helpers/blobs.ts';

const f = Math.fround;
let engine: Engine;
beforeAll(async () => { engine = await loadEngine(WASM_PATH); });

class Rng {
  private s = new Uint32Array(4);
  constructor(seed: number) {
    const mix = (z: number) => {
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) { x = (x + 0x9e3779b9) >>> 0; this.s[i] = mix(x); }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }
  u32(): number {
    const s = this.s;
    const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
  float(): number {
    const hi = this.u32() >>> 5, lo = this.u32() >>> 6;
    return (hi * 2 ** 26 + lo) * 1.1102230246251565e-16;
  }
  below(bound: number): number { return Math.trunc(this.float() * bound); }
}

function sqDist(X: Float32Array, a: number, b: number, dp: number): number {
  const acc0 = [0, 0, 0, 0], acc1 = [0, 0, 0, 0];
  let t = 0;
  for (; t + 8 <= dp; t += 8) {
    for (let l = 0; l < 4; l++) {
      const u = f(X[a + t + l] - X[b + t + l]);
      const w = f(X[a + t + 4 + l] - X[b + t + 4 + l]);
      acc0[l] = f(acc0[l] + f(u * u));
      acc1[l] = f(acc1[l] + f(w * w));
    }
  }
  if (t < dp) for (let l = 0; l < 4; l++) { const u = f(X[a + t + l] - X[b + t + l]); acc0[l] = f(acc0[l] + f(u * u)); }
  const v = acc0.map((x, l) => f(x + acc1[l]));
  return f(f(f(v[0] + v[1]) + v[2]) + v[3]);
}

function emulate(X: Float32Array, n: number, dp: number, k: number, trials: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const nTrials = Math.min(trials > 0 ? trials : 2 + Math.trunc(Math.log(k)), 64);
  const C = new Float32Array(k * dp);
  const centre = (c: number, row: number) => C.set(X.subarray(row * dp, (row + 1) * dp), c * dp);
  const first = rng.below(n);
  centre(0, first);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) { closest[i] = sqDist(X, i * dp, first * dp, dp); potential += closest[i]; }
  for (let c = 1; c < k; c++) {
    const cumulative = new Float64Array(n);
    let running = 0;
    for (let i = 0; i < n; i++) { running += closest[i]; cumulative[i] = running; }
    const ids: number[] = [];
    for (let t = 0; t < nTrials; t++) {
      if (potential > 0) {
        const value = rng.float() * running;
        let lo = 0, hi = n - 1;
        while (lo < hi) { const mid = (lo + hi) >>> 1; if (cumulative[mid] <= value) lo = mid + 1; else hi = mid; }
        ids.push(lo);
      } else ids.push(rng.below(n));
    }
    const pots = new Float64Array(nTrials);
    for (let i = 0; i < n; i++) for (let t = 0; t < nTrials; t++) pots[t] += Math.min(sqDist(X, i * dp, ids[t] * dp, dp), closest[i]);
    let best = 0;
    for (let t = 1; t < nTrials; t++) if (pots[t] < pots[best]) best = t;
    centre(c, ids[best]);
    for (let i = 0; i < n; i++) closest[i] = Math.min(sqDist(X, i * dp, ids[best] * dp, dp), closest[i]);
    potential = pots[best];
  }
  return C;
}

describe('k-means++ seeding keeps its arithmetic', () => {
  // Trials 2 + ln k (k = 1, 3, 8, 12, 150: 2, 3, 4, 4, 7) and given ones (1, 5, 9): the
  // four-at-a-time path, its remainder and both; widths with and without a 4-float tail.
  for (const [n, d, k, trials] of [[300, 13, 3, 0], [257, 5, 8, 0], [200, 41, 12, 0], [120, 3, 1, 0], [400, 9, 150, 0], [99, 16, 6, 1], [150, 7, 5, 5], [150, 20, 4, 9]] as const) {
    it(`n=${n} d=${d} k=${k} trials=${trials || '2 + ln k'}`, () => {
      const dp = paddedCols(d);
      const b = blobs({ n, d, k: Math.min(k, 5), seed: n + d, spread: 3 });
      const X = new Float32Array(n * dp);
      for (let i = 0; i < n; i++) X.set(b.X.subarray(i * d, (i + 1) * d), i * dp);
      const seed = 1000 + k;
      const want = emulate(X, n, dp, k, trials, seed);
      const core = engine.core;
      const got = withWorkspace(core, (ws) => {
        const x = ws.alloc(n * dp * 4); ws.f32(x, n * dp).set(X);
        const c = ws.alloc(k * dp * 4);
        core.seedRandom(seed);
        core.kmeansPlusPlus(x, n, dp, k, c, trials);
        return ws.f32(c, k * dp).slice();
      });
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    });
  }
});
