// Node file-system access to model directories.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../engine/index.ts';
import { decodeModel, encodeModel } from './format.ts';
import type { AnomalyModel } from './model.ts';

export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../models/default', import.meta.url));

export async function loadModelDir(engine: Engine, dir: string = DEFAULT_MODEL_DIR): Promise<AnomalyModel> {
  const where = relative(process.cwd(), resolve(dir)) || '.';
  return decodeModel(engine, async (name) => {
    try {
      return await readFile(join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }, where);
}

/** Writes into a sibling temp directory, then swaps it in: never a half-written model. Returns the files written. */
export async function saveModelDir(model: AnomalyModel, dir: string): Promise<Map<string, Uint8Array>> {
  const files = await encodeModel(model);
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(tmp, name), bytes);
  await mkdir(dirname(target), { recursive: true });
  const old = `${target}.old-${process.pid}`;
  await rename(target, old).catch(() => undefined);
  await rename(tmp, target);
  await rm(old, { recursive: true, force: true });
  return files;
}
