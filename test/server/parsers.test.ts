// The server's own parsers (multipart, JSON error positions) and the syntax/content
// classification of input errors that maps to 400/422.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { readAll } from '../../src/data/reader.ts';
import { findJsonError } from '../../src/server/json-error.ts';
import { boundaryOf, formFile } from '../../src/server/multipart.ts';
import { HttpProblem } from '../../src/server/problem.ts';
import { syntheticCsv } from './helpers.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

async function* chunksOf(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length];
    yield bytes.slice(at, at + size);
    at += size;
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  let s = '';
  for await (const c of it) s += dec.decode(c, { stream: true });
  return s + dec.decode();
}

describe('multipart/form-data streaming', () => {
  const boundary = 'XyZ--boundary--123';
  const file = 'a,b,c\r\n1,2,3\r\n--not-the-boundary\r\n\r\n-' + '\r\n--XyZ--boundar'; // near-misses of the delimiter
  const body = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\nvalue\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t r\\"x.csv"\r\nContent-Type: text/csv\r\n\r\n${file}\r\n` +
      `--${boundary}--\r\n`,
  );

  it('finds the file part and streams its exact content, however the body is split', async () => {
    for (let size = 1; size <= 64; size++) {
      const f = await formFile(chunksOf(body, [size, size * 3 + 1]), boundary, 'file');
      expect(f.filename).toBe('t r"x.csv');
      expect(f.contentType).toBe('text/csv');
      expect(await collect(f.content)).toBe(file);
    }
  });

  it('reads the boundary from the Content-Type', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; charset=x; boundary="a b"')).toBe('a b');
    expect(() => boundaryOf('multipart/form-data')).toThrow(HttpProblem);
  });

  it('a missing field is a 422 naming the fields present', async () => {
    const err = await formFile(chunksOf(body, [7]), boundary, 'upload').catch((e) => e);
    expect(err).toBeInstanceOf(HttpProblem);
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/no field named "upload" \(it has "other", "file"\)/);
  });

  it('stops reading the body once the file part has ended', async () => {
    let pulled = 0;
    const tail = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="big"\r\n\r\n${'x'.repeat(1 << 20)}\r\n--${boundary}--\r\n`);
    async function* source() {
      yield body.slice(0, body.length - `--${boundary}--\r\n`.length);
      pulled++;
      yield tail;
      pulled++;
    }
    const f = await formFile(source(), boundary, 'file');
    expect(await collect(f.content)).toBe(file);
    expect(pulled).toBeLessThanOrEqual(1);
  });
});

describe('JSON syntax error positions', () => {
  it('points at the first error', () => {
    expect(findJsonError('{"records": [[1, 2,]]}')).toMatchObject({ line: 1, column: 20, message: 'unexpected "]" where a value was expected' });
    expect(findJsonError('{\n  "a": tru\n}')).toMatchObject({ line: 2, column: 8 });
    expect(findJsonError('{"a" 1}')).toMatchObject({ column: 6, message: 'expected ":" after a property name but found "1"' });
    expect(findJsonError('{"a": 1')).toMatchObject({ message: 'expected "," or "}" but found the end of the body' });
    expect(findJsonError('"abc')).toMatchObject({ column: 1, message: 'a string is never closed (missing ")' });
    expect(findJsonError('[1] x')).toMatchObject({ column: 5 });
    expect(findJsonError('[' .repeat(100_000))).toMatchObject({ message: 'the body ends where a value was expected' });
  });

  it('agrees with JSON.parse on valid and mutated documents', () => {
    const base = JSON.stringify({ records: [[0, 'tcp', 'http', -1.5e-3, 'x\\"y\u00e9'], { a: null, b: true, c: false, d: [] }], e: {} }, null, 1);
    let seed = 42;
    const rand = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
    const alphabet = '{}[]":,0-1e.+ \n\\tufnlrsa';
    for (let trial = 0; trial < 3000; trial++) {
      let s = base;
      for (let m = 0, count = 1 + rand(3); m < count; m++) {
        const at = rand(s.length + 1);
        const op = rand(3);
        const ch = alphabet[rand(alphabet.length)];
        s = op === 0 ? s.slice(0, at) + s.slice(at + 1) : op === 1 ? s.slice(0, at) + ch + s.slice(at) : s.slice(0, at) + ch + s.slice(at + 1);
      }
      let valid = true;
      try { JSON.parse(s); } catch { valid = false; }
      expect(findJsonError(s) === null, s).toBe(valid);
    }
  });
});

describe('InputError kind: syntax (400) vs content (422)', () => {
  const kind = (input: string | Uint8Array) => readAll(input).then(() => 'ok', (e: InputError) => e.kind);
  const rows = syntheticCsv(5, 1);

  it('defaults to content and keeps the unit', () => {
    expect(new InputError('x').kind).toBe('content');
    expect(new InputError('x', { kind: 'syntax' }).kind).toBe('syntax');
    expect(new InputError('x', { unit: 'record', line: 2 }).unit).toBe('record');
    expect(new InputError('x').unit).toBe('line');
  });

  it('malformed CSV, binary data and empty input are syntax errors', async () => {
    expect(await kind(rows + '0,"tcp\n')).toBe('syntax');
    expect(await kind(rows + '0,tc"p,x\n')).toBe('syntax');
    expect(await kind(new Uint8Array([0x1f, 0x8b, 0xff]))).toBe('syntax');
    expect(await kind('a\0b')).toBe('syntax');
    expect(await kind('')).toBe('syntax');
    expect(await kind('\n\n')).toBe('syntax');
  });

  it('wrong columns, values and headers are content errors', async () => {
    expect(await kind(rows + '1,2\n')).toBe('content');
    expect(await kind('1,2,3\n')).toBe('content');
    expect(await kind(rows.replace(/^0,/, 'zero,'))).toBe('content');
    expect(await kind('duration,protocol_type\n')).toBe('content');
    expect(await kind(rows)).toBe('ok');
  });
});
