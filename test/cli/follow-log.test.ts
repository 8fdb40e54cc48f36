// `detect --follow --log-format json`, as under systemd: the rotation, the truncation,
// the SIGHUP reload and the stop are JSON log lines on stderr, with statistics that
// say how far behind the file the detector is; stdout keeps only the records.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { ROOT } from '../helpers/cli.ts';

const CLI = join(ROOT, 'build/cli/detect.mjs');
let child: ChildProcess | null = null;
let dir = '';
afterEach(() => { child?.kill('SIGKILL'); child = null; if (dir) rmSync(dir, { recursive: true, force: true }); });

type Entry = Record<string, unknown> & { time: string; level: string; msg: string };

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('detect --follow --log-format json', () => {
  it('logs rotation, truncation, reload, statistics and the stop as JSON lines', async () => {
    dir = mkdtempSync(join(tmpdir(), 'anomalyze-follow-log-'));
    const log = join(dir, 'traffic.csv');
    const rows = generateTraffic({ rows: 300, seed: 8, attackRate: 0.2 }).trimEnd().split('\n').map((l) => l + '\n');
    writeFileSync(log, rows.slice(0, 100).join(''));
    let out = '';
    let err = '';
    child = spawn(process.execPath, [CLI, log, '--follow', '--format', 'ndjson', '--all', '--max-latency', '100', '--log-format', 'json', '--stats-interval', '300'], { cwd: ROOT });
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { err += d; });
    const exited = new Promise<number>((resolve) => child!.on('close', (code) => resolve(code ?? -1)));
    // Every complete stderr line must be a JSON log entry.
    const logs = (): Entry[] => err.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Entry);
    const has = (msg: string) => logs().some((e) => e.msg === msg);
    const records = () => out.split('\n').filter((l) => l.startsWith('{"row"')).length;

    await until(() => records() === 100, 'the first 100 rows');
    await until(() => logs().some((e) => e.msg === 'stats' && e.rows === 100 && e.lagBytes === 0), 'statistics caught up with the file');
    renameSync(log, log + '.1'); // rotation
    writeFileSync(log, rows.slice(100, 200).join(''));
    await until(() => has('input rotated') && records() === 200, 'the rotated file');
    writeFileSync(log, rows.slice(200, 250).join('')); // truncation and rewrite
    await until(() => has('input truncated') && records() === 250, 'the truncated file');
    child.kill('SIGHUP');
    await until(() => has('model reloaded'), 'the reload');
    appendFileSync(log, rows.slice(250).join(''));
    await until(() => records() === 300, 'the rows after the reload');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const all = logs();
    expect(err.endsWith('\n')).toBe(true);
    for (const e of all) {
      expect(Number.isNaN(Date.parse(e.time))).toBe(false);
      expect(['debug', 'info', 'warn', 'error']).toContain(e.level);
    }
    const msgs = all.map((e) => e.msg);
    expect(msgs[0]).toBe('detect started');
    expect(all[0]).toMatchObject({ live: true, options: { follow: true, statsIntervalMs: 300 } });
    expect(all.find((e) => e.msg === 'input opened')).toEqual(expect.objectContaining({ path: log, position: 0 }));
    expect(all.find((e) => e.msg === 'input rotated')).toEqual(expect.objectContaining({ level: 'info', path: log }));
    expect(all.find((e) => e.msg === 'input truncated')).toEqual(expect.objectContaining({ path: log, size: expect.any(Number), position: expect.any(Number) }));
    expect(all.find((e) => e.msg === 'model reload requested')).toMatchObject({ signal: 'SIGHUP' });
    expect(all.find((e) => e.msg === 'model reloaded')).toMatchObject({ ok: true, models: [expect.stringMatching(/^default-/), expect.any(String)] });
    expect(all.find((e) => e.msg === 'stopping')).toMatchObject({ signal: 'SIGTERM' });
    expect(all.at(-1)).toMatchObject({ msg: 'summary', summary: { rows: 300 } });
    // Order: rotation before truncation before the reload before the stop.
    const at = (m: string) => msgs.indexOf(m);
    expect(at('input rotated')).toBeLessThan(at('input truncated'));
    expect(at('input truncated')).toBeLessThan(at('model reload requested'));
    expect(at('model reloaded')).toBeLessThan(at('stopping'));
    // stdout: records and the summary line, nothing else.
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).map((r) => r.row)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(lines.at(-1).summary.rows).toBe(300);
  }, 90_000);

  it('logs a failed reload with its reason and keeps scoring with the old model', async () => {
    dir = mkdtempSync(join(tmpdir(), 'anomalyze-follow-log-'));
    const model = join(dir, 'model');
    cpSync(join(ROOT, 'models/default'), model, { recursive: true });
    const log = join(dir, 'traffic.csv');
    const rows = generateTraffic({ rows: 60, seed: 9 }).trimEnd().split('\n').map((l) => l + '\n');
    writeFileSync(log, rows.slice(0, 30).join(''));
    let out = '';
    let err = '';
    child = spawn(process.execPath, [CLI, log, '--follow', '--model', model, '--format', 'ndjson', '--all', '--max-latency', '100', '--log-format', 'json'], { cwd: ROOT });
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { err += d; });
    const exited = new Promise<number>((resolve) => child!.on('close', (code) => resolve(code ?? -1)));
    const logs = (): Entry[] => err.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Entry);
    const records = () => out.split('\n').filter((l) => l.startsWith('{"row"')).length;
    await until(() => records() === 30, 'the first rows');
    writeFileSync(join(model, 'manifest.json'), '{ not json'); // a retrain that went wrong
    child.kill('SIGHUP');
    await until(() => logs().some((e) => e.msg === 'model reload failed'), 'the failed reload');
    appendFileSync(log, rows.slice(30).join(''));
    await until(() => records() === 60, 'the rows after it');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const failed = logs().find((e) => e.msg === 'model reload failed')!;
    expect(failed).toMatchObject({ level: 'warn', ok: false, kept: expect.stringMatching(/^default-/) });
    expect(failed.reason).toMatch(/manifest/i);
  }, 60_000);
});
