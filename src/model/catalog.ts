// The models a user has: the directories under models/ that hold a model
// (default first). Used to pick a model that fits an input and to say which
// one does when the chosen model does not.

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Engine } from '../engine/index.ts';
import { MANIFEST } from './format.ts';
import type { AnomalyModel } from './model.ts';
import { DEFAULT_MODEL_DIR, loadModelDir } from './node.ts';

export const MODELS_ROOT = resolve(DEFAULT_MODEL_DIR, '..');

/** Model directories under `root`, the default one first, then by name. */
export async function modelDirs(root = MODELS_ROOT): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const name of entries.sort()) {
    try {
      await readFile(join(root, name, MANIFEST));
      dirs.push(join(root, name));
    } catch { /* not a model directory */ }
  }
  const def = resolve(DEFAULT_MODEL_DIR);
  return dirs.sort((a, b) => (a === def ? -1 : b === def ? 1 : 0));
}

/** Every model under `root` (default first); a directory that fails to load is skipped with a warning. */
export async function loadCatalog(engine: Engine, root = MODELS_ROOT, warn: (m: string) => void = () => {}): Promise<{ models: AnomalyModel[]; places: string[] }> {
  const models: AnomalyModel[] = [];
  const places: string[] = [];
  for (const dir of await modelDirs(root)) {
    try {
      models.push(await loadModelDir(engine, dir));
      places.push(relative(process.cwd(), dir) || '.');
    } catch (err) {
      warn(`skipping ${dir}: ${(err as Error).message}`);
    }
  }
  return { models, places };
}
