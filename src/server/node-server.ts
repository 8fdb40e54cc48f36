// The API on Node with @hono/node-server: programmatic start for the CLI entry
// (node.ts), the tests and the browser demo's Playwright suite.

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { serve, upgradeWebSocket } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { WASM_PATH, WASM_RELAXED_PATH } from '../engine/node.ts';
import { DEFAULT_MODEL_DIR } from '../model/node.ts';
import { createApp, type AppOptions } from './app.ts';
import { DEFAULT_TIMEOUT_MS, optionsFromEnv } from './config.ts';
import { loadDetector } from './load.ts';
import { modelDirs } from '../model/catalog.ts';
import type { Detector } from '../detect/detector.ts';
import { readModelDir } from './node-files.ts';
import type { Logger } from '../observe/logger.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_WEB_ROOT = resolve(PROJECT_ROOT, 'dist/web');

export interface StartOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Model directory; default: every model under models/ (models/default first, then e.g. models/traffic for captures). */
  modelDir?: string;
  /** Static files for GET / (the browser demo); default dist/web. */
  webRoot?: string;
  /** API options; default from the ANOMALYZE_* environment variables (see config.ts). */
  options?: AppOptions;
  /** Error log; default console.error. */
  log?: (message: string, err?: unknown) => void;
  /** Access log: one line per request (see access-log.ts); none by default. */
  accessLog?: Logger;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** The port listened on (the one picked when 0 was asked for). */
  port: number;
  /** Ids of the loaded models, the one /api/model describes first. */
  models: string[];
  close(): Promise<void>;
}

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const port = options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  const modelDir = resolve(options.modelDir ?? DEFAULT_MODEL_DIR);
  // Without a model directory, the other committed models (models/traffic, …) answer the inputs models/default cannot read.
  const otherDirs = options.modelDir === undefined ? (await modelDirs()).filter((d) => resolve(d) !== modelDir) : [];
  const webRoot = resolve(options.webRoot ?? DEFAULT_WEB_ROOT);
  const appOptions = options.options ?? optionsFromEnv(process.env);

  const simd = await readFile(WASM_PATH).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`${WASM_PATH} is missing: run \`npm run build:wasm\` to compile the WebAssembly core`);
    throw err;
  });
  // Both builds: the relaxed-SIMD one runs where this Node validates it (Node 20 only with --experimental-wasm-relaxed-simd).
  const wasm = { simd, relaxed: await readFile(WASM_RELAXED_PATH).catch(() => null) };
  const detector = await loadDetector(wasm, readModelDir(modelDir), modelDir);
  const others: Detector[] = [];
  for (const dir of otherDirs) {
    try {
      others.push(await loadDetector(wasm, readModelDir(dir), dir));
    } catch (err) {
      (options.log ?? console.error)(`skipping the model in ${dir}: ${(err as Error).message}`);
    }
  }
  const app = createApp({
    detector,
    others,
    version: await packageVersion(),
    options: appOptions,
    // Checked per request, so a demo built while the server runs is picked up.
    staticAssets: async (c, next) => (existsSync(resolve(webRoot, 'index.html')) ? serveStatic({ root: webRoot })(c, next) : next()),
    accessLog: options.accessLog,
    log: options.log,
    upgradeWebSocket,
  });

  // GET /api/stream/ws: @hono/node-server upgrades through ws. Messages up to 1 MiB (as on
  // Workers): a message is read whole before it is scored, so this bounds it per connection.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const server = await new Promise<Server>((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host, websocket: { server: wss } }, () => resolveServer(s as Server)) as Server;
    s.once('error', reject);
  });
  // Slow clients cannot hold a request open forever: a little beyond the app's own
  // deadline for detections (which answers 408 first); Node's default when there is none.
  const timeoutMs = appOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (timeoutMs > 0) server.requestTimeout = timeoutMs + 10_000;
  const { port: actual } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    models: [detector, ...others].map((d) => d.model.id),
    close() {
      closing ??= new Promise<void>((done, fail) => {
        server.close((err) => (err ? fail(err) : done()));
        server.closeIdleConnections();
        // Open WebSockets are no HTTP connections any more: told the server is going away.
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        // In-flight requests get a moment to finish, then their connections are cut.
        setTimeout(() => {
          server.closeAllConnections();
          for (const ws of wss.clients) ws.terminate();
        }, 2000).unref();
      });
      return closing;
    },
  };
}
