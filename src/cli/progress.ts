// A progress bar on stderr, only when stderr is a terminal, the input is large and
// stderr is not carrying JSON log lines (--log-format json): a bar there would break them.

export interface Progress {
  update(bytesRead: number, rows: number): void;
  done(): void;
}

export interface ProgressOptions {
  minBytes?: number;
  /** false: never draw (json logs). Default true. */
  enabled?: boolean;
  /** Default process.stderr; drawn only when its isTTY is true. */
  stream?: { isTTY?: boolean; write(s: string): unknown };
}

const NONE: Progress = { update() {}, done() {} };

export function progressBar(totalBytes: number | null, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const minBytes = opts.minBytes ?? 1 << 20;
  if (opts.enabled === false || !stream.isTTY || (totalBytes !== null && totalBytes < minBytes)) return NONE;
  let last = 0;
  const started = performance.now();
  const draw = (bytes: number, rows: number) => {
    const secs = (performance.now() - started) / 1000;
    const rate = Math.round(rows / Math.max(secs, 1e-3)).toLocaleString('en-US');
    if (totalBytes) {
      const frac = Math.min(1, bytes / totalBytes);
      const width = 30;
      const fill = Math.round(frac * width);
      stream.write(`\r  [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en-US')} rows  ${rate} rows/s `);
    } else {
      stream.write(`\r  ${rows.toLocaleString('en-US')} rows  ${rate} rows/s `);
    }
  };
  return {
    update(bytes, rows) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      draw(bytes, rows);
    },
    done() { stream.write('\r\x1b[2K'); },
  };
}
