/**
 * The read commands behind aggregate, distinct, count, estimatedDocumentCount, listIndexes,
 * listCollections and listDatabases (crud.md, enumerate-collections.md,
 * enumerate-databases.md, index-management.md), built as the Node driver sends them. All are
 * retryable reads (retryable-reads.md "Supported Read Operations"). Cursor-returning commands
 * come back as a CommandCursor: the first batch from the command, further ones from getMore on
 * the same server.
 */
import { MongoInvalidArgumentError } from '../../core/errors.js';
import { describe, readConcernDocument } from '../concerns.js';
import { FindCursor, type CursorRunner, type CursorTarget } from '../cursor.js';
import type { Document } from '../runtime/ports.js';

/** A cursor opened by an arbitrary read command (aggregate, listCollections, listIndexes). */
export class CommandCursor<T = Document> extends FindCursor<T> {
  constructor(
    runner: CursorRunner,
    target: CursorTarget,
    private readonly command: Document,
    batchSize: number | undefined,
  ) {
    super(runner, target, {}, batchSize === undefined ? {} : { batchSize });
  }

  protected override firstCommand(): Document {
    return { ...this.command };
  }
}

export interface AggregateOptions {
  readonly batchSize?: number;
  readonly comment?: unknown;
  readonly maxTimeMS?: number;
  readonly allowDiskUse?: boolean;
  readonly hint?: unknown;
  readonly collation?: Document;
  readonly let?: Document;
  readonly bypassDocumentValidation?: boolean;
}

const aggregatePassThrough = ['comment', 'maxTimeMS', 'allowDiskUse', 'hint', 'collation', 'let', 'bypassDocumentValidation'] as const;

function requireArray(value: unknown, where: string): Document[] {
  if (!Array.isArray(value)) throw new MongoInvalidArgumentError(`${where} must be an array, got ${describe(value)}`);
  return value as Document[];
}

function optionalDocument(value: unknown, where: string): Document | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MongoInvalidArgumentError(`${where} must be a document, got ${describe(value)}`);
  return value as Document;
}

function batchSizeOf(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new MongoInvalidArgumentError(`${where} must be a non-negative integer, got ${describe(value)}`);
  return value;
}

/** `aggregate` on a collection (`collection` name) or a database (`1`). */
export function aggregateCommand(aggregate: string | 1, pipeline: unknown, target: CursorTarget, options: AggregateOptions = {}): { command: Document; batchSize: number | undefined } {
  const stages = requireArray(pipeline, 'aggregate pipeline');
  const batchSize = batchSizeOf(options.batchSize, 'aggregate options.batchSize');
  const command: Document = { aggregate, pipeline: stages, cursor: batchSize === undefined ? {} : { batchSize } };
  for (const key of aggregatePassThrough) if (options[key] !== undefined) command[key] = options[key];
  const rc = readConcernDocument(target.readConcern);
  if (rc !== undefined) command.readConcern = rc;
  return { command, batchSize };
}

/** `distinct`: the reply's `values`. */
export function distinctCommand(collection: string, key: unknown, filter: unknown, target: CursorTarget, options: { readonly comment?: unknown; readonly maxTimeMS?: number; readonly collation?: Document; readonly hint?: unknown } = {}): Document {
  if (typeof key !== 'string' || key.length === 0) throw new MongoInvalidArgumentError(`distinct key must be a non-empty string, got ${describe(key)}`);
  const command: Document = { distinct: collection, key, query: optionalDocument(filter, 'distinct filter') ?? {} };
  for (const k of ['comment', 'maxTimeMS', 'collation', 'hint'] as const) if (options[k] !== undefined) command[k] = options[k];
  const rc = readConcernDocument(target.readConcern);
  if (rc !== undefined) command.readConcern = rc;
  return command;
}

/** The legacy `count` command (crud.md "count", deprecated but still a retryable read); estimatedDocumentCount sends it without a query. */
export function countCommand(collection: string, filter: unknown, target: CursorTarget, options: { readonly skip?: number; readonly limit?: number; readonly comment?: unknown; readonly maxTimeMS?: number; readonly hint?: unknown; readonly collation?: Document } = {}): Document {
  const command: Document = { count: collection };
  const query = optionalDocument(filter, 'count filter');
  if (query !== undefined) command.query = query;
  for (const k of ['skip', 'limit', 'comment', 'maxTimeMS', 'hint', 'collation'] as const) if (options[k] !== undefined) command[k] = options[k];
  const rc = readConcernDocument(target.readConcern);
  if (rc !== undefined) command.readConcern = rc;
  return command;
}

/** `listCollections` (enumerate-collections.md): filter, nameOnly, authorizedCollections. */
export function listCollectionsCommand(filter: unknown, options: { readonly nameOnly?: boolean; readonly authorizedCollections?: boolean; readonly batchSize?: number; readonly comment?: unknown } = {}): { command: Document; batchSize: number | undefined } {
  const batchSize = batchSizeOf(options.batchSize, 'listCollections options.batchSize');
  const command: Document = { listCollections: 1, filter: optionalDocument(filter, 'listCollections filter') ?? {}, cursor: batchSize === undefined ? {} : { batchSize } };
  if (options.nameOnly !== undefined) command.nameOnly = options.nameOnly;
  if (options.authorizedCollections !== undefined) command.authorizedCollections = options.authorizedCollections;
  if (options.comment !== undefined) command.comment = options.comment;
  return { command, batchSize };
}

/** `listIndexes` (index-management.md). */
export function listIndexesCommand(collection: string, options: { readonly batchSize?: number; readonly comment?: unknown } = {}): { command: Document; batchSize: number | undefined } {
  const batchSize = batchSizeOf(options.batchSize, 'listIndexes options.batchSize');
  const command: Document = { listIndexes: collection, cursor: batchSize === undefined ? {} : { batchSize } };
  if (options.comment !== undefined) command.comment = options.comment;
  return { command, batchSize };
}

/** `listDatabases` (enumerate-databases.md): filter, nameOnly, authorizedDatabases. */
export function listDatabasesCommand(options: { readonly filter?: Document; readonly nameOnly?: boolean; readonly authorizedDatabases?: boolean; readonly comment?: unknown } = {}): Document {
  const command: Document = { listDatabases: 1 };
  const filter = optionalDocument(options.filter, 'listDatabases options.filter');
  if (filter !== undefined) command.filter = filter;
  if (options.nameOnly !== undefined) command.nameOnly = options.nameOnly;
  if (options.authorizedDatabases !== undefined) command.authorizedDatabases = options.authorizedDatabases;
  if (options.comment !== undefined) command.comment = options.comment;
  return command;
}
