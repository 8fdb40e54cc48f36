// Which build of the compute core this runtime should run. The relaxed-SIMD build
// (build/anomalyze-relaxed.wasm, the same source with fused multiply-adds) is
// faster where the runtime supports relaxed SIMD (Deno 2, workerd, Chromium,
// Node ≥ 22); elsewhere (Node 20 without --experimental-wasm-relaxed-simd) the
// plain SIMD build runs. Every loader picks its bytes through `chooseCore`.
//
// The two builds can differ in the last bits of distances (an FMA rounds once),
// so where results must be byte-reproducible across runtimes — training the
// committed default model — load the plain SIMD build explicitly.

export type CoreVariant = 'relaxed-simd' | 'simd';

/** Both builds of the core (bytes, compiled modules or URLs); `relaxed` may be absent (an older build or deployment). */
export interface CoreBuilds<T> { simd: T; relaxed?: T | null }

// (module (func (result v128) v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd))
const ZERO_V128 = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const BODY = [0x00, ...ZERO_V128, ...ZERO_V128, ...ZERO_V128, 0xfd, 0x85, 0x02, 0x0b];
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,       // type: () -> v128
  0x03, 0x02, 0x01, 0x00,                         // one function of that type
  0x0a, BODY.length + 2, 0x01, BODY.length, ...BODY,
]);

let relaxed: boolean | undefined;

/** Whether this runtime validates relaxed-SIMD instructions (checked once). */
export function hasRelaxedSimd(): boolean {
  if (relaxed === undefined) {
    try {
      relaxed = WebAssembly.validate(RELAXED_PROBE);
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

/**
 * Picks the build to instantiate: the relaxed-SIMD one when it is supplied and the
 * runtime supports it, else the plain SIMD one. `prefer: 'simd'` pins the plain build.
 */
export function chooseCore<T>(builds: CoreBuilds<T>, prefer: 'auto' | 'simd' = 'auto'): { source: T; variant: CoreVariant } {
  if (prefer === 'auto' && builds.relaxed != null && hasRelaxedSimd()) return { source: builds.relaxed, variant: 'relaxed-simd' };
  return { source: builds.simd, variant: 'simd' };
}
