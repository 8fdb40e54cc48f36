// Where a JSON text stops being valid, for error messages a person can act on: the
// engines' own SyntaxError messages differ and do not always give a position.
// Iterative (no recursion), so deeply nested garbage cannot overflow the stack.

export interface JsonSyntaxError {
  /** 0-based UTF-16 offset. */
  index: number;
  line: number;
  column: number;
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** The first syntax error in `text`, or null if it is valid JSON. */
export function findJsonError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let mode: 'value' | 'key' | 'after' = 'value';
  const fail = (at: number, message: string): JsonSyntaxError => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return { index: at, line, column: at - before.lastIndexOf('\n'), message };
  };
  const found = (at: number) => (at >= n ? 'the end of the body' : JSON.stringify(text[at]));
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const string = (): JsonSyntaxError | null => {
    let j = i + 1;
    while (true) {
      if (j >= n) return fail(i, 'a string is never closed (missing ")');
      const c = text.charCodeAt(j);
      if (c === 0x22) { i = j + 1; return null; }
      if (c < 0x20) return fail(j, 'a string contains a raw control character (line break or tab); escape it');
      if (c === 0x5c) {
        const e = text[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return fail(j, 'invalid \\u escape in a string');
          j += 6;
        } else if (e !== undefined && ESCAPES.has(e)) j += 2;
        else return fail(j, 'invalid escape in a string');
      } else j++;
    }
  };

  while (true) {
    skipWs();
    if (mode === 'after') {
      if (stack.length === 0) return i >= n ? null : fail(i, `unexpected ${found(i)} after the end of the JSON value`);
      const close = stack[stack.length - 1] === '{' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        mode = close === '}' ? 'key' : 'value';
      } else if (text[i] === close) {
        i++;
        stack.pop();
      } else return fail(i, `expected "," or "${close}" but found ${found(i)}`);
      continue;
    }
    if (mode === 'key') {
      if (text[i] !== '"') return fail(i, `expected a property name in double quotes but found ${found(i)}`);
      const e = string();
      if (e) return e;
      skipWs();
      if (text[i] !== ':') return fail(i, `expected ":" after a property name but found ${found(i)}`);
      i++;
      mode = 'value';
      continue;
    }
    // mode === 'value'
    if (i >= n) return fail(i, 'the body ends where a value was expected');
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      stack.push(ch);
      i++;
      skipWs();
      if (text[i] === (ch === '{' ? '}' : ']')) {
        i++;
        stack.pop();
        mode = 'after';
      } else mode = ch === '{' ? 'key' : 'value';
      continue;
    }
    if (ch === '"') {
      const e = string();
      if (e) return e;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return fail(i, 'invalid number');
      i += m[0].length;
    } else {
      const lit = LITERALS.find((l) => text.startsWith(l, i));
      if (!lit) return fail(i, `unexpected ${found(i)} where a value was expected`);
      i += lit.length;
    }
    mode = 'after';
  }
}
