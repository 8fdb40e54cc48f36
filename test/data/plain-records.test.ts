import { describe, expect, it } from 'vitest';
import { CsvRecords, readAll } from '../../src/data/reader.ts';
import { PlainRecords, type RecordSource } from '../../src/data/plain-records.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';

async function tokenize(src: RecordSource, text: string, chunk: number) {
  for (let i = 0; i < text.length; i += chunk) await src.write(text.slice(i, i + chunk));
  await src.end();
  const out = src.take();
  return { fields: out.fields, lines: out.lines, error: out.error?.message ?? null };
}

const plain = () => new PlainRecords('t.csv', (offset) => new CsvRecords('t.csv', offset));
const general = () => new CsvRecords('t.csv');

describe('the plain-CSV fast path', () => {
  const cases: Record<string, string> = {
    'plain lines': 'a,b,c\n1,2,3\n4,5,6\n',
    'CRLF, blank and whitespace-only lines, no final newline': 'a, b ,c\r\n\r\n  \r\n1,\t2,3\r\n\r\n4,5,6',
    'a quoted field halfway': 'a,b,c\n1,2,3\n"x,y",5,6\n7,8,9\n\n10,11,12\n',
    'an unclosed quote after plain lines': 'a,b,c\n1,2,3\n\n4,"5,6\n7,8,9\n',
    'a quote inside an unquoted field': 'a,b,c\n1,2,3\n4,5x"y,6\n',
    'empty fields and ragged rows': 'a,,c\n,,\n1,2\n1,2,3,4\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`matches csv-parse on ${name}, whatever the chunking`, async () => {
      const expected = await tokenize(general(), text, text.length || 1);
      for (const chunk of [1, 2, 3, 7, 1000]) expect(await tokenize(plain(), text, chunk)).toEqual(expected);
    });
  }

  it('reads generated traffic exactly as csv-parse does', async () => {
    const text = generateTraffic({ rows: 2000, seed: 3 }).replace(/\n/g, '\r\n');
    const expected = await tokenize(general(), text, 4096);
    expect(await tokenize(plain(), text, 4096)).toEqual(expected);
    expect(expected.fields).toHaveLength(2000);
  });

  it('takes each line ending as it comes (csv-parse would fuse LF lines into a CRLF file)', async () => {
    const out = await tokenize(plain(), 'a,b\r\nc,d\ne,f\r\n', 3);
    expect(out).toEqual({ fields: [['a', 'b'], ['c', 'd'], ['e', 'f']], lines: [1, 2, 3], error: null });
  });

  it('hands a lone carriage return over to csv-parse, which reads the rest', async () => {
    const expected = await tokenize(new CsvRecords('t.csv', 1), '1,2\r3,4\n', 100);
    const out = await tokenize(plain(), 'a,b,c\n1,2\r3,4\n', 100);
    expect(out).toEqual({ fields: [['a', 'b', 'c'], ...expected.fields], lines: [1, ...expected.lines], error: expected.error });
  });

  it('trims Unicode spaces and ends the input on a final CR, as csv-parse does', async () => {
    const text = 'a,\u3000b\u2003,c\r\n1,2,3\r';
    expect(await tokenize(plain(), text, 5)).toEqual(await tokenize(general(), text, text.length));
  });

  it('refuses a line longer than 1 MiB, naming it', async () => {
    const text = 'a,b\n' + 'x'.repeat(3 << 20);
    await expect(tokenize(plain(), text, 1 << 16)).rejects.toThrow(/t\.csv:2: the line is longer than 1 MiB/);
  });

  it('keeps line numbers in errors after the hand-over', async () => {
    const rows = generateTraffic({ rows: 50, seed: 4 }).trim().split('\n');
    rows[41] = rows[41].replace(',', ',"');
    await expect(readAll(rows.join('\n'), { source: 'q.csv' })).rejects.toThrow(/^q\.csv:42(:\d+)?: /);
  });
});
