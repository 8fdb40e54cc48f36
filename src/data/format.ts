// Input-format auto-detection from the first CSV record.

import { InputError, listNames } from './errors.ts';
import { FEATURE_NAMES } from './schema.ts';

export type InputFormat = 'nsl-kdd' | 'kdd99' | 'header' | 'unlabeled';

export interface InputLayout {
  format: InputFormat;
  /** Fields every data row must have. */
  columnCount: number;
  /** 41 entries: source column index of each feature, in FEATURE_NAMES order. */
  featureColumns: Int32Array;
  /** Source column of the label, -1 if none. */
  labelColumn: number;
  /** Source column of the NSL-KDD difficulty, -1 if none (never used for detection). */
  difficultyColumn: number;
  hasHeader: boolean;
}

const LABEL_NAMES = ['label', 'class', 'attack', 'attack_type'];
const DIFFICULTY_NAMES = ['difficulty', 'difficulty_level'];
const FEATURE_SET = new Set(FEATURE_NAMES);

/** Header names are matched case-insensitively; "Protocol Type" and "protocol-type" count too. */
export function normalizeHeaderName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

const identity = (): Int32Array => Int32Array.from(FEATURE_NAMES, (_, i) => i);

export function detectLayout(firstRecord: string[], source?: string): InputLayout {
  const fields = firstRecord.map(normalizeHeaderName);
  if (looksLikeHeader(fields)) return headerLayout(fields, source);
  const n = fields.length;
  const base = { columnCount: n, featureColumns: identity(), hasHeader: false };
  if (n === 43) return { ...base, format: 'nsl-kdd', labelColumn: 41, difficultyColumn: 42 };
  if (n === 42) return { ...base, format: 'kdd99', labelColumn: 41, difficultyColumn: -1 };
  if (n === 41) return { ...base, format: 'unlabeled', labelColumn: -1, difficultyColumn: -1 };
  throw new InputError(
    `expected 41, 42 or 43 columns (KDD features, label, difficulty) or a header row naming them, found ${n}`,
    { source, line: 1 },
  );
}

/** Data rows start with duration, a number; a header starts with a name and names a feature. */
function looksLikeHeader(fields: string[]): boolean {
  const first = fields[0] ?? '';
  if (first === '' || Number.isFinite(Number(first))) return false;
  return fields.some((f) => FEATURE_SET.has(f));
}

function headerLayout(names: string[], source?: string): InputLayout {
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  names.forEach((name, col) => {
    const key = LABEL_NAMES.includes(name) ? 'label' : DIFFICULTY_NAMES.includes(name) ? 'difficulty' : name;
    // Other columns (row ids, timestamps...) are ignored.
    if (key !== 'label' && key !== 'difficulty' && !FEATURE_SET.has(key)) return;
    if (seen.has(key)) duplicates.push(key);
    else seen.set(key, col);
  });
  if (duplicates.length > 0) {
    throw new InputError(`the header row has more than one column for ${listNames(duplicates)}`, {
      source,
      line: 1,
      hint: 'Keep one column per feature (label synonyms: label, class, attack, attack_type).',
    });
  }
  const missing = FEATURE_NAMES.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    throw new InputError(
      `the header row is missing ${missing.length === 1 ? 'the feature' : `${missing.length} features`}: ${listNames(missing)}`,
      { source, line: 1, hint: 'A header must name all 41 KDD features (any order), optionally with label and difficulty.' },
    );
  }
  return {
    format: 'header',
    columnCount: names.length,
    featureColumns: Int32Array.from(FEATURE_NAMES, (f) => seen.get(f)!),
    labelColumn: seen.get('label') ?? -1,
    difficultyColumn: seen.get('difficulty') ?? -1,
    hasHeader: true,
  };
}

/** "43 columns (41 features, label, difficulty)" — for column-count messages. */
export function describeColumns(layout: InputLayout): string {
  const parts = ['41 features'];
  if (layout.labelColumn >= 0) parts.push('label');
  if (layout.difficultyColumn >= 0) parts.push('difficulty');
  const others = layout.columnCount - parts.length - 40;
  if (others > 0) parts.push(`${others} other`);
  return `${layout.columnCount} columns (${parts.join(', ')})`;
}
