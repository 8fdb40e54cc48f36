// Where the NSL-KDD files live: ANOMALYZE_DATA_DIR, else ../shared/data/nsl-kdd
// beside the checkout.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function dataDir(): string {
  return resolve(process.env.ANOMALYZE_DATA_DIR ?? resolve(PROJECT_ROOT, '../shared/data/nsl-kdd'));
}

export function dataFile(name: string): string | null {
  const path = resolve(dataDir(), name);
  return existsSync(path) ? path : null;
}
