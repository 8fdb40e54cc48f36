/**
 * Synthetic NSL-KDD / KDD'99-shaped traffic for the "Try a sample" button, demos and
 * tests: the real data set is never committed. Deterministic for a seed.
 */
import type { AttackCategory } from '../metrics/categories.ts';
import { mulberry32 } from './random.ts';
import { FEATURE_TUPLE, type FeatureName } from './schema.ts';

export interface TrafficOptions {
  rows: number;
  seed?: number;
  /** Share of attack rows, default 0.2. The count is exact: round(rows · attackRate). */
  attackRate?: number;
  /** Default true. When false, label (and difficulty) columns are left out: 41 columns. */
  labels?: boolean;
  /** 'nsl-kdd' (default): 41 features, label, difficulty = 43 columns. 'kdd99': 42 columns, labels end in '.'. */
  format?: 'nsl-kdd' | 'kdd99';
}

export interface SampleAttack {
  name: string;
  category: AttackCategory;
  description: string;
  /** Share of the attack rows this pattern gets. */
  share: number;
}

export const SAMPLE_ATTACKS: readonly SampleAttack[] = [
  {
    name: 'neptune',
    category: 'dos',
    share: 0.4,
    description: 'SYN flood: hundreds of half-open TCP connections (flag S0, no payload, SYN error rates at 1.00).',
  },
  {
    name: 'smurf',
    category: 'dos',
    share: 0.15,
    description: 'ICMP echo-reply flood: 511 identical ecr_i packets of 1032 or 520 bytes in the 2-second window.',
  },
  {
    name: 'portsweep',
    category: 'probe',
    share: 0.12,
    description: 'Slow port scan: rejected connections (REJ/RSTO) to many different services, no payload.',
  },
  {
    name: 'satan',
    category: 'probe',
    share: 0.13,
    description: 'Fast vulnerability scan: many rejected connections to one host across services, high REJ error rates.',
  },
  {
    name: 'guess_passwd',
    category: 'r2l',
    share: 0.2,
    description: 'Password guessing over telnet/ftp: short sessions with failed logins and no successful login.',
  },
];

const FEATURES = FEATURE_TUPLE;
type Feature = FeatureName;

const F = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<Feature, number>;
const IS_RATE = Uint8Array.from(FEATURES, (f) => (f.endsWith('_rate') ? 1 : 0));

// Real NSL-KDD service names that scans and floods hit.
const TCP_SERVICES = [
  'private', 'http', 'smtp', 'ftp', 'ftp_data', 'telnet', 'domain', 'finger', 'auth', 'other', 'pop_3',
  'imap4', 'sunrpc', 'uucp', 'whois', 'link', 'ssh', 'netbios_ns', 'netbios_ssn', 'iso_tsap', 'ldap',
  'gopher', 'courier', 'discard', 'systat', 'nntp', 'bgp', 'mtp', 'daytime', 'netstat', 'time', 'klogin',
  'kshell', 'supdup', 'csnet_ns', 'ctf', 'echo', 'exec', 'login', 'shell', 'sql_net', 'vmnet', 'Z39_50',
  'name', 'efs', 'hostnames', 'nnsp', 'uucp_path', 'remote_job', 'rje', 'printer', 'IRC', 'X11', 'http_443',
];


/** One row under construction: numeric features in a reused typed array, text features aside. */
class Row {
  readonly v = new Float64Array(FEATURES.length);
  protocol = 'tcp';
  service = 'http';
  flag = 'SF';
  constructor(private readonly rnd: () => number) {}

  reset(protocol: string, service: string, flag: string): void {
    this.v.fill(0);
    this.protocol = protocol;
    this.service = service;
    this.flag = flag;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  /** Log-uniform integer in [lo, hi]: byte counts span orders of magnitude. */
  logInt(lo: number, hi: number): number {
    return Math.round(lo * (hi / lo) ** this.rnd());
  }
  /** Uniform in [lo, hi], stored already rounded to the 2 decimals the CSV carries. */
  rate(lo: number, hi: number): number {
    const x = lo + this.rnd() * (hi - lo);
    return Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)];
  }
  set(f: Feature, value: number): void {
    this.v[F[f]] = value;
  }
}

// ---- normal traffic -------------------------------------------------------------------

/** Host-window features of benign traffic: mostly the same service, no errors. */
function benignWindow(r: Row, count: number, srvCount: number): void {
  r.set('count', count);
  r.set('srv_count', Math.min(511, srvCount));
  r.set('same_srv_rate', r.chance(0.85) ? 1 : r.rate(0.8, 1));
  r.set('diff_srv_rate', r.rate(0, 0.08));
  r.set('srv_diff_host_rate', r.chance(0.6) ? 0 : r.rate(0, 0.3));
  if (r.chance(0.03)) r.set('rerror_rate', r.rate(0.01, 0.1));
  r.set('dst_host_same_srv_rate', r.rate(0.7, 1));
  r.set('dst_host_diff_srv_rate', r.rate(0, 0.05));
  r.set('dst_host_srv_diff_host_rate', r.rate(0, 0.05));
  if (r.chance(0.05)) r.set('dst_host_serror_rate', r.rate(0, 0.03));
  if (r.chance(0.05)) r.set('dst_host_rerror_rate', r.rate(0, 0.05));
}

function http(r: Row): void {
  r.reset('tcp', 'http', 'SF');
  r.set('duration', r.chance(0.9) ? 0 : r.int(1, 5));
  r.set('src_bytes', r.int(200, 400));
  r.set('dst_bytes', r.logInt(300, 40000));
  r.set('logged_in', 1);
  if (r.chance(0.05)) r.set('hot', r.int(1, 2));
  benignWindow(r, r.int(1, 20), r.int(1, 40));
  r.set('dst_host_count', r.int(1, 255));
  r.set('dst_host_srv_count', r.chance(0.6) ? 255 : r.int(105, 255)); // busy web servers saturate the window
  r.set('dst_host_same_src_port_rate', r.rate(0, 0.1));
}

function smtp(r: Row): void {
  r.reset('tcp', 'smtp', 'SF');
  r.set('duration', r.int(0, 3));
  r.set('src_bytes', r.logInt(500, 5000));
  r.set('dst_bytes', r.int(300, 500));
  r.set('logged_in', 1);
  benignWindow(r, r.int(1, 5), r.int(1, 5));
  r.set('dst_host_count', r.int(30, 255));
  r.set('dst_host_srv_count', r.int(50, 200));
  r.set('dst_host_same_src_port_rate', r.rate(0, 0.05));
}

function ftpData(r: Row): void {
  r.reset('tcp', 'ftp_data', 'SF');
  r.set('duration', r.chance(0.8) ? 0 : r.int(1, 30));
  r.set('src_bytes', r.logInt(100, 100000));
  r.set('logged_in', 1);
  benignWindow(r, r.int(1, 10), r.int(1, 10));
  r.set('dst_host_count', r.int(1, 255));
  r.set('dst_host_srv_count', r.int(1, 100));
  r.set('dst_host_same_src_port_rate', r.rate(0.2, 1));
}

function domain(r: Row): void {
  r.reset('udp', 'domain_u', 'SF');
  r.set('src_bytes', r.int(30, 50));
  r.set('dst_bytes', r.int(40, 200));
  const c = r.int(50, 200);
  benignWindow(r, c, c + r.int(0, 10));
  r.set('same_srv_rate', 1);
  r.set('dst_host_count', 255);
  r.set('dst_host_srv_count', r.int(240, 255));
  r.set('dst_host_same_srv_rate', r.rate(0.95, 1));
  r.set('dst_host_same_src_port_rate', r.rate(0, 0.02));
}

function udpPrivate(r: Row): void {
  r.reset('udp', 'private', 'SF');
  r.set('src_bytes', r.int(100, 150));
  r.set('dst_bytes', r.int(100, 160));
  benignWindow(r, r.int(1, 3), r.int(1, 3));
  r.set('dst_host_count', r.int(1, 255));
  r.set('dst_host_srv_count', r.int(1, 50));
  r.set('dst_host_same_src_port_rate', r.rate(0, 0.5));
}

function ping(r: Row): void {
  r.reset('icmp', 'ecr_i', 'SF');
  r.set('src_bytes', r.int(8, 100));
  benignWindow(r, r.int(1, 3), r.int(1, 3));
  r.set('dst_host_count', r.int(1, 100));
  r.set('dst_host_srv_count', r.int(1, 50));
  r.set('dst_host_same_src_port_rate', r.rate(0.5, 1));
}

const NORMAL: readonly [number, (r: Row) => void][] = [
  [0.55, http], [0.12, smtp], [0.1, ftpData], [0.13, domain], [0.05, udpPrivate], [0.05, ping],
];

// ---- attacks ------------------------------------------------------------------------------

function neptune(r: Row): void {
  r.reset('tcp', r.chance(0.6) ? 'private' : r.pick(TCP_SERVICES), 'S0');
  const c = r.int(100, 511);
  r.set('count', c);
  r.set('srv_count', r.int(1, 30));
  r.set('serror_rate', 1);
  r.set('srv_serror_rate', 1);
  r.set('same_srv_rate', r.rate(0, 0.1));
  r.set('diff_srv_rate', r.rate(0.04, 0.1));
  r.set('dst_host_count', 255);
  r.set('dst_host_srv_count', r.int(1, 30));
  r.set('dst_host_same_srv_rate', r.rate(0, 0.1));
  r.set('dst_host_diff_srv_rate', r.rate(0.04, 0.1));
  r.set('dst_host_serror_rate', r.rate(0.95, 1));
  r.set('dst_host_srv_serror_rate', r.rate(0.95, 1));
}

function smurf(r: Row): void {
  r.reset('icmp', 'ecr_i', 'SF');
  r.set('src_bytes', r.chance(0.7) ? 1032 : 520);
  r.set('count', 511);
  r.set('srv_count', 511);
  r.set('same_srv_rate', 1);
  r.set('dst_host_count', 255);
  r.set('dst_host_srv_count', 255);
  r.set('dst_host_same_srv_rate', 1);
  r.set('dst_host_same_src_port_rate', 1);
}

/** Shared by both scans: rejected connections spread over many services. */
function scan(r: Row, count: number, flag: string): void {
  r.reset('tcp', r.pick(TCP_SERVICES), flag);
  r.set('src_bytes', r.chance(0.8) ? 0 : r.int(1, 10));
  r.set('count', count);
  r.set('srv_count', r.int(1, Math.min(10, count)));
  r.set('rerror_rate', r.rate(0.7, 1));
  r.set('srv_rerror_rate', r.rate(0.9, 1));
  r.set('same_srv_rate', r.rate(0, 0.15));
  r.set('diff_srv_rate', r.rate(0.5, 1));
  r.set('dst_host_same_srv_rate', r.rate(0, 0.1));
  r.set('dst_host_diff_srv_rate', r.rate(0.5, 1));
  r.set('dst_host_rerror_rate', r.rate(0.6, 1));
  r.set('dst_host_srv_rerror_rate', r.rate(0.8, 1));
}

function portsweep(r: Row): void {
  scan(r, r.int(5, 40), r.chance(0.5) ? 'REJ' : 'RSTO'); // enough connections for the window rates to mean something
  r.set('duration', r.int(0, 2));
  r.set('srv_diff_host_rate', r.rate(0.5, 1)); // sweeps walk across hosts
  r.set('dst_host_count', r.int(1, 50));
  r.set('dst_host_srv_count', r.int(1, 10));
  r.set('dst_host_same_src_port_rate', r.rate(0.5, 1));
}

function satan(r: Row): void {
  scan(r, r.int(50, 300), r.chance(0.85) ? 'REJ' : 'RSTO');
  r.set('dst_host_count', r.int(100, 255));
  r.set('dst_host_srv_count', r.int(1, 20));
}

function guessPasswd(r: Row): void {
  const telnet = r.chance(0.7);
  const reset = r.chance(0.3);
  r.reset('tcp', telnet ? 'telnet' : 'ftp', reset ? 'RSTO' : 'SF');
  r.set('duration', r.int(0, 5));
  r.set('src_bytes', r.int(100, 200));
  r.set('dst_bytes', r.int(100, 250));
  r.set('num_failed_logins', r.int(1, 5));
  if (r.chance(0.3)) r.set('hot', r.int(1, 2));
  r.set('count', r.int(1, 3));
  r.set('srv_count', r.int(1, 3));
  r.set('same_srv_rate', 1);
  if (reset) {
    r.set('rerror_rate', r.rate(0.5, 1));
    r.set('srv_rerror_rate', r.rate(0.5, 1));
    r.set('dst_host_rerror_rate', r.rate(0.3, 1));
    r.set('dst_host_srv_rerror_rate', r.rate(0.3, 1));
  }
  r.set('dst_host_count', r.int(1, 255));
  r.set('dst_host_srv_count', r.int(1, 100));
  r.set('dst_host_same_srv_rate', r.rate(0.5, 1));
  r.set('dst_host_diff_srv_rate', r.rate(0, 0.1));
}

const ATTACK_GEN: Record<string, (r: Row) => void> = {
  neptune, smurf, portsweep, satan, guess_passwd: guessPasswd,
};

// ---- output -------------------------------------------------------------------------------

function pickWeighted<T>(rnd: () => number, items: readonly [number, T][]): T {
  let u = rnd() * items.reduce((s, [w]) => s + w, 0);
  for (const [w, item] of items) {
    if ((u -= w) < 0) return item;
  }
  return items[items.length - 1][1];
}

function formatFeatures(r: Row): string {
  const out: string[] = new Array(FEATURES.length);
  const v = r.v;
  for (let i = 0; i < v.length; i++) out[i] = IS_RATE[i] ? v[i].toFixed(2) : String(Math.round(v[i]));
  out[F.protocol_type] = r.protocol;
  out[F.service] = r.service;
  out[F.flag] = r.flag;
  return out.join(',');
}

/**
 * CSV text (no header, one row per line, trailing newline) in NSL-KDD column order.
 * Attack rows sit at random positions; their count is exactly round(rows · attackRate).
 */
export function generateTraffic(opts: TrafficOptions): string {
  const rows = Math.floor(opts.rows);
  if (!(rows >= 0)) throw new RangeError(`rows must be >= 0, got ${opts.rows}`);
  const attackRate = opts.attackRate ?? 0.2;
  if (!(attackRate >= 0 && attackRate <= 1)) throw new RangeError(`attackRate must be in [0, 1], got ${attackRate}`);
  const labels = opts.labels ?? true;
  const kdd99 = opts.format === 'kdd99';
  const rnd = mulberry32(opts.seed ?? 1);

  // Exact attack count, shuffled positions (Fisher–Yates).
  const isAttack = new Uint8Array(rows);
  isAttack.fill(1, 0, Math.round(rows * attackRate));
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = isAttack[i];
    isAttack[i] = isAttack[j];
    isAttack[j] = t;
  }

  const attacks = SAMPLE_ATTACKS.map((a) => [a.share, a.name] as [number, string]);
  const row = new Row(rnd);
  const lines: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    let label: string;
    let difficulty: number;
    if (isAttack[i]) {
      label = pickWeighted(rnd, attacks);
      ATTACK_GEN[label](row);
      difficulty = row.int(15, 21);
    } else {
      label = 'normal';
      pickWeighted(rnd, NORMAL)(row);
      difficulty = row.chance(0.7) ? 21 : row.int(18, 20); // normal rows are mostly easy
    }
    let line = formatFeatures(row);
    if (labels) line += kdd99 ? `,${label}.` : `,${label},${difficulty}`;
    lines[i] = line;
  }
  return rows === 0 ? '' : lines.join('\n') + '\n';
}
