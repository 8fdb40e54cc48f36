import { describe, expect, it } from 'vitest';
import { attackCategory, isAttackLabel, normalizeLabel } from '../../src/metrics/categories.ts';

describe('attackCategory', () => {
  it('maps the standard NSL-KDD / KDD99 names', () => {
    expect(attackCategory('normal')).toBe('normal');
    expect(attackCategory('neptune')).toBe('dos');
    expect(attackCategory('smurf')).toBe('dos');
    expect(attackCategory('udpstorm')).toBe('dos');
    expect(attackCategory('portsweep')).toBe('probe');
    expect(attackCategory('saint')).toBe('probe');
    expect(attackCategory('guess_passwd')).toBe('r2l');
    expect(attackCategory('worm')).toBe('r2l');
    expect(attackCategory('buffer_overflow')).toBe('u2r');
    expect(attackCategory('sqlattack')).toBe('u2r');
  });

  it('normalises whitespace, case and the KDD99 trailing dot', () => {
    expect(normalizeLabel('  Smurf. ')).toBe('smurf');
    expect(attackCategory(' NORMAL.')).toBe('normal');
    expect(attackCategory('Neptune.')).toBe('dos');
    expect(attackCategory('xterm.\n')).toBe('u2r');
  });

  it('returns unknown for anything else', () => {
    expect(attackCategory('')).toBe('unknown');
    expect(attackCategory('something_new')).toBe('unknown');
  });

  it('isAttackLabel is true for every non-normal label', () => {
    expect(isAttackLabel('normal.')).toBe(false);
    expect(isAttackLabel('Normal')).toBe(false);
    expect(isAttackLabel('neptune')).toBe(true);
    expect(isAttackLabel('mystery')).toBe(true);
  });
});
