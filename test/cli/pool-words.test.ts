// The coded string columns a detection worker receives (src/cli/pool-words.ts) decode to
// the columns sent: every value in its row, the distinct ones listed once.

import { describe, expect, it } from 'vitest';
import { codeColumns, decodeColumns } from '../../src/cli/pool-words.ts';

describe('codeColumns', () => {
  it('decodes to the columns sent, each distinct value listed once', () => {
    const columns = [
      ['tcp', 'udp', 'tcp', 'icmp', 'tcp'],
      ['http', 'http', 'http', 'http', 'http'],
      ['', '__proto__', 'SF', '', 'сервис'],
    ];
    const coded = codeColumns(columns, 5);
    expect(coded.words).toEqual([['tcp', 'udp', 'icmp'], ['http'], ['', '__proto__', 'SF', 'сервис']]);
    expect(decodeColumns(coded)).toEqual(columns);
  });

  it('takes only the first `count` values of longer columns, and no columns at all', () => {
    const coded = codeColumns([['a', 'b', 'c', 'd']], 2);
    expect(decodeColumns(coded)).toEqual([['a', 'b']]);
    expect(decodeColumns(codeColumns([], 3))).toEqual([]);
  });

  it('survives a structured clone with its codes transferred', () => {
    const coded = codeColumns([['x', 'y', 'x']], 3);
    const copy = structuredClone(coded, { transfer: [coded.codes.buffer] });
    expect(decodeColumns(copy)).toEqual([['x', 'y', 'x']]);
  });
});
