// The train benchmark's JSON is a contract (CI dashboards read it); its numbers are not tested here.
// A small generated KDD file keeps it quick: npm run train twice (one thread, every core) and, where
// Debian's python3 has scikit-learn, bench/sklearn_train.py twice, else a skip with its reason.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { runCli } from '../helpers/cli.ts';
import { expectMachine } from './expect-machine.ts';

function sampleFile(rows: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'anomalyze-bench-train-')), 'train.csv');
  writeFileSync(file, generateTraffic({ rows, seed: 4, attackRate: 0.3 }));
  return file;
}

describe('npm run bench -- train --vs-sklearn --json', () => {
  it('prints one JSON object: each side per thread count with its phases, the comparison, the machine', async () => {
    const data = sampleFile(3000);
    const r = await runCli('bench/index.ts', ['train', '--vs-sklearn', '--data', data, '--runs', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expectMachine(out.machine);
    const cores = availableParallelism();
    expect(out).toMatchObject({ suite: 'train', runs: 1, data: { file: data, rows: 3000 }, plan: { members: 12, nInit: 3, folds: 5 } });
    expect(out.threads).toEqual([...new Set([1, cores])]);
    const sides = out.skipped ? ['anomalyze'] : ['anomalyze', 'scikit-learn'];
    expect(out.results.map((c: { impl: string; threads: number }) => `${c.impl}/${c.threads}`).sort())
      .toEqual(out.threads.flatMap((t: number) => sides.map((s) => `${s}/${t}`)).sort());
    for (const c of out.results) {
      expect(c.runs).toHaveLength(1);
      for (const run of c.runs) {
        expect(run.seconds).toBeGreaterThan(0);
        for (const k of ['read', 'preprocess', 'fit', 'threshold', 'startup']) expect(run.phases[k]).toBeGreaterThanOrEqual(0);
        expect(run.phases.fit).toBeGreaterThan(0);
      }
      expect(c.median.seconds).toBeGreaterThan(0);
      expect(c.result.rows).toBe(3000);
      expect(c.result.members).toHaveLength(12);
      expect(c.result.objectiveF1).toBeGreaterThan(0.5);
    }
    if (out.skipped) {
      expect(out.skipped).toMatchObject({ impl: 'scikit-learn' });
      expect(out.skipped.reason).toMatch(/apt-get install -y python3-sklearn/);
      expect(out.comparison).toEqual([]);
      expect(out.sklearn).toBeNull();
    } else {
      expect(out.comparison.map((c: { threads: number }) => c.threads)).toEqual(out.threads);
      for (const c of out.comparison) for (const k of ['wholeProcess', 'fit', 'readPreprocess']) expect(c[k].timesFaster).toBeGreaterThan(0);
      // The same preprocessing on both sides: the two matrices agree.
      expect(out.sklearn.preprocessingCheck).toMatchObject({ sameShape: true });
      expect(out.sklearn.preprocessingCheck.maxAbsDiff).toBeLessThan(1e-4);
      const one = out.results.find((c: { impl: string; threads: number }) => c.impl === 'scikit-learn' && c.threads === 1);
      expect(one.threadpools.every((t: { num_threads: number }) => t.num_threads === 1)).toBe(true);
    }
  }, 240_000);

  it('without scikit-learn, runs Anomalyze alone and says how to install it', async () => {
    const r = await runCli('bench/index.ts', ['train', '--vs-sklearn', '--data', sampleFile(2000), '--runs', '1', '--threads', '1', '--json'], undefined,
      { ANOMALYZE_BENCH_PYTHON: '/nonexistent/python3' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.skipped.reason).toMatch(/\/nonexistent\/python3 is missing \(apt-get install -y python3-sklearn/);
    expect(r.stderr).toMatch(/scikit-learn skipped/);
    expect(out.results.map((c: { impl: string }) => c.impl)).toEqual(['anomalyze']);
    expect(out.comparison).toEqual([]);
    expect(out.targets.fasterThanSklearn).toBeNull();
  }, 120_000);
});
