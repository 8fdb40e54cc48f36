// Node-only convenience (the rest of src/capture runs in browsers too): read a
// capture file from disk as a stream of 1 MiB chunks.

import { createReadStream } from 'node:fs';
import { readCaptureConnections, type CaptureBatch, type CaptureOptions, type CaptureStats } from './index.ts';

export function readCaptureFile(path: string, opts: CaptureOptions = {}): AsyncGenerator<CaptureBatch, CaptureStats> {
  return readCaptureConnections(createReadStream(path, { highWaterMark: 1 << 20 }), { source: path, ...opts });
}
