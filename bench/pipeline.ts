// Whole-process benchmarks of the detect CLI: on NSL-KDD (training: bench/train.ts), beside the figures the
// Python/Flask tool they replace was measured at on this machine class (quoted
// in the issue; that tool is not run here), and on N generated rows (--rows) for throughput.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectNodeFlags } from './node-flags.ts';
import { dataFile } from '../src/cli/data-dir.ts';
import { machine } from './machine.ts';
import { summarise, timeProcess, type ProcessRun } from './process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const PYTHON_DETECT = { seconds: 0.93, maxRssMiB: 163 };

function need(name: string): string {
  const path = dataFile(name);
  if (!path) throw new Error(`${name} not found in ANOMALYZE_DATA_DIR (default ../shared/data/nsl-kdd)`);
  return path;
}

/** The floor for KDDTest+: at most half the Python tool's time. */
export const KDDTEST_FLOOR_SECONDS = PYTHON_DETECT.seconds / 2;

/**
 * KDDTest+ with `--format json` as a whole process, two ways, run alternately:
 * `npm run detect` (npm's own start-up included) and the `anomalyze` bin executed
 * through its shebang (what `npx anomalyze detect` runs once npx has found it).
 */
export function benchDetect(runs: number, log: (s: string) => void) {
  const test = need('KDDTest+.txt');
  const recorded = machine();
  log(`npm run detect and bin/anomalyze.mjs detect on KDDTest+, × ${runs} each, alternately…`);
  const npm: ProcessRun[] = [];
  const bin: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    npm.push(...timeProcess('npm', ['run', '-s', 'detect', '--', test, '--format', 'json'], { cwd: ROOT, runs: 1 }));
    bin.push(...timeProcess(join(ROOT, 'bin', 'anomalyze.mjs'), ['detect', test, '--format', 'json'], { cwd: ROOT, runs: 1 }));
  }
  const b = summarise(bin);
  return {
    machine: recorded, command: 'npm run detect -- KDDTest+.txt --format json', ...summarise(npm),
    bin: { command: 'bin/anomalyze.mjs detect KDDTest+.txt --format json', ...b, floorSeconds: KDDTEST_FLOOR_SECONDS, verdict: b.medianSeconds <= KDDTEST_FLOOR_SECONDS ? 'pass' : 'fail' },
    reference: { pythonDetect: PYTHON_DETECT },
  };
}

/** The floors for `--rows`: rows per second, whole process, CSV in. */
export const DETECT_FLOORS = { json: 1_000_000, ndjsonAll: 600_000 };

/**
 * `npm run detect` (its node flags, build/cli/detect.mjs) on `rows` generated rows
 * (`npm run sample -- --rows N`, written once to the temp folder), whole process,
 * output discarded: with `--format json` (the anomalies reported) and with
 * `--format ndjson --all` (every row), each on every core (the default) and on one thread. Rows per second = rows / wall-clock seconds.
 */
export function benchDetectRows(rows: number, runs: number, log: (s: string) => void) {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows takes a positive integer, got ${rows}`);
  const recorded = machine();
  const file = join(tmpdir(), `anomalyze-bench-sample-${rows}.csv`);
  if (!existsSync(file)) {
    log(`writing ${rows.toLocaleString('en-US')} generated rows to ${file}…`);
    const out = openSync(`${file}.part`, 'w');
    const r = spawnSync(process.execPath, ['build/cli/sample.mjs', '--rows', String(rows)], { cwd: ROOT, stdio: ['ignore', out, 'inherit'] });
    closeSync(out);
    if (r.status !== 0) throw new Error(`npm run sample failed (exit ${r.status})`);
    renameSync(`${file}.part`, file);
  }
  const bytes = statSync(file).size;
  const flags = detectNodeFlags();
  // Every core by default (a file this large is scored on worker threads), and one thread beside it.
  const variants = [
    { name: 'json', args: ['--format', 'json'], floor: DETECT_FLOORS.json },
    { name: 'json --threads 1', args: ['--format', 'json', '--threads', '1'], floor: DETECT_FLOORS.json },
    { name: 'ndjson --all', args: ['--format', 'ndjson', '--all'], floor: DETECT_FLOORS.ndjsonAll },
    { name: 'ndjson --all --threads 1', args: ['--format', 'ndjson', '--all', '--threads', '1'], floor: DETECT_FLOORS.ndjsonAll },
  ];
  const results = variants.map((v) => {
    log(`npm run detect -- <${rows} rows> ${v.args.join(' ')} × ${runs}…`);
    const s = summarise(timeProcess(process.execPath, [...flags, 'build/cli/detect.mjs', file, ...v.args], { cwd: ROOT, runs }));
    const best = Math.round(rows / s.bestSeconds);
    const median = Math.round(rows / s.medianSeconds);
    return { format: v.name, ...s, bestRowsPerSecond: best, medianRowsPerSecond: median, floor: v.floor, verdict: median >= v.floor ? 'pass' : 'fail' };
  });
  return { machine: recorded, rows, bytes, command: `node ${flags.join(' ')} build/cli/detect.mjs <file>`, results };
}
