// Host-managed scratch memory: the TypeScript engine allocates inputs here,
// copies data in once per call and frees everything when the call ends.
// Every allocation goes through this file and is counted, so tests can check
// that no call leaves a block behind.

let live: i32 = 0;

export function alloc(bytes: usize): usize {
  live++;
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  live--;
  heap.free(ptr);
}

/** Zero-initialised allocation for internal scratch buffers (free with `free`). */
export function allocZeroed(bytes: usize): usize {
  const ptr = alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** Blocks allocated and not yet freed. */
export function liveBlocks(): i32 {
  return live;
}
