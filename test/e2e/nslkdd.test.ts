// End to end on NSL-KDD (needs the shared data; skipped with a note where it is absent):
// the committed default model reaches the quality bars on KDDTest+, and training
// it again from KDDTrain+ reproduces its files byte for byte.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile } from '../../src/cli/data-dir.ts';
import { DEFAULT_MODEL_DIR } from '../../src/model/node.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const test = dataFile('KDDTest+.txt');
const train = dataFile('KDDTrain+.txt');
if (!test || !train) console.warn('[test/e2e] skipping NSL-KDD end-to-end tests: KDDTest+.txt / KDDTrain+.txt not found (set ANOMALYZE_DATA_DIR)');

describe.skipIf(!test || !train)('NSL-KDD end to end', () => {
  // What `npm run detect` runs: the bundled CLI, rebuilt first if older than the sources.
  beforeAll(() => { execFileSync(process.execPath, ['src/build/ensure.mjs', 'wasm', 'cli'], { cwd: ROOT }); });

  it('the default model reaches F1 ≥ 0.93, accuracy ≥ 0.92 and ROC-AUC ≥ 0.97 on KDDTest+ (threshold from KDDTrain+), through the bundled CLI', async () => {
    const r = await runCli('build/cli/detect.mjs', [test!, '--format', 'json']);
    expect(r.code).toBe(0);
    const { summary, metrics } = JSON.parse(r.stdout);
    expect(summary.rows).toBe(22544);
    expect(summary.unknownCategories.rows).toBe(0);
    expect(metrics.f1).toBeGreaterThanOrEqual(0.93);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.92);
    expect(metrics.rocAuc).toBeGreaterThanOrEqual(0.97);
    expect(metrics.confusion.tp + metrics.confusion.fn).toBe(12833);
    expect(metrics.confusion.fp + metrics.confusion.tn).toBe(9711);
  });

  it('training on KDDTrain+ with seed 0 reproduces models/default byte for byte', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'anomalyze-train-')), 'model');
    const r = await runCli('src/cli/train.ts', ['--data', train!, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Threshold: \d/);
    const files = readdirSync(DEFAULT_MODEL_DIR).filter((f) => f !== 'README.md').sort();
    expect(readdirSync(out).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(out, f)).equals(readFileSync(join(DEFAULT_MODEL_DIR, f)))).toBe(true);
  });
});
