// A seeded, portable random generator (xoshiro128** seeded through splitmix32).
// Integer-only arithmetic, so every runtime draws the same sequence for a seed.

let s0: u32 = 1;
let s1: u32 = 2;
let s2: u32 = 3;
let s3: u32 = 4;

function splitmix32(state: u32): u32 {
  let z = state;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}

export function seedRandom(seed: u32): void {
  let x = seed;
  x += 0x9e3779b9; s0 = splitmix32(x);
  x += 0x9e3779b9; s1 = splitmix32(x);
  x += 0x9e3779b9; s2 = splitmix32(x);
  x += 0x9e3779b9; s3 = splitmix32(x);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

export function nextU32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform double in [0, 1) with 53 random bits. */
export function nextFloat(): f64 {
  const hi = <u64>(nextU32() >>> 5);  // 27 bits
  const lo = <u64>(nextU32() >>> 6);  // 26 bits
  return <f64>((hi << 26) | lo) * 1.1102230246251565e-16; // 2^-53
}

/** Uniform integer in [0, bound). */
export function nextBelow(bound: i32): i32 {
  return <i32>(nextFloat() * <f64>bound);
}
