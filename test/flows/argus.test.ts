import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { categoricalNames, numericNames } from '../../src/data/input-schema.ts';
import { detectFlowCsv } from '../../src/flows/flow-csv.ts';
import { categoricalValue, numericValue, parseCsv, readFlowCsv } from '../fixtures/flows/read-flow-csv.ts';

// Real exports of our own loopback traffic (scripts/flow-fixtures.sh): ra -n -u, and ra's defaults.
const fixture = (name: string): string => readFileSync(resolve(import.meta.dirname, '../fixtures/flows', name), 'utf8');
const numericText = fixture('argus.csv');
const namedText = fixture('argus-names.csv');

/** The raw records of a fixture that are flows (not management records), by header name. */
function flowRecords(text: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(text).map((r) => r.fields);
  return records.map((f) => Object.fromEntries(header.map((h, i) => [h, f[i]]))).filter((r) => r.Proto !== 'man');
}

describe('Argus: ra -n -u export of real traffic', () => {
  const rows = readFlowCsv(numericText, 'argus.csv');
  const raw = flowRecords(numericText);

  it('reads every flow and skips the management records', () => {
    expect(rows.layout.format).toBe('argus');
    expect(rows.layout.hasLabel).toBe(false);
    expect(rows.count).toBe(raw.length);
    expect(rows.count).toBeGreaterThanOrEqual(10);
    expect(rows.layout.counts.skipped).toBe(parseCsv(numericText).length - 1 - raw.length);
    expect(rows.layout.counts.skipped).toBeGreaterThan(0);
  });

  it('has a schema of the columns ra printed, in canonical order', () => {
    expect(rows.layout.schema.name).toBe('argus');
    expect(numericNames(rows.layout.schema)).toEqual([
      'duration', 'packets', 'bytes', 'src_packets', 'dst_packets', 'src_bytes', 'dst_bytes', 'rate', 'load',
    ]);
    expect(categoricalNames(rows.layout.schema)).toEqual(['protocol', 'service', 'state', 'direction']);
    // The same header gives the same schema object (batches can be concatenated).
    expect(detectFlowCsv(parseCsv(numericText)[0].fields)!.schema).toBe(rows.layout.schema);
  });

  it('copies the numeric fields and the identity', () => {
    raw.forEach((r, i) => {
      expect(numericValue(rows, i, 'duration')).toBe(Number(r.Dur));
      expect(numericValue(rows, i, 'bytes')).toBe(Number(r.TotBytes));
      expect(numericValue(rows, i, 'dst_packets')).toBe(Number(r.DstPkts));
      expect(rows.identity.start[i]).toBe(Number(r.StartTime));
      expect(rows.identity.duration[i]).toBe(Number(r.Dur));
      expect(rows.identity.src[i]).toBe(r.SrcAddr);
      expect(rows.identity.dst[i]).toBe(r.DstAddr);
      expect(rows.identity.protocol[i]).toBe(r.Proto);
      expect(categoricalValue(rows, i, 'state')).toBe(r.State);
      expect(categoricalValue(rows, i, 'direction')).toBe(r.Dir);
    });
  });

  it('derives KDD services from ports, and ICMP type and code from the hex Sport', () => {
    const services = raw.map((r, i) => [r.Proto, r.Dport, categoricalValue(rows, i, 'service')]);
    const byPort = (proto: string, port: string) => services.filter(([p, d]) => p === proto && d === port).map(([, , s]) => s);
    expect(new Set(byPort('tcp', '8000'))).toEqual(new Set(['other']));
    expect(byPort('tcp', '9')).toEqual(['discard']);
    expect(new Set(byPort('udp', '53'))).toEqual(new Set(['domain_u']));
    const icmp = raw.map((r, i) => ({ r, i })).filter(({ r }) => r.Proto === 'icmp');
    expect(icmp.length).toBeGreaterThan(0);
    for (const { r, i } of icmp) {
      const typeCode = Number.parseInt(r.Sport, 16);
      expect(rows.identity.srcPort[i]).toBe(typeCode & 0xff);
      expect(rows.identity.dstPort[i]).toBe(typeCode >> 8);
      expect(categoricalValue(rows, i, 'service')).toBe(r.State === 'ECO' ? 'eco_i' : 'urp_i');
    }
  });
});

describe("Argus: ra's defaults (port names, time of day)", () => {
  it('reads the same features as the -n -u export; times without a date are NaN and counted', () => {
    const named = readFlowCsv(namedText, 'argus-names.csv');
    const numeric = readFlowCsv(numericText, 'argus.csv');
    expect(named.layout.schema).toBe(numeric.layout.schema);
    expect(Array.from(named.numeric)).toEqual(Array.from(numeric.numeric));
    expect(named.categorical).toEqual(numeric.categorical);
    expect(named.identity.dstPort).toEqual(numeric.identity.dstPort);
    expect(named.identity.start.every(Number.isNaN)).toBe(true);
    expect(named.layout.counts.undated).toBe(named.count);
  });
});

describe('Argus: errors', () => {
  const header = 'StartTime,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,TotPkts,TotBytes,SrcWin';
  const caught = (text: string): InputError => {
    try {
      readFlowCsv(text, 'ra.csv');
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    }
    throw new Error('expected an InputError');
  };

  it('accepts a minimal field list; blank not-applicable fields read as 0', () => {
    const rows = readFlowCsv(`${header}\n1700000000.5,udp,10.0.0.1,5000,->,10.0.0.2,123,2,180,\n`);
    expect(numericNames(rows.layout.schema)).toEqual(['packets', 'bytes', 'src_window']);
    expect(Array.from(rows.numeric)).toEqual([2, 180, 0]);
    expect(rows.categorical).toEqual([['udp'], ['ntp_u'], ['->']]);
    expect(rows.identity.duration[0]).toBeNaN();
    expect(rows.identity.start[0]).toBe(1700000000.5);
  });

  it('an unknown port name tells to use -n', () => {
    const e = caught(`${header}\n1700000000.5,tcp,10.0.0.1,5000,->,10.0.0.2,fancy-svc,2,180,\n`);
    expect(e.problem).toBe('expected a port number for Dport, got "fancy-svc"');
    expect([e.line, e.column]).toEqual([2, 7]);
    expect(e.hint).toContain('ra -n');
  });

  it('text in a counter', () => {
    const e = caught(`${header}\n1700000000.5,tcp,10.0.0.1,5000,->,10.0.0.2,80,two,180,\n`);
    expect(e.problem).toBe('expected a number for TotPkts, got "two"');
    expect(e.column).toBe(8);
  });

  it('a header without the required columns', () => {
    const e = caught('StartTime,Proto,SrcAddr,DstAddr,Dport\n');
    expect(e.line).toBe(1);
    expect(e.problem).toContain('lacks Sport, TotPkts, TotBytes');
  });
});
