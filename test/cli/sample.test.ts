import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('npm run sample', () => {
  it('writes the requested rows, the same for the same seed, in either layout', async () => {
    const a = await runCli('src/cli/sample.ts', ['--rows', '120', '--seed', '4']);
    const b = await runCli('src/cli/sample.ts', ['--rows', '120', '--seed', '4']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout.trim().split('\n');
    expect(lines).toHaveLength(120);
    expect(lines.every((l) => l.split(',').length === 43)).toBe(true);
    const kdd99 = await runCli('src/cli/sample.ts', ['--rows', '10', '--format', 'kdd99', '--attack-rate', '1']);
    expect(kdd99.stdout.trim().split('\n').every((l) => l.split(',').length === 42 && l.endsWith('.'))).toBe(true);
    const bare = await runCli('src/cli/sample.ts', ['--rows', '10', '--no-labels']);
    expect(bare.stdout.trim().split('\n').every((l) => l.split(',').length === 41)).toBe(true);
  });

  it('rejects bad options with exit code 2', async () => {
    const r = await runCli('src/cli/sample.ts', ['--attack-rate', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--attack-rate must be between 0 and 1/);
  });
});
