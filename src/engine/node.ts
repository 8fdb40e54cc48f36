// Node entry: reads the compiled module from build/ (npm run build makes it).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Engine } from './engine.ts';

export const WASM_PATH = fileURLToPath(new URL('../../build/anomalyze.wasm', import.meta.url));
export const WASM_SCALAR_PATH = fileURLToPath(new URL('../../build/anomalyze-scalar.wasm', import.meta.url));

let shared: Promise<Engine> | undefined;

/** The process-wide engine on the SIMD build (or another build, uncached). */
export function loadEngine(path: string = WASM_PATH): Promise<Engine> {
  if (path !== WASM_PATH) return readWasm(path).then((b) => Engine.load(b));
  shared ??= readWasm(path).then((b) => Engine.load(b));
  return shared;
}

async function readWasm(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${path} is missing: run \`npm run build\` to compile the WebAssembly core`);
    }
    throw err;
  }
}
