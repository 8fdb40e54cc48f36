// Runs a CLI entry (TypeScript, through tsx) as a child process.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { detectNodeFlags } from '../../bench/node-flags.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult { code: number; stdout: string; stderr: string }

/** TypeScript sources run through tsx; a built .mjs bundle runs on plain node with npm run detect's flags, as npm run detect does. */
export function runCli(script: string, args: string[], input?: string | Buffer, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const runner = script.endsWith('.mjs') ? detectNodeFlags() : ['--import', 'tsx'];
    // The log settings of the shell running the tests do not leak into the CLI under test.
    const { ANOMALYZE_LOG_FORMAT: _f, ANOMALYZE_LOG_LEVEL: _l, ...inherited } = process.env;
    const child = spawn(process.execPath, [...runner, script, ...args], { cwd: ROOT, env: { ...inherited, FORCE_COLOR: '0', ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}
