// Property 4: the built CLI (node build/cli/detect.mjs, as `npm run detect` runs it) on
// a handful of mutated files → exit 0 with the output, or exit 2 with exactly one
// "error:" line; and --out leaves no file (and no temp file) behind on error.
// Child processes are slow, so this is a few seeded cases, not hundreds.

import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, ROOT } from '../helpers/cli.ts';
import { ALL_SAMPLES, KDD_SAMPLES } from './corpus.ts';
import { mutate, mutations, params, runs, inTime } from './support.ts';

const CLI = resolve(ROOT, 'build/cli/detect.mjs');
const dir = mkdtempSync(join(tmpdir(), 'anomalyze-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case { name: string; bytes: Uint8Array; format: string }

/** A fixed handful: a few seeded mutations of each kind, chosen once. */
function cases(): Case[] {
  const out: Case[] = [];
  const gen = fc.tuple(fc.constantFrom(...ALL_SAMPLES.map((_, i) => i)), mutations(), fc.constantFrom('json', 'csv', 'ndjson', 'table'));
  const picks = fc.sample(gen, { seed: params('cli', 1).seed, numRuns: runs(16) });
  picks.forEach(([i, ms, format], n) => {
    const s = ALL_SAMPLES[i];
    out.push({ name: `${n}-${s.name}`, bytes: mutate(s.bytes, ms, s.boundaries), format });
  });
  // And two that must fail: a bad value late in the file (after output has started), a cut capture.
  const late = new TextDecoder().decode(KDD_SAMPLES[0].bytes).split('\n');
  late[late.length - 3] = late[late.length - 3].replace(/^[^,]*,/, 'abc,');
  out.push({ name: 'late-error.csv', bytes: new TextEncoder().encode(late.join('\n')), format: 'csv' });
  const pcap = ALL_SAMPLES.find((s) => s.name === 'le.pcap')!;
  out.push({ name: 'cut.pcap', bytes: pcap.bytes.slice(0, 10), format: 'json' });
  return out;
}

describe('fuzz: the CLI on mutated files → exit 0, or exit 2 with one error line and no --out file', () => {
  for (const c of cases()) {
    it(`${c.name} --format ${c.format}`, async () => {
      const input = join(dir, c.name);
      writeFileSync(input, c.bytes);
      const out = join(dir, `${c.name}.out`);
      const r = await inTime(() => runCli(CLI, [input, '--format', c.format, '--out', out]), c.name, 60_000);
      expect([0, 2], `exit ${r.code}: ${r.stderr}`).toContain(r.code);
      const left = readdirSync(dir).filter((f) => f.startsWith(`${c.name}.out`));
      if (r.code === 2) {
        const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '));
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^error: \S/);
        expect(lines[0]).toContain(c.name);
        expect(left, 'files left by --out after an error').toEqual([]);
        expect(r.stdout).toBe('');
      } else {
        expect(left).toEqual([`${c.name}.out`]);
        const text = readFileSync(out, 'utf8');
        if (c.format === 'json') expect(() => JSON.parse(text)).not.toThrow();
        if (c.format === 'ndjson') for (const l of text.trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
        if (c.format === 'csv') expect(text.split('\n')[0]).toMatch(/^row,/);
        rmSync(out);
      }
      if (c.name === 'late-error.csv' || c.name === 'cut.pcap') expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('stdin (-): a bad row late in the stream → exit 2, one error line naming stdin, no --out file', async () => {
    const late = new TextDecoder().decode(KDD_SAMPLES[0].bytes).split('\n');
    late[late.length - 3] = late[late.length - 3].replace(/,[^,]*,([^,]*)$/, ',,$1'); // an empty label
    const out = join(dir, 'stdin.out');
    const r = await inTime(() => runCli(CLI, ['-', '--format', 'ndjson', '--out', out], late.join('\n')), 'stdin', 60_000);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: stdin:\d+/);
    expect(readdirSync(dir).filter((f) => f.startsWith('stdin.out'))).toEqual([]);
  });
});
