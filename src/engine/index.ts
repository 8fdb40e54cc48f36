// The compute engine's public surface.
export { Engine } from './engine.ts';
export type { CoreExports, CoreSource } from './core.ts';
export { matrix, checkMatrix, nonFiniteError, selectMatrix, type Matrix } from './matrix.ts';
export { ResidentMatrix, withResident, type GatherSource } from './resident.ts';
export { KMeans, type KMeansParams, type KMeansAlgorithm } from './kmeans.ts';
export { chooseCore, hasRelaxedSimd, type CoreBuilds, type CoreVariant } from './select.ts';
export { MiniBatchKMeans, type MiniBatchKMeansParams } from './minibatch.ts';
export { CentroidModel, type CentroidState, type CentroidKind, type NearestResult } from './centroids.ts';
export { silhouetteScore, calinskiHarabaszScore } from './quality.ts';
export { withSubspaces, type SubspaceModel, type SubspaceResult } from './subspaces.ts';
