// A progress bar on stderr, only when stderr is a terminal and the input is large.

export interface Progress {
  update(bytesRead: number, rows: number): void;
  done(): void;
}

export function progressBar(totalBytes: number | null, minBytes = 1 << 20): Progress {
  const tty = process.stderr.isTTY;
  if (!tty || (totalBytes !== null && totalBytes < minBytes)) return { update() {}, done() {} };
  let last = 0;
  const started = performance.now();
  const draw = (bytes: number, rows: number) => {
    const secs = (performance.now() - started) / 1000;
    const rate = Math.round(rows / Math.max(secs, 1e-3)).toLocaleString('en-US');
    if (totalBytes) {
      const frac = Math.min(1, bytes / totalBytes);
      const width = 30;
      const fill = Math.round(frac * width);
      process.stderr.write(`\r  [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en-US')} rows  ${rate} rows/s `);
    } else {
      process.stderr.write(`\r  ${rows.toLocaleString('en-US')} rows  ${rate} rows/s `);
    }
  };
  return {
    update(bytes, rows) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      draw(bytes, rows);
    },
    done() { process.stderr.write('\r\x1b[2K'); },
  };
}
