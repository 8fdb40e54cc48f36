// An instantiated compute core. Estimators take an Engine so that many models
// share one wasm instance (and one memory) per process, worker or isolate.

import { loadCore, loadCoreSync, type CoreExports, type CoreSource } from './core.ts';
import { chooseCore, type CoreBuilds, type CoreVariant } from './select.ts';

export class Engine {
  /** `variant` is the build chosen by `loadBuilds`; 'unknown' when the caller handed in one build without saying which. */
  private constructor(readonly core: CoreExports, readonly variant: CoreVariant | 'unknown' = 'unknown') {}

  /** One build; `variant` names it when the caller chose it (the browser fetches only the chosen build). */
  static async load(source: CoreSource, variant: CoreVariant | 'unknown' = 'unknown'): Promise<Engine> {
    return new Engine(await loadCore(source), variant);
  }

  static loadSync(source: CoreSource): Engine {
    return new Engine(loadCoreSync(source));
  }

  /**
   * Instantiates the best build this runtime supports: the relaxed-SIMD build when
   * given and supported, else the plain SIMD one (`prefer: 'simd'` pins it).
   */
  static async loadBuilds(builds: CoreBuilds<CoreSource>, prefer: 'auto' | 'simd' = 'auto'): Promise<Engine> {
    const { source, variant } = chooseCore(builds, prefer);
    return new Engine(await loadCore(source), variant);
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
