// An instantiated compute core. Estimators take an Engine so that many models
// share one wasm instance (and one memory) per process, worker or isolate.

import { loadCore, loadCoreSync, type CoreExports, type CoreSource } from './core.ts';
import { chooseCore, type CoreVariant } from './select.ts';

export class Engine {
  /** `variant` is the build chosen by `loadBuilds`; 'unknown' when the caller handed in one build. */
  private constructor(readonly core: CoreExports, readonly variant: CoreVariant | 'unknown' = 'unknown') {}

  static async load(source: CoreSource): Promise<Engine> {
    return new Engine(await loadCore(source));
  }

  static loadSync(source: CoreSource): Engine {
    return new Engine(loadCoreSync(source));
  }

  /**
   * Instantiates the best build this runtime supports: the relaxed-SIMD build when
   * given and supported, else the plain SIMD one (`prefer: 'simd'` pins it).
   */
  static async loadBuilds(builds: { simd: CoreSource; relaxed?: CoreSource | null }, prefer: 'auto' | 'simd' = 'auto'): Promise<Engine> {
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
