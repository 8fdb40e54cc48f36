// npm run detect -- <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all]
//                   [--follow] [--max-latency ms] [--alerts spec …] [--rate-limit N/60s]

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
import { fail } from './io.ts';
import { openDetectInput } from './live-input.ts';
import { openOutput, openSpool, OutputError, type Output } from './output.ts';
import { AlertSpecError, createAlertSinks, totalDropped, type AlertSink } from '../alerts/index.ts';
import { progressBar } from './progress.ts';
import { csvHeader, csvLine, hasIdentity } from './record-formats.ts';
import { renderSummary, renderTopRecords } from './render.ts';

const FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: npm run detect -- <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all]
                        [--follow [--from-end]] [--max-latency ms] [--alerts spec ...] [--rate-limit N/60s[:pair]]

  <file|->   what to score, recognised by its content: KDD CSV (NSL-KDD, KDD Cup 1999), a pcap/pcapng capture,
             a Zeek conn.log (TSV or JSON lines), a CICFlowMeter, Argus (ra -c ,) or nfdump (-o csv) export,
             gzip-compressed or not; - reads stdin (a pipe is read live, record by record)
  --model    model directory (default: the model under models/ that reads this input — models/default for KDD files)
  --format   table (readable summary, default) · json (one document) · csv / ndjson (one line per record, streamed)
  --out      write the output to this file instead of stdout (all or nothing: no partial file on error)
  --all      report every record, not only anomalies
  --follow   keep reading the file as it grows, across rotation and truncation (like tail -F); Ctrl-C or
             SIGTERM ends with the summary, SIGHUP reloads the model; --from-end skips what is already there
  --max-latency  live inputs: longest wait from a record's arrival to its verdict, in ms (default 1000)
  --alerts   also send each anomaly as an alert: ecs:- / ecs:<file> (Elastic Common Schema lines),
             eve:- / eve:<file> (Suricata EVE lines), syslog:udp://host:514 (or tcp://, unix:///path; RFC 5424),
             webhook:https://… (JSON batches, retried); repeat for several destinations
  --rate-limit  at most N alerts per source address per window (e.g. 10/60s; :pair for per source→destination);
             the rest become one summary line per window`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        model: { type: 'string' }, format: { type: 'string', default: 'table' }, out: { type: 'string' },
        all: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
        follow: { type: 'boolean', default: false }, 'from-end': { type: 'boolean', default: false },
        'max-latency': { type: 'string', default: '1000' },
        alerts: { type: 'string', multiple: true }, 'rate-limit': { type: 'string' },
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

  const latencyMs = Number(values['max-latency']);
  if (!(latencyMs >= 10 && latencyMs <= 3_600_000)) fail(`--max-latency must be a number of milliseconds between 10 and 3600000, got "${values['max-latency']}"`);
  if (values['from-end'] && !values.follow) fail('--from-end only applies with --follow');

  const engine = await loadEngine();
  const loadDetectors = async (): Promise<Detector | DetectorChoice> => {
    // Without --model, the committed models are candidates: the first whose input
    // schema the file fits scores it (KDD files: models/default; captures and Zeek
    // logs: models/traffic).
    if (values.model !== undefined) return new Detector(await loadModelDir(engine, values.model));
    const { models, places } = await loadCatalog(engine, MODELS_ROOT, (m) => log(`warning: ${m}`));
    return models.length > 0 ? new DetectorChoice(models.map((m) => new Detector(m)), places) : new Detector(await loadModelDir(engine, DEFAULT_MODEL_DIR));
  };
  const detector = await loadDetectors();

  // Live inputs end cleanly on the first SIGINT/SIGTERM (summary, outputs, alerts
  // flushed); a second one exits at once. SIGHUP reloads the model between batches.
  const stop = new AbortController();
  const plan = await openDetectInput(path, {
    follow: values.follow, fromEnd: values['from-end'], latencyMs, signal: stop.signal,
    onEvent: (e) => log(`${e.type} ${e.path}${'position' in e ? ` at byte ${e.position}` : ''}`),
  });
  let reloaded: Detector | DetectorChoice | null = null;
  if (plan.live) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (stop.signal.aborted) process.exit(130);
        log(`${sig}: finishing the current batch, then the summary`);
        stop.abort();
      });
    }
    process.on('SIGHUP', () => {
      log('SIGHUP: reloading the model');
      loadDetectors().then((d) => { reloaded = d; }, (err) => log(`warning: the model was not reloaded, the old one stays: ${(err as Error).message}`));
    });
  }
  const bar = progressBar(plan.size);
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of plan.chunks) { bytes += chunk.length; yield chunk; }
  })();

  // Alerts: every spec is checked before anything is opened; the context follows the model in use.
  const alertCtx = { model: '', threshold: 0, source };
  let alerts: AlertSink | null = null;
  if (values.alerts?.length) {
    try {
      alerts = createAlertSinks(values.alerts, alertCtx, { rateLimit: values['rate-limit'], onError: (m) => log(`alerts: ${m}`) });
    } catch (err) {
      if (err instanceof AlertSpecError) fail(err.message);
      throw err;
    }
  } else if (values['rate-limit'] !== undefined) {
    fail('--rate-limit applies to --alerts; give at least one --alerts destination');
  }
  // An alert stream on stdout leaves stdout to it: the report then goes to stderr (or --out).
  const alertsOnStdout = (values.alerts ?? []).some((a) => /^(ecs|eve):-$/i.test(a));

  const out = alertsOnStdout && values.out === undefined ? stderrOutput() : await openOutput(values.out);
  // Records never pile up in memory: csv/ndjson stream out, json goes through a
  // temporary spool (the summary comes first in the document), table keeps the top ones.
  const spool = format === 'json' ? await openSpool() : null;
  const top = new TopRecords(TOP_RECORDS);
  let first = true;
  let csvIdentity: boolean | null = null; // the CSV header waits for the first record: identity columns or not
  const onRecord = (r: DetectionRecord): void => {
    if (alerts && r.anomaly) alerts.write(r);
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
      all: values.all, source, onRecord, live: plan.live,
      onProgress: (rows) => bar.update(bytes, rows),
      afterBatch: async () => { await out.drain(); await spool?.drain(); },
      reload: () => { const d = reloaded; reloaded = null; if (d) log('model reloaded'); return d; },
      onDetector: (d) => { alertCtx.model = d.model.id; alertCtx.threshold = d.model.scoring.threshold; },
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
    if (format !== 'table' && format !== 'json' && !(alertsOnStdout && values.out === undefined)) process.stderr.write(renderSummary(report, source));
    if (alerts) {
      await alerts.close();
      const st = alerts.stats();
      const dropped = totalDropped(st);
      log(`alerts: ${st.written} written, ${st.delivered} delivered${dropped ? `, ${dropped} dropped (${Object.entries(st.dropped).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
    }
  } catch (err) {
    bar.done();
    await out.abort();
    await alerts?.close().catch(() => {});
    throw err;
  } finally {
    await spool?.close().catch(() => {});
    await spool?.remove();
  }
}

const TOP_RECORDS = 20;

const log = (message: string): void => { process.stderr.write(`${message}\n`); };

/** The report written to stderr when stdout carries the alert stream. */
function stderrOutput(): Output {
  return {
    write: (t) => { process.stderr.write(t); },
    drain: () => Promise.resolve(),
    copyFrom: async (p) => { process.stderr.write(await readFile(p)); },
    commit: () => Promise.resolve(),
    abort: () => Promise.resolve(),
  };
}

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
