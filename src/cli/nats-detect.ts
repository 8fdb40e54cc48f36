// tsx src/cli/nats-detect.ts --server nats://127.0.0.1:4222 --in 'anomalyze.flows.>' --out anomalyze.alerts
//                            [--model dir] [--durable name] [--batch N] [--all] ...
// A detector on NATS JetStream; start several to share the work (see src/nats/consumer.ts).

import { parseArgs } from 'node:util';
import { Detector, SchemaMismatchError } from '../detect/detector.ts';
import { loadEngine } from '../engine/node.ts';
import { ModelError } from '../model/format.ts';
import { DEFAULT_MODEL_DIR, loadModelDir } from '../model/node.ts';
import { LogOptionError, openLogger, resolveLogOptions, type LogOptions } from '../observe/log-options.ts';
import type { Logger } from '../observe/logger.ts';
import { ALERT_FORMATS, NatsSetupError, startNatsDetector, type AlertFormat } from '../nats/consumer.ts';
import { defaultDedupeWindow, TopologyError } from '../nats/setup.ts';
import { fail, reportFailuresWith } from './io.ts';

const USAGE = `usage: tsx src/cli/nats-detect.ts --server nats://127.0.0.1:4222 --in 'anomalyze.flows.>' --out anomalyze.alerts
                 [--model <dir>] [--durable <name>] [--batch N] [--all] [options]

Scores KDD records from a NATS JetStream subject; run several to share the work (one durable pull consumer).
Each message is one record: a KDD CSV line (41 features [+ label [+ difficulty]]), a JSON array of those
values, or a JSON object keyed by feature name. Set a Nats-Msg-Id header on each: it is the record's id in
every result (else <stream>:<sequence>). Zeek conn.log lines are refused (see src/nats/records.ts).

  --server          NATS URL(s), comma-separated (default nats://127.0.0.1:4222; credentials as nats://user:pass@host)
  --in              subject the records arrive on (default anomalyze.flows.>)
  --out             subject for alerts, one per anomalous record (default anomalyze.alerts)
  --all             also publish a receipt for every record on --scored
  --scored          subject for the per-record receipts (default anomalyze.scored)
  --errors          subject for records that cannot be scored (default anomalyze.errors); they are not redelivered
  --stream          input stream, created on --in if no stream stores it (default ANOMALYZE_FLOWS, work-queue retention)
  --results-stream  stream for --out, --scored and --errors, created if none stores them (default ANOMALYZE_RESULTS)
  --durable         the shared durable consumer (default anomalyze-detectors)
  --model           model directory (default models/default); it must read KDD records
  --batch           records scored together, at most (default 500)
  --max-latency     longest wait for a batch to fill, ms, at least 1000 (default 1000)
  --ack-wait        ms before an unacknowledged record goes to another detector (default 30000)
  --max-deliver     deliveries of a record before JetStream gives up on it (default 5)
  --max-ack-pending records out at once across all detectors (default 8192)
  --dedupe-window   results stream duplicate window, ms (default max(120000, ack wait × max deliver + 60000))
  --alert-format    anomalyze (the result JSON, default) · ecs · eve
  --name            this detector's name in results and logs (default host:pid)
  --log-format      json (one JSON object per line on stderr, default) · text (one line for people each);
                    default $ANOMALYZE_LOG_FORMAT
  --log-level       debug · info (default) · warn · error; default $ANOMALYZE_LOG_LEVEL

SIGINT/SIGTERM: stop fetching, finish and acknowledge the batch in hand, drain, exit 0.
Exit 2: wrong options, an unusable model, no server or no JetStream at start; exit 1: a failure later on.`;

function int(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

function subject(name: string, text: string, wildcards: boolean): string {
  const tokens = text.split('.');
  const valid = tokens.every((t, i) => t !== '' && !/\s/.test(t) && (t === '*' || (t === '>' && i === tokens.length - 1) || !/[*>]/.test(t)));
  if (!valid) fail(`--${name}: "${text}" is not a NATS subject (dot-separated tokens; * or a final > as wildcards)`);
  if (!wildcards && tokens.some((t) => t === '*' || t === '>')) fail(`--${name}: "${text}" has a wildcard; a subject to publish on cannot`);
  return text;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        server: { type: 'string', default: 'nats://127.0.0.1:4222' },
        in: { type: 'string', default: 'anomalyze.flows.>' },
        out: { type: 'string', default: 'anomalyze.alerts' },
        scored: { type: 'string', default: 'anomalyze.scored' },
        errors: { type: 'string', default: 'anomalyze.errors' },
        stream: { type: 'string', default: 'ANOMALYZE_FLOWS' },
        'results-stream': { type: 'string', default: 'ANOMALYZE_RESULTS' },
        durable: { type: 'string', default: 'anomalyze-detectors' },
        model: { type: 'string' },
        batch: { type: 'string', default: '500' },
        'max-latency': { type: 'string', default: '1000' },
        'ack-wait': { type: 'string', default: '30000' },
        'max-deliver': { type: 'string', default: '5' },
        'max-ack-pending': { type: 'string', default: '8192' },
        'dedupe-window': { type: 'string' },
        'alert-format': { type: 'string', default: 'anomalyze' },
        all: { type: 'boolean', default: false },
        name: { type: 'string' },
        'log-format': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) { console.log(USAGE); return; }
  // The log format first, so that every later error is reported in it. json by default, as it always was here.
  let logOpts: LogOptions;
  try {
    logOpts = resolveLogOptions({ format: values['log-format'], level: values['log-level'] }, process.env, { format: 'json' });
  } catch (err) {
    if (err instanceof LogOptionError) fail(err.message);
    throw err;
  }
  const logger = openLogger(logOpts, { fields: { component: 'nats-detect' } });
  mainLogger = logger;
  if (logOpts.format === 'json') reportFailuresWith((message, fields) => logger.error('error', { error: message, ...fields }));

  const servers = values.server.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) fail('--server needs at least one URL such as nats://127.0.0.1:4222');
  for (const s of servers) if (!/^(nats|tls|ws|wss):\/\/[^\s]+$|^[^\s/:]+:\d+$/.test(s)) fail(`--server: "${s}" is not a NATS URL such as nats://127.0.0.1:4222`);
  const inSubject = subject('in', values.in, true);
  const outSubject = subject('out', values.out, false);
  const scoredSubject = subject('scored', values.scored, false);
  const errorsSubject = subject('errors', values.errors, false);
  const outs = [outSubject, scoredSubject, errorsSubject];
  if (new Set(outs).size !== 3) fail('--out, --scored and --errors must be three different subjects');
  for (const [label, name] of [['stream', values.stream], ['results-stream', values['results-stream']], ['durable', values.durable]] as const) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) fail(`--${label}: "${name}" must be letters, digits, _ and - only`);
  }
  if (values.stream === values['results-stream']) fail('--stream and --results-stream must differ');
  const batchSize = int('batch', values.batch, 1, 100_000);
  const maxLatencyMs = int('max-latency', values['max-latency'], 1000, 3_600_000);
  const ackWaitMs = int('ack-wait', values['ack-wait'], 1000, 3_600_000);
  const maxDeliver = int('max-deliver', values['max-deliver'], 1, 1000);
  const maxAckPending = int('max-ack-pending', values['max-ack-pending'], 1, 10_000_000);
  if (maxAckPending < batchSize) fail(`--max-ack-pending (${maxAckPending}) must be at least --batch (${batchSize})`);
  const dedupeWindowMs = values['dedupe-window'] === undefined ? defaultDedupeWindow(ackWaitMs, maxDeliver) : int('dedupe-window', values['dedupe-window'], 1000, 86_400_000);
  const alertFormat = values['alert-format'] as AlertFormat;
  if (!ALERT_FORMATS.includes(alertFormat)) fail(`--alert-format must be one of ${ALERT_FORMATS.join(', ')}; got "${values['alert-format']}"`);
  const crash = process.env.ANOMALYZE_NATS_CRASH_AFTER_BATCH; // test hook, see NatsDetectorOptions

  let detector: Detector;
  const modelDir = values.model ?? DEFAULT_MODEL_DIR;
  try {
    detector = new Detector(await loadModelDir(await loadEngine(), modelDir));
  } catch (err) {
    if (err instanceof ModelError) fail(err.message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') fail(`${modelDir}: no such model directory`);
    throw err;
  }

  let det;
  try {
    det = await startNatsDetector({
      servers, detector, batchSize, maxLatencyMs, all: values.all, alertFormat, name: values.name, logger,
      stream: values.stream, inSubject, resultsStream: values['results-stream'], outSubject, scoredSubject, errorsSubject,
      durable: values.durable, ackWaitMs, maxDeliver, maxAckPending, dedupeWindowMs,
      crashAfterPublishBatch: crash ? Number(crash) : undefined,
    });
  } catch (err) {
    if (err instanceof SchemaMismatchError || err instanceof NatsSetupError || err instanceof TopologyError || err instanceof RangeError) fail(err.message);
    throw err;
  }

  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn('second signal: exiting without finishing the batch (it will be redelivered)', { signal: sig });
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    void det.stop(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await det.run();
  } catch (err) {
    logger.error('detector failed', { error: err });
    process.exit(1);
  }
  process.exit(0);
}

/** Set once the log options are known, for failures that escape main(). */
let mainLogger: Logger | null = null;

main().catch((err) => {
  if (mainLogger) mainLogger.error('internal error', { error: err, exitCode: 1 });
  else process.stderr.write(`error: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
