// What the rate limiter says instead of a flood of alerts: one summary per key
// and window. Every format can render it, next to its alerts.

import type { Severity } from '../model/scoring.ts';

export interface SuppressionSummary {
  /** The rate-limit key: a source address, or "src → dst" for pair limiting. */
  key: string;
  /** Alerts that were not emitted in the window. */
  suppressed: number;
  /** Most severe of the suppressed alerts. */
  maxSeverity: Severity;
  /** Window start (ms since the epoch). */
  windowStart: number;
  /** Seconds the summary covers (the window length, or less when the limiter closes early). */
  seconds: number;
  /** When the summary is emitted (ms since the epoch). */
  at: number;
}

/** "127.0.0.66: 1,243 more alerts suppressed in the last 60 s, max severity Critical" */
export function suppressionText(s: SuppressionSummary): string {
  const n = s.suppressed.toLocaleString('en-US');
  const noun = s.suppressed === 1 ? 'alert' : 'alerts';
  return `${s.key}: ${n} more ${noun} suppressed in the last ${s.seconds.toLocaleString('en-US')} s, max severity ${s.maxSeverity}`;
}
