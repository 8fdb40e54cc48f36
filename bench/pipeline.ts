// Whole-process benchmark of the detect CLI on NSL-KDD (training: bench/train.ts), beside the figures the
// Python/Flask tool they replace was measured at on this machine class (quoted
// in the issue; that tool is not run here).

import { fileURLToPath } from 'node:url';
import { dataFile } from '../src/cli/data-dir.ts';
import { machine } from './machine.ts';
import { summarise, timeProcess } from './process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const PYTHON_DETECT = { seconds: 0.93, maxRssMiB: 163 };

function need(name: string): string {
  const path = dataFile(name);
  if (!path) throw new Error(`${name} not found in ANOMALYZE_DATA_DIR (default ../shared/data/nsl-kdd)`);
  return path;
}

/** `npm run detect -- KDDTest+.txt --format json` as a whole process. */
export function benchDetect(runs: number, log: (s: string) => void) {
  const test = need('KDDTest+.txt');
  const recorded = machine();
  log(`npm run detect on KDDTest+ × ${runs}…`);
  const r = summarise(timeProcess('npm', ['run', '-s', 'detect', '--', test, '--format', 'json'], { cwd: ROOT, runs }));
  return { machine: recorded, command: 'npm run detect -- KDDTest+.txt --format json', ...r, reference: { pythonDetect: PYTHON_DETECT } };
}
