// String columns sent to a detection worker as numbers into per-batch word lists. A
// structured clone writes every row's string and the worker makes a string of each; a
// KDD batch's 32,768 strings (three categorical features and the label) have only about
// a hundred distinct values, so each is sent and made once, and the rows go as Int32s.

export interface CodedColumns {
  /** Per column, its distinct values in order of first appearance. */
  words: string[][];
  /** columns × count: row i of column c is words[c][codes[c · count + i]]. */
  codes: Int32Array;
  count: number;
}

export function codeColumns(columns: readonly (readonly string[])[], count: number): CodedColumns {
  const codes = new Int32Array(columns.length * count);
  const words = columns.map((values, c) => {
    const seen = new Map<string, number>();
    const list: string[] = [];
    const base = c * count;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      let k = seen.get(v);
      if (k === undefined) { k = list.length; seen.set(v, k); list.push(v); }
      codes[base + i] = k;
    }
    return list;
  });
  return { words, codes, count };
}

export function decodeColumns({ words, codes, count }: CodedColumns): string[][] {
  return words.map((list, c) => {
    const out = new Array<string>(count);
    const base = c * count;
    for (let i = 0; i < count; i++) out[i] = list[codes[base + i]];
    return out;
  });
}
