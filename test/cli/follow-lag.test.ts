import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FollowLag } from '../../src/cli/follow-lag.ts';

const dir = mkdtempSync(join(tmpdir(), 'anomalyze-lag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FollowLag', () => {
  it('is the bytes of the file not read yet, across --from-end, growth, truncation and rotation', async () => {
    const path = join(dir, 'conn.log');
    writeFileSync(path, 'x'.repeat(1000));
    const lag = new FollowLag(path);
    expect(await lag.bytes()).toBeNull(); // nothing open yet
    lag.onEvent({ type: 'opened', path, position: 1000 }); // --from-end
    expect(await lag.bytes()).toBe(0);
    appendFileSync(path, 'y'.repeat(500));
    expect(await lag.bytes()).toBe(500);
    lag.onChunk(200);
    expect(await lag.bytes()).toBe(300);
    writeFileSync(path, 'z'.repeat(100)); // truncated and rewritten
    lag.onEvent({ type: 'truncated', path, size: 100, position: 1200 });
    expect(await lag.bytes()).toBe(100);
    lag.onEvent({ type: 'rotated', path });
    expect(await lag.bytes()).toBeNull(); // between two files
    lag.onEvent({ type: 'opened', path, position: 0 });
    lag.onChunk(40);
    expect(await lag.bytes()).toBe(60);
  });
});
