#!/usr/bin/env -S node --no-liftoff --max-semi-space-size=4 --heap-growing-percent=30
// `npx anomalyze <command> …`: runs the bundled CLIs (build/cli/*.mjs, made by
// `npm run build`) in this very process, on plain node — no npm or tsx start-up.
// The node flags are those of `npm run detect` (wasm straight to the optimising
// compiler; a small young generation, which lowers peak memory; the old generation
// collected once it has grown 30 % past its live data, where V8 would let a small heap
// grow up to fourfold); `node bin/anomalyze.mjs` works too, without them. Plain JavaScript: it must run before anything is compiled.

import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COMMANDS = {
  detect: 'score a capture, Zeek conn.log, flow export or KDD CSV against a model',
  train: 'train a model on labelled KDD data or on your own normal traffic',
  sample: 'write synthetic KDD-format traffic (labelled) to stdout',
};

const USAGE = `usage: anomalyze <command> [options]      (anomalyze <command> --help for its options)

${Object.entries(COMMANDS).map(([name, what]) => `  ${name.padEnd(8)} ${what}`).join('\n')}

  e.g. anomalyze sample --rows 1000 > sample.csv && anomalyze detect sample.csv`;

const [command, ...args] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
  process.exit(command === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(`error: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
  process.exit(2);
}

const bundle = fileURLToPath(new URL(`../build/cli/${command}.mjs`, import.meta.url));
if (!existsSync(bundle)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`error: ${bundle} is missing: the CLI has not been built. Run \`npm run build\` (or \`npm run build:cli\`) in ${root} first.\n`);
  process.exit(1);
}
// The CLI reads its options from process.argv, as if it had been started itself, and
// names itself `anomalyze <command>` in its usage (src/cli/program.ts).
globalThis[Symbol.for('anomalyze.bin')] = true;
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
