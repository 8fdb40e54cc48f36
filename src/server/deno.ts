// Deno entry: `npm run start:deno` (which builds first), or
// `npx deno run --allow-net --allow-read --allow-env src/server/deno.ts`. PORT, HOST, ANOMALYZE_MODEL and the
// ANOMALYZE_* options in config.ts work as with `npm start`, ANOMALYZE_LOG_FORMAT=json too (JSON lines
// on stderr: start-up, one access-log line per request, server errors, shutdown).

import type { MiddlewareHandler } from 'hono';
import { serveStatic as baseServeStatic } from 'hono/serve-static';
import { upgradeWebSocket } from 'hono/deno';
import { createApp } from './app.ts';
import { optionsFromEnv } from './config.ts';
import { loadDetector } from './load.ts';
import { createLogger } from '../observe/logger.ts';
import { resolveLogOptions } from '../observe/log-options.ts';

// The few Deno APIs used here (the project type-checks against Node's types).
interface DenoFile { readable: ReadableStream<Uint8Array> }
declare const Deno: {
  env: { toObject(): Record<string, string> };
  cwd(): string;
  readFile(path: string | URL): Promise<Uint8Array>;
  readTextFile(path: string | URL): Promise<string>;
  open(path: string | URL): Promise<DenoFile>;
  stat(path: string | URL): Promise<{ isDirectory: boolean }>;
  errors: { NotFound: new (...args: never[]) => Error };
  serve(
    options: { port: number; hostname: string; signal?: AbortSignal; onListen?(addr: { hostname: string; port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void> };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
};

const ROOT = new URL('../../', import.meta.url);
const env = Deno.env.toObject();
const logOpts = resolveLogOptions({}, env);
// console.error is stderr on Deno; the logger's default (process.stderr) is Node's.
const logger = logOpts.format === 'json' ? createLogger({ level: logOpts.level, stream: { write: (line) => console.error(line.trimEnd()) } }) : null;

function dirUrl(path: string | undefined, fallback: URL): URL {
  if (!path) return fallback;
  return new URL(path.endsWith('/') ? path : `${path}/`, new URL(`file://${Deno.cwd()}/`));
}

async function readIfExists(url: URL): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** dist/web (the browser demo) from disk, like serveStatic in hono's Deno adapter. */
function staticFiles(root: URL): MiddlewareHandler {
  const rootPath = decodeURIComponent(root.pathname);
  return baseServeStatic({
    root: rootPath,
    getContent: async (path) => {
      try {
        if ((await Deno.stat(path)).isDirectory) return null;
        return (await Deno.open(path)).readable;
      } catch {
        return null;
      }
    },
    isDir: async (path) => {
      try {
        return (await Deno.stat(path)).isDirectory;
      } catch {
        return undefined;
      }
    },
  });
}

const modelDir = dirUrl(env.ANOMALYZE_MODEL, new URL('models/default/', ROOT));
const simd = await readIfExists(new URL('build/anomalyze.wasm', ROOT));
if (!simd) {
  console.error('error: build/anomalyze.wasm is missing: run `npm run build:wasm` to compile the WebAssembly core');
  Deno.exit(1);
}
// Deno 2 validates relaxed SIMD, so the FMA build runs; the plain one where it does not (or is not built).
const wasm = { simd, relaxed: await readIfExists(new URL('build/anomalyze-relaxed.wasm', ROOT)) };
const detector = await loadDetector(wasm, (name) => readIfExists(new URL(name, modelDir)), decodeURIComponent(modelDir.pathname));
const pkg = JSON.parse(await Deno.readTextFile(new URL('package.json', ROOT))) as { version: string };

const app = createApp({
  detector,
  version: pkg.version,
  options: optionsFromEnv(env),
  staticAssets: staticFiles(new URL('dist/web/', ROOT)),
  ...(logger ? { accessLog: logger, log: (message: string, err?: unknown) => logger.error(message, err === undefined ? {} : { error: err }) } : {}),
  upgradeWebSocket, // GET /api/stream/ws, through Deno.upgradeWebSocket
});

const port = env.PORT ? Number(env.PORT) : 3000;
const hostname = env.HOST || '127.0.0.1';
const stop = new AbortController();
const server = Deno.serve({
  port,
  hostname,
  signal: stop.signal,
  onListen: (addr) => {
    const url = `http://${addr.hostname.includes(':') ? `[${addr.hostname}]` : addr.hostname}:${addr.port}`;
    if (logger) logger.info('listening', { url, host: addr.hostname, port: addr.port, models: [detector.model.id], version: pkg.version, runtime: 'deno' });
    else console.log(`Anomalyze listening on ${url}`);
  },
}, app.fetch);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  Deno.addSignalListener(signal, () => {
    if (logger) logger.info('shutting down', { signal });
    else console.log(`${signal}: shutting down`);
    stop.abort();
  });
}
await server.finished;
