// A small Prometheus registry: counters, gauges and fixed-bucket histograms with
// labels, rendered in the text exposition format 0.0.4.
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus' default buckets, in seconds. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface MetricOptions {
  name: string;
  help: string;
  labelNames?: string[];
}

abstract class Metric<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: string[];
  protected readonly series = new Map<string, { labels: Labels; state: S }>();
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  constructor(opts: MetricOptions) {
    if (!METRIC_NAME.test(opts.name)) throw new Error(`Invalid metric name "${opts.name}": use letters, digits, "_" and ":", not starting with a digit.`);
    for (const l of opts.labelNames ?? []) {
      if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`Invalid label name "${l}" on ${opts.name}: use letters, digits and "_", not starting with "__" or a digit.`);
    }
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames ?? [];
  }

  /** Subclasses call this once constructed: an unlabelled metric is exported from the start, at 0. */
  protected exportUnlabelled(): void {
    if (this.labelNames.length === 0) this.get({});
  }

  protected abstract initial(): S;
  abstract samples(): string[];

  /** The series for these labels, created at its initial value (so that counters can be exported at 0 before they move). */
  protected get(labels: Labels): { labels: Labels; state: S } {
    const given = Object.keys(labels);
    if (given.length !== this.labelNames.length || !this.labelNames.every((n) => Object.hasOwn(labels, n))) {
      throw new Error(`${this.name} takes the labels {${this.labelNames.join(', ')}}, got {${given.join(', ')}}.`);
    }
    const key = JSON.stringify(this.labelNames.map((n) => labels[n]));
    let s = this.series.get(key);
    if (!s) {
      s = { labels: Object.fromEntries(this.labelNames.map((n) => [n, String(labels[n])])), state: this.initial() };
      this.series.set(key, s);
    }
    return s;
  }

  /** Export a labelled series at its initial value before anything happens to it. */
  init(labels: Labels): void {
    this.get(labels);
  }

  render(): string {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()].join('\n');
  }
}

export class Counter extends Metric<{ value: number }> {
  readonly type = 'counter';

  constructor(opts: MetricOptions) {
    super(opts);
    this.exportUnlabelled();
  }

  protected initial() {
    return { value: 0 };
  }

  inc(labels: Labels = {}, by = 1): void {
    this.add(this.get(labels).state, by);
  }

  /**
   * One series, looked up once: for counting per record (inc with labels builds its
   * series key each time, some 300 bytes of garbage).
   */
  child(labels: Labels): { inc(by?: number): void } {
    const state = this.get(labels).state;
    return { inc: (by = 1) => this.add(state, by) };
  }

  private add(state: { value: number }, by: number): void {
    if (!(by >= 0)) throw new Error(`${this.name} is a counter: it can only go up, not by ${by}.`);
    state.value += by;
  }

  /** Mirror a cumulative count kept elsewhere (a sink's stats); it must not go down. */
  setTotal(labels: Labels, total: number): void {
    const s = this.get(labels).state;
    if (total < s.value) throw new Error(`${this.name}: a counter cannot go down (from ${s.value} to ${total}).`);
    s.value = total;
  }

  value(labels: Labels = {}): number {
    return this.get(labels).state.value;
  }

  samples(): string[] {
    return [...this.series.values()].map((s) => sample(this.name, s.labels, s.state.value));
  }
}

export class Gauge extends Metric<{ value: number }> {
  readonly type = 'gauge';

  constructor(opts: MetricOptions) {
    super(opts);
    this.exportUnlabelled();
  }

  protected initial() {
    return { value: 0 };
  }

  set(labels: Labels, value: number): void {
    this.get(labels).state.value = value;
  }

  inc(labels: Labels = {}, by = 1): void {
    this.get(labels).state.value += by;
  }

  value(labels: Labels = {}): number {
    return this.get(labels).state.value;
  }

  samples(): string[] {
    return [...this.series.values()].map((s) => sample(this.name, s.labels, s.state.value));
  }
}

interface HistogramState {
  /** Per bucket (not cumulative), +Inf last. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly type = 'histogram';
  readonly buckets: number[];

  constructor(opts: MetricOptions & { buckets?: number[] }) {
    const buckets = opts.buckets ?? DEFAULT_BUCKETS;
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]))) {
      throw new Error(`${opts.name}: histogram buckets must be finite and strictly increasing, got [${buckets.join(', ')}] (+Inf is added).`);
    }
    if (opts.labelNames?.includes('le')) throw new Error(`${opts.name}: "le" is reserved for histogram buckets.`);
    super(opts);
    this.buckets = [...buckets];
    this.exportUnlabelled();
  }

  protected initial(): HistogramState {
    return { counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  observe(labels: Labels, value: number): void;
  observe(value: number): void;
  observe(a: Labels | number, b?: number): void {
    const [labels, value] = typeof a === 'number' ? [{}, a] : [a, b as number];
    if (Number.isNaN(value)) throw new Error(`${this.name}: cannot observe NaN.`);
    const s = this.get(labels).state;
    let i = this.buckets.findIndex((le) => value <= le);
    if (i < 0) i = this.buckets.length;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  samples(): string[] {
    const out: string[] = [];
    for (const { labels, state } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += state.counts[i];
        out.push(sample(`${this.name}_bucket`, { ...labels, le: formatValue(le) }, cumulative));
      });
      out.push(sample(`${this.name}_bucket`, { ...labels, le: '+Inf' }, state.count));
      out.push(sample(`${this.name}_sum`, labels, state.sum));
      out.push(sample(`${this.name}_count`, labels, state.count));
    }
    return out;
  }
}

export class Registry {
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();
  private readonly collectors: (() => void)[] = [];

  counter(opts: MetricOptions): Counter {
    return this.add(new Counter(opts));
  }

  gauge(opts: MetricOptions): Gauge {
    return this.add(new Gauge(opts));
  }

  histogram(opts: MetricOptions & { buckets?: number[] }): Histogram {
    return this.add(new Histogram(opts));
  }

  /** Run before each render, to copy values kept elsewhere (sink stats) into metrics. */
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }

  /** The exposition text, ending with a newline as the format requires. */
  render(): string {
    for (const c of this.collectors) c();
    return [...this.metrics.values()].map((m) => `${m.render()}\n`).join('');
  }

  private add<M extends Counter | Gauge | Histogram>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`A metric named ${m.name} is already registered.`);
    this.metrics.set(m.name, m);
    return m;
  }
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`;
}

/** Label values: backslash, double quote and line feed are escaped. */
export function escapeLabelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text: backslash and line feed are escaped (quotes are not). */
export function escapeHelp(v: string): string {
  return v.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Go's ParseFloat reads these: +Inf, -Inf, NaN, and JS number syntax including 1e-7. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
