/**
 * Validation of a `start` input: every bad part is named in a MongoInvalidArgumentError,
 * which the machine reports as the operation's failure (it never throws).
 */
import { MongoInvalidArgumentError } from '../errors.js';
import type { RandomSource } from '../random.js';
import type { TopologyDescription } from '../sdam/types.js';
import { readPreferenceModes } from '../selection/read-preference.js';
import { commandNameOf, isRetryableReadCommand, isRetryableWriteCommand, isUnacknowledged } from './commands.js';
import { defaultRetryReads, defaultRetryWrites, maxAttempts } from './constants.js';
import { isDocument } from './errors.js';
import { isSensitiveCommand } from './redaction.js';
import type { ExecutorOptions, OperationInput, ResolvedOperation } from './types.js';

const operationKinds: ReadonlySet<string> = new Set(['read', 'write', 'command']);
const optionKeys: ReadonlySet<string> = new Set(['retryReads', 'retryWrites', 'serverSelectionTimeoutMS', 'localThresholdMS']);

export function resolveOperation(operation: OperationInput, options: ExecutorOptions | undefined): ResolvedOperation | MongoInvalidArgumentError {
  if (!isDocument(operation)) return bad(`operation must be an object, got ${typeName(operation)}`);
  const { kind, databaseName, command } = operation;
  if (typeof kind !== 'string' || !operationKinds.has(kind)) return bad(`operation kind must be "read", "write" or "command", got ${describe(kind)}`);
  if (typeof databaseName !== 'string' || databaseName.length === 0) return bad(`operation databaseName must be a non-empty string, got ${describe(databaseName)}`);
  if (!isDocument(command)) return bad(`operation command must be a document, got ${typeName(command)}`);
  const commandName = commandNameOf(command);
  if (commandName === null) return bad('operation command is an empty document: its first key must be the command name');

  const readPreference = operation.readPreference ?? null;
  if (readPreference !== null) {
    if (kind === 'write') return bad('operation readPreference is only for "read" and "command" operations; a write always selects a writable server');
    if (!isDocument(readPreference) || typeof readPreference.mode !== 'string' || !(readPreferenceModes as readonly string[]).includes(readPreference.mode) || !Array.isArray(readPreference.tagSets)) {
      return bad('operation readPreference must be a ReadPreference built by readPreference()');
    }
  }

  let session: ResolvedOperation['session'] = null;
  if (operation.session !== undefined && operation.session !== null) {
    const s = operation.session;
    if (!isDocument(s)) return bad(`operation session must be an object or null, got ${typeName(s)}`);
    if (!isDocument(s.lsid)) return bad(`operation session lsid must be a document, got ${typeName(s.lsid)}`);
    const txnNumber = toTxnNumber(s.txnNumber);
    if (txnNumber === null) return bad(`operation session txnNumber must be a positive 64-bit integer, got ${describe(s.txnNumber)}`);
    if (s.inTransaction !== undefined && typeof s.inTransaction !== 'boolean') return bad(`operation session inTransaction must be a boolean, got ${describe(s.inTransaction)}`);
    for (const field of ['lsid', 'txnNumber'] as const) {
      if (field in command) return bad(`operation command must not carry its own "${field}" when a session is given: the executor adds it`);
    }
    session = { lsid: s.lsid, txnNumber, inTransaction: s.inTransaction ?? false };
  }

  const firstRequestId = operation.firstRequestId;
  if (typeof firstRequestId !== 'number' || !Number.isSafeInteger(firstRequestId) || firstRequestId < 0 || !Number.isSafeInteger(firstRequestId + maxAttempts)) {
    return bad(`operation firstRequestId must be a non-negative safe integer, got ${describe(firstRequestId)}`);
  }
  const operationId = operation.operationId;
  if (operationId !== undefined && (typeof operationId !== 'number' || !Number.isSafeInteger(operationId))) {
    return bad(`operation operationId must be a safe integer, got ${describe(operationId)}`);
  }

  const pinnedAddress = operation.pinnedAddress ?? null;
  if (pinnedAddress !== null && (typeof pinnedAddress !== 'string' || pinnedAddress.length === 0)) {
    return bad(`operation pinnedAddress must be a non-empty "host:port" string or null, got ${describe(pinnedAddress)}`);
  }

  if (options !== undefined && !isDocument(options)) return bad(`options must be an object, got ${typeName(options)}`);
  for (const key of Object.keys(options ?? {})) {
    if (!optionKeys.has(key)) return bad(`options has unknown field "${key}" (expected retryReads, retryWrites, serverSelectionTimeoutMS, localThresholdMS)`);
  }
  const retryReads = options?.retryReads ?? defaultRetryReads;
  const retryWrites = options?.retryWrites ?? defaultRetryWrites;
  if (typeof retryReads !== 'boolean') return bad(`options retryReads must be a boolean, got ${describe(retryReads)}`);
  if (typeof retryWrites !== 'boolean') return bad(`options retryWrites must be a boolean, got ${describe(retryWrites)}`);
  const timeout = options?.serverSelectionTimeoutMS;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)) {
    return bad(`options serverSelectionTimeoutMS must be a finite number >= 0, got ${describe(timeout)}`);
  }
  const localThresholdMS = options?.localThresholdMS;
  if (localThresholdMS !== undefined && (typeof localThresholdMS !== 'number' || !Number.isFinite(localThresholdMS) || localThresholdMS < 0)) {
    return bad(`options localThresholdMS must be a finite number >= 0, got ${describe(localThresholdMS)}`);
  }

  const inTransaction = session?.inTransaction ?? false;
  const unacknowledged = kind === 'write' && isUnacknowledged(command);
  return Object.freeze({
    kind: kind as ResolvedOperation['kind'],
    databaseName,
    commandName,
    command,
    readPreference,
    session,
    firstRequestId,
    operationId,
    pinnedAddress,
    unacknowledged,
    sensitive: isSensitiveCommand(command),
    retryReads,
    retryWrites,
    serverSelectionTimeoutMS: timeout,
    localThresholdMS,
    // retryable-reads.md "2a": not when disabled, nor in a transaction; runCommand and getMore
    // never. A pinned operation has no other server to retry on (server-selection.md "Cursors").
    retryableRead: kind === 'read' && retryReads && !inTransaction && pinnedAddress === null && isRetryableReadCommand(command),
    // retryable-writes.md: supported command, acknowledged, with a session, not in a transaction.
    retryableWriteCandidate: kind === 'write' && retryWrites && !inTransaction && !unacknowledged && session !== null && isRetryableWriteCommand(command),
  });
}

/** Checks the environment a `start` brings along. */
export function environmentProblem(topology: TopologyDescription, random: RandomSource): MongoInvalidArgumentError | null {
  if (!isDocument(topology) || typeof (topology.servers as { get?: unknown } | undefined)?.get !== 'function') {
    return bad('start topology must be a TopologyDescription');
  }
  if (!isDocument(random) || typeof random.int !== 'function') return bad('start random must be a RandomSource with an int(maxExclusive) method');
  return null;
}

/** A positive int64 as bigint; numbers must be safe integers. */
function toTxnNumber(value: unknown): bigint | null {
  const maxInt64 = (1n << 63n) - 1n;
  if (typeof value === 'bigint') return value > 0n && value <= maxInt64 ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  return null;
}

function bad(message: string): MongoInvalidArgumentError {
  return new MongoInvalidArgumentError(message);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return typeName(value);
}
