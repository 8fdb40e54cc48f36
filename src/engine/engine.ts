// An instantiated compute core. Estimators take an Engine so that many models
// share one wasm instance (and one memory) per process, worker or isolate.

import { loadCore, loadCoreSync, type CoreExports, type CoreSource } from './core.ts';

export class Engine {
  private constructor(readonly core: CoreExports) {}

  static async load(source: CoreSource): Promise<Engine> {
    return new Engine(await loadCore(source));
  }

  static loadSync(source: CoreSource): Engine {
    return new Engine(loadCoreSync(source));
  }

  /** Bytes currently reserved by the module's linear memory. */
  get memoryBytes(): number {
    return this.core.memory.buffer.byteLength;
  }

  /** Blocks allocated in the module and not yet freed (for leak checks). */
  get liveBlocks(): number {
    return this.core.liveBlocks();
  }
}
