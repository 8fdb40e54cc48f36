// Bundles the CLIs and the Node server into ES modules (build/cli/detect.mjs with its
// detect-worker.mjs, train.mjs
// with its fold-worker.mjs, sample.mjs, server.mjs), so that `npm run detect`, `npx
// anomalyze …` (bin/anomalyze.mjs) and `npm start` run plain node: no TypeScript loader
// on the hot path, and none of its transpiled sources in the server's memory.
// Plain JavaScript on purpose: it runs before anything is compiled.
// The bundle sits two folders deep, like the sources, so the paths they
// resolve from import.meta.url (build/, models/) stay the same.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: {
    detect: 'src/cli/detect.ts', train: 'src/cli/train.ts', 'fold-worker': 'src/train/fold-worker.ts', sample: 'src/cli/sample.ts',
    'detect-worker': 'src/cli/detect-worker.ts', server: 'src/server/node.ts',
  },
  outdir: 'build/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
