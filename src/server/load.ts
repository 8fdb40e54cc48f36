// Loading the detector without a file system: the compiled core (bytes or a
// WebAssembly.Module — or both builds, of which the runtime's best is chosen) and a
// function that returns a model file's bytes by name. Each runtime entry supplies
// these its own way.

import { Detector } from '../detect/detector.ts';
import { Engine, type CoreBuilds, type CoreSource } from '../engine/index.ts';
import { decodeModel, type FileReader } from '../model/format.ts';

export async function loadDetector(wasm: CoreSource | CoreBuilds<CoreSource>, readModelFile: FileReader, where = 'model'): Promise<Detector> {
  const engine = isBuilds(wasm) ? await Engine.loadBuilds(wasm) : await Engine.load(wasm);
  return new Detector(await decodeModel(engine, readModelFile, where));
}

function isBuilds(wasm: CoreSource | CoreBuilds<CoreSource>): wasm is CoreBuilds<CoreSource> {
  return !(wasm instanceof WebAssembly.Module) && !ArrayBuffer.isView(wasm) && !(wasm instanceof ArrayBuffer) && 'simd' in wasm;
}
