// Server settings from environment variables, the same in every runtime.

import type { AppOptions } from './app.ts';

export const DEFAULT_BODY_LIMIT = 100 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_STREAM_IDLE_MS = 60_000;

export type Env = Record<string, string | undefined>;

/**
 * ANOMALYZE_API_KEY          require "Authorization: Bearer <key>" on /api/detect, /api/stream and /api/stream/ws
 * ANOMALYZE_CORS_ORIGINS     comma-separated origins allowed to call the API ("*" for any); default none
 * ANOMALYZE_BODY_LIMIT       maximum request body in bytes (default 104857600 = 100 MiB)
 * ANOMALYZE_TIMEOUT_MS       per detection request, upload included (default 120000; 0 = none)
 * ANOMALYZE_STREAM_IDLE_MS   POST /api/stream and GET /api/stream/ws end after this long without input (default 60000)
 */
export function optionsFromEnv(env: Env): AppOptions {
  return {
    apiKey: env.ANOMALYZE_API_KEY || undefined,
    corsOrigins: (env.ANOMALYZE_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimit: positive(env, 'ANOMALYZE_BODY_LIMIT', DEFAULT_BODY_LIMIT),
    timeoutMs: positive(env, 'ANOMALYZE_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, true),
    streamIdleMs: positive(env, 'ANOMALYZE_STREAM_IDLE_MS', DEFAULT_STREAM_IDLE_MS),
  };
}

function positive(env: Env, name: string, fallback: number, zeroOk = false): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || (n === 0 && !zeroOk)) {
    throw new Error(`${name} must be a ${zeroOk ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}
