// Runs scripts/traffic/make-traffic.sh --quick once and shares its output between test files
// and vitest workers: the output lives in os.tmpdir()/anomalyze-traffic-<hash>-seed<N>-quick,
// keyed by the content hash of scripts/traffic/* and the seed, guarded by a lock directory
// and marked complete by a .complete file. Reused while the scripts are unchanged (up to
// MAX_AGE_HOURS); ANZ_TRAFFIC_REFRESH=1 forces a new run.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCRIPT_DIR = join(ROOT, 'scripts', 'traffic');
export const SCRIPT = join(SCRIPT_DIR, 'make-traffic.sh');
export const DEFAULT_SEED = 7;
export const ATTACK_FILES = ['attack-portscan.pcap', 'attack-synflood.pcap', 'attack-sshguess.pcap'] as const;
export const CAPTURE_FILES = ['normal-train.pcap', 'normal-fresh.pcap', ...ATTACK_FILES] as const;
export const TRAFFIC_FILES = [...CAPTURE_FILES, 'labels.json'] as const;

const MAX_AGE_HOURS = 24;
const RUN_TIMEOUT_MS = 5 * 60_000; // the quick run takes about 2 minutes
const WAIT_FOR_OTHER_MS = RUN_TIMEOUT_MS + 30_000;

export interface TrafficResult { dir: string | null; reason?: string }

/** Hash of everything in scripts/traffic that shapes the output. */
export function scriptHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(SCRIPT_DIR).sort()) {
    if (!/\.(sh|py)$/.test(f)) continue;
    h.update(f).update('\0').update(readFileSync(join(SCRIPT_DIR, f))).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

export function trafficDir(seed = DEFAULT_SEED): string {
  return join(tmpdir(), `anomalyze-traffic-${scriptHash()}-seed${seed}-quick`);
}

function complete(dir: string): boolean {
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) return false;
  if (!TRAFFIC_FILES.every((f) => existsSync(join(dir, f)))) return false;
  return Date.now() - statSync(marker).mtimeMs < MAX_AGE_HOURS * 3600_000;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Exit 3 from `make-traffic.sh --check` means this machine cannot run it (reason on stderr). */
function preflight(): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'make-traffic.sh needs root (network namespaces, raw sockets, tcpdump); CI runs as root';
  }
  const r = spawnSync('bash', [SCRIPT, '--check'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return null;
  if (r.status === 3) return (r.stderr || r.stdout).trim();
  throw new Error(`make-traffic.sh --check failed (status ${r.status}, signal ${r.signal}): ${r.stderr}${r.stdout}`);
}

function runScript(dir: string, seed: number, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(log);
    const child = spawn('bash', [SCRIPT, dir, '--quick', '--seed', String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setTimeout(() => {
      child.kill('SIGTERM'); // the script's trap removes its namespace and processes
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      out.end(() => {
        if (code === 0) resolve();
        else {
          const tail = readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
          reject(new Error(`make-traffic.sh exited with ${code ?? signal}; log ${log}:\n${tail}`));
        }
      });
    });
  });
}

async function produce(seed: number): Promise<TrafficResult> {
  const dir = trafficDir(seed);
  const refresh = process.env.ANZ_TRAFFIC_REFRESH === '1' && !refreshedThisProcess.has(dir);
  if (!refresh && complete(dir)) return { dir };
  const reason = preflight();
  if (reason) return { dir: null, reason };

  const lock = `${dir}.lock`;
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Another worker (or test run) is making it: wait for its marker, or take over a dead lock.
      const pid = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : NaN);
      const lockAge = Date.now() - statSync(lock).mtimeMs;
      if ((Number.isFinite(pid) && !alive(pid)) || (!Number.isFinite(pid) && lockAge > 10_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${pid})`);
      await sleep(1000);
    }
  }
  try {
    if (!refresh && complete(dir)) return { dir }; // made by whoever held the lock before us
    rmSync(join(dir, '.complete'), { force: true });
    mkdirSync(dir, { recursive: true });
    const log = `${dir}.log`;
    const t0 = Date.now();
    await runScript(dir, seed, log);
    writeFileSync(join(dir, '.complete'), JSON.stringify({ seed, hash: scriptHash(), seconds: (Date.now() - t0) / 1000 }));
    refreshedThisProcess.add(dir);
    return { dir };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const refreshedThisProcess = new Set<string>();
const memo = new Map<number, Promise<TrafficResult>>();

/** The OUTDIR of a --quick run (made at most once per script version and seed), or null with the reason. */
export function ensureTrafficResult(seed = DEFAULT_SEED): Promise<TrafficResult> {
  let p = memo.get(seed);
  if (!p) {
    p = produce(seed);
    memo.set(seed, p);
  }
  return p;
}

/** The OUTDIR, or null when this machine cannot run the script (the reason is printed loudly). */
export async function ensureTraffic(seed = DEFAULT_SEED): Promise<string | null> {
  const r = await ensureTrafficResult(seed);
  if (!r.dir) {
    const bar = '!'.repeat(78);
    console.warn(`\n${bar}\nSKIPPING real-traffic tests: ${r.reason}\n` +
      'CI should install: apt-get install -y iproute2 tcpdump nmap hping3 curl openssh-server openssh-client sshpass dnsmasq-base bind9-dnsutils\n' +
      `${bar}\n`);
  }
  return r.dir;
}
