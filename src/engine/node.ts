// Node entry: reads the compiled module from build/ (npm run build makes it).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Engine } from './engine.ts';

/** The plain SIMD build: what Node 20 runs, and what the default model's bytes are reproduced with. */
export const WASM_PATH = fileURLToPath(new URL('../../build/anomalyze.wasm', import.meta.url));
export const WASM_SCALAR_PATH = fileURLToPath(new URL('../../build/anomalyze-scalar.wasm', import.meta.url));
/** The same source with relaxed SIMD (fused multiply-add); only where the runtime validates it. */
export const WASM_RELAXED_PATH = fileURLToPath(new URL('../../build/anomalyze-relaxed.wasm', import.meta.url));

const shared = new Map<string, Promise<Engine>>();

/**
 * The process-wide engine. 'auto' (the default) runs the relaxed-SIMD build where
 * the runtime supports it and the plain SIMD build elsewhere (Node 20: plain);
 * 'simd' or WASM_PATH pins the plain SIMD build (byte-reproducible training);
 * any other path loads that file. Cached per choice.
 */
export function loadEngine(which: 'auto' | 'simd' | string = 'auto'): Promise<Engine> {
  let engine = shared.get(which);
  if (!engine) {
    if (which === 'auto' || which === 'simd') {
      engine = Promise.all([readWasm(WASM_PATH), which === 'auto' ? readFile(WASM_RELAXED_PATH).catch(() => null) : null])
        .then(([simd, relaxed]) => Engine.loadBuilds({ simd, relaxed }, which));
    } else {
      engine = readWasm(which).then((b) => Engine.load(b));
    }
    shared.set(which, engine);
  }
  return engine;
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
