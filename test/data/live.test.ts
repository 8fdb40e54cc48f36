// Live inputs: rows are scored when the input pauses, not only when a batch fills.
// Each producer below waits until the reader has handed on the rows sent so far;
// if partial batches were not flushed on idle ticks, the test would hang (and fail
// on its timeout) instead of passing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withIdleTicks } from '../../src/data/idle.ts';
import { readBatches } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  return { open, opened };
}

async function collect(input: AsyncIterable<Uint8Array | string>, afterFirst: () => void, live = true): Promise<number[]> {
  const counts: number[] = [];
  for await (const b of readBatches(withIdleTicks(input, 20), { batchSize: 1000, live })) {
    counts.push(b.count);
    if (counts.length === 1) afterFirst();
  }
  return counts;
}

describe('live inputs', () => {
  it('a CSV feed: rows before a pause are scored before the next rows exist', async () => {
    const lines = generateTraffic({ rows: 8, seed: 3 }).trimEnd().split('\n').map((l) => l + '\n');
    const g = gate();
    const feed = async function* () {
      yield lines.slice(0, 3).join('');
      await g.opened; // only once the first three rows came out
      yield lines.slice(3).join('');
    };
    expect(await collect(feed(), g.open)).toEqual([3, 5]);
  }, 10_000);

  it('a Zeek JSON-lines feed: the same, with lines scored as they arrive', async () => {
    const lines = readFileSync(new URL('../fixtures/zeek/conn.json', import.meta.url), 'utf8').trimEnd().split('\n').map((l) => l + '\n');
    expect(lines.length).toBeGreaterThan(3);
    const g = gate();
    const feed = async function* () {
      yield lines.slice(0, 2).join('');
      await g.opened;
      yield lines.slice(2).join('');
    };
    const counts = await collect(feed(), g.open);
    expect(counts[0]).toBe(2);
    // Every connection line is scored (the fixture's unknown_transport line is not a connection).
    expect(counts.reduce((a, b) => a + b, 0)).toBe(lines.filter((l) => !l.includes('unknown_transport')).length);
  }, 10_000);

  it('a consumer may stop during a pause: it does not wait for the quiet input\'s next chunk', async () => {
    let returned = false;
    const quiet = async function* () {
      try {
        yield new TextEncoder().encode('a');
        await new Promise(() => {}); // never more input (an open request body, a socket)
      } finally {
        returned = true;
      }
    };
    const seen: number[] = [];
    for await (const chunk of withIdleTicks(quiet(), 20)) {
      seen.push(chunk.length);
      if (chunk.length === 0) break; // the first tick: stop, as the stream's idle limit does
    }
    expect(seen).toEqual([1, 0]);
    expect(returned).toBe(false); // the read in flight still holds the input; it is told to stop after it
  }, 10_000);

  it('idle ticks do not change what a file reads as', async () => {
    const csv = generateTraffic({ rows: 2500, seed: 8 });
    const plain: number[] = [];
    for await (const b of readBatches(csv, { batchSize: 1000 })) plain.push(b.count);
    const ticked: number[] = [];
    for await (const b of readBatches(withIdleTicks((async function* () { yield csv; })(), 20), { batchSize: 1000, live: true })) ticked.push(b.count);
    expect(ticked).toEqual(plain);
  });
});
