// The SVG chart renderers: well-formed markup, threshold line, escaped text, axes.
import { describe, expect, it } from 'vitest';
import { categoryChart, histogramChart, logTicks, niceTicks, rocChart, severityChart } from '../../src/web/charts.ts';
import { fmt4, fmtInt, fmtPct, fmtSeconds, fmtTick } from '../../src/web/format.ts';
import { ScoreHistogramBuilder } from '../../src/web/score-histogram.ts';

/** Tags open and close in order (a cheap well-formedness check). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0;
}

function sampleHistogram(labelled: boolean) {
  const b = new ScoreHistogramBuilder();
  const scores = Float32Array.from({ length: 2000 }, (_, i) => 0.5 * 1.003 ** i);
  b.add(scores, labelled ? Array.from(scores, (s) => (s > 4 ? 'neptune' : 'normal')) : null);
  return b.finish(4.35);
}

describe('charts', () => {
  it('histogram: stacked bars, threshold line and label, log ticks, accessible name', () => {
    const svg = histogramChart(sampleHistogram(true), 800, 300);
    expect(balanced(svg)).toBe(true);
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-label="Histogram of anomaly scores for 2,000 rows/);
    expect(svg).toContain('class="threshold"');
    expect(svg).toContain('threshold 4.35');
    expect(svg).toContain('class="bar-normal"');
    expect(svg).toContain('class="bar-attack"');
    expect(svg).toContain('Anomaly score (log scale)');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    const unl = histogramChart(sampleHistogram(false), 320, 240);
    expect(unl).toContain('class="bar-all"');
    expect(unl).not.toContain('bar-attack');
    expect(balanced(unl)).toBe(true);
  });

  it('histogram of nothing still draws', () => {
    const svg = histogramChart(new ScoreHistogramBuilder().finish(2), 400);
    expect(balanced(svg)).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('severity bars in severity colours, one per band', () => {
    const svg = severityChart({ Normal: 80, Low: 10, Medium: 5, High: 3, Critical: 2 }, 600);
    expect(balanced(svg)).toBe(true);
    for (const s of ['normal', 'low', 'medium', 'high', 'critical']) expect(svg).toContain(`sev-fill sev-${s}`);
    expect(svg).toContain('80 · 80.0%');
    expect(severityChart({ Normal: 0, Low: 0, Medium: 0, High: 0, Critical: 0 }, 300)).not.toMatch(/NaN/);
  });

  it('category rates skip empty categories', () => {
    const z = { total: 0, detected: 0, rate: 0 };
    const svg = categoryChart({ dos: { total: 10, detected: 9, rate: 0.9 }, probe: z, r2l: { total: 4, detected: 1, rate: 0.25 }, u2r: z, unknown: z }, 600);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('DoS');
    expect(svg).toContain('R2L');
    expect(svg).not.toContain('Probe');
    expect(svg).toContain('90.0% · 9/10');
  });

  it('ROC: curve, chance diagonal, operating point', () => {
    const svg = rocChart({ fpr: [0, 0.1, 0.5, 1], tpr: [0, 0.8, 0.95, 1] }, 0.93, { fpr: 0.1, tpr: 0.8 }, 400);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain('class="roc-line"');
    expect(svg).toContain('class="chance"');
    expect(svg).toContain('class="roc-point"');
    expect(svg).toContain('area under the curve 0.9300');
  });

  it('escapes text', () => {
    const z = { total: 0, detected: 0, rate: 0 };
    const svg = categoryChart({ dos: z, probe: z, r2l: z, u2r: z, unknown: { total: 1, detected: 1, rate: 1 } }, 300);
    expect(svg).not.toMatch(/<script/);
  });

  it('ticks', () => {
    expect(niceTicks(2300, 5)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(logTicks(0.5, 150, (v) => Math.log10(v) * 100)).toEqual([1, 10, 100]);
    expect(logTicks(2, 30, (v) => Math.log10(v) * 400)).toEqual([2, 5, 10, 20]);
  });
});

describe('format', () => {
  it('formats numbers the way the page shows them', () => {
    expect(fmtInt(22544)).toBe('22,544');
    expect(fmt4(0.92519352)).toBe('0.9252');
    expect(fmt4(NaN)).toBe('n/a');
    expect(fmtPct(0.6398154)).toBe('63.98%');
    expect(fmtSeconds(0.837)).toBe('837 ms');
    expect(fmtSeconds(12.34)).toBe('12.3 s');
    expect(fmtTick(2500)).toBe('2.5k');
    expect(fmtTick(0.1)).toBe('0.1');
  });
});
