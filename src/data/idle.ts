// Live inputs (a followed log, a pipe from a sensor) pause for as long as the
// traffic does. To keep the time from a record to its alert bounded, the input
// yields an empty chunk after `ms` without data: the readers treat an empty
// chunk as "flush what you have", so a partial batch is scored at once.

export async function* withIdleTicks<T extends Uint8Array | string>(input: AsyncIterable<T>, ms: number): AsyncGenerator<T | Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  let done = false;
  try {
    while (true) {
      pending ??= it.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<'tick'>((resolve) => { timer = setTimeout(() => resolve('tick'), ms); });
      const r = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (r === 'tick') {
        yield new Uint8Array(0);
        continue;
      }
      pending = null;
      if (r.done) { done = true; return; }
      if (r.value.length > 0) yield r.value;
    }
  } finally {
    if (!done) {
      // A read still in flight (the input is quiet) cannot be interrupted: an async
      // generator queues return() behind it, so waiting here would wait for more input.
      const closing = it.return?.(undefined);
      if (pending) closing?.catch(() => {});
      else await closing;
    }
  }
}
