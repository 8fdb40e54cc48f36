import { describe, expect, it } from 'vitest';
import { DetectorMetrics } from '../../src/observe/detector-metrics.ts';
import { escapeHelp, escapeLabelValue, formatValue, Registry } from '../../src/observe/registry.ts';
import { parsePrometheusText } from './prometheus-text.ts';

describe('Prometheus registry', () => {
  it('renders counters and gauges with HELP, TYPE and escaped labels, exactly', () => {
    const r = new Registry();
    const c = r.counter({ name: 'requests_total', help: 'Requests, by path\nand "method" \\ all', labelNames: ['path', 'method'] });
    c.inc({ path: '/a"b\\c\nd', method: 'GET' });
    c.inc({ path: '/a"b\\c\nd', method: 'GET' }, 2);
    c.inc({ path: '/', method: 'POST' }, 0.5);
    const g = r.gauge({ name: 'temperature' , help: 'Now.' });
    g.set({}, -Infinity);
    r.gauge({ name: 'empty_family', help: 'No series yet.', labelNames: ['x'] });
    expect(r.render()).toBe([
      '# HELP requests_total Requests, by path\\nand "method" \\\\ all',
      '# TYPE requests_total counter',
      'requests_total{path="/a\\"b\\\\c\\nd",method="GET"} 3',
      'requests_total{path="/",method="POST"} 0.5',
      '# HELP temperature Now.',
      '# TYPE temperature gauge',
      'temperature -Inf',
      '# HELP empty_family No series yet.',
      '# TYPE empty_family gauge',
      '',
    ].join('\n'));
    const parsed = parsePrometheusText(r.render());
    expect(parsed.get('requests_total')!.samples[0].labels).toEqual({ path: '/a"b\\c\nd', method: 'GET' });
    expect(parsed.get('requests_total')!.help).toBe('Requests, by path\nand "method" \\ all');
  });

  it('renders histograms with cumulative buckets, +Inf, _sum and _count', () => {
    const r = new Registry();
    const h = r.histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 0.5, 1], labelNames: ['op'] });
    for (const v of [0.05, 0.1, 0.3, 0.7, 2, 3]) h.observe({ op: 'score' }, v);
    expect(r.render().split('\n').slice(2, 9)).toEqual([
      'latency_seconds_bucket{op="score",le="0.1"} 2', // le is inclusive
      'latency_seconds_bucket{op="score",le="0.5"} 3',
      'latency_seconds_bucket{op="score",le="1"} 4',
      'latency_seconds_bucket{op="score",le="+Inf"} 6',
      'latency_seconds_sum{op="score"} 6.15',
      'latency_seconds_count{op="score"} 6',
      '',
    ]);
    const fam = parsePrometheusText(r.render()).get('latency_seconds')!;
    const buckets = fam.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b)); // cumulative, never decreasing
  });

  it('exports an unlabelled histogram at zero before any observation', () => {
    const r = new Registry();
    r.histogram({ name: 'h', help: 'x', buckets: [1] });
    expect(r.render()).toBe('# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 0\nh_sum 0\nh_count 0\n');
  });

  it('refuses misuse with messages that say what is wrong', () => {
    const r = new Registry();
    const c = r.counter({ name: 'c_total', help: 'x', labelNames: ['a'] });
    expect(() => c.inc({ a: '1' }, -1)).toThrow(/can only go up/);
    expect(() => c.inc({ b: '1' })).toThrow(/takes the labels \{a\}, got \{b\}/);
    expect(() => c.inc({})).toThrow(/takes the labels \{a\}, got \{\}/);
    expect(() => r.counter({ name: 'c_total', help: 'again' })).toThrow(/already registered/);
    expect(() => r.counter({ name: '1bad', help: 'x' })).toThrow(/Invalid metric name "1bad"/);
    expect(() => r.counter({ name: 'ok', help: 'x', labelNames: ['__x'] })).toThrow(/Invalid label name "__x"/);
    expect(() => r.histogram({ name: 'h', help: 'x', buckets: [1, 1] })).toThrow(/strictly increasing/);
    expect(() => r.histogram({ name: 'h2', help: 'x', labelNames: ['le'] })).toThrow(/"le" is reserved/);
    c.setTotal({ a: '1' }, 5);
    expect(() => c.setTotal({ a: '1' }, 4)).toThrow(/cannot go down/);
  });

  it('escapes and formats values per the format', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
    expect([NaN, Infinity, -Infinity, 1e-7, 42].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '1e-7', '42']);
  });
});

describe('detector metrics', () => {
  it('exports the detector metric set, parseable line by line', () => {
    const m = new DetectorMetrics('m-1234abcd');
    m.batchScored(1000, 0.042);
    m.batchScored(24, 1.7);
    m.alert('High');
    m.alert('High');
    m.alert('Critical');
    m.alert('Normal'); // not an alert
    m.inputError();
    m.trackAlertSink({ name: 'syslog:udp://127.0.0.1:514', stats: () => ({ written: 3, delivered: 2, dropped: { 'send-error': 1 }, pending: 0 }) });
    const families = parsePrometheusText(m.render());
    expect([...families.keys()]).toEqual([
      'anomalyze_rows_scored_total', 'anomalyze_alerts_total', 'anomalyze_batch_latency_seconds', 'anomalyze_model_info',
      'anomalyze_input_errors_total', 'anomalyze_alerts_delivered_total', 'anomalyze_alerts_dropped_total',
    ]);
    const value = (fam: string, name = fam, labels: Record<string, string> = {}) =>
      families.get(fam)!.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(families.get('anomalyze_rows_scored_total')!.type).toBe('counter');
    expect(value('anomalyze_rows_scored_total')).toBe(1024);
    expect(families.get('anomalyze_alerts_total')!.samples.map((s) => [s.labels.severity, s.value])).toEqual([['Low', 0], ['Medium', 0], ['High', 2], ['Critical', 1]]);
    expect(value('anomalyze_batch_latency_seconds', 'anomalyze_batch_latency_seconds_bucket', { le: '0.05' })).toBe(1);
    expect(value('anomalyze_batch_latency_seconds', 'anomalyze_batch_latency_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(value('anomalyze_batch_latency_seconds', 'anomalyze_batch_latency_seconds_count')).toBe(2);
    expect(value('anomalyze_batch_latency_seconds', 'anomalyze_batch_latency_seconds_sum')).toBeCloseTo(1.742);
    expect(value('anomalyze_model_info', 'anomalyze_model_info', { model: 'm-1234abcd' })).toBe(1);
    expect(families.get('anomalyze_model_info')!.type).toBe('gauge');
    expect(value('anomalyze_input_errors_total')).toBe(1);
    expect(value('anomalyze_alerts_delivered_total', 'anomalyze_alerts_delivered_total', { sink: 'syslog:udp://127.0.0.1:514' })).toBe(2);
    expect(value('anomalyze_alerts_dropped_total', 'anomalyze_alerts_dropped_total', { sink: 'syslog:udp://127.0.0.1:514', reason: 'send-error' })).toBe(1);
  });
});
