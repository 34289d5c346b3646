/** The `mongosim` package entry point: the pure core (see `mongosim/core`). */
export * from './core/index.js';
