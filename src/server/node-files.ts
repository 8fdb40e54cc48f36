// Model files from a directory on disk (Node and Deno both run node:fs).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileReader } from '../model/format.ts';

export function readModelDir(dir: string): FileReader {
  return async (name) => {
    try {
      return await readFile(join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
}
