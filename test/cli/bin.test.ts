// bin/anomalyze.mjs (`npx anomalyze …`): dispatches to the bundled CLIs on plain node,
// started both as `node bin/anomalyze.mjs` and as an executable (its shebang carries
// npm run detect's node flags), and says what to do when the bundles are not built.

import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectNodeFlags } from '../../bench/node-flags.ts';
import { ROOT, runCli, type CliResult } from '../helpers/cli.ts';

const BIN = join(ROOT, 'bin/anomalyze.mjs');

/** Starts `cmd` with no TypeScript loader and no npm in between. */
function run(cmd: string, args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const node = (args: string[], cwd?: string) => run(process.execPath, args, cwd);
const untimed = (json: string) => {
  const r = JSON.parse(json) as { summary: Record<string, unknown> };
  delete r.summary.seconds;
  delete r.summary.rowsPerSecond;
  return r;
};

describe('bin/anomalyze.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalyze-bin-'));
  const sample = join(dir, 'sample.csv');

  beforeAll(() => {
    execFileSync(process.execPath, ['src/build/ensure.mjs', 'wasm', 'cli'], { cwd: ROOT }); // the bundles, as npm run build makes them
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the subcommands; no command is a usage error', async () => {
    const help = await node([BIN, '--help']);
    expect(help.code).toBe(0);
    for (const c of ['detect', 'train', 'sample']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const none = await node([BIN]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: anomalyze <command>');
    const bad = await node([BIN, 'detcet', 'x.csv']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: unknown command "detcet"/);
  });

  it("each command's usage names it as the bin was started, and as npm run when started so", async () => {
    for (const c of ['detect', 'train', 'sample']) {
      const viaBin = await node([BIN, c, '--help']);
      expect(viaBin.code).toBe(0);
      expect(viaBin.stdout).toMatch(new RegExp(`^usage: anomalyze ${c} `));
      const bundle = await node([join(ROOT, `build/cli/${c}.mjs`), '--help']);
      expect(bundle.stdout).toMatch(new RegExp(`^usage: npm run ${c} -- `));
    }
  });

  it('sample, then detect on the generated file: the same report as the detect bundle itself', async () => {
    const gen = await node([BIN, 'sample', '--rows', '300', '--seed', '8']);
    expect(gen.code).toBe(0);
    expect(gen.stdout.trim().split('\n')).toHaveLength(300);
    writeFileSync(sample, gen.stdout);

    const viaBin = await node([BIN, 'detect', sample, '--format', 'json']);
    expect(viaBin.code, viaBin.stderr).toBe(0);
    const direct = await runCli('build/cli/detect.mjs', [sample, '--format', 'json']);
    expect(direct.code).toBe(0);
    const report = untimed(viaBin.stdout) as { summary: { rows: number; anomalies: number } };
    expect(report.summary.rows).toBe(300);
    expect(report.summary.anomalies).toBeGreaterThan(0);
    expect(report).toEqual(untimed(direct.stdout));
  });

  it('runs as an executable through its shebang (env -S node with the detect flags)', async () => {
    const r = await run(BIN, ['detect', sample, '--format', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!) as { summary: { rows: number } };
    expect(last.summary.rows).toBe(300);
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${detectNodeFlags().join(' ')}`); // npm run detect's flags
    expect(detectNodeFlags()).toEqual(['--no-liftoff', '--max-semi-space-size=4', '--heap-growing-percent=30']);
  });

  it('train through the bundle (folds on bundled worker threads) writes the same files as the TypeScript CLI', async () => {
    const bundled = join(dir, 'm-bundled');
    const source = join(dir, 'm-source');
    const a = await node([BIN, 'train', '--data', sample, '--out', bundled, '--members', '4']);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli('src/cli/train.ts', ['--data', sample, '--out', source, '--members', '4']);
    expect(b.code, b.stderr).toBe(0);
    const files = readdirSync(source).sort();
    expect(files).toContain('manifest.json');
    expect(readdirSync(bundled).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(bundled, f)).equals(readFileSync(join(source, f))), f).toBe(true);
  }, 60_000);

  it('says how to build when the bundle is missing', async () => {
    const bare = join(dir, 'checkout');
    mkdirSync(join(bare, 'bin'), { recursive: true });
    copyFileSync(BIN, join(bare, 'bin/anomalyze.mjs'));
    const r = await node([join(bare, 'bin/anomalyze.mjs'), 'detect', sample], bare);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(bare, 'build/cli/detect.mjs')} is missing`);
    expect(r.stderr).toContain('npm run build');
    expect(r.stdout).toBe('');
  });
});
