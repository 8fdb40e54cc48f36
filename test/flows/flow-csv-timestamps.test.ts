import { describe, expect, it } from 'vitest';
import { isTimeOfDay, parseFlowTime } from '../../src/flows/timestamps.ts';

const utc = (...a: [number, number, number, number, number, number?]): number => Date.UTC(a[0], a[1] - 1, a[2], a[3], a[4], a[5] ?? 0) / 1000;

describe('parseFlowTime', () => {
  it('reads CICFlowMeter-4 dd/MM/yyyy hh:mm:ss a', () => {
    expect(parseFlowTime('13/05/2024 12:34:07 PM')).toBe(utc(2024, 5, 13, 12, 34, 7));
    expect(parseFlowTime('13/05/2024 12:34:07 AM')).toBe(utc(2024, 5, 13, 0, 34, 7));
    expect(parseFlowTime('13/05/2024 01:01:37 PM')).toBe(utc(2024, 5, 13, 13, 1, 37));
    expect(parseFlowTime('02/03/2018 08:47:38')).toBe(utc(2018, 3, 2, 8, 47, 38));
  });

  it('reads CIC-IDS2017 day-first times with and without seconds', () => {
    expect(parseFlowTime('7/7/2017 8:59')).toBe(utc(2017, 7, 7, 8, 59));
    expect(parseFlowTime('4/7/2017 8:59:59')).toBe(utc(2017, 7, 4, 8, 59, 59));
  });

  it('reads year-first times, with fractions, and Unix seconds', () => {
    expect(parseFlowTime('2018-02-14 08:31:01')).toBe(utc(2018, 2, 14, 8, 31, 1));
    expect(parseFlowTime('2026/12/03 00:22:11.682')).toBeCloseTo(utc(2026, 12, 3, 0, 22, 11) + 0.682, 6);
    expect(parseFlowTime('2018-02-14T08:31:01Z')).toBe(utc(2018, 2, 14, 8, 31, 1));
    expect(parseFlowTime('1796257359.534426')).toBe(1796257359.534426);
  });

  it('rejects impossible dates and other texts', () => {
    for (const bad of ['31/02/2024 10:00:00', '13/13/2024 10:00', '1/1/2024 13:00:00 PM', '1/1/2024 0:00:00 AM',
      '2024-01-01 24:00:00', '2024-01-01', 'yesterday', '', '42', '00:22:39.534426']) {
      expect(parseFlowTime(bad), bad).toBeNaN();
    }
  });

  it('recognises a bare time of day (ra without -u)', () => {
    expect(isTimeOfDay('00:22:39.534426')).toBe(true);
    expect(isTimeOfDay('2024-01-01 00:22:39')).toBe(false);
  });
});
