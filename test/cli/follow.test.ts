// `npm run detect -- --follow`: a growing, rotating, truncated log is scored line
// by line without loss; SIGHUP reloads the model without dropping a line; SIGTERM
// ends with the summary and flushed alerts. Waits are condition polls with
// generous deadlines (no timing assertions).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { ROOT } from '../helpers/cli.ts';

const CLI = join(ROOT, 'build/cli/detect.mjs');
let child: ChildProcess | null = null;
let dir = '';
afterEach(() => { child?.kill('SIGKILL'); child = null; if (dir) rmSync(dir, { recursive: true, force: true }); });

function start(args: string[]): { lines: () => string[]; stderr: () => string; exited: Promise<number> } {
  let out = '';
  let err = '';
  child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number>((resolve) => child!.on('close', (code) => resolve(code ?? -1)));
  return { lines: () => out.split('\n').filter(Boolean), stderr: () => err, exited };
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('detect --follow', () => {
  it('scores every line across growth, rotation and truncation, reloads on SIGHUP, ends on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'anomalyze-follow-'));
    const log = join(dir, 'traffic.csv');
    const rows = generateTraffic({ rows: 400, seed: 21, attackRate: 0.2 }).trimEnd().split('\n').map((l) => l + '\n');
    writeFileSync(log, rows.slice(0, 100).join(''));
    const eve = join(dir, 'eve.json');
    const run = start([log, '--follow', '--format', 'ndjson', '--all', '--max-latency', '100', '--alerts', `eve:${eve}`]);
    const records = () => run.lines().filter((l) => l.startsWith('{"row"'));
    await until(() => records().length === 100, 'the first 100 rows');
    appendFileSync(log, rows.slice(100, 200).join(''));
    await until(() => records().length === 200, 'the appended rows');
    child!.kill('SIGHUP');
    await until(() => run.stderr().includes('SIGHUP'), 'the reload');
    renameSync(log, log + '.1'); // rotation: a new file at the path
    writeFileSync(log, rows.slice(200, 300).join(''));
    await until(() => records().length === 300, 'the rotated file');
    writeFileSync(log, rows.slice(300, 350).join('')); // truncation and rewrite
    await until(() => records().length === 350, 'the truncated file');
    child!.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const all = records().map((l) => JSON.parse(l));
    expect(all.map((r) => r.row)).toEqual(Array.from({ length: 350 }, (_, i) => i + 1)); // none lost, none twice
    const summary = JSON.parse(run.lines().at(-1)!);
    expect(summary.summary.rows).toBe(350);
    const alerts = readFileSync(eve, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(all.filter((r) => r.anomaly).length);
    expect(alerts.every((a) => a.event_type === 'alert')).toBe(true);
    expect(run.stderr()).toMatch(/rotated/);
    expect(run.stderr()).toMatch(/model reloaded/);
  }, 60_000);

  it('reads a pipe on stdin live: rows come out before the pipe is closed', async () => {
    const rows = generateTraffic({ rows: 30, seed: 5 }).trimEnd().split('\n').map((l) => l + '\n');
    const run = start(['-', '--format', 'ndjson', '--all', '--max-latency', '100']);
    child!.stdin!.write(rows.slice(0, 10).join(''));
    await until(() => run.lines().length === 10, 'the first rows while stdin is still open');
    child!.stdin!.end(rows.slice(10).join(''));
    expect(await run.exited).toBe(0);
    expect(run.lines()).toHaveLength(31); // 30 records and the summary
  }, 30_000);
});
