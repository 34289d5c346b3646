/**
 * The simulated mongod: one process (`MongodProcess`), a replica set of them with its
 * invariant checker (`ReplicaSetSim`), and a client to talk to any simulated server.
 */
export { MongodProcess, CloseConnection, noopWriterPeriodMs, journalCommitIntervalMs, electionTimeoutOffsetFraction, defaultStepDownSecs, defaultSecondaryCatchUpPeriodSecs, catchUpCapMs } from './process.js';
export { maxOpenCursors } from './cursors.js';
export { parseWriteConcern } from './write-concern.js';
export type { WriteConcern } from './write-concern.js';
export type { MongodOptions } from './process.js';
export { ReplicaSetSim, adminCommandTimeoutMs } from './replset.js';
export type { MemberSpec, ReplicaSetOptions } from './replset.js';
export { InvariantChecker } from './invariants.js';
export type { LostWrite, Violation } from './invariants.js';
export type { ReplicationObserver, LossReason } from './observer.js';
export { SimClient } from './client.js';
export type { CommandOutcome } from './client.js';
export { RpcChannel } from './rpc.js';
export { MemberState, stateName } from './member-state.js';
export { ErrorCodes, codeNameOf, retryableWriteErrorCodes } from './errors.js';
export { electionIdForTerm, simEpochMs } from './hello.js';
export { serverVersions, defaultServerVersion, maxWireVersionOf, isServerVersion } from './versions.js';
export type { ServerVersion } from './versions.js';
export { parseReplSetConfig, defaultElectionTimeoutMillis, defaultHeartbeatIntervalMillis } from './config.js';
export type { ReplSetConfig, MemberConfig } from './config.js';
export { FailPoints } from './failpoints.js';
export { formatOpTime, compareOpTime } from './oplog.js';
export type { OpTime, OplogEntry } from './oplog.js';
export { startElected, electedStartPhaseLimitMs } from './elected-start.js';
