/** The connection pool (CMAP) as a pure machine; see machine.ts. */
export * from './constants.js';
export * from './errors.js';
export type * from './events.js';
export { poolInvariantViolations } from './invariants.js';
export { connectionLimit, createPool, poolCounts, stepPool, type PoolCreateOptions, type PoolEvent, type PoolStep } from './machine.js';
export { poolOptionNames, resolvePoolOptions, type PoolOptionName, type PoolOptions, type PoolOptionsInput } from './options.js';
export type * from './types.js';
