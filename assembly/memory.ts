// Host-managed scratch memory: the TypeScript engine allocates inputs here,
// copies data in once per call and frees everything when the call ends.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/** Zero-initialised allocation for internal scratch buffers. */
export function allocZeroed(bytes: usize): usize {
  const ptr = heap.alloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}
