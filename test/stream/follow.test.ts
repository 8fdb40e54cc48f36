// follow() against real files in a temp dir: growth, rename rotation, truncation,
// a file that appears late. Every line must arrive exactly once, in order.

import { appendFileSync, closeSync, mkdtempSync, openSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { follow, type FollowEvent } from '../../src/stream/follow.ts';
import { splitLines } from '../../src/stream/lines.ts';

let dir: string;
let path: string;
const stops: AbortController[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anomalyze-follow-'));
  path = join(dir, 'conn.log');
});
afterEach(() => {
  for (const c of stops.splice(0)) c.abort();
  rmSync(dir, { recursive: true, force: true });
});

/** Follows `path` in the background, collecting lines and events until stopped. */
function reader(opts: { from?: 'start' | 'end'; terminateLines?: boolean } = {}) {
  const controller = new AbortController();
  stops.push(controller);
  const lines: string[] = [];
  const events: FollowEvent[] = [];
  const done = (async () => {
    for await (const line of splitLines(follow(path, { ...opts, signal: controller.signal, pollIntervalMs: 10, onEvent: (e) => events.push(e) }))) {
      lines.push(line);
    }
  })();
  return {
    lines, events, done,
    stop: async () => {
      controller.abort();
      await done;
    },
    /** Waits (bounded) until n lines have arrived. */
    until: (n: number) => expect.poll(() => lines.length, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(n),
    event: (type: FollowEvent['type'], count = 1) =>
      expect.poll(() => events.filter((e) => e.type === type).length, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(count),
  };
}

const numbered = (from: number, to: number, prefix = 'line') => Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`);
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
const tick = () => new Promise((r) => setTimeout(r, 3));

describe('follow', () => {
  it('keeps reading as the file grows, including lines written in pieces', async () => {
    writeFileSync(path, text(numbered(1, 100)));
    const r = reader();
    await r.until(100);
    for (let i = 101; i <= 300; i++) {
      appendFileSync(path, `line ${i}`);
      if (i % 7 === 0) await tick(); // the reader sees a half-written line sometimes
      appendFileSync(path, '\n');
    }
    await r.until(300);
    await r.stop();
    expect(r.lines).toEqual(numbered(1, 300));
  });

  it('survives rotation by rename: finishes the old file (even late writes to it), then reads the new one from the start', async () => {
    writeFileSync(path, '');
    const r = reader();
    const expected: string[] = [];
    let n = 0;
    for (let rotation = 0; rotation < 5; rotation++) {
      const fd = openSync(path, 'a');
      for (let burst = 0; burst < 10; burst++) {
        const lines = numbered(n + 1, n + 20);
        n += 20;
        writeSync(fd, text(lines));
        expected.push(...lines);
        await tick();
      }
      // logrotate-style: rename, the writer still has the old file open and writes to it once more,
      // then the new file appears at the path.
      renameSync(path, join(dir, `conn.log.${rotation}`));
      const late = numbered(n + 1, n + 3, 'late');
      n += 3;
      writeSync(fd, text(late));
      expected.push(...late);
      closeSync(fd);
      writeFileSync(path, '');
    }
    appendFileSync(path, text(['last']));
    expected.push('last');
    await r.until(expected.length);
    await r.event('rotated', 5);
    await r.stop();
    expect(r.lines).toEqual(expected); // exactly once each, in order
  });

  it('restarts from the beginning after truncation', async () => {
    writeFileSync(path, text(numbered(1, 50)));
    const r = reader();
    await r.until(50);
    truncateSync(path, 0);
    await r.event('truncated');
    appendFileSync(path, text(numbered(1, 80, 'after')));
    await r.until(130);
    await r.stop();
    expect(r.lines).toEqual([...numbered(1, 50), ...numbered(1, 80, 'after')]);
    expect(r.events.find((e) => e.type === 'truncated')).toMatchObject({ size: 0, position: text(numbered(1, 50)).length });
  });

  it('waits for a missing file to appear', async () => {
    const r = reader();
    await r.event('waiting');
    expect(r.lines).toEqual([]);
    writeFileSync(path, text(['hello', 'world']));
    await r.until(2);
    await r.stop();
    expect(r.lines).toEqual(['hello', 'world']);
    expect(r.events.map((e) => e.type)).toEqual(['waiting', 'opened']);
  });

  it("with from: 'end', reads only what is written after it starts", async () => {
    writeFileSync(path, text(['old 1', 'old 2']));
    const r = reader({ from: 'end' });
    await r.event('opened');
    appendFileSync(path, text(['new 1']));
    await r.until(1);
    await r.stop();
    expect(r.lines).toEqual(['new 1']);
  });

  it('ends an unterminated last line at rotation instead of gluing it to the next file', async () => {
    writeFileSync(path, 'complete\nhalf');
    const r = reader();
    await r.until(1);
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'next\n');
    await r.until(3);
    await r.stop();
    expect(r.lines).toEqual(['complete', 'half', 'next']);
  });

  it('stops promptly on abort while waiting, and ends without an error', async () => {
    writeFileSync(path, 'x\n');
    const r = reader();
    await r.until(1);
    const started = Date.now();
    await r.stop();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says clearly when the path cannot be followed', async () => {
    const it = follow(dir, { pollIntervalMs: 10 });
    await expect(it.next()).rejects.toThrow(/Cannot follow .*: it is a directory/);
  });
});

describe('splitLines', () => {
  async function* chunks(...parts: (string | Uint8Array)[]) {
    for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
  }
  const collect = async (src: AsyncIterable<string>) => {
    const out: string[] = [];
    for await (const l of src) out.push(l);
    return out;
  };

  it('splits across chunks, strips CRLF, keeps a last line without newline, and keeps split UTF-8 intact', async () => {
    const euro = Buffer.from('€'); // 3 bytes, split across chunks below
    expect(await collect(splitLines(chunks('a,b\r\nc', 'd\n\n', euro.subarray(0, 1), euro.subarray(1), '\nend')))).toEqual(['a,b', 'cd', '', '€', 'end']);
  });

  it('skips and reports lines over the limit', async () => {
    const sizes: number[] = [];
    const out = await collect(splitLines(chunks('ok\n', 'x'.repeat(8), 'y'.repeat(8), '\nfine\n'), { maxLineBytes: 10, onOversizedLine: (n) => sizes.push(n) }));
    expect(out).toEqual(['ok', 'fine']);
    expect(sizes).toEqual([16]);
  });
});
