// The benchmarks take their node flags from the npm scripts (bench/node-flags.ts).

import { describe, expect, it } from 'vitest';
import { detectNodeFlags, scriptNodeFlags, serverNodeFlags } from '../../bench/node-flags.ts';

const pkg = (scripts: Record<string, string>) => JSON.stringify({ scripts });

describe('scriptNodeFlags', () => {
  it('gives the flags between the runner and the entry', () => {
    expect(scriptNodeFlags('detect', 'node', 'build/cli/detect.mjs', pkg({ detect: 'node --no-liftoff --x=4 build/cli/detect.mjs' }))).toEqual(['--no-liftoff', '--x=4']);
    expect(scriptNodeFlags('start', 'tsx', 'src/server/node.ts', pkg({ start: 'tsx src/server/node.ts' }))).toEqual([]);
  });

  it('refuses a script of another shape rather than run something else', () => {
    expect(() => scriptNodeFlags('start', 'tsx', 'src/server/node.ts', pkg({ start: 'node src/server/node.ts' }))).toThrow(/"start" script is "node src\/server\/node.ts": expected "tsx \[--node-flags\] src\/server\/node.ts …"/);
    expect(() => scriptNodeFlags('start', 'tsx', 'src/server/node.ts', pkg({ start: 'tsx watch src/server/node.ts' }))).toThrow(/expected/);
    expect(() => scriptNodeFlags('detect', 'node', 'build/cli/detect.mjs', pkg({}))).toThrow(/"detect" script is missing/);
  });

  it("reads this package's detect and start scripts", () => {
    expect(detectNodeFlags()).toContain('--no-liftoff');
    expect(Array.isArray(serverNodeFlags())).toBe(true);
  });
});
