// npm run bench -- <suite> [options]
//   kmeans  --n 67343 --d 122 --k 10 --iters 20 [--repeat 3] [--json]
//   http    [--file <csv>] [--runs 10] [--connections 50] [--duration 10] [--json]

import { parseArgs } from 'node:util';
import { benchHttp, parseHttpArgs, printHttp } from './http.ts';
import { benchKMeans } from './kmeans.ts';

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
  log(`unknown benchmark "${suite ?? ''}". Suites: kmeans, http`);
  process.exitCode = 2;
}

await main();
