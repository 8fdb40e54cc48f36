// An endless stream of lines or records → batches of at most maxSize items or at
// most maxLatencyMs after the batch's first item, whichever comes first, so that
// a live feed is scored promptly when quiet and efficiently when busy.

export interface BatchOptions {
  /** Items per batch at most; default 1000. */
  maxSize?: number;
  /** How long the first item of a batch may wait for company; default 1000 ms. */
  maxLatencyMs?: number;
}

export async function* batch<T>(source: AsyncIterable<T>, opts: BatchOptions = {}): AsyncGenerator<T[]> {
  const maxSize = opts.maxSize ?? 1000;
  const maxLatency = opts.maxLatencyMs ?? 1000;
  if (!(Number.isInteger(maxSize) && maxSize >= 1)) throw new RangeError(`batch: maxSize must be a whole number ≥ 1, got ${maxSize}.`);
  if (!(maxLatency >= 0)) throw new RangeError(`batch: maxLatencyMs must be ≥ 0, got ${maxLatency}.`);
  const it = source[Symbol.asyncIterator]();
  // A next() that lost a race against the deadline stays pending and is awaited next time:
  // an async iterator's next() cannot be taken back without losing its item.
  let pending: Promise<IteratorResult<T>> | null = null;
  let current: T[] = [];
  let deadline: { promise: Promise<'deadline'>; cancel(): void } | null = null;
  try {
    for (;;) {
      pending ??= it.next();
      const result = deadline ? await Promise.race([pending, deadline.promise]) : await pending;
      if (result === 'deadline') {
        deadline = null;
        const out = current;
        current = [];
        yield out;
        continue;
      }
      pending = null;
      if (result.done) break;
      current.push(result.value);
      if (current.length === 1) deadline = timer(maxLatency);
      if (current.length >= maxSize) {
        deadline?.cancel();
        deadline = null;
        const out = current;
        current = [];
        yield out;
      }
    }
    deadline?.cancel();
    if (current.length) yield current;
  } finally {
    deadline?.cancel();
    // Stopped early (break, abort): let the source release what it holds.
    if (pending === null) await it.return?.();
    else void it.return?.();
  }
}

function timer(ms: number): { promise: Promise<'deadline'>; cancel(): void } {
  let handle: ReturnType<typeof setTimeout>;
  const promise = new Promise<'deadline'>((resolve) => {
    handle = setTimeout(() => resolve('deadline'), ms);
  });
  return { promise, cancel: () => clearTimeout(handle) };
}
