// Property 1: every input kind, mutated, read through readBatches and scored through
// runDetection → batches with finite values and consistent counts, or an InputError
// naming the source. Never another exception, never a wasm trap, never a hang; and
// the same outcome however the input is cut into chunks.

import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_SAMPLES, FLOW_SAMPLES, GZIP_SAMPLES, KDD_SAMPLES, ZEEK_SAMPLES, ALL_SAMPLES, type Sample } from './corpus.ts';
import { fuzzModels, type FuzzModels } from './models.ts';
import { deliver, detectOutcome, digest, readOutcome } from './outcome.ts';
import { concatBatches, type RecordBatch } from '../../src/data/batch.ts';
import { readBatches } from '../../src/data/reader.ts';
import { anyMutation, byteMutation, checkBatch, checkInputError, describeCase, inTime, mutate, mutations, params, splits, textMutation } from './support.ts';

let models: FuzzModels;
beforeAll(async () => { models = await fuzzModels(); });

const groups: [string, Sample[], fc.Arbitrary<import('./support.ts').Mutation>][] = [
  ['KDD CSV', KDD_SAMPLES, anyMutation],
  ['flow-meter CSV (CICFlowMeter, Argus, nfdump)', FLOW_SAMPLES, anyMutation],
  ['Zeek conn.log (TSV and JSON lines)', ZEEK_SAMPLES, anyMutation],
  ['pcap / pcapng captures', CAPTURE_SAMPLES, byteMutation],
  ['gzip of each kind (compressed bytes mutated)', GZIP_SAMPLES, byteMutation],
];

const binary = (s: Sample) => s.kind === 'capture' || s.name.endsWith('.gz');
/** Samples by name, so that a counterexample prints a name rather than the bytes. */
const pick = (samples: Sample[]) => fc.constantFrom(...samples.map((s) => Object.assign(s, { [fc.toStringMethod]: () => JSON.stringify(s.name) })));

describe('fuzz: readBatches on mutated inputs → valid batches or an InputError', () => {
  for (const [name, samples, mutation] of groups) {
    it(name, async () => {
      let errors = 0, results = 0;
      await fc.assert(fc.asyncProperty(
        pick(samples), mutations(mutation), splits, fc.constantFrom(1, 4, 8192),
        async (s, ms, split, batchSize) => {
          const bytes = mutate(s.bytes, ms, s.boundaries);
          const o = await readOutcome(deliver(bytes, split, binary(s)), s.name, batchSize, describeCase(s.name, ms));
          if (o.ok) results++; else errors++;
        },
      ), params(`read ${name}`, 120));
      // Both outcomes occur: the mutator neither always breaks nor never breaks the input
      // (except under gzip, whose CRC rejects nearly every change to the compressed bytes).
      expect(errors, 'no mutated input was rejected').toBeGreaterThan(0);
      if (!name.startsWith('gzip')) expect(results, 'no mutated input was read').toBeGreaterThan(0);
    });
  }

  it('text mutations of the plain text under gzip', async () => {
    await fc.assert(fc.asyncProperty(
      pick([...KDD_SAMPLES.slice(0, 2), ...ZEEK_SAMPLES.slice(0, 2), FLOW_SAMPLES[0]]), mutations(textMutation), splits,
      async (s, ms, split) => {
        const bytes = new Uint8Array(gzipSync(mutate(s.bytes, ms)));
        await readOutcome(deliver(bytes, split, true), `${s.name}.gz`, 8192, describeCase(`${s.name}.gz`, ms));
      },
    ), params('read gzip text', 60));
  });
});

describe('fuzz: chunking invariance', () => {
  it('every valid sample reads the same whole, in 1-byte, 2-, 3-, 7-byte pieces and at random cuts', async () => {
    for (const s of ALL_SAMPLES) {
      const whole = await readOutcome(s.bytes, s.name, 65536, s.name);
      expect(whole.ok, `${s.name} is valid`).toBe(true);
      for (const every of [1, 2, 3, 7]) {
        const o = await readOutcome(deliver(s.bytes, { cuts: [], every }, true), s.name, 65536, `${s.name} in ${every}-byte pieces`);
        expect(digest(o), `${s.name} in ${every}-byte pieces`).toEqual(digest(whole));
      }
    }
    await fc.assert(fc.asyncProperty(pick(ALL_SAMPLES), splits, async (s, split) => {
      const whole = await readOutcome(s.bytes, s.name, 65536, s.name);
      const o = await readOutcome(deliver(s.bytes, split, binary(s)), s.name, 65536, `${s.name} split ${JSON.stringify(split)}`);
      expect(digest(o)).toEqual(digest(whole));
    }), params('chunking valid', 80));
  });

  // Which of two errors is reported may depend on the cut: the text decoder rejects a
  // control character anywhere in the chunk it is decoding before the rows of that chunk
  // are parsed, so a whole input reports a control character on line 2 where 7-byte
  // pieces first reach a bad value on line 1. Both are right; rejected or not, and the
  // rows when accepted, must not depend on the cut.
  it('mutated inputs: the same rows, or rejected, however they are cut', async () => {
    await fc.assert(fc.asyncProperty(
      pick(ALL_SAMPLES), mutations(), splits,
      async (s, ms, split) => {
        const bytes = mutate(s.bytes, ms, s.boundaries);
        const where = describeCase(s.name, ms);
        const whole = await readOutcome(bytes, s.name, 65536, where);
        const o = await readOutcome(deliver(bytes, split, binary(s)), s.name, 65536, `${where} split ${JSON.stringify(split)}`);
        const d = (x: typeof o) => (x.ok ? digest(x) : 'rejected');
        expect(d(o), `${where} split ${JSON.stringify(split)}: ${o.ok ? '' : o.message} / ${whole.ok ? '' : whole.message}`).toEqual(d(whole));
      },
    ), params('chunking mutated', 150));
  });
});

describe('fuzz: detection on mutated inputs → a consistent report or an InputError', () => {
  it('small synthetic models (KDD, kdd-conn) and the committed models/default', async () => {
    let scored = 0;
    await fc.assert(fc.asyncProperty(
      pick(ALL_SAMPLES), mutations(), splits, fc.boolean(),
      async (s, ms, split, useDefault) => {
        const bytes = mutate(s.bytes, ms, s.boundaries);
        const where = `${describeCase(s.name, ms)} with ${useDefault ? 'models/default' : 'small models'}`;
        const o = await detectOutcome(useDefault ? models.defaultDetector : models.choice, deliver(bytes, split, binary(s)), s.name, where);
        if (o.ok) scored += o.rows;
      },
    ), params('detect', 120));
    expect(scored).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- targeted values

const EXTREMES = [
  '1e308', '-1e308', '1e15', '-1', '-0.000001', '0', '4294967295', '4294967296', '18446744073709551616', '9007199254740993',
  '1.7976931348623157e308', '5e-324', '70000', '-70000', '1e-7', '2147483648', '99999999999', 'NaN', 'Infinity', '-', '(empty)', '',
];
const TIMEY = /(^|[ ._])(ts|te|td|time|starttime|lasttime|timestamp|dur|duration)\b|time/i;
const NUMERIC_NAME = /time|^ts$|^te$|^td$|dur|port|^sp$|^dp$|byt|bytes|pkt|pkts|packets|rate|iat|len|load/i;

/** Sets one timestamp/duration/port/counter column of one data row to an extreme value. */
function extreme(s: Sample, row: number, col: number, value: string, twoRows: boolean): Uint8Array {
  const text = new TextDecoder().decode(s.bytes);
  const lines = text.split('\n');
  if (s.name.endsWith('.json')) {
    const data = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('{'));
    for (const [line, i] of (twoRows ? data.slice(row % data.length, (row % data.length) + 2) : [data[row % data.length]])) {
      const o = JSON.parse(line) as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => NUMERIC_NAME.test(k) || TIMEY.test(k));
      const k = keys[col % keys.length];
      o[k] = value === '' ? null : /^[-\d.e]+$|^NaN$|^Infinity$/.test(value) ? Number(value) : value;
      lines[i] = JSON.stringify(o).replace(/null/, value === 'NaN' || value === 'Infinity' ? value : 'null');
    }
    return new TextEncoder().encode(lines.join('\n'));
  }
  const tsv = lines.some((l) => l.startsWith('#fields'));
  const sep = tsv ? '\t' : ',';
  const header = tsv ? lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1) : lines[0].split(',').map((h) => h.trim());
  const cols = header.map((h, i) => [h, i] as const).filter(([h]) => NUMERIC_NAME.test(h) || TIMEY.test(h)).map(([, i]) => i);
  const data = lines.map((l, i) => i).filter((i) => (tsv ? !lines[i].startsWith('#') : i > 0) && lines[i].trim() !== '');
  const c = cols[col % cols.length];
  const first = row % data.length;
  for (const i of twoRows ? data.slice(first, first + 2) : [data[first]]) {
    const f = lines[i].split(sep);
    f[c] = value;
    lines[i] = f.join(sep);
  }
  return new TextEncoder().encode(lines.join('\n'));
}

describe('fuzz: extreme timestamps, durations, ports and counters in connection logs and flow exports', () => {
  it('read and detect: finite batches or an InputError, never a hang', async () => {
    await fc.assert(fc.asyncProperty(
      pick([...ZEEK_SAMPLES, ...FLOW_SAMPLES]), fc.nat(), fc.nat(), fc.constantFrom(...EXTREMES), fc.boolean(), fc.boolean(),
      async (s, row, col, value, twoRows, viaDetect) => {
        const bytes = extreme(s, row, col, value, twoRows);
        const where = `${s.name} row ${row} col ${col} = ${JSON.stringify(value)}${twoRows ? ' (two rows)' : ''}`;
        if (viaDetect) await detectOutcome(models.choice, bytes, s.name, where);
        else await readOutcome(bytes, s.name, 4, where);
      },
    ), params('extremes', 150));
  });
});

// ---------------------------------------------------------------- live inputs

/** The pieces with idle ticks (empty chunks, what src/data/idle.ts inserts when a live input pauses) between some. */
function withTicks(bytes: Uint8Array, cuts: number[], ticks: number[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    let prev = 0;
    for (let i = 0; i < at.length; i++) {
      if (at[i] > prev) yield bytes.slice(prev, at[i]);
      prev = at[i];
      for (let t = 0; t < (ticks[i] ?? 0); t++) yield new Uint8Array(0);
    }
    if (prev < bytes.length) yield bytes.slice(prev);
    yield new Uint8Array(0);
  })();
}

describe('fuzz: live inputs (idle ticks between chunks)', () => {
  it('valid batches or an InputError; CSV rows the same as read at once', async () => {
    await fc.assert(fc.asyncProperty(
      pick(ALL_SAMPLES), fc.option(mutations(), { nil: undefined }), fc.array(fc.nat(), { maxLength: 10 }), fc.array(fc.nat({ max: 3 }), { maxLength: 10 }),
      async (s, ms, cuts, ticks) => {
        const bytes = ms ? mutate(s.bytes, ms, s.boundaries) : s.bytes;
        const where = `${s.name}${ms ? ` + ${JSON.stringify(ms).slice(0, 300)}` : ''} live, cuts ${JSON.stringify(cuts)} ticks ${JSON.stringify(ticks)}`;
        const batches: RecordBatch[] = [];
        let error: string | null = null;
        await inTime(async () => {
          try {
            for await (const b of readBatches(withTicks(bytes, cuts, ticks), { source: s.name, live: true })) {
              checkBatch(b, where);
              batches.push(b);
            }
          } catch (err) {
            checkInputError(err, s.name, where);
            error = err.message;
          }
        }, where);
        if (s.kind === 'kdd' || s.kind === 'flow') {
          const once = await readOutcome(bytes, s.name, 65536, where);
          expect(error === null, `${where}: ${error} / ${once.ok ? '' : once.message}`).toBe(once.ok);
          if (once.ok && error === null) expect(digest({ ok: true, format: once.format, batch: concatBatches(batches), batches: batches.length }), where).toEqual(digest(once));
        }
      },
    ), params('live', 120));
  });
});
