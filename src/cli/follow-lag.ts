// How far `--follow` is behind the file it reads, in bytes: the file's size now
// minus what has been read of it (counted from the follow events and the chunks
// handed to detection). About right rather than exact: a chunk read but not yet
// scored counts as read.

import { stat } from 'node:fs/promises';
import type { FollowEvent } from '../stream/follow.ts';

export class FollowLag {
  private read = 0;
  private open = false;

  constructor(private readonly path: string) {}

  onEvent(e: FollowEvent): void {
    if (e.type === 'opened') { this.read = e.position; this.open = true; }
    else if (e.type === 'truncated') this.read = 0;
    else if (e.type === 'rotated' || e.type === 'waiting') this.open = false;
  }

  onChunk(bytes: number): void {
    this.read += bytes;
  }

  /** Bytes behind the end of the file; null while no file is open. */
  async bytes(): Promise<number | null> {
    if (!this.open) return null;
    const s = await stat(this.path).catch(() => null);
    return s ? Math.max(0, s.size - this.read) : null;
  }
}
