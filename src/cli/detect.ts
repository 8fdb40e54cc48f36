// npm run detect -- <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all]
//                   [--follow] [--max-latency ms] [--alerts spec …] [--rate-limit N/60s]
//                   [--log-format text|json] [--log-level level] [--stats-interval ms]

import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { program } from './program.ts';
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
import { runDetectionPooled, type PoolFormat } from './detect-pool.ts';
import { ModelError } from '../model/format.ts';
import { DEFAULT_MODEL_DIR, loadModelDir } from '../model/node.ts';
import { fail, reportFailuresWith } from './io.ts';
import { LogOptionError, resolveLogOptions, type LogOptions } from '../observe/log-options.ts';
import type { LogFields } from '../observe/logger.ts';
import type { DeliveryFailure } from '../alerts/delivery-failure.ts';
import { createCliLog, type CliLog } from './cli-log.ts';
import { FollowLag } from './follow-lag.ts';
import { alertFields, LiveStats } from './live-stats.ts';
import pkg from '../../package.json';
import { openDetectInput } from './live-input.ts';
import { openOutput, openSpool, OutputError, type Output } from './output.ts';
import { AlertSpecError, createAlertSinks, totalDropped, type AlertSink } from '../alerts/index.ts';
import { modelContext, type AlertContext } from '../alerts/context.ts';
import { progressBar } from './progress.ts';
import { csvHeader, csvLine, hasIdentity } from './record-formats.ts';
import { renderSummary, renderTopRecords } from './render.ts';

const FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

// Continuation lines line up under the first option, whatever the program's name.
const INDENT = ' '.repeat(`usage: ${program('detect')} `.length - 1);
const USAGE = `usage: ${program('detect')} <file|-> [--model <dir>] [--format table|json|csv|ndjson] [--out <file>] [--all] [--threads N]
${INDENT}[--follow [--from-end]] [--max-latency ms] [--alerts spec ...] [--rate-limit N/60s[:pair]]
${INDENT}[--log-format text|json] [--log-level debug|info|warn|error] [--stats-interval ms]

  <file|->   what to score, recognised by its content: KDD CSV (NSL-KDD, KDD Cup 1999), a pcap/pcapng capture,
             a Zeek conn.log (TSV or JSON lines), a CICFlowMeter, Argus (ra -c ,) or nfdump (-o csv) export,
             gzip-compressed or not; - reads stdin (a pipe is read live, record by record)
  --model    model directory (default: the model under models/ that reads this input — models/default for KDD files)
  --format   table (readable summary, default) · json (one document) · csv / ndjson (one line per record, streamed)
  --out      write the output to this file instead of stdout (all or nothing: no partial file on error)
  --all      report every record, not only anomalies
  --threads  threads that score a file with --format json or ndjson (default: every core for files of
             16 MB or more, else 1); the output is the same with any number
  --follow   keep reading the file as it grows, across rotation and truncation (like tail -F); Ctrl-C or
             SIGTERM ends with the summary, SIGHUP reloads the model; --from-end skips what is already there
  --max-latency  live inputs: longest wait from a record's arrival to its verdict, in ms (default 1000)
  --alerts   also send each anomaly as an alert: ecs:- / ecs:<file> (Elastic Common Schema lines),
             eve:- / eve:<file> (Suricata EVE lines), syslog:udp://host:514 (or tcp://, unix:///path; RFC 5424),
             webhook:https://… (JSON batches, retried); repeat for several destinations
  --rate-limit  at most N alerts per source address per window (e.g. 10/60s; :pair for per source→destination);
             the rest become one summary line per window
  --log-format  what stderr carries: text (messages for people, default) · json (one JSON object per line:
             time, level, msg and fields; no progress bar, the summary as an event); default $ANOMALYZE_LOG_FORMAT
  --log-level   debug · info (default) · warn · error; default $ANOMALYZE_LOG_LEVEL
  --stats-interval  live inputs: a statistics line (rows, anomalies, rate, lag, alerts) every so many ms
             (default 60000 in json logs; text logs print it only when this is given; 0 for none)`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        model: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
        all: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' }, threads: { type: 'string' },
        follow: { type: 'boolean', default: false }, 'from-end': { type: 'boolean', default: false },
        'max-latency': { type: 'string', default: '1000' },
        alerts: { type: 'string', multiple: true }, 'rate-limit': { type: 'string' },
        'log-format': { type: 'string' }, 'log-level': { type: 'string' }, 'stats-interval': { type: 'string' },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) { console.log(USAGE); return; }
  // The log format first, so that every later error is reported in it.
  let logOpts: LogOptions;
  try {
    logOpts = resolveLogOptions({ format: values['log-format'], level: values['log-level'] }, process.env);
  } catch (err) {
    if (err instanceof LogOptionError) fail(err.message);
    throw err;
  }
  log = createCliLog(logOpts);
  if (log.json) reportFailuresWith((message, fields) => log.event('error', 'error', { error: message, ...fields }));
  if (positionals.length !== 1) fail(`give exactly one input file (or - for stdin)\n${USAGE}`);
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(', ')}; got "${values.format}"`);
  const path = positionals[0];
  const source = path === '-' ? 'stdin' : basename(path);

  const latencyMs = Number(values['max-latency']);
  if (!(latencyMs >= 10 && latencyMs <= 3_600_000)) fail(`--max-latency must be a number of milliseconds between 10 and 3600000, got "${values['max-latency']}"`);
  if (values['from-end'] && !values.follow) fail('--from-end only applies with --follow');
  const threadsText = values.threads;
  if (threadsText !== undefined && !(/^\d+$/.test(threadsText) && Number(threadsText) >= 1 && Number(threadsText) <= 256)) {
    fail(`--threads must be a whole number from 1 to 256, got "${threadsText}"`);
  }
  const statsText = values['stats-interval'];
  const statsMs = statsText === undefined ? (log.json ? 60_000 : 0) : Number(statsText);
  if (!(Number.isInteger(statsMs) && (statsMs === 0 || (statsMs >= 100 && statsMs <= 86_400_000)))) {
    fail(`--stats-interval must be 0 (none) or a number of milliseconds between 100 and 86400000, got "${statsText}"`);
  }
  // An alert stream on stdout leaves stdout to it, and json logs leave stderr to log lines: a report has nowhere to go.
  const alertsOnStdout = (values.alerts ?? []).some((a) => /^(ecs|eve):-$/i.test(a));
  const reportNowhere = log.json && alertsOnStdout && values.out === undefined;
  if (reportNowhere && (values.format !== undefined || values.all)) {
    fail(`with --log-format json and --alerts ${values.alerts!.find((a) => /:-$/.test(a))}, stdout carries the alerts and stderr the log lines: give --out <file> for the ${format} report`);
  }

  const engine = await loadEngine();
  const loadDetectors = async (): Promise<Detector | DetectorChoice> => {
    // Without --model, the committed models are candidates: the first whose input
    // schema the file fits scores it (KDD files: models/default; captures and Zeek
    // logs: models/traffic).
    if (values.model !== undefined) return new Detector(await loadModelDir(engine, values.model));
    const { models, places } = await loadCatalog(engine, MODELS_ROOT, (m) => log.event('warn', 'model skipped', { reason: m }, `warning: ${m}`));
    return models.length > 0 ? new DetectorChoice(models.map((m) => new Detector(m)), places) : new Detector(await loadModelDir(engine, DEFAULT_MODEL_DIR));
  };
  const detector = await loadDetectors();

  // Live inputs end cleanly on the first SIGINT/SIGTERM (summary, outputs, alerts
  // flushed); a second one exits at once. SIGHUP reloads the model between batches.
  const stop = new AbortController();
  const lag = values.follow ? new FollowLag(path) : null;
  const plan = await openDetectInput(path, {
    follow: values.follow, fromEnd: values['from-end'], latencyMs, signal: stop.signal,
    onEvent: (e) => {
      lag?.onEvent(e);
      const { type, ...fields } = e;
      log.event('info', `input ${type}`, fields, `${e.type} ${e.path}${'position' in e ? ` at byte ${e.position}` : ''}`);
    },
  });
  let reloaded: Detector | DetectorChoice | null = null;
  if (plan.live) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (stop.signal.aborted) process.exit(130);
        log.event('info', 'stopping', { signal: sig, then: 'finishing the current batch, then the summary' }, `${sig}: finishing the current batch, then the summary`);
        stop.abort();
      });
    }
    process.on('SIGHUP', () => {
      log.event('info', 'model reload requested', { signal: 'SIGHUP' }, 'SIGHUP: reloading the model');
      loadDetectors().then(
        (d) => { reloaded = d; log.event('info', 'model reloaded', { ok: true, models: modelIds(d), from: 'the next batch' }); },
        (err) => log.event('warn', 'model reload failed', { ok: false, reason: (err as Error).message, kept: alertCtx.model || modelIds(detector).join(', ') },
          `warning: the model was not reloaded, the old one stays: ${(err as Error).message}`),
      );
    });
  }
  const bar = progressBar(plan.size, { enabled: !log.json });
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of plan.chunks) { bytes += chunk.length; lag?.onChunk(chunk.length); yield chunk; }
  })();

  // Alerts: every spec is checked before anything is opened; the context follows the model in use.
  const alertCtx: AlertContext = { model: '', threshold: 0, source };
  let alerts: AlertSink | null = null;
  if (values.alerts?.length) {
    try {
      alerts = createAlertSinks(values.alerts, alertCtx, {
        rateLimit: values['rate-limit'],
        onError: (m, failure?: DeliveryFailure) => log.event('warn', 'alert delivery failed', failure ? { ...failure } : { error: m }, `alerts: ${m}`),
      });
    } catch (err) {
      if (err instanceof AlertSpecError) fail(err.message);
      throw err;
    }
  } else if (values['rate-limit'] !== undefined) {
    fail('--rate-limit applies to --alerts; give at least one --alerts destination');
  }
  // An alert stream on stdout leaves stdout to it: the report then goes to stderr (or --out);
  // with json logs, only its summary does, as the "summary" event.
  const out = reportNowhere ? nullOutput() : alertsOnStdout && values.out === undefined ? stderrOutput() : await openOutput(values.out);
  // Records never pile up in memory: csv/ndjson stream out, json goes through a
  // temporary spool (the summary comes first in the document), table keeps the top ones.
  const spool = format === 'json' ? await openSpool() : null;
  const top = new TopRecords(TOP_RECORDS);
  let first = true;
  let csvIdentity: boolean | null = null; // the CSV header waits for the first record: identity columns or not
  let rowsScored = 0;
  let anomalies = 0;
  const onRecord = (r: DetectionRecord): void => {
    if (r.anomaly) anomalies++;
    if (alerts && r.anomaly) alerts.write(r);
    if (format === 'csv') {
      if (csvIdentity === null) { csvIdentity = hasIdentity(r); out.write(csvHeader(csvIdentity) + '\n'); }
      out.write(csvLine(r, csvIdentity) + '\n');
    }
    else if (format === 'ndjson') out.write(JSON.stringify(r) + '\n');
    else if (spool) { spool.write((first ? '' : ',') + JSON.stringify(r)); first = false; }
    else top.add(r);
  };
  log.event('info', 'detect started', {
    version: pkg.version, input: path, source, live: plan.live, models: modelIds(detector),
    options: {
      format, out: values.out ?? (reportNowhere ? null : alertsOnStdout ? 'stderr' : 'stdout'), all: values.all, follow: values.follow, fromEnd: values['from-end'],
      maxLatencyMs: latencyMs, alerts: (values.alerts ?? []).map(withoutCredentials), rateLimit: values['rate-limit'] ?? null,
      logLevel: logOpts.level, statsIntervalMs: plan.live ? statsMs : 0,
    },
  });
  const stats = new LiveStats({
    rows: () => rowsScored, anomalies: () => anomalies, lagBytes: () => lag?.bytes() ?? Promise.resolve(null), alerts: () => alerts?.stats() ?? null,
  }, statsMs, (f) => log.event('info', 'stats', f, statsText !== undefined ? statsLine(f) : undefined));
  if (plan.live) stats.start();
  const onDetector = (d: Detector): void => {
    delete alertCtx.warmupThreshold; Object.assign(alertCtx, modelContext(d.model, { source })); // the sinks hold this object
    log.event('info', 'model selected', { model: d.model.id, threshold: d.model.scoring.threshold, schema: d.model.preprocessor.schema.name });
  };
  const onProgress = (rows: number): void => { rowsScored = rows; bar.update(bytes, rows); };
  const afterBatch = async (): Promise<void> => { await out.drain(); await spool?.drain(); };
  // A large file is scored on every core (detect-pool.ts) when its records only have to be written.
  const threads = threadsText !== undefined ? Number(threadsText) : plan.size !== null && plan.size >= POOL_MIN_BYTES ? availableParallelism() : 1;
  const pooled = threads > 1 && !plan.live && !alerts && (format === 'json' || format === 'ndjson');
  try {
    const report = pooled
      ? await runDetectionPooled(detector, counted, {
        threads, format: format as PoolFormat, all: values.all, source, batchSize: plan.batchSize, onProgress, afterBatch, onDetector,
        onBytes: (bytes, records) => {
          if (records === 0) return;
          if (format === 'ndjson') out.writeBytes(bytes);
          else { if (!first) spool!.write(','); spool!.writeBytes(bytes); first = false; }
        },
      })
      : await runDetection(detector, counted, {
        all: values.all, source, onRecord, live: plan.live, batchSize: plan.batchSize, onProgress, afterBatch, onDetector,
        reload: () => { const d = reloaded; reloaded = null; if (d) log.text('info', 'model reloaded'); return d; },
      });
    stats.stop();
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
    if (format !== 'table' && format !== 'json' && !(alertsOnStdout && values.out === undefined)) log.block(renderSummary(report, source));
    log.event('info', 'summary', { source, summary, metrics });
    if (alerts) {
      await alerts.close();
      const st = alerts.stats();
      const dropped = totalDropped(st);
      log.event(dropped ? 'warn' : 'info', 'alerts closed', alertFields(st),
        `alerts: ${st.written} written, ${st.delivered} delivered${dropped ? `, ${dropped} dropped (${Object.entries(st.dropped).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
    }
  } catch (err) {
    stats.stop();
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
/** Files from this size on are scored on every core by default (--threads). */
const POOL_MIN_BYTES = 16 << 20;

/** stderr's voice: text until the options say otherwise (see cli-log.ts). */
let log: CliLog = createCliLog({ format: 'text', level: 'info' });

function modelIds(d: Detector | DetectorChoice): string[] {
  return d instanceof DetectorChoice ? d.detectors.map((x) => x.model.id) : [d.model.id];
}

/** An --alerts spec for a log line: a webhook's user:password removed. */
function withoutCredentials(spec: string): string {
  return spec.replace(/\/\/[^/@\s]*@/, '//');
}

/** The text-mode statistics line (only with an explicit --stats-interval). */
function statsLine(f: LogFields): string {
  const n = (x: unknown) => Number(x).toLocaleString('en-US');
  const lagText = f.lagBytes !== undefined ? `, ${n(f.lagBytes)} bytes behind` : '';
  return `stats: ${n(f.rows)} rows, ${n(f.anomalies)} anomalies (+${n(f.rowsInInterval)} rows, +${n(f.anomaliesInInterval)} anomalies in ${f.intervalSeconds} s, ${n(f.rowsPerSecond)} rows/s${lagText})`;
}

/** Error details as log fields: class, errno code, and where in the input. */
function errorFields(err: unknown): LogFields {
  const e = err as Error & { code?: unknown; source?: unknown; line?: unknown; column?: unknown };
  const f: LogFields = { errorName: e?.name };
  for (const k of ['code', 'source', 'line', 'column'] as const) if (e?.[k] !== undefined) f[k] = e[k];
  return f;
}

/** Where the report goes when it has nowhere to go (json logs, alerts on stdout, no --out). */
function nullOutput(): Output {
  return { write: () => {}, writeBytes: () => {}, drain: () => Promise.resolve(), copyFrom: () => Promise.resolve(), commit: () => Promise.resolve(), abort: () => Promise.resolve() };
}

/** The report written to stderr when stdout carries the alert stream. */
function stderrOutput(): Output {
  return {
    write: (t) => { process.stderr.write(t); },
    writeBytes: (b) => { process.stderr.write(b); },
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
  if (err instanceof SchemaMismatchError && process.argv.includes('--model')) fail(`${err.message}${await fittingModels(err.inputSchema)}`, errorFields(err));
  if (err instanceof InputError || err instanceof ModelError || err instanceof OutputError) fail(err.message, errorFields(err));
  if (log.json) log.event('error', 'internal error', { error: err, exitCode: 1 });
  else process.stderr.write(`internal error: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
