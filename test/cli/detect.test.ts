import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { runCli } from '../helpers/cli.ts';

const DETECT = 'src/cli/detect.ts';
const dir = mkdtempSync(join(tmpdir(), 'anomalyze-cli-'));
const file = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p; };
const sample = generateTraffic({ rows: 400, seed: 12 });
const samplePath = file('sample.csv', sample);

describe('npm run detect', () => {
  it('prints exactly one JSON document with summary, metrics and records', async () => {
    const r = await runCli(DETECT, [samplePath, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['summary', 'metrics', 'records']);
    for (const k of ['rows', 'anomalies', 'anomalyRate', 'bySeverity', 'unknownCategories', 'seconds', 'rowsPerSecond']) expect(doc.summary).toHaveProperty(k);
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'prAuc', 'fpr', 'confusion', 'byCategory']) expect(doc.metrics).toHaveProperty(k);
    expect(doc.summary.rows).toBe(400);
    expect(doc.records).toHaveLength(doc.summary.anomalies);
    expect(Object.keys(doc.records[0])).toEqual(['row', 'score', 'anomaly', 'confidence', 'severity', 'label', 'category', 'topFeatures']);
  });

  it('reads stdin, streams csv and ndjson, and --all reports every row', async () => {
    const csv = await runCli(DETECT, ['-', '--format', 'csv', '--all'], sample);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^row,score,anomaly,confidence,severity/);
    expect(lines).toHaveLength(401);
    expect(csv.stderr).toMatch(/rows\s+400/);
    const nd = await runCli(DETECT, [samplePath, '--format', 'ndjson']);
    const objs = nd.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const last = objs.pop();
    expect(last.summary.rows).toBe(400);
    expect(objs).toHaveLength(last.summary.anomalies);
  });

  it('prints a readable summary with metrics by default', async () => {
    const r = await runCli(DETECT, [samplePath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rows\s+400/);
    expect(r.stdout).toMatch(/anomalies\s+\d+/);
    expect(r.stdout).toMatch(/F1 \d\.\d{4}/);
    expect(r.stdout).toMatch(/detection rate by attack category/);
  });

  it('writes --out only when everything succeeded', async () => {
    const out = join(dir, 'ok.json');
    expect((await runCli(DETECT, [samplePath, '--format', 'json', '--out', out])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.rows).toBe(400);
    const badOut = join(dir, 'bad.json');
    const rows = sample.trim().split('\n');
    rows[300] = rows[300].split(',').slice(0, 20).join(',');
    const r = await runCli(DETECT, [file('late-error.csv', rows.join('\n')), '--format', 'ndjson', '--out', badOut]);
    expect(r.code).toBe(2);
    expect(existsSync(badOut)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('bad.json'))).toEqual([]);
  });
});

describe('npm run detect on bad input exits 2 with a one-line message naming the place', () => {
  const lines = sample.trim().split('\n');
  const cases: [string, string | Buffer, RegExp][] = [
    ['wrong column count', [lines[0], lines[1].split(',').slice(0, 30).join(',')].join('\n'), /wrong-columns\.csv:2: expected .*43 columns.*found 30/],
    ['text where a number belongs', [lines[0], lines[1], lines[2].replace(/^(\w+),(\w+),(\w+),(\w+),\d+/, '$1,$2,$3,$4,abc')].join('\n'), /text-number\.csv:3:5: expected a number for src_bytes, got "abc"/],
    ['an empty file', '', /empty\.csv: the input is empty/],
    ['binary garbage', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0xff, 0xfe, 0, 9]), /binary\.csv.*(binary|text)/i],
  ];
  for (const [what, content, message] of cases) {
    it(what, async () => {
      const name = { 'wrong column count': 'wrong-columns.csv', 'text where a number belongs': 'text-number.csv', 'an empty file': 'empty.csv', 'binary garbage': 'binary.csv' }[what]!;
      const r = await runCli(DETECT, [file(name, content)]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
  it('a missing file', async () => {
    const r = await runCli(DETECT, [join(dir, 'nope.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.csv: no such file/);
  });
  it('an --out path in a missing directory', async () => {
    const r = await runCli(DETECT, [samplePath, '--out', join(dir, 'missing', 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*missing\/x\.json: its directory does not exist/);
  });
  it('a bad option', async () => {
    const r = await runCli(DETECT, [samplePath, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format must be one of table, json, csv, ndjson/);
  });
});

describe('detect --out to a device or a pipe', () => {
  it('writes to /dev/null directly instead of renaming a temp file over it', async () => {
    const before = statSync('/dev/null');
    const r = await runCli('build/cli/detect.mjs', ['-', '--format', 'ndjson', '--out', '/dev/null'], generateTraffic({ rows: 50, seed: 1 }));
    expect(r.code).toBe(0);
    const after = statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
  });
});
