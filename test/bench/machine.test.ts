// Every benchmark records the machine it ran on (bench/machine.ts), in its table and in its
// --json document, so that figures from different machines are never compared as one. Each
// suite runs here in its smallest setting; the figures themselves are not tested.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { machine, machineLine } from '../../bench/machine.ts';
import { detectNodeFlags } from '../../bench/node-flags.ts';
import { dataFile } from '../../src/cli/data-dir.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { runCli } from '../helpers/cli.ts';
import { expectMachine } from './expect-machine.ts';

const LINE = /^machine: .+, \d+( of \d+)? cores, [\d.]+ GiB, Node v\d+\.\d+\.\d+ \(V8 [^)]+\), \w+ \w+, load average [\d.]+/;

describe('bench/machine.ts', () => {
  it('records CPU model, cores, memory, Node, V8, platform and load', () => {
    const m = machine();
    expectMachine(m);
    expect(machineLine(m)).toMatch(LINE);
    expect(machineLine(m)).toContain(m.cpu);
  });
});

describe('every suite records the machine, in its table and its JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomalyze-bench-machine-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const bench = async (args: string[]) => {
    const r = await runCli('bench/index.ts', args);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  it('kmeans', async () => {
    const args = ['kmeans', '--n', '3000', '--d', '8', '--k', '4', '--iters', '2', '--repeat', '1'];
    expectMachine(JSON.parse(await bench([...args, '--json'])).machine);
    expect((await bench(args)).split('\n')[0]).toMatch(LINE);
  }, 60_000);

  it('pcap', async () => {
    const args = ['pcap', '--packets', '3000'];
    expectMachine(JSON.parse(await bench([...args, '--json'])).machine);
    expect((await bench(args)).split('\n')[0]).toMatch(LINE);
  }, 60_000);

  it('soak', async () => {
    const args = ['soak', '--seconds', '2', '--rate', '500'];
    const out = JSON.parse(await bench([...args, '--json']));
    expectMachine(out.machine);
    expect(out.lost).toBe(0);
    expect(out.nodeFlags).toEqual(detectNodeFlags()); // npm run detect's
    expect(JSON.parse(await bench([...args, '--node-flags=--no-liftoff', '--json'])).nodeFlags).toEqual(['--no-liftoff']);
    expect((await bench(args)).split('\n')[0]).toMatch(LINE);
  }, 60_000);

  it('http', async () => {
    const file = join(dir, 'upload.csv');
    writeFileSync(file, generateTraffic({ rows: 500, seed: 3 }));
    const args = ['http', '--file', file, '--runs', '1', '--duration', '1', '--connections', '2'];
    expectMachine(JSON.parse(await bench([...args, '--json'])).machine);
    expect((await bench(args)).split('\n')[0]).toMatch(LINE);
  }, 90_000);

  // detect times `npm run detect` on KDDTest+; train (KDDTrain+, seconds per run) shares its code path (bench/pipeline.ts).
  it.skipIf(!dataFile('KDDTest+.txt'))('detect', async () => {
    const args = ['detect', '--runs', '1'];
    expectMachine(JSON.parse(await bench([...args, '--json'])).machine);
    expect((await bench(args)).split('\n')[0]).toMatch(LINE);
  }, 90_000);
});
