// A dropped or chosen File as reader input: its bytes as Uint8Array chunks (never
// decoded to text here, so captures reach the pcap reader intact), counting bytes
// for the progress bar.

/** File bytes as a stream of chunks, reporting how many bytes were read. */
export async function* countedStream(blob: Blob, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      onBytes(r.value.length);
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
