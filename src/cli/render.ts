// Human-readable rendering of a detection report for the terminal.

import type { DetectionRecord, DetectionReport } from '../detect/report.ts';
import { SEVERITIES } from '../model/scoring.ts';

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const int = (x: number) => x.toLocaleString('en-US');

export function renderSummary(report: DetectionReport, source: string): string {
  const s = report.summary;
  const lines = [
    `Anomalyze — ${source} (model ${s.model}, threshold ${s.threshold.toFixed(4)})`,
    '',
    `  rows         ${int(s.rows)}`,
    `  anomalies    ${int(s.anomalies)} (${pct(s.anomalyRate)})`,
    '  by severity',
    ...SEVERITIES.map((v) => {
      const share = s.rows ? s.bySeverity[v] / s.rows : 0;
      return `    ${v.padEnd(9)}${int(s.bySeverity[v]).padStart(12)} ${`(${(100 * share).toFixed(1)} %)`.padStart(9)}  ${bar(share)}`;
    }),
    `  unknown categorical values  ${s.unknownCategories.rows === 0 ? 'none' : `${int(s.unknownCategories.rows)} rows: ` +
      Object.entries(s.unknownCategories.values).map(([f, vals]) => `${f}=${Object.keys(vals).slice(0, 5).join('/')}`).join(', ')}`,
    `  time         ${s.seconds.toFixed(2)} s (${int(s.rowsPerSecond)} rows/s)`,
  ];
  const m = report.metrics;
  if (m) {
    const c = m.confusion;
    lines.push(
      '',
      'Metrics (labels present):',
      `  accuracy ${pct(m.accuracy)}   precision ${pct(m.precision)}   recall ${pct(m.recall)}   F1 ${m.f1.toFixed(4)}`,
      `  ROC-AUC ${fmt(m.rocAuc)}   PR-AUC ${fmt(m.prAuc)}   false-positive rate ${pct(m.fpr)}`,
      '',
      '  confusion            predicted attack   predicted normal',
      `    actual attack      ${int(c.tp).padStart(16)}   ${int(c.fn).padStart(16)}`,
      `    actual normal      ${int(c.fp).padStart(16)}   ${int(c.tn).padStart(16)}`,
      '',
      '  detection rate by attack category:',
      ...Object.entries(m.byCategory).filter(([, e]) => e.total > 0)
        .map(([cat, e]) => `    ${cat.padEnd(8)} ${pct(e.rate).padStart(9)}  ${bar(e.rate, 20).padEnd(20)}  ${int(e.detected)} of ${int(e.total)}`),
    );
  }
  return lines.join('\n') + '\n';
}

/** `top`: the highest-scoring records, best first; `reported`: how many records there were in all. */
export function renderTopRecords(top: DetectionRecord[], anomalies: number, reported: number): string {
  if (top.length === 0) return '';
  // Connection identities (pcap, Zeek, flow CSVs) so an alert can be found again in the capture.
  const withId = top.some((r) => r.src !== undefined || r.time !== undefined);
  const endpoint = (addr?: string, port?: number) => addr === undefined ? '' : port === undefined ? addr : addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
  const rows = top.map((r) => [
    String(r.row),
    ...(withId ? [r.time?.replace('T', ' ').replace('Z', '') ?? '', r.protocol ?? '', endpoint(r.src, r.srcPort), endpoint(r.dst, r.dstPort)] : []),
    r.score.toFixed(3), r.severity, r.confidence.toFixed(3), r.label ?? '',
    r.topFeatures.map((f) => `${f.feature}=${f.value} (${Math.round(f.share * 100)}%)`).join(', '),
  ]);
  const head = ['row', ...(withId ? ['time (UTC)', 'proto', 'source', 'destination'] : []), 'score', 'severity', 'confidence', 'label', 'top features (share of distance)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const of = reported === anomalies ? `${int(anomalies)} anomalies` : `${int(reported)} records`;
  return [`\nTop ${top.length} of ${of} by score:`, line(head), ...rows.map(line)].join('\n') + '\n';
}

/** A horizontal bar for a share in [0, 1], in eighths of a character. */
function bar(share: number, width = 30): string {
  const eighths = Math.round(Math.max(0, Math.min(1, share)) * width * 8);
  const partial = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8];
  return '█'.repeat(Math.floor(eighths / 8)) + partial;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : 'n/a';
}
