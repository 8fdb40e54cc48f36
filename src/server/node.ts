// `npm start`: the API and the demo on Node.
//   PORT (default 3000), HOST (default 127.0.0.1), ANOMALYZE_MODEL (model directory,
//   default models/default), plus the ANOMALYZE_* options in config.ts.

import { startServer } from './node-server.ts';

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  const server = await startServer({
    port,
    host: process.env.HOST || '127.0.0.1',
    modelDir: process.env.ANOMALYZE_MODEL || undefined,
  });
  console.log(`Anomalyze listening on ${server.url}`);
  console.log(`  demo ${server.url}/   ·   API ${server.url}/api/detect   ·   docs ${server.url}/api/openapi.json   ·   Ctrl-C stops`);

  let stopping = 0;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C stops at once (a duplicate relayed by a wrapper right away does not).
      if (Date.now() - stopping > 1000) process.exit(1);
      return;
    }
    stopping = Date.now();
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
