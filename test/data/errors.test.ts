import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';

describe('InputError', () => {
  it('reads "<source>:<line>:<column>: <problem>. <hint>"', () => {
    const e = new InputError('expected a number for src_bytes, got "abc"', { source: 'KDDTest+.txt', line: 17, column: 5 });
    expect(e.message).toBe(
      'KDDTest+.txt:17:5: expected a number for src_bytes, got "abc". Check that the file is a KDD/NSL-KDD CSV export.',
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InputError');
    expect([e.source, e.line, e.column]).toEqual(['KDDTest+.txt', 17, 5]);
  });

  it('omits unknown parts of the location', () => {
    expect(new InputError('the input is empty', { source: 'a.csv', hint: '' }).message).toBe('a.csv: the input is empty.');
    expect(new InputError('bad row', { source: 'a.csv', line: 3 }).message).toMatch(/^a\.csv:3: bad row\. /);
    expect(new InputError('bad', { line: 2, column: 4, hint: 'Fix it.' }).message).toBe('line 2, column 4: bad. Fix it.');
  });

  it('says "record N" for JSON records', () => {
    const e = new InputError('missing the field flag', { source: 'request body', line: 3, unit: 'record', hint: '' });
    expect(e.message).toBe('request body: record 3: missing the field flag.');
  });

  it('stays on one line', () => {
    expect(new InputError('got "a\nb"', { source: 'x' }).message).not.toContain('\n');
  });
});
