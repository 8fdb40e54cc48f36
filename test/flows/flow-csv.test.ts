import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyIdentity } from '../../src/data/identity.ts';
import { categoricalNames, checkSchema, numericNames } from '../../src/data/input-schema.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { CICFLOWMETER_SCHEMA, CICFLOWMETER_STATS_SCHEMA } from '../../src/flows/cicflowmeter.ts';
import { appendFlowRow, detectFlowCsv } from '../../src/flows/flow-csv.ts';
import { NFDUMP_SCHEMA } from '../../src/flows/nfdump.ts';
import { parseCsv } from '../fixtures/flows/read-flow-csv.ts';

const fixture = (name: string): string[][] =>
  parseCsv(readFileSync(resolve(import.meta.dirname, '../fixtures/flows', name), 'utf8')).map((r) => r.fields);

describe('detectFlowCsv', () => {
  it('tells the three formats apart by their header', () => {
    expect(detectFlowCsv(fixture('argus.csv')[0])!.format).toBe('argus');
    expect(detectFlowCsv(fixture('nfdump.csv')[0])!.format).toBe('nfdump');
    const cic = ['Flow ID', 'Dst Port', 'Protocol', 'Flow Duration', 'Tot Fwd Pkts', 'Tot Bwd Pkts', 'TotLen Fwd Pkts', 'TotLen Bwd Pkts',
      'Fwd Pkt Len Max', 'Fwd Pkt Len Min', 'Fwd Pkt Len Mean', 'Fwd Pkt Len Std', 'Flow Byts/s', 'Flow Pkts/s', 'Flow IAT Mean'];
    // Recognised as CICFlowMeter, then refused for the statistics it lacks.
    expect(() => detectFlowCsv(cic, 'x.csv')).toThrow(/^x\.csv:1: this looks like a CICFlowMeter export, but the header row lacks \d+ columns/);
  });

  it('leaves KDD files (with or without a header) and other CSVs to the KDD detection', () => {
    expect(detectFlowCsv([...FEATURE_NAMES, 'label'])).toBeNull();
    expect(detectFlowCsv(['0', 'tcp', 'http', 'SF', '181', '5450', '0'])).toBeNull();
    expect(detectFlowCsv(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto'])).toBeNull();
    expect(detectFlowCsv(['Flow Duration', 'Label'])).toBeNull();
  });

  it('gives schemas that survive a model manifest (checkSchema) unchanged', () => {
    const argus = detectFlowCsv(fixture('argus.csv')[0])!.schema;
    for (const s of [CICFLOWMETER_SCHEMA, CICFLOWMETER_STATS_SCHEMA, NFDUMP_SCHEMA, argus]) {
      expect(checkSchema(JSON.parse(JSON.stringify(s)))).toEqual(s);
    }
  });
});

describe('appendFlowRow', () => {
  it('writes the numeric values at the offset only, and pushes one value per column', () => {
    const [header, ...records] = fixture('nfdump.csv');
    const layout = detectFlowCsv(header, 'nfdump.csv')!;
    const width = numericNames(layout.schema).length;
    const numeric = new Float64Array(width * 3).fill(-7);
    const categorical = categoricalNames(layout.schema).map((): string[] => []);
    const identity = emptyIdentity();
    expect(appendFlowRow(layout, records[0], 2, { numeric, offset: width, categorical, labels: null, identity })).toBe(true);
    expect(Array.from(numeric.subarray(0, width)).every((v) => v === -7)).toBe(true);
    expect(Array.from(numeric.subarray(2 * width)).every((v) => v === -7)).toBe(true);
    expect(numeric[width]).toBe(Number(records[0][2])); // td
    expect(categorical.map((c) => c.length)).toEqual([1, 1]);
    expect(identity.src).toHaveLength(1);
    // The trailer is not a flow: nothing written.
    const summary = records.findIndex((f) => f[0] === 'Summary');
    expect(appendFlowRow(layout, records[summary], summary + 2, { numeric, offset: 2 * width, categorical, labels: null, identity })).toBe(false);
    expect(identity.src).toHaveLength(1);
  });

  it('a rejected row adds nothing to the categorical, label or identity columns', () => {
    const [header, first] = fixture('nfdump.csv');
    const layout = detectFlowCsv(header, 'nfdump.csv')!;
    const categorical = categoricalNames(layout.schema).map((): string[] => []);
    const identity = emptyIdentity();
    const bad = first.slice();
    bad[0] = 'not a time';
    const out = { numeric: new Float64Array(numericNames(layout.schema).length), offset: 0, categorical, labels: null, identity };
    expect(() => appendFlowRow(layout, bad, 2, out)).toThrow(/^nfdump\.csv:2:1: expected a date and time/);
    expect(categorical.map((c) => c.length)).toEqual([0, 0]);
    expect(identity.start).toHaveLength(0);
  });
});
