// The machine a benchmark ran on, recorded with every result (table and JSON), so that
// figures from different machines are never compared as if they were one: the README's
// figures come from more than one machine class (AMD EPYC, Intel Xeon with AVX-512).

import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, totalmem } from 'node:os';

export interface Machine {
  /** CPU model (os.cpus()); on Linux with /proc/cpuinfo's family, model and clock, which tell CPU generations apart. */
  cpu: string;
  /** Cores this process may use (os.availableParallelism: respects CPU affinity and container limits). */
  cores: number;
  /** Logical CPUs the OS reports (os.cpus().length), which may be more than `cores`. */
  logicalCpus: number;
  /** Total memory in GiB (os.totalmem, rounded to 0.1). */
  memoryGiB: number;
  /** process.version, e.g. v20.20.2. */
  node: string;
  v8: string;
  /** os.platform() and os.arch(), e.g. linux x64. */
  platform: string;
  arch: string;
  /** The 1-minute load average when the machine was recorded: other work on the same cores skews every figure. */
  loadAverage1m: number;
}

let flags: Set<string> | undefined;

export function machine(): Machine {
  let cpu = cpus()[0]?.model?.trim() || 'unknown';
  const info = cpuinfo();
  if (info) {
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpu;
    const family = /^cpu family\s*:\s*(\d+)$/m.exec(info)?.[1];
    const model = /^model\s*:\s*(\d+)$/m.exec(info)?.[1];
    const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(info)?.[1];
    if (family && model) cpu += ` (family ${family}, model ${model}${mhz ? `, ${Math.round(+mhz)} MHz` : ''})`;
  }
  return {
    cpu,
    cores: availableParallelism(),
    logicalCpus: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** One line for the head of a printed table. */
export function machineLine(m: Machine): string {
  const cpus = m.logicalCpus !== m.cores ? ` of ${m.logicalCpus}` : '';
  return `machine: ${m.cpu}, ${m.cores}${cpus} cores, ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform} ${m.arch}, load average ${m.loadAverage1m}`;
}

/** The CPU's feature flags (/proc/cpuinfo; empty elsewhere), e.g. to pick a BLAS kernel. */
export function cpuFlags(): Set<string> {
  flags ??= new Set((/^flags\s*:\s*(.+)$/m.exec(cpuinfo() ?? '')?.[1] ?? '').split(/\s+/).filter(Boolean));
  return flags;
}

function cpuinfo(): string | null {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null; // not Linux
  }
}
