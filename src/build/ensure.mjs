// Rebuilds what is older than its sources (the wasm core, the CLI bundles),
// so a stale module is never used, at the cost of a few stat() calls when
// everything is fresh. Plain JavaScript: it must run before any build.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const want = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ['wasm', 'cli']);

function newest(paths) {
  let t = 0;
  for (const p of paths) {
    const full = join(root, p);
    if (!existsSync(full)) continue;
    const s = statSync(full);
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(full).map((e) => join(p, e))));
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}

function stale(outputs, inputs) {
  const oldest = Math.min(...outputs.map((o) => (existsSync(join(root, o)) ? statSync(join(root, o)).mtimeMs : 0)));
  return oldest === 0 || oldest < newest(inputs);
}

function run(script) {
  execFileSync('npm', ['run', '-s', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

if (want.has('wasm') && stale(['build/anomalyze.wasm', 'build/anomalyze-scalar.wasm', 'build/anomalyze-relaxed.wasm'], ['assembly', 'asconfig.json', 'package-lock.json'])) {
  run('build:wasm');
}
if (want.has('cli') && stale(['build/cli/detect.mjs', 'build/cli/train.mjs', 'build/cli/fold-worker.mjs', 'build/cli/sample.mjs', 'build/cli/server.mjs', 'build/cli/detect-worker.mjs'], ['src', 'package-lock.json'])) {
  run('build:cli');
}
