// Plain KDD lines parsed in the module: the byte reader's fast path (src/data/byte-csv.ts,
// KddByteRows.append) run as compiled code over a whole chunk. Same rules, same numbers:
// a line is taken only if every field is printable ASCII without quotes or spaces, the
// numbers are digits with at most one point and fewer than 16 characters (m / 10^k, as
// parseNumeric reads them), the words are not empty and the column count is the layout's.
// The first line that is not plain stops the pass, and the host reads it its own way.
// Words come out as numbers: each field's values are kept in a small dictionary here, so
// the host makes a string once per distinct value, not once per row.

import { allocZeroed } from './memory';

/** Roles of source columns besides numeric slots (≥ 0) and categorical fields (−1 − c). */
const LABEL: i32 = -4;
const IGNORED: i32 = -5;

/** Why a pass stopped (result slot 2). */
const DONE: i32 = 0; // every complete line taken (and the last one if `final`)
const FULL: i32 = 1; // maxRows rows taken
const DECLINED: i32 = 2; // the line at the result position is not plain

/** Words per field kept (as the host's cache of seen values); later new ones come out as −1. */
const MAX_WORDS: i32 = 4096;
const SLOTS: i32 = 8192; // open addressing, a power of two over MAX_WORDS
const ARENA: i32 = 65536; // bytes of the words of one field
const FIELDS: i32 = 4; // three categorical features and the label

// One field's dictionary: SLOTS i32 (word index + 1, 0 = empty), then MAX_WORDS × (start,
// length) i32 into its arena, then the count and the arena's fill (i32 each), then the arena.
const SLOTS_AT: usize = 0;
const WORDS_AT: usize = SLOTS_AT + (<usize>SLOTS << 2);
const COUNT_AT: usize = WORDS_AT + (<usize>MAX_WORDS << 3);
const FILL_AT: usize = COUNT_AT + 4;
const ARENA_AT: usize = FILL_AT + 4;
const FIELD_BYTES: usize = ARENA_AT + <usize>ARENA;

/** Integers per row in `rowsOut`: line start, lines before it in this pass, then (word, from, to) per field. */
export const ROW_INTS: i32 = 2 + 3 * FIELDS;

/** A new, empty dictionary for kddLines (freed by the host with `free`). */
export function kddDictionary(): usize {
  return allocZeroed(<usize>FIELDS * FIELD_BYTES);
}

const POW10: StaticArray<f64> = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parses lines of buf[pos, n), which starts at a line start, taking at most maxRows
 * rows. `role` holds `columns` i32 roles (as KddByteRows); each row's numbers go to
 * numeric (f64, `width` a row) and its ROW_INTS integers to rowsOut. Writes to
 * result (i32): the position after the last line taken (or skipped: empty lines are
 * skipped, as csv-parse skips them), the lines consumed, and why it stopped (DONE,
 * FULL, DECLINED). Without `final`, a last line with no line end is left. Returns the
 * rows taken.
 */
export function kddLines(
  buf: usize, pos: i32, n: i32, final: i32, role: usize, columns: i32, width: i32,
  maxRows: i32, numeric: usize, rowsOut: usize, dict: usize, result: usize,
): i32 {
  let rows = 0;
  let lines = 0;
  let reason = DONE;
  while (pos < n) {
    let nl = pos;
    while (nl < n && load<u8>(buf + <usize>nl) != 10) nl++;
    if (nl == n && !final) break; // the carry
    const end = nl > pos && load<u8>(buf + <usize>(nl - 1)) == 13 ? nl - 1 : nl;
    if (end == pos) { lines++; pos = nl + 1; continue; }
    if (rows == maxRows) { reason = FULL; break; }
    if (!parseLine(buf, pos, end, role, columns, numeric + <usize>rows * (<usize>width << 3), rowsOut + <usize>rows * (<usize>ROW_INTS << 2), lines, dict)) {
      reason = DECLINED;
      break;
    }
    rows++;
    lines++;
    pos = nl + 1;
  }
  if (pos > n) pos = n; // the final line had no line end
  store<i32>(result, pos);
  store<i32>(result, lines, 4);
  store<i32>(result, reason, 8);
  return rows;
}

function parseLine(buf: usize, start: i32, end: i32, role: usize, columns: i32, row: usize, out: usize, lineOffset: i32, dict: usize): bool {
  store<i32>(out, start);
  store<i32>(out, lineOffset, 4);
  let col = 0;
  let i = start;
  while (true) {
    if (col >= columns) return false;
    const r = load<i32>(role + (<usize>col << 2));
    const from = i;
    if (r >= 0) {
      let m: f64 = 0;
      let frac = -1, digits = 0;
      for (; i < end; i++) {
        const c = <i32>load<u8>(buf + <usize>i);
        if (c == 44) break;
        if (c >= 48 && c <= 57) {
          m = m * 10 + <f64>(c - 48);
          digits++;
          if (frac >= 0) frac++;
        } else if (c == 46 && frac < 0) frac = 0;
        else return false;
      }
      if (digits == 0 || i - from >= 16) return false;
      store<f64>(row + (<usize>r << 3), frac > 0 ? m / unchecked(POW10[frac]) : m);
    } else {
      for (; i < end; i++) {
        const c = <i32>load<u8>(buf + <usize>i);
        if (c == 44) break;
        if (c <= 0x20 || c >= 0x7f || c == 34) return false;
      }
      if (r != IGNORED) {
        if (i == from) return false; // an empty word or label: the host's text path says so
        const field = r == LABEL ? 3 : -1 - r;
        const o = out + (<usize>(2 + 3 * field) << 2);
        store<i32>(o, wordOf(dict + <usize>field * FIELD_BYTES, buf, from, i));
        store<i32>(o, from, 4);
        store<i32>(o, i, 8);
      }
    }
    col++;
    if (i >= end) break;
    i++; // the comma
  }
  return col == columns;
}

/** The word's index in the field's dictionary (added if new and there is room), else −1. */
function wordOf(d: usize, buf: usize, from: i32, to: i32): i32 {
  const len = to - from;
  let h: u32 = 0x811c9dc5 ^ <u32>len;
  for (let i = from; i < to; i++) h = (h ^ <u32>load<u8>(buf + <usize>i)) * 0x01000193;
  let slot = <i32>(h & <u32>(SLOTS - 1));
  while (true) {
    const s = d + SLOTS_AT + (<usize>slot << 2);
    const e = load<i32>(s);
    if (e == 0) break;
    const w = d + WORDS_AT + (<usize>(e - 1) << 3);
    if (load<i32>(w, 4) == len && memory.compare(d + ARENA_AT + <usize>load<i32>(w), buf + <usize>from, <usize>len) == 0) return e - 1;
    slot = (slot + 1) & (SLOTS - 1);
  }
  const count = load<i32>(d + COUNT_AT);
  const fill = load<i32>(d + FILL_AT);
  if (count >= MAX_WORDS || fill + len > ARENA) return -1;
  memory.copy(d + ARENA_AT + <usize>fill, buf + <usize>from, <usize>len);
  const w = d + WORDS_AT + (<usize>count << 3);
  store<i32>(w, fill);
  store<i32>(w, len, 4);
  store<i32>(d + SLOTS_AT + (<usize>slot << 2), count + 1);
  store<i32>(d + COUNT_AT, count + 1);
  store<i32>(d + FILL_AT, fill + len);
  return count;
}
