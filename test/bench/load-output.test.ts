// `npm run bench -- load`: the result's shape (CI dashboards read the --json output) and the
// behaviour every run must show whatever the machine: bad requests get their 4xx as problem+json,
// no 5xx, the slow client is cut off. Speed and memory figures are not tested here.
import { describe, expect, it } from 'vitest';
import { benchLoad, parseLoadArgs, splitFlags, type LoadResult } from '../../bench/load.ts';
import { serverNodeFlags } from '../../bench/node-flags.ts';
import { expectMachine } from './expect-machine.ts';

describe('benchLoad', () => {
  it('runs ~5 s of mixed load on generated data and reports every criterion', async () => {
    const logs: string[] = [];
    const r: LoadResult = await benchLoad(
      { duration: 5, connections: 10, uploads: 1, timeoutMs: 2500, synthetic: true, syntheticBytes: 300_000, rssFlatFromSecond: 2 },
      (s) => logs.push(s),
    );
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ options: { duration: 5, connections: 10, uploads: 1, timeoutMs: 2500 } });

    // The shared machine record (bench/machine.ts), with the load average before and after the run.
    expectMachine({ ...r.machine, loadAverage1m: r.machine.loadAverage1m.before });
    expect(r.machine.loadAverage1m.after).toBeGreaterThanOrEqual(0);
    expect(r.uploads.source).toMatchObject({ kind: 'synthetic', file: null });
    expect(r.uploads.source.bytes).toBeGreaterThan(250_000);

    // Every source is counted by status class, and the classes add up.
    for (const c of Object.values(r.requests)) {
      expect(c.all).toBe(c['1xx'] + c['2xx'] + c['3xx'] + c['4xx'] + c['5xx']);
    }
    expect(r.requests.total.all).toBe(r.requests.single.all + r.requests.uploads.all + r.requests.bad.all + r.requests.slow.all);
    expect(r.requests.single.all).toBeGreaterThan(0);
    expect(r.requests.total['5xx']).toBe(0);
    for (const k of ['p50', 'p90', 'p99', 'max'] as const) expect(r.single.latencyMs[k]).toBeGreaterThanOrEqual(0);

    // Each kind of bad request was sent and got its expected 4xx as problem+json.
    const kinds = Object.entries(r.bad.byKind);
    expect(kinds.map(([k]) => k).sort()).toEqual(['csv-wrong-columns', 'invalid-json', 'malformed-csv', 'oversize-content-length', 'wrong-content-type']);
    for (const [, k] of kinds) {
      expect(k.sent).toBeGreaterThan(0);
      expect(k.expected).toBeGreaterThanOrEqual(400);
      expect(k.expected).toBeLessThan(500);
      expect(k.statuses).toEqual({ [String(k.expected)]: k.sent });
      expect(k.ok).toBe(k.sent);
    }
    expect(r.bad.failures).toEqual([]);
    expect(r.requests.bad['4xx']).toBe(r.bad.sent);
    expect(r.verdicts.badRequests4xx.status).toBe('pass');

    // The slow client (1 byte/s) outlives the 2.5 s timeout and is cut off with a 408.
    expect(r.slowClient.runs.length).toBeGreaterThan(0);
    const slow = r.slowClient.runs[0];
    expect(slow.how).toBe('408');
    expect(slow.by).toBe('app');
    expect(slow.bytesSent).toBeLessThan(slow.bodyBytes);
    expect(slow.responseAfterMs).toBeGreaterThanOrEqual(2400);

    // RSS sampled each second; the window from second 2 exists in a 5 s run.
    expect(r.rss.samples.length).toBeGreaterThanOrEqual(4);
    expect(r.rss.samples.every((x) => x.kib > 0)).toBe(true);
    expect(r.rss.window).not.toBeNull();
    expect(r.rss.window!.ratio).toBeCloseTo(r.rss.window!.maxKiB / r.rss.window!.minKiB, 2);

    // Explicit verdicts, one per criterion, and an overall one consistent with them.
    const names = ['no5xx', 'noErrors', 'singleAll2xx', 'badRequests4xx', 'uploadsOk', 'slowClientCutOff', 'rssFlat', 'serverAlive'];
    expect(Object.keys(r.verdicts).sort()).toEqual([...names].sort());
    for (const v of Object.values(r.verdicts)) {
      expect(['pass', 'fail', 'not measured']).toContain(v.status);
      expect(v.measured.length).toBeGreaterThan(0);
      expect(v.bar.length).toBeGreaterThan(0);
    }
    const statuses = Object.values(r.verdicts).map((v) => v.status);
    expect(r.verdict).toBe(statuses.includes('fail') ? 'fail' : statuses.includes('not measured') ? 'incomplete' : 'pass');
    expect(logs.some((l) => l.startsWith('verdict: '))).toBe(true);
    expect(r.server.aliveAfter).toBe(true);
    // The server ran with npm start's node flags.
    expect(r.server.nodeFlags).toEqual(serverNodeFlags());
  }, 90_000);

  it('takes other node flags with --node-flags=… (to compare), npm start\'s by default', () => {
    expect(parseLoadArgs([]).nodeFlags).toBeUndefined();
    expect(parseLoadArgs(['--node-flags=--a  --b=1']).nodeFlags).toEqual(['--a', '--b=1']);
    expect(parseLoadArgs(['--node-flags=']).nodeFlags).toEqual([]);
    expect(splitFlags(' ')).toEqual([]);
  });
});
