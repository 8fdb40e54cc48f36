// Date-times as flow meters write them, to seconds since the Unix epoch.
//
// None of these exports carry a time zone (CICFlowMeter and nfdump print the
// capturing machine's local time), so zone-less times are read as UTC: the
// identity of an alert is then off by the capture's UTC offset, never by more.

const DAY_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:\s*([AaPp])[Mm])?$/;
const YEAR_FIRST = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?Z?$/;
const EPOCH_SECONDS = /^\d{9,11}(\.\d+)?$/;
const TIME_OF_DAY = /^\d{1,2}:\d{2}:\d{2}(\.\d+)?$/;

/**
 * Seconds since the epoch (fractional) for:
 * - "13/05/2024 12:34:07 PM" (CICFlowMeter-4, dd/MM/yyyy hh:mm:ss a),
 * - "7/7/2017 8:59" and "7/7/2017 8:59:59" (CIC-IDS2017: day first, hours as printed —
 *   that data set's afternoon hours lack the PM and cannot be told from morning ones),
 * - "2018-02-14 08:31:01", "2026/12/03 00:22:11.682" (nfdump, re-exported CIC data, ra's RA_TIME_FORMAT),
 * - "1796257359.534426" (Unix seconds, `ra -u`).
 * NaN for anything else, including a valid pattern with an impossible date (31/02).
 */
export function parseFlowTime(text: string): number {
  let m = DAY_FIRST.exec(text);
  if (m) {
    let hour = +m[4];
    const half = m[8];
    if (half !== undefined) {
      if (hour < 1 || hour > 12) return NaN;
      hour = (hour % 12) + (half === 'p' || half === 'P' ? 12 : 0);
    }
    return utcSeconds(+m[3], +m[2], +m[1], hour, +m[5], m[6] === undefined ? 0 : +m[6], m[7]);
  }
  m = YEAR_FIRST.exec(text);
  if (m) return utcSeconds(+m[1], +m[3], +m[4], +m[5], +m[6], m[7] === undefined ? 0 : +m[7], m[8]);
  if (EPOCH_SECONDS.test(text)) return Number(text);
  return NaN;
}

/** "00:22:39.534426": ra's default time format, a time of day without its date. */
export function isTimeOfDay(text: string): boolean {
  return TIME_OF_DAY.test(text);
}

function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number, fraction: string | undefined): number {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31/02 over into March; a date that does not come back unchanged is invalid.
  if (new Date(ms).getUTCDate() !== day) return NaN;
  return ms / 1000 + (fraction === undefined ? 0 : Number(fraction));
}

/**
 * End of the times an input may carry: 10000-01-01T00:00:00Z. Reports print each
 * record's time as an ISO 8601 date (Date#toISOString), which cannot go past year
 * 9999 without a sign and throws past ±8.64e12 s; a timestamp beyond is damage
 * (a flipped bit, a nanosecond count read as seconds), never traffic.
 */
export const MAX_EPOCH_SECONDS = 253_402_300_800;

/** Whether `t` (seconds since the epoch) is a time an input may carry: from 1970 to the end of year 9999. */
export function isEpochTime(t: number): boolean {
  return t >= 0 && t < MAX_EPOCH_SECONDS;
}
