// The script of a Node worker thread that runs engine work (training folds, detection
// batches). Bundled (build/cli/*.mjs), the worker sits beside its CLI as <name>.mjs and
// runs on plain node; from the sources it is TypeScript, so its thread registers the same
// loader (tsx) before importing it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `from`: the import.meta.url of the module that starts the worker, beside which it lives. */
export function workerScript(from: string, name: string): URL {
  const bundled = new URL(`./${name}.mjs`, from);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  const bootstrap = `
    const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
    register();
    await import(${JSON.stringify(new URL(`./${name}.ts`, from).href)});
  `;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}
