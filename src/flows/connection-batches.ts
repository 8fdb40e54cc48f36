// Connections from a traffic source (pcap assembler, Zeek log) → record batches
// of KDD header features, with each row's connection identity. Memory stays
// bounded: the source's open connections, the feature windows, one batch.

import type { Connection } from './connection.ts';
import { ConnectionFeatures, type ConnectionFeaturesOptions, type FeatureRows } from './window.ts';
import type { SourceBatch } from '../data/reader.ts';

/** What a source yields: connections as they end, and (if it knows one) a watermark. */
export interface ConnectionChunk {
  connections: readonly Connection[];
  /** Every connection still to come starts at or after this time (seconds); absent when unknown. */
  watermark?: number;
  /** Score what is ready now (a live input went idle) instead of waiting for a full batch. */
  flush?: boolean;
}

export interface ConnectionBatchOptions extends ConnectionFeaturesOptions {
  batchSize: number;
  /** Input format reported with each batch ('pcap', 'zeek', …). */
  format: string;
}

export async function* connectionBatches(
  chunks: AsyncIterable<ConnectionChunk>, opts: ConnectionBatchOptions,
): AsyncGenerator<SourceBatch> {
  const features = new ConnectionFeatures(opts);
  let firstLine = 1;
  const batch = (rows: FeatureRows): SourceBatch => {
    const b: SourceBatch = {
      schema: features.schema, count: rows.count, firstLine, numeric: rows.numeric, categorical: rows.categorical,
      labels: null, identity: rows.identity, format: opts.format,
    };
    firstLine += rows.count;
    return b;
  };
  for await (const chunk of chunks) {
    for (const c of chunk.connections) features.push(c);
    if (chunk.watermark !== undefined) features.advance(chunk.watermark);
    while (features.pending >= opts.batchSize) yield batch(features.take(opts.batchSize));
    if (chunk.flush) {
      features.finish(); // release what waits to be put in order: a live feed scores it now
      while (features.pending > 0) yield batch(features.take(opts.batchSize));
    }
  }
  features.finish();
  while (features.pending > 0) yield batch(features.take(opts.batchSize));
}
