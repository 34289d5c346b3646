/**
 * `mongosim/core`: the pure, I/O-free machines. Nothing here touches timers, the clock,
 * randomness or the network; callers pass `now` and a RandomSource.
 */
export * from './errors.js';
export type { RandomSource } from './random.js';
export * from './sdam/index.js';
export * from './monitor/index.js';
export * from './uri/index.js';
export * from './pool/index.js';
export * from './selection/index.js';
export * from './executor/index.js';
export * from './wire/index.js';
export * from './machine.js';
