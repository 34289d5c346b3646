/**
 * `mongosim/net`: real sockets. Serving simulated clusters to real drivers over loopback TCP
 * (ServedCluster), the wall-clock pacer that drives a world in real time, and the wire bridge.
 */
export { ServedCluster, ServedReplicaSet, servedClientHost, defaultServedElectionTimeoutMillis, defaultServedHeartbeatIntervalMillis } from './served-cluster.js';
export type { ServeOptions } from './served-cluster.js';
export { RealTimePacer, checkSpeed, maxPacerSleepMs } from './pacer.js';
export { WireBridge, maxInFlightPerConnection, maxPendingWriteBytes, servedMaxMessageSizeBytes } from './wire-bridge.js';
export { netPorts, netPortsForUri, clientMaxMessageSizeBytes } from './client-ports.js';
export type { NetPortsOptions, NetRuntimePorts } from './client-ports.js';
