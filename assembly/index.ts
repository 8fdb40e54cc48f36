// The Anomalyze compute core: one WebAssembly module, driven by src/engine.

export { alloc, free, liveBlocks } from './memory';
export { seedRandom, nextBelow as randomBelow } from './rng';
export { firstNonFinite } from './finite';
export { nearest, distances, inertiaOf, meanColumnVariance, sqrtInPlace } from './distance';
export { explainRows } from './explain';
export { nearestOfMembers } from './subspace';
export { kddLines, kddDictionary } from './kdd-lines';
export { encodeRows } from './encode';
export { kmeansPlusPlus } from './kmeanspp';
export { lloyd, lastInertia } from './lloyd';
export { hamerly, hamerlyScoredShare } from './hamerly';
export { miniBatch } from './minibatch';
export { silhouette, calinskiHarabasz } from './quality';
