// `npm start` with ANOMALYZE_LOG_FORMAT=json, as under systemd or Docker: start-up,
// one access-log line per request and shutdown, each a JSON line on stderr; stdout empty.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort, ROOT } from './helpers.ts';

type Entry = Record<string, unknown> & { time: string; level: string; msg: string };

describe('npm start with ANOMALYZE_LOG_FORMAT=json', () => {
  it('logs listening, each request and the shutdown as JSON lines', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/node.ts'], {
      cwd: ROOT, env: { ...process.env, PORT: String(port), ANOMALYZE_LOG_FORMAT: 'json', ANOMALYZE_LOG_LEVEL: 'info' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    try {
      const logs = (): Entry[] => err.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Entry);
      await expect.poll(() => logs().some((e) => e.msg === 'listening'), { timeout: 60_000, interval: 100 }).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { 'x-request-id': 'probe-1' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('probe-1');
      await fetch(`http://127.0.0.1:${port}/api/nowhere`);
      await expect.poll(() => logs().filter((e) => e.msg === 'request').length, { timeout: 10_000 }).toBe(2);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const all = logs();
      expect(out).toBe('');
      expect(all[0]).toMatchObject({ level: 'info', msg: 'listening', url: `http://127.0.0.1:${port}`, host: '127.0.0.1', port, pid: child.pid });
      expect((all[0].models as string[])[0]).toMatch(/^default-/);
      const requests = all.filter((e) => e.msg === 'request');
      expect(requests[0]).toMatchObject({ requestId: 'probe-1', method: 'GET', path: '/api/health', status: 200, ms: expect.any(Number) });
      expect(requests[1]).toMatchObject({ path: '/api/nowhere', status: 404 });
      expect(all.map((e) => e.msg).slice(-2)).toEqual(['shutting down', 'stopped']);
      expect(all.at(-2)).toMatchObject({ signal: 'SIGTERM' });
      for (const e of all) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
