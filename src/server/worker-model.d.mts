// Types for worker-model.mjs (a plain Node script so wrangler's [build] can run it).

export const OUT: string;
export function workerModelSource(modelDir?: string): string;
export function writeWorkerModel(modelDir?: string): string;
