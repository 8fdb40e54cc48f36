import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { detectLayout } from '../../src/data/format.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { ROWS, line } from './fixtures.ts';

const fields = (s: string): string[] => s.split(',');
const identity = Array.from(FEATURE_NAMES, (_, i) => i);

describe('detectLayout', () => {
  it('detects NSL-KDD (43 columns: features, label, difficulty)', () => {
    const l = detectLayout(fields(line(ROWS[0], 'nsl-kdd')));
    expect(l).toMatchObject({ format: 'nsl-kdd', columnCount: 43, labelColumn: 41, difficultyColumn: 42, hasHeader: false });
    expect(Array.from(l.featureColumns)).toEqual(identity);
  });

  it('detects KDD Cup 99 (42 columns, dotted label)', () => {
    const l = detectLayout(fields(line(ROWS[3], 'kdd99')));
    expect(l).toMatchObject({ format: 'kdd99', columnCount: 42, labelColumn: 41, difficultyColumn: -1, hasHeader: false });
  });

  it('detects unlabeled rows (41 feature columns)', () => {
    expect(detectLayout(fields(line(ROWS[1], 'unlabeled')))).toMatchObject({ format: 'unlabeled', columnCount: 41, labelColumn: -1 });
  });

  it('does not mistake a data row whose label is "attack" for a header', () => {
    const cells = fields(line(ROWS[2], 'kdd99'));
    cells[41] = 'attack';
    expect(detectLayout(cells).format).toBe('kdd99');
  });

  it('maps a header in any order, case-insensitively, with label synonyms', () => {
    const names = [...FEATURE_NAMES].reverse().map((n, i) => (i % 2 ? n.toUpperCase() : ` ${n} `));
    const header = ['Difficulty_Level', ...names.slice(0, 20), 'Class', ...names.slice(20), 'row_id'];
    const l = detectLayout(header);
    expect(l).toMatchObject({ format: 'header', columnCount: 44, labelColumn: 21, difficultyColumn: 0, hasHeader: true });
    // duration was last in the reversed list → column 42; dst_host_srv_rerror_rate first → column 1.
    expect(l.featureColumns[0]).toBe(42);
    expect(l.featureColumns[40]).toBe(1);
    expect(l.featureColumns[1]).toBe(41); // protocol_type, second-to-last
  });

  it('accepts a header without label', () => {
    expect(detectLayout([...FEATURE_NAMES])).toMatchObject({ format: 'header', labelColumn: -1, columnCount: 41 });
  });

  it('rejects a header missing features, naming them', () => {
    const header = FEATURE_NAMES.filter((f) => f !== 'src_bytes' && f !== 'flag').concat('label');
    let err: unknown;
    try {
      detectLayout(header, 'train.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(1);
    expect((err as InputError).message).toMatch(/^train\.csv:1: the header row is missing 2 features: flag, src_bytes\./);
  });

  it('rejects a header naming the label twice', () => {
    expect(() => detectLayout([...FEATURE_NAMES, 'label', 'class'])).toThrow(/more than one column for label/);
  });

  it('rejects other column counts with a helpful message', () => {
    expect(() => detectLayout(fields('1,2,3,4,5,6,7,8,9,10,11,12'), 'x.csv')).toThrow(
      /^x\.csv:1: expected 41, 42 or 43 columns \(KDD features, label, difficulty\) or a header row naming them, found 12\./,
    );
  });
});
