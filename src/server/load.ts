// Loading the detector without a file system: the compiled core (bytes or a
// WebAssembly.Module) and a function that returns a model file's bytes by name.
// Each runtime entry supplies these its own way.

import { Detector } from '../detect/detector.ts';
import { Engine, type CoreSource } from '../engine/index.ts';
import { decodeModel, type FileReader } from '../model/format.ts';

export async function loadDetector(wasm: CoreSource, readModelFile: FileReader, where = 'model'): Promise<Detector> {
  const engine = await Engine.load(wasm);
  return new Detector(await decodeModel(engine, readModelFile, where));
}
