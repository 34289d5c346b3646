/** The client runtime: the pure core machines joined to injected ports (see runtime.ts). */
export type { ClientRuntimeApi, RunOperation, RunResult, RuntimeEvent } from './api.js';
export type { ClockPort, ConnectionHandlers, Document, RuntimePorts, TimerHandle, TransportConnection, TransportPort } from './ports.js';
export { ClientRuntime, connectionStringFromSeeds, type ClientRuntimeOptions, type RuntimeState, type SeedList } from './runtime.js';
export { MongoTopologyClosedError } from './errors.js';
export { clientMetadata, handshakeCommand, helloCommand, type ClientMetadataInput, type ClientOsMetadata } from './handshake.js';
export { ServerSessionPool, randomUuid, type ServerSession } from './sessions.js';
export * from './constants.js';
