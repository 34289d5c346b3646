/**
 * Server error codes and names as mongod reports them (src/mongo/base/error_codes.yml), and
 * helpers to build `ok: 0` replies shaped like a real server's.
 */
import type { Document } from '../protocol.js';

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  HostUnreachable: 6,
  HostNotFound: 7,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  CommandNotFound: 59,
  WriteConcernFailed: 64,
  UnknownReplWriteConcern: 79,
  ShutdownInProgress: 91,
  InvalidReplicaSetConfig: 93,
  NotYetInitialized: 94,
  NotSecondary: 95,
  NoReplicationEnabled: 76,
  AlreadyInitialized: 23,
  UnsatisfiableWriteConcern: 100,
  NewReplicaSetConfigurationIncompatible: 103,
  NodeNotElectable: 104,
  OplogStartMissing: 120,
  FailedToSatisfyReadPreference: 133,
  PrimarySteppedDown: 189,
  ExceededTimeLimit: 262,
  NetworkTimeout: 89,
  InvalidOptions: 72,
  NotWritablePrimary: 10107,
  InterruptedAtShutdown: 11600,
  InterruptedDueToReplStateChange: 11602,
  DuplicateKey: 11000,
  NotPrimaryNoSecondaryOk: 13435,
  NotPrimaryOrSecondary: 13436,
  SocketException: 9001,
  ImmutableField: 66,
  InvalidNamespace: 73,
  InvalidLength: 16,
  TransactionTooOld: 225,
  LockTimeout: 24,
  WriteConflict: 112,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  NodeNotFound: 74,
  ConfigurationInProgress: 109,
  CurrentConfigNotCommittedYet: 308,
  BSONObjectTooLarge: 10334,
} as const;

const namesByCode = new Map<number, string>();
for (const [name, code] of Object.entries(ErrorCodes)) namesByCode.set(code, name);

/** The codeName a real server sends with `code`; unknown codes get `Location<code>` like the server's assertion ids. */
export function codeNameOf(code: number): string {
  return namesByCode.get(code) ?? `Location${code}`;
}

/**
 * Retryable Writes spec, "Determining Retryable Errors": the codes a server ≥ 4.4 labels
 * `RetryableWriteError` on its own.
 */
export const retryableWriteErrorCodes: ReadonlySet<number> = new Set([
  ErrorCodes.InterruptedAtShutdown, ErrorCodes.InterruptedDueToReplStateChange, ErrorCodes.NotWritablePrimary,
  ErrorCodes.NotPrimaryNoSecondaryOk, ErrorCodes.NotPrimaryOrSecondary, ErrorCodes.PrimarySteppedDown,
  ErrorCodes.ShutdownInProgress, ErrorCodes.HostNotFound, ErrorCodes.HostUnreachable, ErrorCodes.NetworkTimeout,
  ErrorCodes.SocketException, ErrorCodes.ExceededTimeLimit,
]);

/** A command failure carried through the command handlers; turned into an `ok: 0` reply. */
export class CommandError extends Error {
  constructor(readonly code: number, message: string, readonly extra: Document = {}) {
    super(message);
  }
}

export function errorReply(code: number, errmsg: string, extra: Document = {}): Document {
  return { ok: 0, errmsg, code, codeName: codeNameOf(code), ...extra };
}

/**
 * Servers before 5.0 (wire version < 13) used the old names and messages for the "not primary"
 * family (renamed by SERVER-50461); the codes are the same.
 */
const legacyNames: ReadonlyMap<number, { codeName: string; errmsg: string }> = new Map([
  [10107, { codeName: 'NotMaster', errmsg: 'not master' }],
  [13435, { codeName: 'NotMasterNoSlaveOk', errmsg: 'not master and slaveOk=false' }],
  [13436, { codeName: 'NotMasterOrSecondary', errmsg: 'not master or secondary; cannot currently read from this replSet member' }],
]);

/** Rewrites a "not primary" error reply with pre-5.0 names when `maxWireVersion` < 13. */
export function withLegacyNames(reply: Document, maxWireVersion: number): Document {
  if (maxWireVersion >= 13) return reply;
  const legacy = typeof reply['code'] === 'number' ? legacyNames.get(reply['code']) : undefined;
  if (legacy === undefined || reply['codeName'] !== codeNameOf(reply['code'] as number)) return reply;
  const isDefaultMessage = reply['errmsg'] === 'not primary' || reply['errmsg'] === 'not primary and secondaryOk=false' || reply['errmsg'] === 'node is not in primary or recovering state';
  return { ...reply, codeName: legacy.codeName, ...(isDefaultMessage ? { errmsg: legacy.errmsg } : {}) };
}
