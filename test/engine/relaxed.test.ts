// The relaxed-SIMD build (fused multiply-add) against the plain SIMD build. Node 20
// has no relaxed SIMD without a flag, so the comparison runs in a child process:
// node --experimental-wasm-relaxed-simd, else Deno from node_modules; skipped otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine, WASM_RELAXED_PATH } from '../../src/engine/node.ts';
import { hasRelaxedSimd } from '../../src/engine/select.ts';
import { ROOT } from '../helpers/cli.ts';

const CHILD = join(ROOT, 'test/engine/relaxed-child.ts');

function runChild(): { runtime: string; stdout: string } | { skip: string } {
  if (!existsSync(WASM_RELAXED_PATH)) return { skip: `${WASM_RELAXED_PATH} is missing (npm run build:wasm)` };
  const node = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', CHILD], { cwd: ROOT, encoding: 'utf8' });
  if (node.status === 0) return { runtime: 'node --experimental-wasm-relaxed-simd', stdout: node.stdout };
  const deno = join(ROOT, 'node_modules/.bin/deno');
  if (existsSync(deno)) {
    const r = spawnSync(deno, ['run', '--allow-read', '--allow-env', '--unstable-sloppy-imports', CHILD], { cwd: ROOT, encoding: 'utf8' });
    if (r.status === 0) return { runtime: 'deno', stdout: r.stdout };
  }
  return { skip: `no runtime with relaxed SIMD could run the check (node: ${(node.stderr || '').trim().split('\n').pop()})` };
}

describe('runtime choice of the core build', () => {
  it('loadEngine() picks the relaxed-SIMD build exactly when the runtime supports it', async () => {
    const engine = await loadEngine();
    expect(engine.variant).toBe(hasRelaxedSimd() && existsSync(WASM_RELAXED_PATH) ? 'relaxed-simd' : 'simd');
    if (process.versions.node?.startsWith('20.') && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
      expect(engine.variant).toBe('simd'); // Node 20: the plain build, which the default model is reproduced with
    }
  });

  const child = runChild();
  const test = 'skip' in child ? it.skip : it;
  if ('skip' in child) console.warn(`relaxed-SIMD comparison skipped: ${child.skip}`);
  test(`relaxed and plain SIMD builds agree within float tolerance (${'runtime' in child ? child.runtime : 'skipped'})`, () => {
    if (!('stdout' in child)) return;
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!);
    expect(out.hasRelaxedSimd).toBe(true);
    expect(out.chosen).toBe('relaxed-simd');
    expect(out.variants).toEqual(['simd', 'relaxed-simd']);
    for (const c of out.cases) {
      expect(c.labelAgreement).toBeGreaterThan(0.999);      // a near-tie may flip
      expect(c.inertiaRelDiff).toBeLessThan(1e-4);
      expect(c.maxCentroidDiff).toBeLessThan(1e-2);
      expect(c.maxDistanceRelDiff).toBeLessThan(1e-4);      // same centres: distances differ in the last bits only
      expect(c.hamerlyIdentical).toBe(true);                // within one build, Hamerly is Lloyd bit for bit
    }
  }, 120_000);
});
