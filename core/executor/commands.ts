/**
 * Which commands may be retried, read from the command document the operation sends.
 * The caller says whether the operation is a read, a write or a generic runCommand; these
 * rules narrow that down per command (a bulk write's batches are judged one by one).
 */
import { isDocument, type Document } from './errors.js';

/** The command name is the first key of the command document. */
export function commandNameOf(command: Document): string | null {
  for (const key in command) return key;
  return null;
}

/**
 * retryable-reads.md "Supported Read Operations": find (also GridFS), aggregate without a write
 * stage (also change streams and countDocuments), distinct, count (estimatedDocumentCount) and
 * the enumeration commands. getMore and mapReduce are "Unsupported Read Operations".
 */
const retryableReadCommands: ReadonlySet<string> = new Set([
  'find',
  'aggregate',
  'distinct',
  'count',
  'listDatabases',
  'listCollections',
  'listIndexes',
]);

export function isRetryableReadCommand(command: Document): boolean {
  const name = commandNameOf(command);
  if (name === null || !retryableReadCommands.has(name)) return false;
  if (name === 'aggregate') return !hasWriteStage(command.pipeline);
  return true;
}

/** An aggregate pipeline whose stages include `$out` or `$merge` writes. */
export function hasWriteStage(pipeline: unknown): boolean {
  if (!Array.isArray(pipeline)) return false;
  return pipeline.some((stage) => isDocument(stage) && ('$out' in stage || '$merge' in stage));
}

/**
 * retryable-writes.md "Supported Write Operations" / "Unsupported Write Operations": insert,
 * update without any `multi: true` statement, delete without any `limit: 0` statement,
 * findAndModify, and the client-level bulkWrite without multi-document operations.
 */
export function isRetryableWriteCommand(command: Document): boolean {
  const name = commandNameOf(command);
  switch (name) {
    case 'insert':
    case 'findAndModify':
    case 'findandmodify':
      return true;
    case 'update':
      return everyStatement(command.updates, (s) => s.multi !== true);
    case 'delete':
      return everyStatement(command.deletes, (s) => s.limit !== 0);
    case 'bulkWrite':
      // crud "client bulkWrite": updateMany/deleteMany are ops with `multi: true`.
      return everyStatement(command.ops, (s) => s.multi !== true);
    default:
      return false;
  }
}

function everyStatement(statements: unknown, test: (statement: Document) => boolean): boolean {
  if (!Array.isArray(statements)) return false;
  return statements.every((s) => isDocument(s) && test(s));
}

/** retryable-writes.md "Unsupported Write Operations": an unacknowledged write concern, e.g. `{w: 0}`. */
export function isUnacknowledged(command: Document): boolean {
  const wc = command.writeConcern;
  return isDocument(wc) && wc.w === 0 && wc.j !== true;
}
