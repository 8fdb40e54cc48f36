// npm run bench -- <suite> [options]
//   kmeans  --n 67343 --d 122 --k 10 --iters 20 [--repeat 3] [--json]
//   http    [--file <csv>] [--runs 10] [--connections 50] [--duration 10] [--json]
//   detect  [--runs 5] [--rows N] [--json]   npm run detect and the bin on KDDTest+, whole process (the bin against the floor); with --rows on N generated rows
//           (--format json and --format ndjson --all, every core and --threads 1), rows per second against the floors
//   train   [--runs 3] [--vs-sklearn] [--threads 1,2] [--data <csv>] [--json]   npm run train on KDDTrain+, whole process and
//           phases; with --vs-sklearn alternating with an equivalent scikit-learn script (bench/sklearn_train.py)
//   load    [--duration 60] [--connections 50] [--uploads 2] [--timeout-ms 10000] [--file <csv>] [--synthetic] [--node-flags=<flags>] [--json]
//   soak    [--seconds 300] [--rate 50000] [--node-flags=<flags>] [--json]   detect --follow on a growing file: no line lost, flat memory
//   pcap    [--packets N] [--gigabytes G] [--json]   capture decoding + flow assembly (in memory; or a G GB file streamed from disk)
// Every suite prints a table headed by the machine it ran on, or with --json one JSON
// document whose `machine` field records it (bench/machine.ts): CPU model, cores, memory,
// Node and V8, platform, load average. Figures from different machines are not comparable.

import { parseArgs } from 'node:util';
import { benchHttp, parseHttpArgs, printHttp } from './http.ts';
import { benchKMeans } from './kmeans.ts';
import { benchDetect, benchDetectRows } from './pipeline.ts';
import { benchTrainSuite, printTrain } from './train.ts';
import { benchPcap, printPcap } from './pcap.ts';
import { benchSoak, printSoak } from './soak.ts';
import { benchLoad, parseLoadArgs, printLoad, splitFlags } from './load.ts';
import { machineLine } from './machine.ts';

const [suite, ...rest] = process.argv.slice(2);
const log = (s: string) => process.stderr.write(s + '\n');

async function main(): Promise<void> {
  if (suite === 'kmeans') {
    const { values } = parseArgs({
      args: rest,
      options: {
        n: { type: 'string', default: '67343' }, d: { type: 'string', default: '122' },
        k: { type: 'string', default: '10' }, iters: { type: 'string', default: '20' },
        repeat: { type: 'string', default: '3' }, json: { type: 'boolean', default: false },
      },
    });
    const opts = { n: +values.n, d: +values.d, k: +values.k, iters: +values.iters, repeat: +values.repeat };
    const out = await benchKMeans(opts, log);
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      console.log(machineLine(out.machine));
      console.log(`Lloyd iterations, n=${out.n} d=${out.d} k=${out.k} (best of ${opts.repeat} for wasm)`);
      console.table(out.results.map((r) => ({ impl: r.impl, 'ms/iter': r.msPerIter, GFLOP_s: r.gflops, iterations: r.iterations })));
      const simd = out.results[0].msPerIter;
      for (const r of out.results.slice(1)) console.log(`wasm-simd is ${(r.msPerIter / simd).toFixed(1)}× faster than ${r.impl}`);
    }
    return;
  }
  if (suite === 'http') {
    const opts = parseHttpArgs(rest);
    const out = await benchHttp(opts, log);
    if (opts.json) process.stdout.write(JSON.stringify(out) + '\n');
    else printHttp(out);
    return;
  }
  if (suite === 'detect') {
    const { values } = parseArgs({
      args: rest,
      options: { runs: { type: 'string', default: '5' }, rows: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (values.rows !== undefined) {
      const out = benchDetectRows(Number(values.rows), values.runs === '5' ? 3 : +values.runs, log);
      if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
      else {
        console.log(machineLine(out.machine));
        console.log(`${out.command}, ${out.rows.toLocaleString('en-US')} generated rows (${(out.bytes / 1e6).toFixed(0)} MB)`);
        console.table(Object.fromEntries(out.results.map((r) => [r.format, {
          runs: r.runs, 'best s': r.bestSeconds, 'median s': r.medianSeconds, 'rows/s (median)': r.medianRowsPerSecond, floor: r.floor, verdict: r.verdict, 'peak MiB': r.maxRssMiB ?? 'n/a',
        }])));
      }
      if (out.results.some((r) => r.verdict !== 'pass')) process.exitCode = 1;
      return;
    }
    const out = benchDetect(+values.runs, log);
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else printProcess(out);
    return;
  }
  if (suite === 'train') {
    const { values } = parseArgs({
      args: rest,
      options: {
        runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false }, 'vs-sklearn': { type: 'boolean', default: false },
        threads: { type: 'string' }, data: { type: 'string' },
      },
    });
    const threads = values.threads?.split(',').map(Number);
    if (threads?.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`--threads takes positive integers, e.g. 1,2; got ${values.threads}`);
    const out = await benchTrainSuite({ runs: +values.runs, vsSklearn: values['vs-sklearn'], threads, data: values.data }, log);
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else printTrain(out);
    return;
  }
  if (suite === 'pcap') {
    const { values } = parseArgs({
      args: rest,
      options: { packets: { type: 'string' }, file: { type: 'string' }, gigabytes: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const out = await benchPcap({
      packets: values.packets ? +values.packets : undefined, file: values.file, gigabytes: values.gigabytes ? +values.gigabytes : undefined,
    }, log);
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else printPcap(out);
    return;
  }
  if (suite === 'load') {
    const opts = parseLoadArgs(rest);
    const out = await benchLoad(opts, log);
    if (opts.json) process.stdout.write(JSON.stringify(out) + '\n');
    else printLoad(out);
    if (out.verdict !== 'pass') process.exitCode = 1; // a fail or an unmeasured criterion never exits 0
    return;
  }
  if (suite === 'soak') {
    const { values } = parseArgs({
      args: rest,
      options: {
        seconds: { type: 'string', default: '300' }, rate: { type: 'string', default: '50000' }, 'node-flags': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const nodeFlags = values['node-flags'] === undefined ? undefined : splitFlags(values['node-flags']);
    const out = await benchSoak({ seconds: +values.seconds, rate: +values.rate, nodeFlags }, log);
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else printSoak(out);
    return;
  }
  log(`unknown benchmark "${suite ?? ''}". Suites: kmeans, http, detect, train, pcap, soak, load`);
  process.exitCode = 2;
}

function printProcess(out: ReturnType<typeof benchDetect>): void {
  console.log(machineLine(out.machine));
  console.log(out.command);
  const b = out.bin;
  console.table({
    [out.command.split(' -- ')[0]]: { runs: out.runs, 'best s': out.bestSeconds, 'median s': out.medianSeconds, 'peak MiB': out.maxRssMiB ?? 'n/a', floor: '', verdict: '' },
    'bin/anomalyze.mjs detect': { runs: b.runs, 'best s': b.bestSeconds, 'median s': b.medianSeconds, 'peak MiB': b.maxRssMiB ?? 'n/a', floor: `≤ ${b.floorSeconds} s`, verdict: b.verdict },
  });
  const ref = out.reference.pythonDetect;
  console.log(`  Python tool's detection script (quoted, not run here): ${ref.seconds} s, ${ref.maxRssMiB} MiB; the floor is half its time, for the bin`);
  console.log(`  npm run detect faster: ${out.medianSeconds < ref.seconds ? 'yes' : 'no'}; lighter: ${out.maxRssMiB !== null && out.maxRssMiB < ref.maxRssMiB ? 'yes' : 'no'}`);
}

await main();
