// What a benchmark's `machine` record must hold on this host (bench/machine.ts).
import { arch, availableParallelism, platform, totalmem } from 'node:os';
import { expect } from 'vitest';
import type { Machine } from '../../bench/machine.ts';

/** The machine as recorded on this host. */
export function expectMachine(m: Machine): void {
  expect(Object.keys(m).sort()).toEqual(['arch', 'cores', 'cpu', 'loadAverage1m', 'logicalCpus', 'memoryGiB', 'node', 'platform', 'v8']);
  expect(m.cpu.length).toBeGreaterThan(0);
  expect(m.cpu).not.toBe('unknown');
  expect(m.cores).toBe(availableParallelism());
  expect(m.logicalCpus).toBeGreaterThanOrEqual(m.cores);
  expect(Math.abs(m.memoryGiB - totalmem() / 2 ** 30)).toBeLessThanOrEqual(0.05);
  expect(m.node).toBe(process.version);
  expect(m.v8).toBe(process.versions.v8);
  expect(m.platform).toBe(platform());
  expect(m.arch).toBe(arch());
  expect(m.loadAverage1m).toBeGreaterThanOrEqual(0);
}
