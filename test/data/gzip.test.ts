import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';

const plain = (b: Awaited<ReturnType<typeof readAll>>) => ({ format: b.format, count: b.batch.count, numeric: Array.from(b.batch.numeric), cat: b.batch.categorical, id: b.batch.identity });

describe('gzip-compressed input', () => {
  it('reads a compressed KDD CSV and a compressed Zeek conn.log exactly as the plain files', async () => {
    const csv = new TextEncoder().encode(generateTraffic({ rows: 300, seed: 4 }));
    expect(plain(await readAll(gzipSync(csv)))).toEqual(plain(await readAll(csv)));
    const log = readFileSync(new URL('../fixtures/zeek/conn.log', import.meta.url));
    const fromGz = await readAll(gzipSync(log));
    expect(fromGz.format).toBe('zeek');
    expect(plain(fromGz)).toEqual(plain(await readAll(new Uint8Array(log))));
  });

  it('a damaged or truncated gzip stream is a syntax error that says so', async () => {
    const gz = gzipSync(new TextEncoder().encode(generateTraffic({ rows: 2000, seed: 4 })));
    const err = await readAll(gz.subarray(0, Math.floor(gz.length / 2)), { source: 'cut.csv.gz' }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).kind).toBe('syntax');
    expect((err as Error).message).toMatch(/^cut\.csv\.gz: the gzip-compressed input is damaged or cut short/);
  });
});
