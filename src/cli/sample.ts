// npm run sample -- [--rows N] [--seed N] [--attack-rate R] [--format nsl-kdd|kdd99] [--no-labels]
// Synthetic KDD-format traffic (normal sessions plus SYN flood, scans, password
// guessing, smurf) to try the tools without a data set.

import { program } from './program.ts';
import { parseArgs } from 'node:util';
import { generateTraffic, SAMPLE_ATTACKS } from '../data/synthetic.ts';
import { fail } from './io.ts';

const USAGE = `usage: ${program('sample')} [--rows N] [--seed N] [--attack-rate R] [--format nsl-kdd|kdd99] [--no-labels] > sample.csv

  --rows         connections to generate (default 10000)
  --seed         random seed (default 1); the same seed gives the same file
  --attack-rate  share of attack rows, 0 to 1 (default 0.2)
  --format       nsl-kdd (43 columns, default) or kdd99 (42, labels ending in '.')
  --no-labels    the 41 features only

Attack patterns: ${SAMPLE_ATTACKS.map((a) => `${a.name} (${a.category})`).join(', ')}.`;

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rows: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' },
        'attack-rate': { type: 'string', default: '0.2' }, format: { type: 'string', default: 'nsl-kdd' },
        'no-labels': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) { console.log(USAGE); return; }
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  const attackRate = Number(values['attack-rate']);
  if (!Number.isInteger(rows) || rows < 1) fail(`--rows must be a positive integer, got "${values.rows}"`);
  if (!Number.isInteger(seed)) fail(`--seed must be an integer, got "${values.seed}"`);
  if (!(attackRate >= 0 && attackRate <= 1)) fail(`--attack-rate must be between 0 and 1, got "${values['attack-rate']}"`);
  if (values.format !== 'nsl-kdd' && values.format !== 'kdd99') fail(`--format must be nsl-kdd or kdd99, got "${values.format}"`);
  // In slices, so a large sample never sits in memory whole.
  const SLICE = 50_000;
  for (let done = 0; done < rows; done += SLICE) {
    process.stdout.write(generateTraffic({
      rows: Math.min(SLICE, rows - done), seed: seed * 100_003 + done / SLICE, attackRate,
      labels: !values['no-labels'], format: values.format,
    }));
  }
}

main();
