import { describe, expect, it } from 'vitest';
import { JsonSpool } from '../../src/server/json-spool.ts';

const text = (blocks: Uint8Array[]) => Buffer.concat(blocks).toString('utf8');

describe('JsonSpool', () => {
  it('keeps the elements in order, comma-separated, across block boundaries, in any UTF-8', () => {
    const spool = new JsonSpool();
    const values: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = JSON.stringify({ row: i, label: i % 7 === 0 ? 'naïve—ünïcödé 😀' : 'normal', pad: 'x'.repeat(i % 97) });
      values.push(v);
      spool.add(v);
    }
    const huge = JSON.stringify('é'.repeat(50_000)); // more than a block by itself
    spool.add(huge);
    values.push(huge);
    const expected = values.join(',');
    expect(spool.size).toBe(Buffer.byteLength(expected));
    const blocks = spool.take();
    expect(blocks.length).toBeGreaterThan(5); // several blocks, and the huge one alone
    expect(text(blocks)).toBe(expected);
    expect(JSON.parse(`[${text(blocks)}]`)).toHaveLength(5001);
  });

  it('is empty when nothing was added', () => {
    const spool = new JsonSpool();
    expect(spool.size).toBe(0);
    expect(text(spool.take())).toBe('');
  });
});
