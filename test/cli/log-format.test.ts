// `npm run detect -- --log-format json`: every stderr line is one JSON object with
// time, level and msg; stdout keeps only the results. Text stays as it was.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const DETECT = 'src/cli/detect.ts';
const dir = mkdtempSync(join(tmpdir(), 'anomalyze-logs-'));
const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };
const sample = generateTraffic({ rows: 400, seed: 12 });
const samplePath = file('sample.csv', sample);

type Entry = Record<string, unknown> & { time: string; level: string; msg: string };

/** Every line of stderr as a log entry; fails on any line that is not one. */
function logLines(stderr: string): Entry[] {
  const lines = stderr.split('\n');
  expect(lines.pop()).toBe(''); // ends with a newline, nothing after it
  return lines.map((l) => {
    const e = JSON.parse(l) as Entry;
    expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    expect(['debug', 'info', 'warn', 'error']).toContain(e.level);
    expect(typeof e.msg).toBe('string');
    return e;
  });
}

describe('detect --log-format json', () => {
  it('logs the start, the model and the summary as JSON lines; stdout has only results', async () => {
    const r = await runCli(DETECT, [samplePath, '--format', 'ndjson', '--log-format', 'json']);
    expect(r.code).toBe(0);
    const logs = logLines(r.stderr);
    expect(logs.map((e) => e.msg)).toEqual(['detect started', 'model selected', 'summary']);
    expect(logs[0]).toMatchObject({
      level: 'info', input: samplePath, source: 'sample.csv', live: false,
      options: { format: 'ndjson', out: 'stdout', follow: false, alerts: [], logLevel: 'info' },
    });
    expect((logs[0].models as string[])[0]).toMatch(/^default-/);
    expect(logs[1]).toMatchObject({ model: (logs[0].models as string[])[0], schema: 'kdd' });
    const summary = logs[2] as Entry & { summary: { rows: number; anomalies: number }; metrics: { f1: number } };
    expect(summary.summary.rows).toBe(400);
    expect(summary.metrics.f1).toEqual(expect.any(Number));
    // stdout: the records and the summary line, as without the option; no log line among them.
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.at(-1).summary.rows).toBe(400);
    expect(out).toHaveLength(summary.summary.anomalies + 1);
    expect(out.every((o) => !('msg' in o) && !('level' in o))).toBe(true);
  });

  it('comes from ANOMALYZE_LOG_FORMAT too, and the flag wins over it', async () => {
    const env = await runCli(DETECT, [samplePath, '--format', 'csv'], undefined, { ANOMALYZE_LOG_FORMAT: 'json' });
    expect(env.code).toBe(0);
    expect(logLines(env.stderr).map((e) => e.msg)).toEqual(['detect started', 'model selected', 'summary']);
    const flag = await runCli(DETECT, [samplePath, '--format', 'csv', '--log-format', 'text'], undefined, { ANOMALYZE_LOG_FORMAT: 'json' });
    expect(flag.code).toBe(0);
    expect(flag.stderr).toMatch(/^Anomalyze — sample\.csv/); // today's summary table
    expect(flag.stderr).not.toContain('{"time"');
  });

  it('filters by --log-level (ANOMALYZE_LOG_LEVEL as default)', async () => {
    const r = await runCli(DETECT, [samplePath, '--format', 'csv', '--log-format', 'json'], undefined, { ANOMALYZE_LOG_LEVEL: 'warn' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const debug = await runCli(DETECT, [samplePath, '--format', 'csv', '--log-format', 'json', '--log-level', 'debug'], undefined, { ANOMALYZE_LOG_LEVEL: 'warn' });
    expect(logLines(debug.stderr)).toHaveLength(3);
  });

  it('reports errors as one JSON line with the exit code and where', async () => {
    const lines = sample.trim().split('\n');
    lines[2] = lines[2].replace(/^(\w+),(\w+),(\w+),(\w+),\d+/, '$1,$2,$3,$4,abc');
    const bad = await runCli(DETECT, [file('text-number.csv', lines.join('\n')), '--log-format', 'json']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const err = logLines(bad.stderr).at(-1)!;
    expect(err).toMatchObject({ level: 'error', msg: 'error', exitCode: 2, errorName: 'InputError', source: 'text-number.csv', line: 3, column: 5 });
    expect(err.error).toMatch(/^text-number\.csv:3:5: expected a number for src_bytes, got "abc"/);

    const missing = await runCli(DETECT, [join(dir, 'nope.csv'), '--log-format', 'json']);
    expect(missing.code).toBe(2);
    expect(logLines(missing.stderr)).toEqual([expect.objectContaining({ level: 'error', exitCode: 2, error: `${join(dir, 'nope.csv')}: no such file` })]);
  });

  it('logs each failed alert delivery, then the alert counts', async () => {
    const sock = join(dir, 'no-collector.sock'); // nothing listens: every connection attempt fails
    const r = await runCli(DETECT, [samplePath, '--format', 'csv', '--out', '/dev/null', '--log-format', 'json', '--alerts', `syslog:unix://${sock}`]);
    expect(r.code).toBe(0);
    const logs = logLines(r.stderr);
    const failed = logs.filter((e) => e.msg === 'alert delivery failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({ level: 'warn', sink: 'syslog', target: `unix://${sock}`, code: 'ENOENT', outcome: 'reconnecting' });
    const closed = logs.find((e) => e.msg === 'alerts closed')!;
    expect(closed).toMatchObject({ level: 'warn', delivered: 0, dropped: { closed: expect.any(Number) } });
    expect(closed.written).toBe((logs.find((e) => e.msg === 'summary') as { summary: { anomalies: number } } & Entry).summary.anomalies);
  });

  it('logs periodic statistics while reading a live pipe', async () => {
    const rows = sample.trimEnd().split('\n').map((l) => l + '\n');
    const child = spawn(process.execPath, ['--import', 'tsx', DETECT, '-', '--format', 'ndjson', '--log-format', 'json', '--stats-interval', '200', '--max-latency', '100'], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.resume();
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    child.stdin.write(rows.slice(0, 150).join(''));
    const stats = () => err.split('\n').filter((l) => l.includes('"msg":"stats"')).map((l) => JSON.parse(l) as Entry);
    await expect.poll(() => stats().some((s) => s.rows === 150), { timeout: 30_000, interval: 100 }).toBe(true);
    child.stdin.end(rows.slice(150).join(''));
    expect(await exited).toBe(0);
    const s = stats().find((x) => x.rows === 150)!;
    expect(s).toMatchObject({ level: 'info', anomalies: expect.any(Number), rowsInInterval: expect.any(Number), rowsPerSecond: expect.any(Number), intervalSeconds: expect.any(Number) });
    expect(s).not.toHaveProperty('lagBytes'); // a pipe has no file to be behind
    expect(logLines(err).at(-1)).toMatchObject({ msg: 'summary', summary: { rows: 400 } });
  }, 60_000);
});

describe('detect log options: usage errors', () => {
  it.each([
    [['--log-format', 'xml'], {}, 'error: --log-format must be text or json; got "xml"\n'],
    [['--log-level', 'loud'], {}, 'error: --log-level must be one of debug, info, warn, error; got "loud"\n'],
    [[], { ANOMALYZE_LOG_FORMAT: 'yaml' }, 'error: ANOMALYZE_LOG_FORMAT must be text or json; got "yaml" (from the environment: unset it or fix it)\n'],
    [['--stats-interval', '5'], {}, 'error: --stats-interval must be 0 (none) or a number of milliseconds between 100 and 86400000, got "5"\n'],
  ] as const)('%j %j exits 2 with one line', async (args, env, message) => {
    const r = await runCli(DETECT, [samplePath, ...args], undefined, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(message);
  });

  it('refuses a report with nowhere to go: alerts on stdout, json logs on stderr, no --out', async () => {
    const r = await runCli(DETECT, [samplePath, '--log-format', 'json', '--alerts', 'ecs:-', '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(logLines(r.stderr)).toEqual([expect.objectContaining({ level: 'error', exitCode: 2, error: expect.stringMatching(/stdout carries the alerts and stderr the log lines: give --out <file> for the csv report/) })]);
    // Without an explicit report format, the alerts go to stdout and the summary is a log line.
    const ok = await runCli(DETECT, [samplePath, '--log-format', 'json', '--alerts', 'ecs:-']);
    expect(ok.code).toBe(0);
    const alerts = ok.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(alerts.every((a) => a.event?.kind === 'alert')).toBe(true);
    const logs = logLines(ok.stderr);
    expect(logs.find((e) => e.msg === 'alerts closed')).toMatchObject({ written: alerts.length, delivered: alerts.length, pending: 0 });
  });
});
