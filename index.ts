/**
 * The `mongosim` package entry point: the MongoClient façade (as `mongodb` exports it) and the
 * pure core. `mongosim/core`, `mongosim/client` and `mongosim/sim` name each part alone.
 */
export * from './core/index.js';
export { MongoClient, Db, Collection, FindCursor, MongoTopologyClosedError, MongoInvalidOperationError, MongoCursorExhaustedError, MongoBulkWriteError } from './client/index.js';
export type { MongoClientOptions } from './client/index.js';
export { ClientRuntime } from './client/index.js';
export type {
  ClientRuntimeOptions,
  ClientRuntimeApi,
  RunOperation,
  RunResult,
  RuntimeEvent,
  ClockPort,
  ConnectionHandlers,
  Document,
  RuntimePorts,
  TimerHandle,
  TransportConnection,
  TransportPort,
} from './client/index.js';
