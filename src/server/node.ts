// `npm start`: the API and the demo on Node.
//   PORT (default 3000), HOST (default 127.0.0.1), ANOMALYZE_MODEL (model directory,
//   default models/default), plus the ANOMALYZE_* options in config.ts.
//   ANOMALYZE_LOG_FORMAT=json: JSON lines on stderr instead of the text below — start-up,
//   one access-log line per request, server errors, shutdown; ANOMALYZE_LOG_LEVEL filters them.

import { createLogger, type Logger } from '../observe/logger.ts';
import { resolveLogOptions } from '../observe/log-options.ts';
import { packageVersion, startServer } from './node-server.ts';

async function main(): Promise<void> {
  const logOpts = resolveLogOptions({}, process.env);
  // Text keeps the messages people have always seen (and no access log); json is for journald and log shippers.
  const logger: Logger | null = logOpts.format === 'json' ? createLogger({ level: logOpts.level }) : null;
  // A crash is a log line too (in text, Node's own report stays).
  if (logger) process.on('uncaughtException', (err) => { logger.error('uncaught exception', { error: err }); process.exit(1); });

  const port = process.env.PORT ? Number(process.env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  const host = process.env.HOST || '127.0.0.1';
  const server = await startServer({
    port,
    host,
    modelDir: process.env.ANOMALYZE_MODEL || undefined,
    log: logger ? (message, err) => logger.error(message, err === undefined ? {} : { error: err }) : undefined,
    accessLog: logger ?? undefined,
  });
  if (logger) {
    logger.info('listening', { url: server.url, host, port: server.port, models: server.models, version: await packageVersion(), pid: process.pid });
  } else {
    console.log(`Anomalyze listening on ${server.url}`);
    console.log(`  demo ${server.url}/   ·   API ${server.url}/api/detect   ·   docs ${server.url}/api/openapi.json   ·   Ctrl-C stops`);
  }

  let stopping = 0;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C stops at once (a duplicate relayed by a wrapper right away does not).
      if (Date.now() - stopping > 1000) process.exit(1);
      return;
    }
    stopping = Date.now();
    if (logger) logger.info('shutting down', { signal });
    else console.log(`${signal}: shutting down`);
    server.close().then(
      () => {
        logger?.info('stopped', { signal, seconds: Math.round((Date.now() - stopping) / 100) / 10 });
        process.exit(0);
      },
      (err) => {
        if (logger) logger.error('shutdown failed', { error: err });
        else console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  // The log format may itself be what was wrong: then this is text.
  if (process.env.ANOMALYZE_LOG_FORMAT?.trim().toLowerCase() === 'json') createLogger().error('start failed', { error: (err as Error).message });
  else console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
