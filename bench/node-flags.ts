// The node flags of the npm scripts people run, for the benchmarks that start those programs
// themselves: `npm run bench -- soak` runs the detector as `npm run detect` does, and
// `npm run bench -- load` the server as `npm start` does, so what is measured is what runs.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('../package.json', import.meta.url));

/**
 * The flags between the runner and the entry of an npm script: "node --a --b build/cli/detect.mjs"
 * gives ["--a", "--b"] for runner "node", entry "build/cli/detect.mjs". Throws when the script
 * no longer has that shape, so that a benchmark never silently runs something else.
 */
export function scriptNodeFlags(script: string, runner: string, entry: string, pkgJson = readFileSync(PACKAGE, 'utf8')): string[] {
  const command = (JSON.parse(pkgJson) as { scripts?: Record<string, string> }).scripts?.[script];
  const words = command?.trim().split(/\s+/) ?? [];
  const at = words.indexOf(entry);
  if (words[0] !== runner || at < 0 || words.slice(1, at).some((w) => !w.startsWith('--'))) {
    throw new Error(`package.json's "${script}" script is ${command === undefined ? 'missing' : JSON.stringify(command)}: expected "${runner} [--node-flags] ${entry} …". Update bench/node-flags.ts together with the script.`);
  }
  return words.slice(1, at);
}

/** `npm run detect`'s node flags (node … build/cli/detect.mjs). */
export const detectNodeFlags = (): string[] => scriptNodeFlags('detect', 'node', 'build/cli/detect.mjs');

/** The bundled server (src/server/node.ts) that `npm start` runs. */
export const SERVER_ENTRY = 'build/cli/server.mjs';

/** `npm start`'s node flags (node … build/cli/server.mjs). */
export const serverNodeFlags = (): string[] => scriptNodeFlags('start', 'node', SERVER_ENTRY);
