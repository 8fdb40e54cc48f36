// The attack timeline that scripts/traffic/make-traffic.sh writes as labels.json, and the
// rule that joins it to connections: a connection is a phase's attack when its originator
// is the phase's attacker address and it starts within the phase (± slackSeconds);
// every other connection is 'normal'.

import { readFileSync } from 'node:fs';

export interface Phase {
  label: string; // 'portscan' | 'synflood' | 'sshguess'
  category: string; // KDD category: 'Probe' | 'DoS' | 'R2L'
  attacker: string;
  target?: string;
  file?: string; // the capture the phase is in ('attacks.pcap')
  start: number; // epoch seconds (fractional)
  end: number;
  [extra: string]: unknown;
}

export interface Capture {
  file: string;
  kind: 'normal' | 'attacks';
  seed: number;
  start: number;
  end: number;
  normalSessions: { seed: number; actions: number; counts: Record<string, number> } | null;
}

export interface Timeline {
  version: 1;
  seed: number;
  quick?: boolean;
  slackSeconds: number;
  phases: Phase[];
  normalClients: string[];
  servers: { name: string; address: string; port: number; protocol: string }[];
  captures?: Capture[];
}

export const DEFAULT_SLACK_SECONDS = 2;

/** Reads and checks labels.json; throws with the reason when it is not a version-1 timeline. */
export function loadTimeline(path: string): Timeline {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<Timeline>;
  if (raw.version !== 1) throw new Error(`${path}: unsupported labels version ${String(raw.version)}`);
  if (!Array.isArray(raw.phases)) throw new Error(`${path}: no phases`);
  for (const p of raw.phases) {
    if (typeof p.label !== 'string' || typeof p.attacker !== 'string' || typeof p.category !== 'string') {
      throw new Error(`${path}: phase without label/category/attacker: ${JSON.stringify(p)}`);
    }
    if (!Number.isFinite(p.start) || !Number.isFinite(p.end) || !(p.start < p.end)) {
      throw new Error(`${path}: phase ${p.label} needs finite start < end`);
    }
  }
  return {
    ...raw,
    slackSeconds: typeof raw.slackSeconds === 'number' ? raw.slackSeconds : DEFAULT_SLACK_SECONDS,
    normalClients: raw.normalClients ?? [],
    servers: raw.servers ?? [],
  } as Timeline;
}

/** 'normal', or the label of the attack phase this connection belongs to. */
export function labelFor(timeline: Timeline, conn: { start: number; src: string }): string {
  const slack = timeline.slackSeconds ?? DEFAULT_SLACK_SECONDS;
  for (const p of timeline.phases) {
    if (conn.src === p.attacker && conn.start >= p.start - slack && conn.start <= p.end + slack) return p.label;
  }
  return 'normal';
}

/** The phase's KDD category ('Probe', 'DoS', 'R2L'), or 'normal'. */
export function categoryFor(timeline: Timeline, conn: { start: number; src: string }): string {
  const label = labelFor(timeline, conn);
  return label === 'normal' ? 'normal' : (timeline.phases.find((p) => p.label === label)?.category ?? 'normal');
}
