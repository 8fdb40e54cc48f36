// The benchmark's JSON is a contract (CI dashboards read it); its numbers are not tested here.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('npm run bench -- kmeans --json', () => {
  it('prints one JSON object with every implementation and the machine', async () => {
    const r = await runCli('bench/index.ts', ['kmeans', '--n', '20000', '--d', '13', '--k', '6', '--iters', '3', '--repeat', '1', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ n: 20000, d: 13, k: 6, iters: 3 });
    expect(out.machine.cores).toBeGreaterThan(0);
    expect(typeof out.machine.cpu).toBe('string');
    const impls: string[] = out.results.map((x: { impl: string }) => x.impl);
    // Always run, in this order; the relaxed-SIMD build and scikit-learn run where available, else are listed as skipped.
    expect(impls.filter((i) => !['wasm-relaxed', 'sklearn-lloyd', 'sklearn-elkan'].includes(i)))
      .toEqual(['wasm-simd', 'wasm-simd-hamerly', 'wasm-scalar', 'ts', 'ml-kmeans']);
    const skipped: string[] = out.skipped.map((s: { impl: string; reason: string }) => s.impl);
    expect(impls.includes('wasm-relaxed') || skipped.includes('wasm-relaxed')).toBe(true);
    if (skipped.includes('sklearn')) expect(impls.some((i) => i.startsWith('sklearn'))).toBe(false);
    else {
      expect(impls).toEqual(expect.arrayContaining(['sklearn-lloyd', 'sklearn-elkan']));
      expect(out.sklearn.threadpool.every((t: { num_threads: number }) => t.num_threads === 1)).toBe(true);
    }
    for (const x of out.results) {
      expect(x.msPerIter).toBeGreaterThan(0);
      // gflops counts 2·n·k·d per iteration (both figures are rounded to 3 decimals; at this size that moves them by well under 1 %)
      const expected = (2 * 20000 * 6 * 13) / (x.msPerIter * 1e6);
      expect(Math.abs(x.gflops - expected) / expected).toBeLessThan(0.02);
    }
    // Hamerly on the same start gives Lloyd's result exactly.
    const byImpl = Object.fromEntries(out.results.map((x: { impl: string }) => [x.impl, x]));
    expect(byImpl['wasm-simd-hamerly'].inertia).toBe(byImpl['wasm-simd'].inertia);
  }, 60_000);
});
