/**
 * The runtime a MongoClient builds unless told otherwise: the real ClientRuntime over the
 * given ports.
 */
import { ClientRuntime } from './runtime/runtime.js';
import type { RuntimeFactory } from './options.js';

export const defaultRuntimeFactory: RuntimeFactory = (connectionString, ports) => new ClientRuntime(connectionString, { ports });
