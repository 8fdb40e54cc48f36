// npm run detect -- <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all]

import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../data/errors.ts';
import { Detector } from '../detect/detector.ts';
import type { DetectionRecord, DetectionReport } from '../detect/report.ts';
import { runDetection } from '../detect/run.ts';
import { loadEngine } from '../engine/node.ts';
import { ModelError } from '../model/format.ts';
import { DEFAULT_MODEL_DIR, loadModelDir } from '../model/node.ts';
import { fail, openInput } from './io.ts';
import { progressBar } from './progress.ts';
import { CSV_HEADER, csvLine } from './record-formats.ts';
import { renderSummary, renderTopRecords } from './render.ts';

const FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: npm run detect -- <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all]

  <file|->   KDD-format CSV (NSL-KDD, KDD Cup 1999, with or without header, labelled or not); - reads stdin
  --model    model directory (default models/default)
  --format   table (readable summary, default) · json (one document) · csv / ndjson (one line per record, streamed)
  --out      write the output to this file instead of stdout (all or nothing: no partial file on error)
  --all      report every record, not only anomalies`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        model: { type: 'string' }, format: { type: 'string', default: 'table' }, out: { type: 'string' },
        all: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) { console.log(USAGE); return; }
  if (positionals.length !== 1) fail(`give exactly one input file (or - for stdin)\n${USAGE}`);
  const format = values.format as Format;
  if (!FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(', ')}; got "${values.format}"`);
  const path = positionals[0];
  const source = path === '-' ? 'stdin' : basename(path);

  const engine = await loadEngine();
  const model = await loadModelDir(engine, values.model ?? DEFAULT_MODEL_DIR);
  const detector = new Detector(model);
  const input = await openInput(path);
  const size = path === '-' ? null : (await stat(path)).size;
  const bar = progressBar(size);
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of input) { bytes += (chunk as Uint8Array).length; yield chunk as Uint8Array; }
  })();

  const out = await openOutput(values.out);
  try {
    let onRecord: ((r: DetectionRecord) => void) | undefined;
    if (format === 'csv') {
      out.write(CSV_HEADER + '\n');
      onRecord = (r) => out.write(csvLine(r) + '\n');
    } else if (format === 'ndjson') {
      onRecord = (r) => out.write(JSON.stringify(r) + '\n');
    }
    const report = await runDetection(detector, counted, {
      all: values.all, source, onRecord, onProgress: (rows) => bar.update(bytes, rows),
    });
    bar.done();
    writeReport(report, format, source, out);
    await out.commit();
    if (format !== 'table' && format !== 'json') process.stderr.write(renderSummary(report, source));
  } catch (err) {
    bar.done();
    await out.abort();
    throw err;
  }
}

function writeReport(report: DetectionReport, format: Format, source: string, out: Output): void {
  if (format === 'json') out.write(JSON.stringify(report) + '\n');
  else if (format === 'ndjson') out.write(JSON.stringify({ summary: report.summary, metrics: report.metrics }) + '\n');
  else if (format === 'table') out.write(renderSummary(report, source) + renderTopRecords(report.records));
}

interface Output {
  write(s: string): void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** stdout, or a temp file renamed into place only when everything succeeded. */
async function openOutput(path: string | undefined): Promise<Output> {
  if (!path) {
    return { write: (s) => { process.stdout.write(s); }, commit: async () => {}, abort: async () => {} };
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const stream: WriteStream = createWriteStream(tmp);
  const closed = () => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return {
    write: (s) => { stream.write(s); },
    commit: async () => { await closed(); await rename(tmp, path); },
    abort: async () => { await closed().catch(() => {}); await rm(tmp, { force: true }); },
  };
}

main().catch((err) => {
  if (err instanceof InputError || err instanceof ModelError) fail(err.message);
  process.stderr.write(`internal error: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
