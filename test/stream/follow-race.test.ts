// The rotation race, made deterministic: the writer appends to the old file and
// renames it in the moment between the reader reaching the end and checking the
// path. Those lines must still be read, once, before the new file.

import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

const race = vi.hoisted(() => ({ action: null as null | (() => void) }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    // follow() stats the path only at the end of the file: run the writer's move just before.
    stat: async (...args: Parameters<typeof real.stat>) => {
      const act = race.action;
      race.action = null;
      act?.();
      return real.stat(...args);
    },
  };
});

const { follow } = await import('../../src/stream/follow.ts');
const { splitLines } = await import('../../src/stream/lines.ts');

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('reads what was written to the old file between its end and the rename', async () => {
  dir = mkdtempSync(join(tmpdir(), 'anomalyze-race-'));
  const path = join(dir, 'eve.json');
  writeFileSync(path, 'a\nb\n');
  race.action = () => {
    appendFileSync(path, 'c\nd\n'); // after the reader's last read of the old file…
    renameSync(path, `${path}.1`); // …then rotated away
    writeFileSync(path, 'e\n');
  };
  const controller = new AbortController();
  const lines: string[] = [];
  const done = (async () => {
    for await (const l of splitLines(follow(path, { signal: controller.signal, pollIntervalMs: 10 }))) {
      lines.push(l);
      if (lines.length === 5) controller.abort();
    }
  })();
  await expect.poll(() => lines.length, { timeout: 10_000 }).toBe(5);
  controller.abort();
  await done;
  expect(lines).toEqual(['a', 'b', 'c', 'd', 'e']);
});
