import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.ts';

function stderr(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } };
}

/** Updates spaced beyond the bar's 100 ms redraw limit. */
async function run(bar: ReturnType<typeof progressBar>): Promise<void> {
  bar.update(1 << 20, 100);
  await new Promise((r) => setTimeout(r, 120));
  bar.update(2 << 20, 200);
  bar.done();
}

describe('progress bar', () => {
  it('draws on a terminal for a large input', async () => {
    const e = stderr(true);
    await run(progressBar(4 << 20, { stream: e.stream }));
    expect(e.writes.length).toBeGreaterThanOrEqual(2);
    expect(e.writes[0]).toMatch(/^\r {2}\[#+-+\] +\d+%/);
  });

  it('never draws when stderr is not a terminal (a pipe, a file, journald)', async () => {
    const e = stderr(false);
    await run(progressBar(4 << 20, { stream: e.stream }));
    expect(e.writes).toEqual([]);
  });

  it('never draws with json logs, even on a terminal: stderr carries log lines then', async () => {
    const e = stderr(true);
    await run(progressBar(4 << 20, { stream: e.stream, enabled: false }));
    expect(e.writes).toEqual([]);
  });

  it('does not draw for a small input', async () => {
    const e = stderr(true);
    await run(progressBar(1000, { stream: e.stream }));
    expect(e.writes).toEqual([]);
  });
});
