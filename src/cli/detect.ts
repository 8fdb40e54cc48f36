// npm run detect -- <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all]

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../data/errors.ts';
import { Detector, SchemaMismatchError } from '../detect/detector.ts';
import { DetectorChoice } from '../detect/choice.ts';
import type { InputSchema } from '../data/input-schema.ts';
import { loadCatalog, modelDirs, MODELS_ROOT } from '../model/catalog.ts';
import { MANIFEST } from '../model/format.ts';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DetectionRecord } from '../detect/report.ts';
import { runDetection } from '../detect/run.ts';
import { loadEngine } from '../engine/node.ts';
import { ModelError } from '../model/format.ts';
import { DEFAULT_MODEL_DIR, loadModelDir } from '../model/node.ts';
import { fail, openInput } from './io.ts';
import { openOutput, openSpool, OutputError } from './output.ts';
import { progressBar } from './progress.ts';
import { csvHeader, csvLine, hasIdentity } from './record-formats.ts';
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
  // Without --model, the committed models are candidates: the first whose input
  // schema the file fits scores it (KDD files: models/default; captures and Zeek
  // logs: models/traffic).
  let detector: Detector | DetectorChoice;
  if (values.model !== undefined) {
    detector = new Detector(await loadModelDir(engine, values.model));
  } else {
    const { models, places } = await loadCatalog(engine, MODELS_ROOT, (m) => process.stderr.write(`warning: ${m}\n`));
    detector = models.length > 0 ? new DetectorChoice(models.map((m) => new Detector(m)), places) : new Detector(await loadModelDir(engine, DEFAULT_MODEL_DIR));
  }
  const input = await openInput(path);
  const size = path === '-' ? null : (await stat(path)).size;
  const bar = progressBar(size);
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of input) { bytes += (chunk as Uint8Array).length; yield chunk as Uint8Array; }
  })();

  const out = await openOutput(values.out);
  // Records never pile up in memory: csv/ndjson stream out, json goes through a
  // temporary spool (the summary comes first in the document), table keeps the top ones.
  const spool = format === 'json' ? await openSpool() : null;
  const top = new TopRecords(TOP_RECORDS);
  let first = true;
  let csvIdentity: boolean | null = null; // the CSV header waits for the first record: identity columns or not
  const onRecord = (r: DetectionRecord): void => {
    if (format === 'csv') {
      if (csvIdentity === null) { csvIdentity = hasIdentity(r); out.write(csvHeader(csvIdentity) + '\n'); }
      out.write(csvLine(r, csvIdentity) + '\n');
    }
    else if (format === 'ndjson') out.write(JSON.stringify(r) + '\n');
    else if (spool) { spool.write((first ? '' : ',') + JSON.stringify(r)); first = false; }
    else top.add(r);
  };
  try {
    const report = await runDetection(detector, counted, {
      all: values.all, source, onRecord,
      onProgress: (rows) => bar.update(bytes, rows),
      afterBatch: async () => { await out.drain(); await spool?.drain(); },
    });
    bar.done();
    if (format === 'csv' && csvIdentity === null) out.write(csvHeader(false) + '\n');
    const { summary, metrics } = report;
    if (format === 'json') {
      await spool!.close();
      out.write(`{"summary":${JSON.stringify(summary)},"metrics":${JSON.stringify(metrics)},"records":[`);
      await out.copyFrom(spool!.path);
      out.write(']}\n');
    } else if (format === 'ndjson') {
      out.write(JSON.stringify({ summary, metrics }) + '\n');
    } else if (format === 'table') {
      out.write(renderSummary(report, source) + renderTopRecords(top.records, summary.anomalies, values.all ? summary.rows : summary.anomalies));
    }
    await out.commit();
    if (format !== 'table' && format !== 'json') process.stderr.write(renderSummary(report, source));
  } catch (err) {
    bar.done();
    await out.abort();
    throw err;
  } finally {
    await spool?.close().catch(() => {});
    await spool?.remove();
  }
}

const TOP_RECORDS = 20;

/** " Models that fit: models/traffic." when some model under models/ reads this input. */
async function fittingModels(schema: InputSchema): Promise<string> {
  const fits: string[] = [];
  for (const dir of await modelDirs()) {
    try {
      const features = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')).features as string[];
      const names = new Set(schema.features.map((f) => f.name));
      if (Array.isArray(features) && features.every((f) => names.has(f))) fits.push(relative(process.cwd(), dir) || dir);
    } catch { /* unreadable: not a candidate */ }
  }
  return fits.length ? ` Models that read it: ${fits.map((f) => `--model ${f}`).join(', ')}.` : '';
}

/** The highest-scoring records seen, at most `limit` of them. */
class TopRecords {
  readonly records: DetectionRecord[] = [];
  constructor(private readonly limit: number) {}
  add(r: DetectionRecord): void {
    const list = this.records;
    if (list.length === this.limit && r.score <= list[list.length - 1].score) return;
    let i = list.length;
    while (i > 0 && list[i - 1].score < r.score) i--;
    list.splice(i, 0, r);
    if (list.length > this.limit) list.pop();
  }
}

main().catch(async (err) => {
  if (err instanceof SchemaMismatchError && process.argv.includes('--model')) fail(`${err.message}${await fittingModels(err.inputSchema)}`);
  if (err instanceof InputError || err instanceof ModelError || err instanceof OutputError) fail(err.message);
  process.stderr.write(`internal error: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
