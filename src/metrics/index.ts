export * from './categories.ts';
export * from './confusion.ts';
export * from './curves.ts';
export * from './threshold.ts';
export * from './accumulator.ts';
export * from './histogram.ts';
