// Shared set-up for the server tests: one detector per worker, synthetic traffic
// (never NSL-KDD rows), child-process runtimes on loopback.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTraffic } from '../../src/data/synthetic.ts';
import type { Detector } from '../../src/detect/detector.ts';
import { WASM_PATH, WASM_RELAXED_PATH } from '../../src/engine/node.ts';
import { DEFAULT_MODEL_DIR } from '../../src/model/node.ts';
import { createApp, type AppDeps, type AppOptions } from '../../src/server/app.ts';
import { loadDetector } from '../../src/server/load.ts';
import { readModelDir } from '../../src/server/node-files.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VERSION = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let shared: Promise<Detector> | undefined;
export function detector(): Promise<Detector> {
  // Both builds, as the Node server loads them: this Node's choice scores (Node 20: plain SIMD).
  shared ??= loadDetector({ simd: readFileSync(WASM_PATH), relaxed: readFileSync(WASM_RELAXED_PATH) }, readModelDir(DEFAULT_MODEL_DIR), 'models/default');
  return shared;
}

export async function makeApp(options: AppOptions = {}, extra: Partial<AppDeps> = {}) {
  return createApp({ detector: await detector(), version: VERSION, options, log: () => {}, ...extra });
}

/** Small labelled NSL-KDD-shaped CSV from the synthetic generator. */
export function syntheticCsv(rows = 300, seed = 11, opts: { labels?: boolean; format?: 'nsl-kdd' | 'kdd99' } = {}): string {
  return generateTraffic({ rows, seed, ...opts });
}

/** A report without its timing fields, which naturally differ between runs. */
export function untimed<T extends { summary: { seconds?: number; rowsPerSecond?: number } }>(report: T): T {
  const copy = structuredClone(report);
  delete copy.summary.seconds;
  delete copy.summary.rowsPerSecond;
  return copy;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  output(): string;
  kill(): Promise<void>;
}

/** Starts a command in its own process group (npx spawns children), output captured. */
export function startChild(cmd: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  return {
    proc,
    output: () => out,
    kill: () =>
      new Promise<void>((done) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return done();
        const timer = setTimeout(() => {
          try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
        }, 5000);
        proc.once('exit', () => { clearTimeout(timer); done(); });
        try { process.kill(-proc.pid!, 'SIGTERM'); } catch { clearTimeout(timer); done(); }
      }),
  };
}

/** Polls GET /api/health until it answers 200 (or the child dies / time runs out). */
export async function waitForHealth(url: string, child: Child, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null) throw new Error(`the server exited with ${child.proc.exitCode}:\n${child.output()}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url}/api/health within ${timeoutMs / 1000} s:\n${child.output()}`);
}

export function problemOf(res: Response): Promise<Record<string, unknown>> {
  return res.json() as Promise<Record<string, unknown>>;
}
