// npm run bench -- soak [--seconds 300] [--rate 50000] [--node-flags=<flags>] [--json]
// `npm run detect -- --follow` on a file that grows at `rate` lines per second for
// `seconds`: every line written must be scored (count in = count scored), and the
// detector's memory must not grow (RSS sampled every second, flat from the 10th
// second on). A benchmark, not a test: five minutes is the default. The detector runs
// with `npm run detect`'s node flags (package.json), or --node-flags=… to compare others.

import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTraffic } from '../src/data/synthetic.ts';
import { machine, machineLine, type Machine } from './machine.ts';
import { detectNodeFlags } from './node-flags.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SoakResult {
  machine: Machine;
  seconds: number;
  rate: number;
  /** The detector's node flags (npm run detect's unless --node-flags gave others). */
  nodeFlags: string[];
  written: number;
  scored: number;
  lost: number;
  summaryRows: number | null;
  /**
   * growthFrom10s (the verdict): the highest sample after the 10th second over the 10th, less 1.
   * swingFrom10s (max/min after the 10th second) and slopeMiBPerMinute (least squares) tell a
   * climb from a saw-tooth; they are reported, not judged.
   */
  rssMiB: {
    at10s: number | null; min: number; max: number; last: number; growthFrom10s: number | null;
    swingFrom10s: number | null; slopeMiBPerMinute: number | null; samples: number[];
  };
  verdicts: { noLineLost: boolean; memoryFlat: boolean };
}

const rssOf = (pid: number): number | null => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
};

export async function benchSoak(opts: { seconds: number; rate: number; nodeFlags?: string[] }, log: (s: string) => void): Promise<SoakResult> {
  const recorded = machine(); // before the detector and the writer load the cores
  log(machineLine(recorded));
  const dir = mkdtempSync(join(tmpdir(), 'anomalyze-soak-'));
  const file = join(dir, 'conn.csv');
  writeFileSync(file, '');
  const lines = generateTraffic({ rows: 20_000, seed: 3 }).trimEnd().split('\n').map((l) => l + '\n');
  const nodeFlags = opts.nodeFlags ?? detectNodeFlags();
  log(`detector: node ${[...nodeFlags, 'build/cli/detect.mjs'].join(' ')} --follow …`);
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'build/cli/detect.mjs'), file,
    '--follow', '--format', 'ndjson', '--all', '--max-latency', '500'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let scored = 0; // output lines: one per record (--all), then the summary
  let tail = ''; // the last few KB of output, for the summary line
  let summaryRows: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) scored++;
    tail = (tail + d.toString('utf8')).slice(-8192);
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));

  const rss: number[] = [];
  const sampler = setInterval(() => { const r = rssOf(child.pid!); if (r !== null) rss.push(r); }, 1000);
  let written = 0;
  let next = 0;
  const perTick = Math.max(1, Math.round(opts.rate / 10)); // every 100 ms
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const writer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= opts.seconds) { clearInterval(writer); resolve(); return; }
      const due = Math.round(elapsed * opts.rate) - written;
      const n = Math.min(Math.max(due, 0), perTick * 3);
      let chunk = '';
      for (let i = 0; i < n; i++) chunk += lines[next++ % lines.length];
      if (n > 0) appendFileSync(file, chunk);
      written += n;
      if (Math.floor(elapsed / 30) > Math.floor((elapsed - 0.1) / 30)) log(`  ${Math.round(elapsed)} s: ${written.toLocaleString('en-US')} written, ${scored.toLocaleString('en-US')} scored`);
    }, 100);
  });
  // Let the follower catch up (bounded), then stop it cleanly.
  const deadline = performance.now() + 60_000;
  while (scored < written && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  const code = await exited;
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the detector exited with ${code}: ${stderr.slice(-2000)}`);
  const last = tail.trimEnd().split('\n').at(-1) ?? '';
  const hasSummary = last.startsWith('{"summary"');
  if (hasSummary) summaryRows = JSON.parse(last).summary.rows as number;
  const recordsScored = scored - (hasSummary ? 1 : 0);
  const at10 = rss.length > 10 ? rss[9] : null;
  const after = rss.slice(9);
  const max = Math.max(...rss), min = Math.min(...rss);
  const growth = at10 !== null && after.length ? Math.max(...after) / at10 - 1 : null;
  const swing = at10 !== null ? Math.max(...after) / Math.min(...after) : null;
  return {
    machine: recorded,
    seconds: opts.seconds, rate: opts.rate, nodeFlags, written, scored: recordsScored, lost: written - recordsScored, summaryRows,
    rssMiB: {
      at10s: at10 && round(at10), min: round(min), max: round(max), last: round(rss.at(-1) ?? 0), growthFrom10s: growth === null ? null : round(growth * 100) / 100,
      swingFrom10s: swing === null ? null : Math.round(swing * 1000) / 1000, slopeMiBPerMinute: at10 !== null ? round(slopePerMinute(after)) : null, samples: rss.map(round),
    },
    verdicts: { noLineLost: recordsScored === written && summaryRows === written, memoryFlat: growth !== null && growth <= 0.1 },
  };
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** Least-squares slope of samples taken once a second, per minute. */
function slopePerMinute(ys: number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mt = (n - 1) / 2;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  let num = 0, den = 0;
  ys.forEach((y, t) => { num += (t - mt) * (y - my); den += (t - mt) ** 2; });
  return (num / den) * 60;
}

export function printSoak(r: SoakResult): void {
  console.log(machineLine(r.machine));
  console.log(`detect --follow soak: ${r.seconds} s at ${r.rate.toLocaleString('en-US')} lines/s (node ${r.nodeFlags.join(' ') || '(no flags)'})`);
  console.table({
    lines: { written: r.written, scored: r.scored, 'summary rows': r.summaryRows ?? 'n/a', lost: r.lost, verdict: r.verdicts.noLineLost ? 'pass' : 'FAIL' },
  });
  console.table({
    'RSS MiB': {
      'at 10 s': r.rssMiB.at10s ?? 'n/a', min: r.rssMiB.min, max: r.rssMiB.max, last: r.rssMiB.last,
      'growth after 10 s': r.rssMiB.growthFrom10s === null ? 'n/a' : `${(r.rssMiB.growthFrom10s * 100).toFixed(0)} %`,
      'flat (≤ 10 %)': r.rssMiB.growthFrom10s === null ? 'not measured (under 10 s)' : r.verdicts.memoryFlat ? 'pass' : 'FAIL',
    },
  });
  if (r.rssMiB.swingFrom10s !== null) {
    console.log(`after the 10th second: max/min ${r.rssMiB.swingFrom10s.toFixed(3)}, trend ${r.rssMiB.slopeMiBPerMinute! >= 0 ? '+' : ''}${r.rssMiB.slopeMiBPerMinute} MiB/min`);
  }
  console.log(`RSS each second (MiB): ${r.rssMiB.samples.map((x) => x.toFixed(0)).join(' ')}`);
}
