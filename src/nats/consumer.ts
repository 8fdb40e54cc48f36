// A detector on NATS JetStream: records in on a subject, results out on others,
// any number of detector processes sharing the work through one durable pull
// consumer.
//
// Delivery: a record's input message is acknowledged only after every result it
// gives has been stored by the results stream (PubAck received), so a detector
// that dies at any point loses nothing: what it had not acknowledged is
// redelivered (after the ack wait) to a detector that is still running. Results
// are published with a JetStream message id derived from the record's id, so a
// redelivered record's results are recognised by the results stream as
// duplicates (within its duplicate window) and stored once: at-least-once
// scoring, exactly-once results in the results stream.
//
// Message format: see records.ts. A record's id is its Nats-Msg-Id header when
// the publisher set one (do: it also deduplicates the publisher's retries), else
// "<stream>:<stream sequence>".

import { connect, headers as natsHeaders, type ConnectionOptions, type Consumer, type JetStreamClient, type JsMsg, type NatsConnection, type PubAck } from 'nats';
import { hostname } from 'node:os';
import { Detector } from '../detect/detector.ts';
import { ReportBuilder } from '../detect/run.ts';
import type { DetectionRecord } from '../detect/report.ts';
import { KDD_SCHEMA } from '../data/schema.ts';
import { ecsAlert, eveAlert, type AlertContext } from '../alerts/index.ts';
import { modelContext } from '../alerts/context.ts';
import type { Logger } from '../observe/index.ts';
import { batchRecords, parseRecord } from './records.ts';
import { ensureTopology, type Ensured, type Topology } from './setup.ts';

export const RECORD_ID_HEADER = 'Anomalyze-Record-Id';
export const STREAM_SEQ_HEADER = 'Anomalyze-Stream-Seq';
export const ALERT_FORMATS = ['anomalyze', 'ecs', 'eve'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

export interface NatsDetectorOptions extends Topology {
  servers: string | string[];
  detector: Detector;
  /** Records fetched and scored together (at most). */
  batchSize: number;
  /** Longest a fetched record waits for its batch to fill, in ms (≥ 1000: JetStream's shortest pull expiry). */
  maxLatencyMs: number;
  /** Publish a receipt for every record on scoredSubject (alerts go out either way). */
  all: boolean;
  alertFormat: AlertFormat;
  /** Names this detector in its results and logs. */
  name?: string;
  logger: Logger;
  connectOptions?: Partial<ConnectionOptions>;
  /**
   * Test hook (fault injection): the process kills itself with SIGKILL right after
   * batch N's results are published and before its records are acknowledged.
   */
  crashAfterPublishBatch?: number;
}

/** What one record's result message holds (format "anomalyze"). */
export interface NatsResult extends Omit<DetectionRecord, 'row'> {
  id: string;
  stream: string;
  seq: number;
  subject: string;
  /** 1 on first delivery; more when a detector died or was too slow before acknowledging. */
  deliveries: number;
  model: string;
  threshold: number;
  detector: string;
}

export interface NatsDetectorStats {
  batches: number;
  records: number;
  anomalies: number;
  /** Records refused (published on errorsSubject and terminated). */
  errors: number;
  /** Records that had been delivered before (to a detector that did not acknowledge them). */
  redelivered: number;
  /** Results the results stream already had (a redelivered record's earlier results). */
  duplicates: number;
  /** Records handed back (nak) because publishing their results failed. */
  retried: number;
}

export interface NatsDetector {
  readonly stats: NatsDetectorStats;
  readonly topology: Ensured;
  /** Stop fetching; the batch in hand is finished and acknowledged. Resolves when run() has. */
  stop(reason?: string): Promise<void>;
  /** Fetches and scores until stop() (or a fatal error, which rejects). */
  run(): Promise<void>;
}

export class NatsSetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NatsSetupError';
  }
}

const enc = new TextEncoder();

export async function startNatsDetector(opts: NatsDetectorOptions): Promise<NatsDetector> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  if (!(opts.maxLatencyMs >= 1000)) throw new RangeError(`maxLatencyMs must be at least 1000 (JetStream's shortest pull expiry), got ${opts.maxLatencyMs}`);
  opts.detector.checkInput(KDD_SCHEMA, 'NATS records'); // a model that does not read KDD records fails here, not per message
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const log = opts.logger.child({ detector: name });
  const servers = opts.servers;

  let nc: NatsConnection;
  try {
    nc = await connect({ servers, name: `anomalyze-${name}`, maxReconnectAttempts: -1, reconnectTimeWait: 1000, ...opts.connectOptions });
  } catch (err) {
    throw new NatsSetupError(`cannot connect to ${servers}: ${(err as Error).message}. Is nats-server running there (with -js)?`, { cause: err });
  }
  let topology: Ensured;
  let js: JetStreamClient;
  let consumer: Consumer;
  try {
    const jsm = await nc.jetstreamManager();
    topology = await ensureTopology(jsm, opts);
    js = nc.jetstream();
    consumer = await js.consumers.get(topology.stream, opts.durable);
  } catch (err) {
    await nc.close().catch(() => undefined);
    const msg = (err as Error).message;
    const hint = /503|jetstream not enabled|no responders/i.test(msg) ? ' The server has no JetStream: start it with -js.' : '';
    throw new NatsSetupError(`cannot set up JetStream on ${servers}: ${msg}.${hint}`, { cause: err });
  }
  for (const w of topology.warnings) log.warn(w);
  (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') log.warn(`connection ${s.type}`, { server: s.data });
    }
  })().catch(() => undefined);

  const stats: NatsDetectorStats = { batches: 0, records: 0, anomalies: 0, errors: 0, redelivered: 0, duplicates: 0, retried: 0 };
  const { detector } = opts;
  const ctx: AlertContext = modelContext(detector.model, { host: name });
  let stopping = false;
  let running: Promise<void> | null = null;

  const recordId = (m: JsMsg): string => m.headers?.get('Nats-Msg-Id') || `${m.info.stream}:${m.seq}`;

  /** One result message, stored once per `msgID` by the results stream. */
  const publish = async (subject: string, msgID: string, id: string, seq: number, body: unknown): Promise<PubAck> => {
    const h = natsHeaders();
    h.set(RECORD_ID_HEADER, id);
    h.set(STREAM_SEQ_HEADER, String(seq));
    return js.publish(subject, enc.encode(JSON.stringify(body)), { msgID, headers: h, timeout: 10_000 });
  };

  const processBatch = async (msgs: JsMsg[]): Promise<void> => {
    const started = performance.now();
    const ids = msgs.map(recordId);
    const parsed = msgs.map((m) => parseRecord(m.data));
    const good: number[] = [];
    const problems = new Map<number, { problem: string; hint: string }>();
    parsed.forEach((p, i) => (p.ok ? good.push(i) : problems.set(i, { problem: p.problem, hint: p.hint })));
    const { groups, problems: invalid } = batchRecords(good.map((i) => (parsed[i] as { record: unknown[] }).record));
    for (const [j, p] of invalid) problems.set(good[j], p);

    // Every message's publishes, by message: it is acknowledged once all of them are stored.
    const pending: Promise<PubAck>[][] = msgs.map(() => []);
    let anomalies = 0;
    for (const g of groups) {
      const scored = detector.scoreBatch(g.batch);
      const records: DetectionRecord[] = [];
      new ReportBuilder(detector, { all: true, onRecord: (r) => records.push(r) }).add(scored);
      records.forEach((r, k) => {
        const i = good[g.index[k]];
        const m = msgs[i];
        const { row: _row, ...rest } = r;
        const result: NatsResult = {
          id: ids[i], stream: m.info.stream, seq: m.seq, subject: m.subject, deliveries: m.info.deliveryCount,
          ...rest, model: ctx.model, threshold: ctx.threshold, detector: name,
        };
        if (r.anomaly) {
          anomalies++;
          // In ECS/EVE documents the "row" is the record's stream sequence (a batch's row number means nothing here).
          const alertCtx = { ...ctx, source: m.subject };
          const body = opts.alertFormat === 'ecs' ? ecsAlert({ ...r, row: m.seq }, alertCtx)
            : opts.alertFormat === 'eve' ? eveAlert({ ...r, row: m.seq }, alertCtx) : result;
          pending[i].push(publish(opts.outSubject, `${ids[i]}:alert`, ids[i], m.seq, body));
        }
        if (opts.all) pending[i].push(publish(opts.scoredSubject, `${ids[i]}:scored`, ids[i], m.seq, result));
      });
    }
    for (const [i, p] of problems) {
      const m = msgs[i];
      const sample = new TextDecoder().decode(m.data.subarray(0, 512));
      pending[i].push(publish(opts.errorsSubject, `${ids[i]}:error`, ids[i], m.seq, {
        type: 'https://anomalyze.dev/problems/bad-record', title: 'The record cannot be scored',
        detail: p.problem, hint: p.hint, id: ids[i], stream: m.info.stream, seq: m.seq, subject: m.subject,
        deliveries: m.info.deliveryCount, record: sample, detector: name,
      }));
    }

    const settled = await Promise.all(pending.map((ps) => Promise.allSettled(ps)));
    if (opts.crashAfterPublishBatch !== undefined && stats.batches + 1 === opts.crashAfterPublishBatch) {
      log.warn('fault injection: SIGKILL after publishing, before acknowledging', { batch: stats.batches + 1, records: msgs.length });
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
    let duplicates = 0, retried = 0, redelivered = 0, errors = 0;
    let firstFailure: unknown = null;
    settled.forEach((results, i) => {
      const m = msgs[i];
      if (m.info.deliveryCount > 1) redelivered++;
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) {
        // Not stored: hand it back, to be tried again (by any detector) after a pause.
        firstFailure ??= failed.reason;
        retried++;
        m.nak(2000);
        return;
      }
      for (const r of results) if ((r as PromiseFulfilledResult<PubAck>).value.duplicate) duplicates++;
      if (problems.has(i)) {
        errors++;
        m.term(); // a bad record stays bad: never redeliver it
      } else {
        m.ack();
      }
    });
    try {
      await nc.flush(); // the acknowledgements are on the wire before the next fetch
    } catch (err) {
      log.warn('flushing acknowledgements failed; unacknowledged records will be redelivered', { error: err });
    }
    stats.batches++;
    stats.records += msgs.length - retried;
    stats.anomalies += anomalies;
    stats.errors += errors;
    stats.redelivered += redelivered;
    stats.duplicates += duplicates;
    stats.retried += retried;
    const fields = { batch: stats.batches, records: msgs.length, anomalies, errors, redelivered, duplicates, retried, ms: Math.round(performance.now() - started) };
    if (firstFailure) log.warn('publishing results failed; records handed back for redelivery', { ...fields, error: firstFailure });
    else if (redelivered || duplicates || errors) log.info('batch', fields);
    else log.debug('batch', fields);
  };

  /**
   * A batch failed in an unexpected way (a bug, not a bad record): hand its records
   * back for another try, and on their last delivery report them as problems rather
   * than let the consumer drop them silently.
   */
  const giveBack = async (msgs: JsMsg[], err: unknown): Promise<void> => {
    log.error('scoring a batch failed; records handed back', { error: err, records: msgs.length });
    const maxDeliver = topology.consumer.max_deliver ?? -1;
    await Promise.allSettled(msgs.map(async (m) => {
      if (maxDeliver > 0 && m.info.deliveryCount >= maxDeliver) {
        const id = recordId(m);
        await publish(opts.errorsSubject, `${id}:error`, id, m.seq, {
          type: 'https://anomalyze.dev/problems/scoring-failed', title: 'The record could not be scored',
          detail: String((err as Error)?.message ?? err), id, stream: m.info.stream, seq: m.seq, subject: m.subject,
          deliveries: m.info.deliveryCount, detector: name,
        }).catch(() => undefined);
        m.term();
      } else {
        m.nak(2000);
      }
    }));
    stats.retried += msgs.length;
  };

  const run = async (): Promise<void> => {
    log.info('ready', {
      stream: topology.stream, durable: opts.durable, in: opts.inSubject, out: opts.outSubject,
      scored: opts.all ? opts.scoredSubject : null, errors: opts.errorsSubject, results: topology.resultsStream,
      batch: opts.batchSize, maxLatencyMs: opts.maxLatencyMs, model: ctx.model,
    });
    let failures = 0;
    let lastProgress = performance.now();
    while (!stopping) {
      let msgs: JsMsg[] = [];
      try {
        // The pull waits for a full batch or maxLatencyMs, whichever comes first:
        // a record's wait for its verdict is bounded. A stop request lets it end on its
        // own (within maxLatencyMs), so no message is left delivered and unprocessed.
        const iter = await consumer.fetch({ max_messages: opts.batchSize, expires: opts.maxLatencyMs });
        for await (const m of iter) msgs.push(m);
        failures = 0;
      } catch (err) {
        if (msgs.length === 0) {
          failures++;
          if (nc.isClosed()) throw new Error(`the connection to ${servers} is closed`);
          log.warn('fetch failed; retrying', { error: err, failures });
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(failures, 5))));
          continue;
        }
        // A fetch that ended in error after delivering some: score those.
      }
      if (msgs.length > 0) {
        try {
          await processBatch(msgs);
        } catch (err) {
          await giveBack(msgs, err);
        }
      }
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        log.info('progress', { ...stats });
      }
    }
    await nc.drain(); // flushes the last acknowledgements
    log.info('stopped', { ...stats });
  };

  return {
    stats,
    topology,
    run: () => (running ??= run().catch(async (err) => {
      await nc.close().catch(() => undefined);
      throw err;
    })),
    stop: async (reason?: string) => {
      if (!stopping) log.info('stopping: finishing the batch in hand', { reason });
      stopping = true;
      await running?.catch(() => undefined);
    },
  };
}
