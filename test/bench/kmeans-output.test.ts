// The benchmark's JSON is a contract (CI dashboards read it); its numbers are not tested here.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('npm run bench -- kmeans --json', () => {
  it('prints one JSON object with every implementation', async () => {
    const r = await runCli('bench/index.ts', ['kmeans', '--n', '20000', '--d', '13', '--k', '6', '--iters', '3', '--repeat', '1', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ n: 20000, d: 13, k: 6, iters: 3 });
    expect(out.results.map((x: { impl: string }) => x.impl)).toEqual(['wasm-simd', 'wasm-scalar', 'ts', 'ml-kmeans']);
    for (const x of out.results) {
      expect(x.msPerIter).toBeGreaterThan(0);
      // gflops counts 2·n·k·d per iteration (both figures are rounded to 3 decimals; at this size that moves them by well under 1 %)
      const expected = (2 * 20000 * 6 * 13) / (x.msPerIter * 1e6);
      expect(Math.abs(x.gflops - expected) / expected).toBeLessThan(0.02);
    }
  });
});
