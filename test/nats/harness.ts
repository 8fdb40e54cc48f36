// Test harness: a nats-server on 127.0.0.1 (free port, temp store) and detector
// processes, each started and stopped by the test; everything still running is
// killed (by its own pid) when the test file ends, pass or fail.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

const DETECT = join(ROOT, 'src/cli/nats-detect.ts');
const children = new Set<ChildProcess>();

/** nats-server's path, or null when it is not installed. */
export function findNatsServer(): string | null {
  if (process.env.NATS_SERVER && existsSync(process.env.NATS_SERVER)) return process.env.NATS_SERVER;
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  for (const p of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) if (existsSync(p)) return p;
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const canConnect = (port: number): Promise<boolean> => new Promise((resolve) => {
  const c = tcpConnect(port, '127.0.0.1');
  c.once('connect', () => { c.destroy(); resolve(true); });
  c.once('error', () => resolve(false));
});

export interface NatsServer { url: string; stop(): Promise<void>; log(): string }

export async function startNatsServer(bin: string): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'anomalyze-nats-'));
  const port = await freePort();
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { children.delete(child); resolve(); }));
  const stop = async () => {
    await stopChild(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`nats-server did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `nats://127.0.0.1:${port}`, stop, log: () => log };
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

export type LogLine = Record<string, unknown> & { msg: string; level: string };

export interface DetectorProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  stderr(): string;
  /** Resolves with the first log line that matches (rejects after timeoutMs or if the process ends first). */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Exit code and signal, once ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDetector(name: string, args: string[], env: Record<string, string> = {}): DetectorProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', DETECT, '--name', name, ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const logs: LogLine[] = [];
  let stderr = '';
  let carry = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    const text = carry + d.toString();
    const lines = text.split('\n');
    carry = lines.pop()!;
    for (const line of lines) {
      try { logs.push(JSON.parse(line) as LogLine); } catch { /* not a log line: kept in stderr() */ }
    }
    for (const w of waiters) w();
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      for (const w of waiters) w();
      resolve({ code, signal });
    });
  });
  const waitForLog = (pred: (l: LogLine) => boolean, timeoutMs: number) => new Promise<LogLine>((resolve, reject) => {
    const check = () => {
      const hit = logs.find(pred);
      if (hit) { done(); resolve(hit); } else if (child.exitCode !== null || child.signalCode !== null) {
        done(); reject(new Error(`detector ${name} ended (${child.exitCode ?? child.signalCode}) before the expected log line:\n${stderr}`));
      }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`detector ${name}: no matching log line within ${timeoutMs} ms:\n${stderr}`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); waiters.delete(check); };
    waiters.add(check);
    check();
  });
  return { name, child, logs, stderr: () => stderr, waitForLog, exited };
}

/** Kills every process this harness started that is still running (by pid). */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) { resolve(); return; }
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  })));
  children.clear();
}

// A crashed test run must not leave servers or detectors behind.
process.once('exit', () => { for (const c of children) c.kill('SIGKILL'); });

export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
