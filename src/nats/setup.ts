// JetStream plumbing the detectors share: the input stream (a work queue of
// records), the results stream (alerts, receipts, problems; deduplicated by
// message id) and the durable pull consumer every detector fetches from.
// Every detector runs this at start; creating what already exists with the same
// configuration is a no-op, so several detectors can start at once.

import { AckPolicy, DeliverPolicy, nanos, millis, ReplayPolicy, RetentionPolicy, StorageType, type ConsumerConfig, type JetStreamManager, type StreamConfig, type StreamInfo } from 'nats';

export interface Topology {
  /** Input stream name (created on `inSubject` if no stream covers it). */
  stream: string;
  inSubject: string;
  /** Results stream name (created on the three output subjects if none covers them). */
  resultsStream: string;
  outSubject: string;
  scoredSubject: string;
  errorsSubject: string;
  durable: string;
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
  /** The results stream's duplicate window: redeliveries within it are not published twice. */
  dedupeWindowMs: number;
}

export interface Ensured {
  stream: string;
  resultsStream: string;
  /** The results stream's actual duplicate window (an existing stream keeps its own). */
  dedupeWindowMs: number;
  consumer: ConsumerConfig;
  warnings: string[];
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

/** Default duplicate window: long enough to cover every redelivery a consumer can make, and at least 2 minutes. */
export function defaultDedupeWindow(ackWaitMs: number, maxDeliver: number): number {
  return Math.max(120_000, ackWaitMs * maxDeliver + 60_000);
}

export async function ensureTopology(jsm: JetStreamManager, t: Topology): Promise<Ensured> {
  const warnings: string[] = [];
  const stream = await ensureStream(jsm, t.stream, [t.inSubject], {
    retention: RetentionPolicy.Workqueue, // an acknowledged (or terminated) record is done: the queue does not grow without bound
  });
  const outputs = [...new Set([t.outSubject, t.scoredSubject, t.errorsSubject])];
  const results = await ensureStream(jsm, t.resultsStream, outputs, {
    retention: RetentionPolicy.Limits, duplicate_window: nanos(t.dedupeWindowMs),
  });
  for (const s of outputs) {
    const covering = await findStream(jsm, s);
    if (covering !== results.config.name) {
      throw new TopologyError(`the output subject ${s} is ${covering ? `stored by the stream ${covering}` : 'stored by no stream'}, not by ${results.config.name}: put alerts, receipts and errors in one stream so that their ids are deduplicated together`);
    }
  }
  const dedupeWindowMs = millis(results.config.duplicate_window ?? 0);
  if (dedupeWindowMs < t.ackWaitMs * t.maxDeliver) {
    warnings.push(`the results stream ${results.config.name} keeps message ids for ${dedupeWindowMs} ms, less than ack wait × max deliver (${t.ackWaitMs * t.maxDeliver} ms): a record redelivered after that may be published twice`);
  }

  const want: Partial<ConsumerConfig> = {
    durable_name: t.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(t.ackWaitMs),
    max_deliver: t.maxDeliver,
    max_ack_pending: t.maxAckPending,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: t.inSubject,
  };
  let consumer: ConsumerConfig;
  try {
    consumer = (await jsm.consumers.info(stream.config.name, t.durable)).config;
    if (consumer.filter_subject !== undefined && consumer.filter_subject !== t.inSubject) {
      throw new TopologyError(`the durable consumer ${t.durable} on ${stream.config.name} reads ${consumer.filter_subject}, not ${t.inSubject}: give another --durable, or delete it`);
    }
    if (consumer.ack_policy !== AckPolicy.Explicit) throw new TopologyError(`the durable consumer ${t.durable} does not use explicit acks: delete it and let the detectors create it`);
    const differs = millis(consumer.ack_wait ?? 0) !== t.ackWaitMs || consumer.max_deliver !== t.maxDeliver || consumer.max_ack_pending !== t.maxAckPending;
    if (differs) {
      warnings.push(`the durable consumer ${t.durable} exists with ack wait ${millis(consumer.ack_wait ?? 0)} ms, max deliver ${consumer.max_deliver}, max ack pending ${consumer.max_ack_pending}; it is shared, so those settings apply (not this detector's options)`);
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    consumer = (await jsm.consumers.add(stream.config.name, want)).config;
  }
  return { stream: stream.config.name, resultsStream: results.config.name, dedupeWindowMs, consumer, warnings };
}

/** The stream that stores `subject`, or null. */
async function findStream(jsm: JetStreamManager, subject: string): Promise<string | null> {
  try {
    return await jsm.streams.find(subject);
  } catch (err) {
    if (isNotFound(err) || /no stream matches subject/i.test(String((err as Error).message))) return null;
    throw err;
  }
}

/**
 * The stream that stores `subjects`: an existing one if one covers the first
 * subject (kept as it is: operators may have sized it), else `name`, created.
 */
async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[], extra: Partial<StreamConfig>): Promise<StreamInfo> {
  const existing = await findStream(jsm, subjects[0]);
  if (existing) return jsm.streams.info(existing);
  const config: Partial<StreamConfig> = { name, subjects, storage: StorageType.File, ...extra };
  try {
    return await jsm.streams.add(config);
  } catch (err) {
    // Another detector created it a moment ago (with the same configuration, or an operator's).
    const now = await findStream(jsm, subjects[0]);
    if (now) return jsm.streams.info(now);
    throw new TopologyError(`cannot create the stream ${name} on ${subjects.join(', ')}: ${(err as Error).message}`);
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { code?: number; err_code?: number } };
  return e?.api_error?.code === 404 || e?.code === '404' || /not found/i.test(String((err as Error)?.message));
}
