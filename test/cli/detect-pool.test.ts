// npm run detect -- --threads N: a file scored on worker threads (src/cli/detect-pool.ts)
// gives the output of one thread, byte for byte (the summary's timing aside), in every
// format the pool serves, for KDD CSV and for a Zeek log (identities, warm-up rows), and
// the same error after the same records for a bad line deep in the file.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const DETECT = join(ROOT, 'build/cli/detect.mjs'); // the bundle, as npm run detect runs it (npm test builds it first)
const dir = mkdtempSync(join(tmpdir(), 'anomalyze-pool-'));
const kdd = join(dir, 'traffic.csv');
const bad = join(dir, 'bad.csv');
const words = join(dir, 'words.csv');
const ROWS = 50_000; // six batches of 8,192 and a part: every worker gets several, out of step

beforeAll(() => {
  const text = generateTraffic({ rows: ROWS, seed: 21 });
  writeFileSync(kdd, text);
  const lines = text.split('\n');
  lines[41_000] = lines[41_000].replace(/^\d+,/, 'oops,');
  writeFileSync(bad, lines.join('\n'));
  // Words beyond ASCII, in labels and in a field, on rows of every batch: the workers' UTF-8 is the writer's.
  const some = generateTraffic({ rows: 20_000, seed: 22 }).split('\n');
  for (let i = 0; i < some.length - 1; i += 997) {
    const f = some[i].split(',');
    f[2] = i % 2 ? 'сервис' : 'serviço';
    f[41] = i % 3 ? 'intrusión' : '侵入';
    some[i] = f.join(',');
  }
  writeFileSync(words, some.join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The output with the run's own timing taken out of the summary. */
function untimed(stdout: string, format: string): string {
  const strip = (s: string) => s.replace(/"seconds":[\d.]+,"rowsPerSecond":\d+,/, '');
  return format === 'json' ? strip(stdout) : stdout.split('\n').map(strip).join('\n');
}

describe('detect --threads', () => {
  for (const [format, all] of [['json', false], ['json', true], ['ndjson', false], ['ndjson', true]] as const) {
    it(`writes what one thread writes: --format ${format}${all ? ' --all' : ''}`, async () => {
      const args = [kdd, '--format', format, ...(all ? ['--all'] : [])];
      const one = await runCli(DETECT, [...args, '--threads', '1']);
      const three = await runCli(DETECT, [...args, '--threads', '3']);
      expect(one.code, one.stderr).toBe(0);
      expect(three.code, three.stderr).toBe(0);
      expect(untimed(three.stdout, format)).toBe(untimed(one.stdout, format));
      const lines = format === 'ndjson' ? one.stdout.trimEnd().split('\n') : [];
      if (format === 'ndjson') expect(lines.length).toBe((all ? ROWS : JSON.parse(lines.at(-1)!).summary.anomalies) + 1);
    }, 60_000);
  }

  it('reads a Zeek log on threads as on one (identities, warm-up rows, the traffic model)', async () => {
    const log = join(ROOT, 'test/fixtures/zeek/conn.log');
    const one = await runCli(DETECT, [log, '--format', 'ndjson', '--all', '--threads', '1']);
    const two = await runCli(DETECT, [log, '--format', 'ndjson', '--all', '--threads', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(untimed(two.stdout, 'ndjson')).toBe(untimed(one.stdout, 'ndjson'));
    expect(one.stdout).toContain('"src":');
  }, 60_000);

  it('writes words beyond ASCII as one thread writes them', async () => {
    for (const format of ['ndjson', 'json']) {
      const one = await runCli(DETECT, [words, '--format', format, '--all', '--threads', '1']);
      const two = await runCli(DETECT, [words, '--format', format, '--all', '--threads', '2']);
      expect(one.code, one.stderr).toBe(0);
      expect(untimed(two.stdout, format)).toBe(untimed(one.stdout, format));
      expect(one.stdout).toContain('"label":"侵入"');
      expect(one.stdout).toContain('"serviço":');
    }
  }, 60_000);

  it('stops at a bad line with the same error, after the same records', async () => {
    const one = await runCli(DETECT, [bad, '--format', 'ndjson', '--all', '--threads', '1']);
    const two = await runCli(DETECT, [bad, '--format', 'ndjson', '--all', '--threads', '2']);
    expect(one.code).toBe(2);
    expect(two.code).toBe(2);
    expect(one.stderr).toMatch(/bad\.csv:41001:1: expected a number for duration, got "oops"/);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout.split('\n').length - 1).toBe(40_960); // the five whole batches before the bad line's
    const json = await runCli(DETECT, [bad, '--format', 'json', '--threads', '2']);
    expect(json.code).toBe(2);
    expect(json.stdout).toBe(''); // nothing half-written
  }, 60_000);

  it('refuses a --threads that is not a whole number from 1 to 256', async () => {
    const r = await runCli(DETECT, [kdd, '--threads', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads must be a whole number from 1 to 256, got "0"/);
  });
});

