// Message → record parsing and the CLI's refusals: no server needed.

import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { batchRecords, parseRecord } from '../../src/nats/records.ts';
import { runCli } from '../helpers/cli.ts';

const [labeled, second] = generateTraffic({ rows: 2, seed: 3 }).trimEnd().split('\n');
const unlabeled = generateTraffic({ rows: 1, seed: 3, labels: false }).trim();

describe('parseRecord', () => {
  it('takes a KDD CSV line, a JSON array and a JSON object keyed by feature name', () => {
    const csv = parseRecord(new TextEncoder().encode(`${labeled}\r\n`));
    expect(csv.ok && csv.record).toEqual(labeled.split(','));
    const arr = parseRecord(JSON.stringify(unlabeled.split(',')));
    expect(arr.ok && arr.record).toEqual(unlabeled.split(','));
    const obj = Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, unlabeled.split(',')[i]]));
    expect(parseRecord(JSON.stringify(obj))).toEqual({ ok: true, record: obj });
  });

  it.each([
    ['', /empty/],
    ['1,2,3', /expected 41 comma-separated feature values.*found 3/],
    [`${labeled}\n${second}`, /more than one line/],
    ['{"ts":1,"uid":"C1","id.orig_h":"10.0.0.1","conn_state":"SF"}', /Zeek conn\.log/],
    ['1700000000.1\tC1\t10.0.0.1\t5\t10.0.0.2\t80\ttcp', /Zeek conn\.log TSV/],
    ['#fields\tts\tuid', /header or comment/],
    ['{"a":', /not valid JSON/],
    ['"a",b', /quoted/],
    ['42', /expected 41/],
  ])('refuses %j with a problem that says why', (text, problem) => {
    const p = parseRecord(text);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.problem).toMatch(problem);
      expect(p.hint.length).toBeGreaterThan(20);
    }
  });
});

describe('batchRecords', () => {
  it('validates records one by one and batches labelled and unlabelled ones apart', () => {
    const bad = labeled.split(',');
    bad[4] = 'abc';
    const recs = [labeled.split(','), unlabeled.split(','), bad, second.split(',')];
    const { groups, problems } = batchRecords(recs);
    expect([...problems.keys()]).toEqual([2]);
    expect(problems.get(2)!.problem).toMatch(/expected a number for src_bytes, got "abc"/);
    expect(groups.map((g) => [g.index, g.batch.count, g.batch.labels !== null])).toEqual([[[1], 1, false], [[0, 3], 2, true]]);
    expect(groups[1].batch.labels).toEqual([labeled.split(',')[41], second.split(',')[41]]);
  });
});

describe('nats-detect CLI refusals (exit 2)', () => {
  const CLI = 'src/cli/nats-detect.ts';
  /** The logs are JSON by default: a refusal is one error line whose "error" is the message (an unknown flag stays text). */
  const message = (stderr: string): string => stderr.trim().split('\n').map((l) => {
    try {
      const e = JSON.parse(l) as { level: string; exitCode: number; error: string };
      expect(e).toMatchObject({ level: 'error', exitCode: 2 });
      return e.error;
    } catch (err) {
      if (l.startsWith('{')) throw err;
      return l;
    }
  }).join('\n');
  it.each([
    [['--out', 'anomalyze.>'], /--out: "anomalyze\.>" has a wildcard/],
    [['--in', 'a..b'], /--in: "a\.\.b" is not a NATS subject/],
    [['--batch', '0'], /--batch must be an integer from 1 to 100000, got "0"/],
    [['--max-latency', '500'], /--max-latency must be an integer from 1000/],
    [['--scored', 'anomalyze.alerts'], /--out, --scored and --errors must be three different subjects/],
    [['--alert-format', 'xml'], /--alert-format must be one of anomalyze, ecs, eve/],
    [['--server', 'http://x'], /--server: "http:\/\/x" is not a NATS URL/],
    [['--bogus'], /Unknown option '--bogus'[\s\S]*usage:/],
  ])('%j', async (args, expected) => {
    const r = await runCli(CLI, args);
    expect(r.code).toBe(2);
    expect(message(r.stderr)).toMatch(expected);
  });

  it('names the server it cannot reach', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    });
    const r = await runCli(CLI, ['--server', `nats://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(message(r.stderr)).toContain(`cannot connect to nats://127.0.0.1:${port}`);
    expect(message(r.stderr)).toContain('Is nats-server running there (with -js)?');
    // For people: --log-format text (or ANOMALYZE_LOG_FORMAT=text) gives the plain line.
    const text = await runCli(CLI, ['--server', `nats://127.0.0.1:${port}`, '--log-format', 'text']);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe(`error: cannot connect to nats://127.0.0.1:${port}: CONNECTION_REFUSED. Is nats-server running there (with -js)?\n`);
  });

  it('refuses a bad --log-format or ANOMALYZE_LOG_LEVEL, naming it', async () => {
    const r = await runCli(CLI, ['--log-format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --log-format must be text or json; got "xml"\n');
    const env = await runCli(CLI, [], undefined, { ANOMALYZE_LOG_LEVEL: 'loud' });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe('error: ANOMALYZE_LOG_LEVEL must be one of debug, info, warn, error; got "loud" (from the environment: unset it or fix it)\n');
  });
});
