// The byte reader (src/data/byte-csv.ts) must read exactly what the text path reads —
// csv-parse behind the plain-line splitter, `fastBytes: false` — batch by batch, value
// by value (bit for bit), and fail with the same error after the same batches: on the
// shipped fixtures, generated and mutated inputs cut at every kind of chunk boundary,
// the real CICFlowMeter exports and KDDTest+ when present, and its scores through the
// committed model.

import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBatches } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { runDetection } from '../../src/detect/run.ts';
import { Detector } from '../../src/detect/detector.ts';
import { loadModelDir } from '../../src/model/node.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { FLOW_SAMPLES, KDD_SAMPLES, ROOT, type Sample } from '../fuzz/corpus.ts';
import { anyMutation, chunked, mutate, mutations, params, type Split } from '../fuzz/support.ts';
import { transcript } from './transcript.ts';
import type { LineCore } from '../../src/data/module-lines.ts';

const enc = new TextEncoder();

/** The transcript of the bytes cut as `split` says. */
const transcriptOf = (bytes: Uint8Array, split: Split, reader: boolean | 'module', batchSize: number) => transcript(chunked(bytes, split), reader, batchSize);

/** The text path, the byte reader and the byte reader with its lines parsed in the module say the same. */
async function expectSame(bytes: Uint8Array, split: Split, batchSize = 4): Promise<unknown[]> {
  const text = await transcriptOf(bytes, split, false, batchSize);
  expect(await transcriptOf(bytes, split, true, batchSize)).toEqual(text);
  expect(await transcriptOf(bytes, split, 'module', batchSize), 'lines parsed in the module').toEqual(text);
  return text;
}

const whole: Split = { cuts: [], every: 0 };
const cuts: Split[] = [whole, { cuts: [], every: 1 }, { cuts: [], every: 2 }, { cuts: [], every: 3 }, { cuts: [], every: 7 }, { cuts: [], every: 1000 }];

const header = [...FEATURE_NAMES, 'label', 'difficulty'].join(',');
const rows = generateTraffic({ rows: 12, seed: 9 }).trimEnd().split('\n');
const csv = (...lines: string[]) => enc.encode(lines.join('\n') + '\n');

/** Inputs at the edges of the plain-line test, each next to lines it accepts. */
const EDGES: Record<string, Uint8Array> = {
  'plain lines': csv(...rows),
  'a header': csv(header, ...rows),
  'CRLF, blank and whitespace-only lines, no final newline': enc.encode(rows.slice(0, 4).join('\r\n') + '\r\n\r\n  \r\n' + rows.slice(4).join('\r\n')),
  'a final CR': enc.encode(rows.join('\n') + '\r'),
  'a BOM': new Uint8Array([0xef, 0xbb, 0xbf, ...csv(...rows)]),
  'a BOM mid-input (trimmed as a space)': csv(rows[0], '\ufeff' + rows[1], ...rows.slice(2)),
  'spaces and tabs around fields': csv(rows[0], rows[1].replace(/,/g, ' ,\t'), ...rows.slice(2)),
  'Unicode spaces and words': csv(rows[0], rows[1].replace('tcp', '\u3000tcp\u2003').replace(',SF,', ',Sé,'), ...rows.slice(2)),
  'a quote halfway': csv(...rows.slice(0, 5), rows[5].replace('tcp', '"tcp"'), ...rows.slice(6)),
  'an unclosed quote': csv(...rows.slice(0, 5), rows[5].replace('tcp', '"tcp'), ...rows.slice(6)),
  'a lone CR': csv(...rows.slice(0, 3), rows[3] + '\r' + rows[4], ...rows.slice(5)),
  'numbers parseNumeric reads the long way': csv(rows[0], rows[1].replace(/^\d+,/, '1e3,'), rows[2].replace(/^\d+,/, '+5,'), rows[3].replace(/^\d+,/, '0x10,'), rows[4].replace(/^\d+,/, '0000000000000001,'), rows[5].replace(/^\d+,/, '123456789012345.5,'), ...rows.slice(6)),
  'a number that is not one': csv(...rows.slice(0, 6), rows[6].replace(/^\d+,/, 'abc,'), ...rows.slice(7)),
  'an empty number': csv(...rows.slice(0, 6), rows[6].replace(/^\d+,/, ','), ...rows.slice(7)),
  'a point alone, two points': csv(rows[0], rows[1].replace(/^\d+,/, '.,'), rows[2].replace(/^\d+,/, '1.2.3,')),
  'an empty word': csv(...rows.slice(0, 6), rows[6].replace(',tcp,', ',,').replace(',udp,', ',,').replace(',icmp,', ',,'), ...rows.slice(7)),
  'an empty label': csv(...rows.slice(0, 6), rows[6].replace(/,[a-z.]+,(\d+)$/, ',,$1'), ...rows.slice(7)),
  'labels with points and capitals': csv(rows[0].replace(/,normal,/, ',Normal.,'), rows[1].replace(/,normal,/, ',NORMAL,'), ...rows.slice(2)),
  'a short row and a long row': csv(...rows.slice(0, 6), rows[6] + ',1', rows[7].replace(/,\d+$/, ''), ...rows.slice(8)),
  'a NUL after good lines': csv(...rows.slice(0, 8), rows[8] + '\0', ...rows.slice(9)),
  'a control character': csv(...rows.slice(0, 8), rows[8].replace('tcp', 't\x1bcp'), ...rows.slice(9)),
  'bytes that are not UTF-8': new Uint8Array([...csv(...rows.slice(0, 8)), 0xff, 0xfe, ...csv(...rows.slice(8))]),
  'a character cut off at the end': new Uint8Array([...csv(...rows), 0xe2, 0x82]),
  'a U+FFFD in the text': csv(...rows.slice(0, 3), rows[3].replace('tcp', 't\ufffdp')),
  'a row error then a NUL in the same chunk': csv(rows[0], rows[1] + ',x', rows[2] + '\0'),
  'only blank lines': csv('', '  ', ''),
  'a header without rows': csv(header),
  'empty': new Uint8Array(0),
  'DEL and high bytes in the difficulty column': csv(rows[0].replace(/\d+$/, '\x7f'), rows[1].replace(/\d+$/, 'é'), ...rows.slice(2)),
  'mostly not plain (spaces after commas)': csv(...Array.from({ length: 200 }, (_, i) => rows[i % rows.length].replace(/,/g, ', '))),
  'a line over 1 MiB': csv(rows[0], 'x'.repeat((1 << 20) + 10)),
  'a line over 1 MiB after a row error': enc.encode(`${rows[0]}\n${rows[1]},1\n${'x'.repeat((1 << 20) + 10)}`),
  'a long line of wide characters under 1 MiB of characters': enc.encode(`${rows[0]}\n${'é'.repeat(600_000)}`),
};

describe('the byte reader reads exactly what the text path reads', () => {
  for (const [name, bytes] of Object.entries(EDGES)) {
    it(name, async () => {
      const big = bytes.length > 100_000;
      for (const split of big ? [whole, { cuts: [], every: 65536 }] : cuts) {
        for (const batchSize of [1, 4, 8192]) await expectSame(bytes, split, batchSize);
      }
    });
  }

  it('gets to the rows the edge cases are about (a check of the checks)', async () => {
    expect(await expectSame(EDGES['plain lines'], whole, 8192)).toMatchObject([{ count: 12, format: 'nsl-kdd' }]);
    // Cut into bytes, the rows before the NUL's line fill two batches first; whole, the chunk is refused before any.
    expect(await expectSame(EDGES['a NUL after good lines'], whole)).toEqual([{ error: expect.stringMatching(/NUL/), line: 9, column: null }]);
    expect(await expectSame(EDGES['a NUL after good lines'], { cuts: [], every: 1 })).toEqual([expect.anything(), expect.anything(), { error: expect.stringMatching(/NUL/), line: 9, column: null }]);
    expect(await expectSame(EDGES['a short row and a long row'], { cuts: [], every: 7 })).toContainEqual(expect.objectContaining({ line: 7 }));
  });

  const files = [
    ...readdirSync(resolve(ROOT, 'test/fixtures/flows')).filter((f) => f.endsWith('.csv')).map((f) => resolve(ROOT, 'test/fixtures/flows', f)),
    ...['DoSAttack.csv', 'MitMAttack.csv'].map((f) => resolve(ROOT, '../shared/data/cicflowmeter', f)).filter(existsSync),
  ];
  it(`reads the shipped flow fixtures and the CICFlowMeter exports the same (${files.length} files)`, async () => {
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(f));
      for (const split of [whole, { cuts: [], every: 1000 }, { cuts: [], every: 7 }]) await expectSame(bytes, split, 256);
    }
  });

  it('reads mutated KDD and flow-meter CSV the same, however it is cut', async () => {
    const samples: Sample[] = [...KDD_SAMPLES, ...FLOW_SAMPLES];
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...samples), mutations(anyMutation), fc.record({ cuts: fc.array(fc.nat(), { maxLength: 12 }), every: fc.constantFrom(0, 0, 1, 3, 64) }), fc.constantFrom(1, 4, 8192),
      async (s, ms, split, batchSize) => { await expectSame(mutate(s.bytes, ms, s.boundaries), split, batchSize); },
    ), params('byte reader = text path', 300));
  }, 120_000);
});

const dataDir = resolve(process.cwd(), process.env.ANOMALYZE_DATA_DIR ?? '../shared/data/nsl-kdd');
const test = resolve(dataDir, 'KDDTest+.txt');
const present = existsSync(test);
if (!present) console.warn(`[test/data] skipping the byte reader's KDDTest+ comparison: ${test} not found (set ANOMALYZE_DATA_DIR)`);

describe.skipIf(!present)('the byte reader on KDDTest+ (needs ANOMALYZE_DATA_DIR)', () => {
  it('reads the same batches and scores every row bit for bit with the committed model', async () => {
    const bytes = new Uint8Array(readFileSync(test));
    await expectSame(bytes, { cuts: [], every: 65536 }, 8192);
    const detector = new Detector(await loadModelDir(await loadEngine()));
    const scored = async (fastBytes: boolean, core?: LineCore) => {
      const scores: number[] = [];
      for await (const b of readBatches(chunked(bytes, { cuts: [], every: 65536 }), { fastBytes, core })) scores.push(...detector.scoreBatch(b).scores);
      const records = (await runDetection(detector, chunked(bytes, { cuts: [], every: 65536 }), { fastBytes })).records;
      return { scores: Buffer.from(Float32Array.from(scores).buffer).toString('base64'), count: scores.length, records };
    };
    const text = await scored(false);
    expect(text.count).toBe(22544);
    expect(text.records.length).toBeGreaterThan(5000);
    expect(await scored(true)).toEqual(text);
    expect(await scored(true, detector.model.ensemble.engine.core)).toEqual(text);
    expect(detector.model.ensemble.engine.liveBlocks).toBe(0);
  }, 60_000);
});
