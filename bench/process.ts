// Times whole processes (wall clock and peak resident memory), best of N.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ProcessRun { seconds: number; maxRssMiB: number | null }

const GNU_TIME = '/usr/bin/time';

export function timeProcess(command: string, args: string[], opts: { cwd: string; runs: number }): ProcessRun[] {
  const runs: ProcessRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    if (existsSync(GNU_TIME)) {
      // GNU time reports the peak RSS of the largest process in the tree.
      const r = spawnSync(GNU_TIME, ['-f', '__time %e %M', command, ...args], { cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
      const m = /__time ([\d.]+) (\d+)/.exec(r.stderr ?? '');
      if (r.status !== 0 || !m) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
      runs.push({ seconds: Number(m[1]), maxRssMiB: Math.round(Number(m[2]) / 1024) });
    } else {
      const t0 = performance.now();
      const r = spawnSync(command, args, { cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
      runs.push({ seconds: (performance.now() - t0) / 1000, maxRssMiB: null });
    }
  }
  return runs;
}

export function summarise(runs: ProcessRun[]) {
  const secs = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const rss = runs.map((r) => r.maxRssMiB).filter((v): v is number => v !== null);
  return {
    runs: runs.length,
    bestSeconds: secs[0],
    medianSeconds: secs[Math.floor(secs.length / 2)],
    maxRssMiB: rss.length ? Math.max(...rss) : null,
  };
}
