// Live input: follow a growing file, split it into lines, batch them for scoring.

export { follow, type FollowEvent, type FollowOptions } from './follow.ts';
export { splitLines, type LineOptions } from './lines.ts';
export { batch, type BatchOptions } from './batcher.ts';
