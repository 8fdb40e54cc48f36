// A real capture made by tcpdump on loopback inside a network namespace of our
// own (never any other interface): 5 HTTP requests with curl against python's
// http.server. Skips without root, `ip`, tcpdump, curl or python3.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll } from './read.ts';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const usable = process.platform === 'linux' && process.getuid?.() === 0 && ['ip', 'tcpdump', 'curl', 'python3'].every(has);
const BODY = 'x'.repeat(3000);

function waitFor(child: ChildProcess, pattern: RegExp, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${text}`)), ms);
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function exited(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe.skipIf(!usable)('a real tcpdump capture on a namespaced loopback', () => {
  it('finds the 5 HTTP connections curl made, as SF with plausible bytes', async () => {
    const ns = `anz-cap-${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'anz-cap-'));
    const file = join(dir, 'lo.pcap');
    writeFileSync(join(dir, 'page.txt'), BODY);
    const inNs = (args: string[]) => ['netns', 'exec', ns, ...args];
    let server: ChildProcess | undefined;
    let dump: ChildProcess | undefined;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', inNs(['ip', 'link', 'set', 'lo', 'up']));
      server = spawn('ip', inNs(['python3', '-m', 'http.server', '80', '--bind', '127.0.0.1', '--directory', dir]), { stdio: ['ignore', 'ignore', 'pipe'] });
      // Wait until the server answers, before the capture starts (these probes are not captured).
      const probe = () => spawnSync('ip', inNs(['curl', '-s', '-o', '/dev/null', '--max-time', '1', 'http://127.0.0.1/page.txt'])).status === 0;
      for (let i = 0; i < 50 && !probe(); i++) await new Promise((r) => setTimeout(r, 100));
      dump = spawn('ip', inNs(['timeout', '20', 'tcpdump', '-i', 'lo', '--immediate-mode', '-U', '-c', '500', '-w', file, 'tcp', 'port', '80']), { stdio: ['ignore', 'ignore', 'pipe'] });
      await waitFor(dump, /listening on lo/, 10_000);
      for (let i = 0; i < 5; i++) {
        execFileSync('ip', inNs(['curl', '-s', '-o', '/dev/null', '--max-time', '5', 'http://127.0.0.1/page.txt']));
      }
      // Without immediate mode, packets wait in the kernel ring buffer and are lost at SIGINT.
      await new Promise((r) => setTimeout(r, 500));
      dump.kill('SIGINT');
      await exited(dump, 5000);
    } finally {
      dump?.kill('SIGKILL');
      server?.kill('SIGTERM');
      if (server) await exited(server, 3000);
      spawnSync('ip', ['netns', 'delete', ns]);
    }
    try {
      const { connections, stats } = await readAll(new Uint8Array(readFileSync(file)), { source: file });
      expect(stats.linkTypes).toEqual({ 1: stats.packets }); // Linux lo: Ethernet with zero MACs
      expect(connections).toHaveLength(5);
      for (const conn of connections) {
        expect(conn).toMatchObject({ protocol: 'tcp', origAddr: '127.0.0.1', respAddr: '127.0.0.1', respPort: 80, service: 'http', flag: 'SF' });
        expect(conn.origBytes).toBeGreaterThan(60); // "GET /page.txt HTTP/1.1" and headers
        expect(conn.origBytes).toBeLessThan(300);
        expect(conn.respBytes).toBeGreaterThan(BODY.length); // status line, headers and the body
        expect(conn.respBytes).toBeLessThan(BODY.length + 400);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
