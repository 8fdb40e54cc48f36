// Number and text formatting for the page. Fixed locale ('en-US') so what the page
// shows is predictable (tests compare it with the CLI's numbers).

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 22544 → "22,544". */
export function fmtInt(n: number): string {
  return INT.format(n);
}

/** Four decimals, the precision of metrics on the page: 0.92519 → "0.9252"; NaN → "n/a". */
export function fmt4(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : 'n/a';
}

/** 0.63981 → "63.98%". */
export function fmtPct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'n/a';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** Scores and feature values: short but exact enough to read. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return fmtInt(x);
  const a = Math.abs(x);
  if (a >= 1000) return fmtInt(Math.round(x));
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return String(Number(x.toPrecision(3)));
}

/** Axis tick labels: 0.001, 0.01, 0.1, 1, 10, 100, 1k, 10k. */
export function fmtTick(x: number): string {
  if (x >= 1e6) return `${+(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${+(x / 1e3).toPrecision(3)}k`;
  return String(+x.toPrecision(3));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Category keys as analysts write them. */
export function categoryName(c: string): string {
  return ({ dos: 'DoS', probe: 'Probe', r2l: 'R2L', u2r: 'U2R', unknown: 'Unknown', normal: 'Normal', unlabelled: 'Unlabelled' } as Record<string, string>)[c] ?? c;
}

export const CATEGORY_HELP: Record<string, string> = {
  dos: 'Denial of service (e.g. SYN flood, smurf)',
  probe: 'Scanning and probing (e.g. port scans)',
  r2l: 'Remote to local (e.g. password guessing)',
  u2r: 'User to root (privilege escalation)',
  unknown: 'Attack names this build does not know',
};
