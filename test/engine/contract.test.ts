// The plain SIMD build's arithmetic contract (assembly/distance.ts, assignRows): the
// committed default model retrains byte-identically only while it holds. A
// TypeScript emulation with Math.fround after every operation must give the
// same labels and squared distances, bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine, WASM_PATH, WASM_SCALAR_PATH } from '../../src/engine/node.ts';
import { paddedCols, withWorkspace } from '../../src/engine/workspace.ts';
import { blobs } from '../helpers/blobs.ts';

const f = Math.fround;
let engine: Engine;
beforeAll(async () => { engine = await loadEngine(WASM_PATH); });

/** Lane sums of x·c over t ≡ l (mod 4), each product rounded then added. */
function lanes(x: Float32Array, c: Float32Array, xo: number, co: number, dp: number): number[] {
  const l = [0, 0, 0, 0];
  for (let t = 0; t < dp; t++) l[t & 3] = f(l[t & 3] + f(x[xo + t] * c[co + t]));
  return l;
}

function emulate(X: Float32Array, n: number, dp: number, C: Float32Array, k: number) {
  const norm = (a: Float32Array, o: number) => { const l = lanes(a, a, o, o, dp); return f(f(f(l[0] + l[1]) + l[2]) + l[3]); };
  const cn = Array.from({ length: k }, (_, j) => norm(C, j * dp));
  const labels = new Int32Array(n);
  const dists = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pair = !(n % 2 === 1 && i === n - 1);
    let best = Infinity, arg = 0;
    for (let j = 0; j < k; j++) {
      const l = lanes(X, C, i * dp, j * dp, dp);
      let s: number;
      if (pair && j < (k & ~3)) { const d = f(f(l[0] + l[2]) + f(l[1] + l[3])); s = f(cn[j] - f(d + d)); }
      else s = f(cn[j] - f(2 * f(f(f(l[0] + l[1]) + l[2]) + l[3])));
      if (s < best) { best = s; arg = j; }
    }
    labels[i] = arg;
    dists[i] = Math.max(f(norm(X, i * dp) + best), 0);
  }
  return { labels, dists };
}

describe('the SIMD build keeps its arithmetic contract', () => {
  for (const [n, d, k] of [[301, 13, 7], [200, 122, 10], [57, 3, 4], [128, 41, 13], [99, 8, 1]] as const) {
    it(`nearest: n=${n} d=${d} k=${k}`, () => {
      const dp = paddedCols(d);
      const b = blobs({ n, d, k, seed: n * k, spread: 2 });
      const pad = (a: Float32Array, rows: number) => { const o = new Float32Array(rows * dp); for (let i = 0; i < rows; i++) o.set(a.subarray(i * d, (i + 1) * d), i * dp); return o; };
      const X = pad(b.X, n);
      const C = pad(b.X.slice(5 * d, (5 + k) * d), k);
      const want = emulate(X, n, dp, C, k);
      const core = engine.core;
      const got = withWorkspace(core, (ws) => {
        const x = ws.alloc(n * dp * 4); ws.f32(x, n * dp).set(X);
        const c = ws.alloc(k * dp * 4); ws.f32(c, k * dp).set(C);
        const l = ws.alloc(n * 4), ds = ws.alloc(n * 4);
        core.nearest(x, n, dp, c, k, l, ds);
        return { labels: ws.i32(l, n).slice(), dists: ws.f32(ds, n).slice() };
      });
      expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
      expect(Buffer.from(got.dists.buffer).equals(Buffer.from(want.dists.buffer))).toBe(true);
    });
  }
});

describe('sqrtInPlace', () => {
  it('gives Math.fround(Math.sqrt(v)) for every f32 bit pattern class, in both builds', async () => {
    // Every exponent with random mantissas, the edges (0, −0, subnormals, ±Infinity, NaN, negatives), n not a multiple of 4.
    const bits = new Uint32Array(256 * 64 + 11);
    let s = 7;
    for (let e = 0; e < 256; e++) for (let m = 0; m < 64; m++) bits[e * 64 + m] = (e << 23) | ((s = (s * 1103515245 + 12345) >>> 0) & 0x7fffff);
    bits.set([0, 0x80000000, 1, 0x7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xbf800000, 0x00800000, 0x7f7fffff, 0x3f800001], 256 * 64);
    const values = new Float32Array(bits.buffer);
    const want = Float32Array.from(values, (v) => Math.fround(Math.sqrt(v)));
    for (const e of [engine, await loadEngine(WASM_SCALAR_PATH)]) {
      const got = withWorkspace(e.core, (ws) => {
        const p = ws.alloc(values.length * 4);
        ws.f32(p, values.length).set(values);
        e.core.sqrtInPlace(p, values.length);
        return ws.f32(p, values.length).slice();
      });
      const g = new Uint32Array(got.buffer), w = new Uint32Array(want.buffer);
      // NaN payloads may differ; any NaN is the same value.
      const bad = g.findIndex((b, i) => b !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i])));
      expect(bad, bad < 0 ? '' : `sqrt of ${values[bad]}: ${got[bad]} ≠ ${want[bad]}`).toBe(-1);
    }
  });
});
