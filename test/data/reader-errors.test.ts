import { describe, expect, it } from 'vitest';
import { readAll } from '../../src/data/reader.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { ROWS, byteChunks, expectInputError, line, toCsv } from './fixtures.ts';

const SRC = { source: 'bad.csv' };
const withCell = (col: number, value: string, r = ROWS[1]): string => {
  const cells = line(r).split(',');
  cells[col] = value;
  return cells.join(',');
};

describe('readAll rejects bad input with source:line:column', () => {
  it('wrong column count names the line', async () => {
    const text = toCsv(ROWS.slice(0, 3)) + line(ROWS[3], 'kdd99') + '\n';
    await expectInputError(readAll(text, SRC), {
      line: 4,
      message: /^bad\.csv:4: expected 43 columns \(41 features, label, difficulty\) as on the first row, found 42\./,
    });
  });

  it('text in a numeric field names line and column', async () => {
    const text = toCsv(ROWS.slice(0, 2)) + withCell(4, 'abc') + '\n';
    await expectInputError(readAll(text, SRC), {
      line: 3,
      column: 5,
      message: /^bad\.csv:3:5: expected a number for src_bytes, got "abc"\. Check that the file is a KDD\/NSL-KDD CSV export\.$/,
    });
  });

  it.each([
    ['NaN', '"NaN"'],
    ['Infinity', '"Infinity"'],
    ['-Infinity', '"-Infinity"'],
    ['', 'an empty field'],
  ])('rejects %j in a numeric field', async (value, shown) => {
    await expectInputError(readAll(withCell(30, value) + '\n', SRC), {
      line: 1,
      column: 31,
      message: new RegExp(`expected a number for ${FEATURE_NAMES[30]}, got ${shown}`),
    });
  });

  it('an empty categorical field or label', async () => {
    await expectInputError(readAll(withCell(2, '') + '\n'), { line: 1, column: 3, message: /expected a value for service/ });
    await expectInputError(readAll(withCell(41, ' ') + '\n'), { line: 1, column: 42, message: /expected a label/ });
  });

  it('an unknown header on line 1 gets a header hint', async () => {
    const text = Array.from({ length: 43 }, (_, i) => `col${i}`).join(',') + '\n';
    await expectInputError(readAll(text, SRC), { line: 1, column: 1, message: /got "col0".*If line 1 is a header row/ });
  });

  it('an empty file', async () => {
    const e = await expectInputError(readAll('', SRC), { line: undefined });
    expect(e.message).toBe('bad.csv: the input is empty; expected KDD-format CSV rows.');
    await expectInputError(readAll(new Uint8Array(0), SRC), { message: /the input is empty/ });
    await expectInputError(readAll('\r\n  \n\n', SRC), { message: /the input is empty/ });
  });

  it('a header without data rows', async () => {
    await expectInputError(readAll(FEATURE_NAMES.join(',') + '\n', SRC), { message: /header row but no data rows/ });
  });

  it('binary garbage: NUL bytes, with the line they appear on', async () => {
    const bytes = new TextEncoder().encode(toCsv(ROWS.slice(0, 2)) + 'PK\0\0\x03\x04');
    await expectInputError(readAll(bytes, SRC), { line: 3, message: /^bad\.csv:3: the input does not look like a text CSV file \(found a NUL byte\)/ });
  });

  it('binary garbage: invalid UTF-8 (e.g. a zip archive), even split across chunks', async () => {
    // (gzip itself is decompressed: see gzip.test.ts)
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x9c, 0x81]);
    await expectInputError(readAll(zip, SRC), { line: 1, message: /does not look like a text CSV file.*decompress/ });
    const bad = new Uint8Array([...new TextEncoder().encode(toCsv(ROWS.slice(0, 1))), 0x31, 0xc3, 0x28]);
    const chunks = (async function* () {
      yield bad.slice(0, bad.length - 1); // ends inside a (broken) two-byte sequence
      yield bad.slice(bad.length - 1);
    })();
    await expectInputError(readAll(chunks, SRC), { line: 2, message: /not valid UTF-8/ });
  });

  it('an unclosed quote names the line where it opens', async () => {
    const text = toCsv(ROWS.slice(0, 2)) + '\n\n' + withCell(2, '"http') + '\n' + toCsv(ROWS.slice(0, 2));
    await expectInputError(readAll(text, SRC), { line: 5, column: 3, message: /^bad\.csv:5:3: a quoted field is never closed/ });
  });

  it('a stray quote inside a field', async () => {
    await expectInputError(readAll(toCsv(ROWS.slice(0, 1)) + withCell(3, 'S"F') + '\n', SRC), {
      line: 2,
      column: 4,
      message: /quote character .* inside an unquoted field/,
    });
  });

  it('keeps error line numbers exact with CRLF and blank lines, in small chunks', async () => {
    const text = ['', line(ROWS[0]), '', '', line(ROWS[1]), '  ', withCell(6, 'x'), ''].join('\r\n');
    await expectInputError(readAll(byteChunks(text, 7), SRC), { line: 7, column: 7, message: /^bad\.csv:7:7: expected a number for land/ });
  });
});
