// Test helper: read a capture to the end, optionally in fixed-size chunks.

import type { Connection } from '../../src/flows/connection.ts';
import { readCaptureConnections, type CaptureOptions, type CaptureStats } from '../../src/capture/index.ts';

export interface ReadResult {
  connections: Connection[];
  stats: CaptureStats;
  watermarks: number[];
  /** Connections of each batch. */
  batches: Connection[][];
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

export async function readAll(bytes: Uint8Array, opts: CaptureOptions = {}, chunkSize?: number): Promise<ReadResult> {
  const connections: Connection[] = [];
  const watermarks: number[] = [];
  let stats: CaptureStats | undefined;
  const batches: Connection[][] = [];
  const input = chunkSize === undefined ? bytes : chunks(bytes, chunkSize);
  for await (const batch of readCaptureConnections(input, opts)) {
    connections.push(...batch.connections);
    watermarks.push(batch.watermark);
    stats = batch.stats;
    batches.push(batch.connections);
  }
  return { connections, stats: stats!, watermarks, batches };
}

/** The one connection a capture is expected to hold. */
export async function onlyConnection(bytes: Uint8Array, opts: CaptureOptions = {}): Promise<Connection> {
  const { connections } = await readAll(bytes, opts);
  if (connections.length !== 1) throw new Error(`expected 1 connection, got ${connections.length}: ${JSON.stringify(connections)}`);
  return connections[0];
}
