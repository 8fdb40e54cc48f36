// Connections for window tests: defaults for everything a test does not vary.
import type { Connection } from '../../src/flows/connection.ts';
import { numericNames, type InputSchema } from '../../src/data/input-schema.ts';
import type { FeatureRows } from '../../src/flows/window.ts';

export const T0 = 1_700_000_000;

export function conn(over: Partial<Connection> = {}): Connection {
  return {
    start: T0,
    duration: 0.5,
    protocol: 'tcp',
    origAddr: '10.0.0.1',
    origPort: 40000,
    respAddr: '10.0.0.9',
    respPort: 80,
    service: 'http',
    flag: 'SF',
    origBytes: 200,
    respBytes: 1000,
    origPackets: 5,
    respPackets: 5,
    wrongFragment: 0,
    urgent: 0,
    ...over,
  };
}

/** Numeric feature `name` of row `i`. */
export function value(rows: FeatureRows, schema: InputSchema, i: number, name: string): number {
  const names = numericNames(schema);
  const j = names.indexOf(name);
  if (j < 0) throw new Error(`no numeric feature ${name}`);
  return rows.numeric[i * names.length + j];
}
