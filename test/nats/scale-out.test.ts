// Scale-out on NATS JetStream: a real nats-server on 127.0.0.1, detector
// processes sharing one durable pull consumer, one of them killed mid-stream.
//
// What is guaranteed, and asserted:
//  - no record is lost: every input id has a result in the results stream;
//  - no result is stored twice: a record redelivered after a detector died is
//    scored again, but its results carry the same JetStream message id
//    ("<id>:scored", "<id>:alert"), which the results stream drops as a duplicate
//    within its duplicate window (here minutes; the redelivery comes after the
//    3 s ack wait). So the stream holds exactly N receipts, N distinct ids.
//    (A core NATS subscriber on the subject, unlike the stream, does see the
//    re-publication: downstream, read the stream or dedupe by Anomalyze-Record-Id.)
//  - the scores are those of scoring the same records in-process.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, RetentionPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { runDetection } from '../../src/detect/run.ts';
import type { DetectionRecord } from '../../src/detect/report.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { loadModelDir } from '../../src/model/node.ts';
import { RECORD_ID_HEADER, type NatsResult } from '../../src/nats/consumer.ts';
import { findNatsServer, killAll, startDetector, startNatsServer, until, type DetectorProcess, type NatsServer } from './harness.ts';

const NATS_SERVER = findNatsServer();
if (!NATS_SERVER) {
  const msg = '[test/nats] nats-server not found: the JetStream scale-out tests are SKIPPED (install it with `apt-get install -y nats-server`, or set NATS_SERVER=/path/to/nats-server)';
  if (process.env.CI) throw new Error(msg.replace('are SKIPPED', 'cannot run in CI'));
  console.warn(`\n${'!'.repeat(100)}\n${msg}\n${'!'.repeat(100)}\n`);
}

const enc = new TextEncoder();

interface Stored { subject: string; msgId: string; id: string; body: NatsResult & Record<string, unknown> }

/** Every message of a stream, in order (an ordered consumer, bounded by the stream's message count). */
async function readStream(nc: NatsConnection, js: JetStreamClient, stream: string): Promise<Stored[]> {
  const total = (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
  const out: Stored[] = [];
  if (total === 0) return out;
  const c = await js.consumers.get(stream);
  const msgs = await c.consume({ max_messages: 1000 });
  const timer = setTimeout(() => msgs.stop(), 20_000);
  for await (const m of msgs) {
    out.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id') ?? '', id: m.headers?.get(RECORD_ID_HEADER) ?? '', body: m.json() });
    if (out.length >= total || m.info.pending === 0) break;
  }
  clearTimeout(timer);
  return out;
}

/** Publishes records with their ids as Nats-Msg-Id (chunks in parallel). */
async function publishRecords(js: JetStreamClient, subject: string, lines: string[], ids: string[], from: number, to: number): Promise<void> {
  const acks = [];
  for (let i = from; i < to; i++) acks.push(js.publish(subject, enc.encode(lines[i]), { msgID: ids[i] }));
  const done = await Promise.all(acks);
  expect(done.every((a) => !a.duplicate)).toBe(true);
}

const countBy = <T>(xs: T[], key: (x: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
};

describe.skipIf(!NATS_SERVER)('NATS JetStream scale-out', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let detector: Detector;

  beforeAll(async () => {
    server = await startNatsServer(NATS_SERVER!);
    nc = await connect({ servers: server.url });
    js = nc.jetstream();
    detector = new Detector(await loadModelDir(await loadEngine()));
  });

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await killAll(); // detectors left by a failed test, and the server
    await server?.stop();
  });

  it('two detectors share 20,000 records; one is SIGKILLed mid-stream; every record has exactly one result, scored as in-process', async () => {
    const N = 20_000;
    const lines = generateTraffic({ rows: N, seed: 11 }).trimEnd().split('\n');
    const ids = lines.map((_, i) => `rec-${i}`);
    const expected: DetectionRecord[] = (await runDetection(detector, [lines.join('\n') + '\n'], { all: true })).records;
    expect(expected).toHaveLength(N);

    const args = ['--server', server.url, '--all', '--batch', '250', '--ack-wait', '3000', '--max-deliver', '10'];
    const a = startDetector('A', args);
    const b = startDetector('B', args);
    await Promise.all([a, b].map((d) => d.waitForLog((l) => l.msg === 'ready', 30_000)));

    // Live view of the receipts (a core subscription: sees every publication, duplicates included).
    const live = new Map<string, number>([['A', 0], ['B', 0]]);
    const seen = new Set<string>();
    const sub = nc.subscribe('anomalyze.scored', {
      callback: (_err, m) => {
        const r = m.json<NatsResult>();
        seen.add(r.id);
        live.set(r.detector, (live.get(r.detector) ?? 0) + 1);
      },
    });

    // Records arrive as from a sensor: in chunks, so there is a stream to kill a detector in the middle of.
    const CHUNK = 500;
    let killedAt: { published: number; aResults: number } | null = null;
    for (let from = 0; from < N; from += CHUNK) {
      await publishRecords(js, 'anomalyze.flows.sensor-1', lines, ids, from, Math.min(N, from + CHUNK));
      if (!killedAt && live.get('A')! >= 1500) {
        a.child.kill('SIGKILL');
        killedAt = { published: from + CHUNK, aResults: live.get('A')! };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(killedAt, 'A was killed before the last record was published').not.toBeNull();
    expect(killedAt!.published).toBeLessThan(N);
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // B finishes alone, including what A had fetched but not acknowledged (redelivered after the ack wait).
    await until(`receipts for all ${N} records (have ${seen.size})`, () => seen.size === N, 40_000, 100);
    b.child.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    const stopped = b.logs.find((l) => l.msg === 'stopped')!;
    expect(stopped).toBeDefined();
    await sub.drain();

    const stored = await readStream(nc, js, 'ANOMALYZE_RESULTS');
    const scored = stored.filter((s) => s.subject === 'anomalyze.scored');
    const alerts = stored.filter((s) => s.subject === 'anomalyze.alerts');
    expect(stored.filter((s) => s.subject === 'anomalyze.errors')).toEqual([]);

    // Exactly one receipt per id, none missing, none stored twice.
    expect(scored).toHaveLength(N);
    expect(new Set(scored.map((s) => s.id)).size).toBe(N);
    expect(new Set(scored.map((s) => s.body.id))).toEqual(new Set(ids));
    for (const s of scored) expect(s.msgId).toBe(`${s.id}:scored`);

    // The alerts: exactly the anomalies of in-process scoring, once each.
    const expectedAlerts = ids.filter((_, i) => expected[i].anomaly);
    expect(expectedAlerts.length).toBeGreaterThan(1000);
    expect(alerts).toHaveLength(expectedAlerts.length);
    expect(new Set(alerts.map((s) => s.id))).toEqual(new Set(expectedAlerts));

    // Same verdicts as in-process.
    for (const s of scored) {
      const e = expected[Number(s.id.slice(4))];
      const { row: _row, ...want } = e;
      const { id: _id, stream: _s, seq: _q, subject: _u, deliveries: _d, model, threshold: _t, detector: _n, ...got } = s.body;
      expect(got).toEqual(want);
      expect(model).toBe(detector.model.id);
    }

    // Both did work; what A had in hand when it died went to B.
    const byDetector = countBy(scored, (s) => s.body.detector);
    expect(byDetector.get('A')).toBeGreaterThanOrEqual(killedAt!.aResults);
    expect(byDetector.get('B')).toBeGreaterThan(0);
    expect((byDetector.get('A') ?? 0) + (byDetector.get('B') ?? 0)).toBe(N);
    const redeliveredToB = scored.filter((s) => s.body.deliveries > 1);
    for (const s of redeliveredToB) expect(s.body.detector).toBe('B');

    // Nothing left behind: the work queue is empty, nothing pending or unacknowledged.
    const jsm = await nc.jetstreamManager();
    const ci = await jsm.consumers.info('ANOMALYZE_FLOWS', 'anomalyze-detectors');
    expect(ci.num_pending).toBe(0);
    expect(ci.num_ack_pending).toBe(0);
    expect((await jsm.streams.info('ANOMALYZE_FLOWS')).state.messages).toBe(0);

    console.info(`[test/nats] A killed after ${killedAt!.aResults} results with ${killedAt!.published}/${N} published; stored receipts: A ${byDetector.get('A')}, B ${byDetector.get('B')}; redelivered to B: ${stopped.redelivered} (${redeliveredToB.length} first scored on redelivery), duplicate results dropped by the stream: ${stopped.duplicates}`);
  }, 90_000);

  it('a detector that dies after publishing but before acknowledging: the redelivered records are re-published, and the stream keeps one copy; bad records are reported once', async () => {
    const N = 3000;
    const BATCH = 200;
    const lines = generateTraffic({ rows: N, seed: 12, labels: false }).trimEnd().split('\n');
    const ids = lines.map((_, i) => `t2-${i}`);
    const expected = (await runDetection(detector, [lines.join('\n') + '\n'], { all: true })).records;
    const topology = [
      '--in', 't2.flows.>', '--out', 't2.alerts', '--scored', 't2.scored', '--errors', 't2.errors',
      '--stream', 'T2_FLOWS', '--results-stream', 'T2_RESULTS', '--durable', 't2-detectors',
    ];
    const args = ['--server', server.url, ...topology, '--all', '--batch', String(BATCH), '--ack-wait', '2000', '--alert-format', 'ecs'];

    // An operator's input stream (the detectors use it as it is), holding every record before
    // anyone fetches: A's first two fetches are then full batches, seq 1–200 and 201–400.
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'T2_FLOWS', subjects: ['t2.flows.>'], retention: RetentionPolicy.Workqueue, storage: StorageType.Memory });
    const bad = ['not,a,record', '{"uid":"C1","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","conn_state":"SF"}', ''];
    await publishRecords(js, 't2.flows.sensor-2', [...lines, ...bad], [...ids, 'bad-0', 'bad-1', 'bad-2'], 0, N + bad.length);
    const a: DetectorProcess = startDetector('A', args, { ANOMALYZE_NATS_CRASH_AFTER_BATCH: '2' });

    // A publishes the results of batches 1 and 2, acknowledges batch 1 only, and dies.
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(a.logs.some((l) => l.msg.startsWith('fault injection'))).toBe(true);

    const b = startDetector('B', args);
    await until('an empty work queue', async () => {
      const ci = await jsm.consumers.info('T2_FLOWS', 't2-detectors');
      return ci.num_pending === 0 && ci.num_ack_pending === 0;
    }, 40_000, 200);
    b.child.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    const stopped = b.logs.find((l) => l.msg === 'stopped')!;

    const stored = await readStream(nc, js, 'T2_RESULTS');
    const scored = stored.filter((s) => s.subject === 't2.scored');
    const alerts = stored.filter((s) => s.subject === 't2.alerts');
    const errors = stored.filter((s) => s.subject === 't2.errors');

    // Batch 2 (BATCH records) came back to B: scored again, every result a duplicate the stream dropped.
    const batch2 = scored.filter((s) => s.body.detector === 'A' && s.body.seq > BATCH && s.body.seq <= 2 * BATCH);
    expect(batch2).toHaveLength(BATCH);
    const batch2Alerts = alerts.filter((s) => batch2.some((x) => x.id === s.id)).length;
    expect(stopped.redelivered).toBe(BATCH);
    expect(stopped.duplicates).toBe(BATCH + batch2Alerts);

    expect(scored).toHaveLength(N);
    expect(new Set(scored.map((s) => s.id))).toEqual(new Set(ids));
    expect(alerts).toHaveLength(expected.filter((r) => r.anomaly).length);
    expect(new Set(alerts.map((s) => s.id)).size).toBe(alerts.length);
    // --alert-format ecs: the colleague's ECS documents, the record's id in the headers.
    for (const s of alerts) {
      expect(s.msgId).toBe(`${s.id}:alert`);
      expect((s.body as unknown as { event: { kind: string } }).event.kind).toBe('alert');
    }
    expect(countBy(scored, (s) => s.body.detector)).toEqual(new Map([['A', 2 * BATCH], ['B', N - 2 * BATCH]]));
    for (const s of scored) expect(s.body.score).toBe(expected[Number(s.id.slice(3))].score);

    // Bad records: one problem each, terminated (not redelivered, not scored).
    expect(errors.map((e) => e.id).sort()).toEqual(['bad-0', 'bad-1', 'bad-2']);
    expect(stopped.errors).toBe(3);
    const detail = Object.fromEntries(errors.map((e) => [e.id, String(e.body.detail)]));
    expect(detail['bad-0']).toMatch(/expected 41 comma-separated feature values.*found 3/);
    expect(detail['bad-1']).toMatch(/Zeek conn\.log/);
    expect(detail['bad-2']).toMatch(/empty/);
    expect((await jsm.streams.info('T2_FLOWS')).state.messages).toBe(0);
  }, 90_000);
});
