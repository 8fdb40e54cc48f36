// How the user started a CLI, for its usage line: `npm run detect --` from the
// checkout, or `anomalyze detect` through the package's bin (bin/anomalyze.mjs sets
// the marker before it imports the bundle).

const BIN = Symbol.for('anomalyze.bin');

/** `anomalyze <command>` when started by the bin, else `npm run <command> --`. */
export function program(command: string): string {
  return (globalThis as Record<symbol, unknown>)[BIN] === true ? `anomalyze ${command}` : `npm run ${command} --`;
}
