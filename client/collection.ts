/**
 * A collection handle: CRUD operations as the Node driver names and shapes them. Each builds
 * its command, inherits read preference / write/read concern from the db (overridable per
 * operation), and runs it through the client's runtime with `kind` telling the executor what
 * may be retried.
 */
import { MongoInvalidArgumentError } from '../core/errors.js';
import type { ReadPreference } from '../core/selection/read-preference.js';
import { describe, isUnacknowledged, readConcernDocument, writeConcernDocument, type ReadConcern, type WriteConcern } from './concerns.js';
import { FindCursor, findOptionKeys, type CursorRunner, type CursorTarget, type FindOptions } from './cursor.js';
import { ChangeStream, type ChangeStreamOptions } from './change-stream.js';
import { inherit, pickInheritable, type InheritableOptions, type InheritedOptions } from './inheritance.js';
import type { Document } from './runtime/ports.js';
import type { ClientSession } from './session.js';
import { bulkWrite, type AnyBulkWriteOperation, type BulkWriteResult } from './operations/bulk-write.js';
import { aggregateCommand, CommandCursor, countCommand, distinctCommand, listIndexesCommand, type AggregateOptions } from './operations/read-commands.js';
import {
  deleteResult,
  insertManyResult,
  insertOneResult,
  updateResult,
  type DeleteResult,
  type InsertManyResult,
  type InsertOneResult,
  type UpdateResult,
} from './operations/write-results.js';

/** What a collection needs from its client. */
export interface CollectionContext extends CursorRunner {
  newObjectId(): unknown;
}

/** insertMany accepts at most this many documents per call (the client does not split batches). */
export const maxInsertManyDocuments = 100_000;

export interface WriteOptions extends InheritableOptions {
  /** An explicit session (driver-sessions.md), and with it its transaction. */
  readonly session?: ClientSession;
}
export interface InsertManyOptions extends WriteOptions {
  readonly ordered?: boolean;
}
export interface UpdateOptions extends WriteOptions {
  readonly upsert?: boolean;
}
export interface FindOneAndOptions extends WriteOptions {
  readonly sort?: Document;
  readonly projection?: Document;
  readonly upsert?: boolean;
  /** Node driver: 'before' (default) or 'after' the change. */
  readonly returnDocument?: 'before' | 'after';
  /** Node driver 6+: false (default) returns the document; true returns `{value, ok, lastErrorObject}`. */
  readonly includeResultMetadata?: boolean;
}
export interface ReadOptions extends InheritableOptions {
  /** An explicit session (driver-sessions.md), and with it its transaction. */
  readonly session?: ClientSession;
}
export interface FindCommandOptions extends ReadOptions, FindOptions {}
export interface BulkWriteOptions extends WriteOptions {
  readonly ordered?: boolean;
  readonly bypassDocumentValidation?: boolean;
  readonly comment?: unknown;
  readonly let?: Document;
}
export interface CountOptions extends ReadOptions {
  readonly skip?: number;
  readonly limit?: number;
}

export class Collection<TSchema extends Document = Document> {
  readonly settings: InheritedOptions;

  constructor(
    private readonly context: CollectionContext,
    readonly dbName: string,
    readonly collectionName: string,
    parent: InheritedOptions,
    options?: InheritableOptions,
  ) {
    this.settings = inherit(parent, options, `collection("${collectionName}") options`);
  }

  /** "db.collection" */
  get namespace(): string {
    return `${this.dbName}.${this.collectionName}`;
  }
  get readPreference(): ReadPreference {
    return this.settings.readPreference;
  }
  get writeConcern(): WriteConcern | undefined {
    return this.settings.writeConcern;
  }
  get readConcern(): ReadConcern | undefined {
    return this.settings.readConcern;
  }

  /** The same collection with some settings replaced (PyMongo `with_options`). */
  withOptions(options: InheritableOptions): Collection<TSchema> {
    return new Collection<TSchema>(this.context, this.dbName, this.collectionName, this.settings, options);
  }

  async insertOne(doc: TSchema, options?: WriteOptions): Promise<InsertOneResult> {
    const document = withId(requireDocument(doc, 'insertOne document'), this.context);
    const wc = this.effective(options, 'insertOne options').writeConcern;
    // The Node driver sends insertOne as an ordered one-document insert.
    const reply = await this.write({ insert: this.collectionName, documents: [document], ordered: true }, wc, options?.session);
    return insertOneResult(reply, document._id);
  }

  async insertMany(docs: readonly TSchema[], options?: InsertManyOptions): Promise<InsertManyResult> {
    if (!Array.isArray(docs) || docs.length === 0) throw new MongoInvalidArgumentError(`insertMany needs a non-empty array of documents, got ${describe(docs)}`);
    if (docs.length > maxInsertManyDocuments) throw new MongoInvalidArgumentError(`insertMany got ${docs.length} documents; at most ${maxInsertManyDocuments} per call`);
    const ordered = options?.ordered ?? true;
    if (typeof ordered !== 'boolean') throw new MongoInvalidArgumentError(`insertMany options.ordered must be a boolean, got ${describe(ordered)}`);
    const documents = docs.map((d, i) => withId(requireDocument(d, `insertMany documents[${i}]`), this.context));
    const wc = this.effective(options, 'insertMany options').writeConcern;
    const reply = await this.write({ insert: this.collectionName, documents, ordered }, wc, options?.session);
    return insertManyResult(reply, documents.map((d) => d._id), ordered);
  }

  async updateOne(filter: Document, update: Document, options?: UpdateOptions): Promise<UpdateResult> {
    return this.update('updateOne', filter, requireUpdate(update, 'updateOne'), false, options);
  }
  async updateMany(filter: Document, update: Document, options?: UpdateOptions): Promise<UpdateResult> {
    return this.update('updateMany', filter, requireUpdate(update, 'updateMany'), true, options);
  }
  async replaceOne(filter: Document, replacement: TSchema, options?: UpdateOptions): Promise<UpdateResult> {
    return this.update('replaceOne', filter, requireReplacement(replacement, 'replaceOne'), false, options);
  }

  async deleteOne(filter: Document, options?: WriteOptions): Promise<DeleteResult> {
    return this.delete('deleteOne', filter, 1, options);
  }
  async deleteMany(filter: Document, options?: WriteOptions): Promise<DeleteResult> {
    return this.delete('deleteMany', filter, 0, options);
  }

  async findOneAndUpdate(filter: Document, update: Document, options?: FindOneAndOptions): Promise<unknown> {
    return this.findAndModify('findOneAndUpdate', filter, { update: requireUpdate(update, 'findOneAndUpdate') }, options);
  }
  async findOneAndReplace(filter: Document, replacement: TSchema, options?: FindOneAndOptions): Promise<unknown> {
    return this.findAndModify('findOneAndReplace', filter, { update: requireReplacement(replacement, 'findOneAndReplace') }, options);
  }
  async findOneAndDelete(filter: Document, options?: FindOneAndOptions): Promise<unknown> {
    if (options?.upsert !== undefined || options?.returnDocument !== undefined) {
      throw new MongoInvalidArgumentError('findOneAndDelete does not take upsert or returnDocument');
    }
    return this.findAndModify('findOneAndDelete', filter, { remove: true }, options);
  }

  /** Inserts, updates, replaces and deletes in as few commands as the order allows (operations/bulk-write.ts). */
  async bulkWrite(models: readonly AnyBulkWriteOperation[], options?: BulkWriteOptions): Promise<BulkWriteResult> {
    const wc = this.effective(options, 'bulkWrite options').writeConcern;
    return bulkWrite(
      { collectionName: this.collectionName, newObjectId: () => this.context.newObjectId(), runWrite: (command) => this.write(command, wc) },
      models,
      {
        ...(options?.ordered !== undefined ? { ordered: options.ordered } : {}),
        ...(options?.bypassDocumentValidation !== undefined ? { bypassDocumentValidation: options.bypassDocumentValidation } : {}),
        ...(options?.comment !== undefined ? { comment: options.comment } : {}),
        ...(options?.let !== undefined ? { let: options.let } : {}),
      },
    );
  }

  find(filter: Document = {}, options?: FindCommandOptions): FindCursor<TSchema> {
    const settings = this.effective(options, 'find options');
    const findOptions: Record<string, unknown> = {};
    if (options !== undefined) for (const key of findOptionKeys) if (options[key] !== undefined) findOptions[key] = options[key];
    const session = options?.session;
    return new FindCursor<TSchema>(
      session === undefined ? this.context : session.runner((op, onPinned) => this.context.run(op, onPinned), this.context.releasePinned?.bind(this.context)),
      { databaseName: this.dbName, collectionName: this.collectionName, readPreference: settings.readPreference, readConcern: settings.readConcern },
      requireDocument(filter, 'find filter'),
      findOptions as FindOptions,
    );
  }

  /** find with limit 1 in a single batch (no server cursor is left open). */
  async findOne(filter: Document = {}, options?: FindCommandOptions): Promise<TSchema | null> {
    const cursor = this.find(filter, { ...options, limit: 1, batchSize: 1, singleBatch: true });
    try {
      return await cursor.next();
    } finally {
      await cursor.close();
    }
  }

  /** crud.md "countDocuments": an aggregate of $match, $skip, $limit and a $group summing 1. */
  async countDocuments(filter: Document = {}, options?: CountOptions): Promise<number> {
    const settings = this.effective(options, 'countDocuments options');
    const pipeline: Document[] = [{ $match: requireDocument(filter, 'countDocuments filter') }];
    if (options?.skip !== undefined) pipeline.push({ $skip: nonNegativeInt(options.skip, 'countDocuments options.skip') });
    if (options?.limit !== undefined) pipeline.push({ $limit: nonNegativeInt(options.limit, 'countDocuments options.limit') });
    pipeline.push({ $group: { _id: 1, n: { $sum: 1 } } });
    const command: Document = { aggregate: this.collectionName, pipeline, cursor: {} };
    const rc = readConcernDocument(settings.readConcern);
    if (rc !== undefined) command.readConcern = rc;
    const { reply } = await this.context.run({ kind: 'read', databaseName: this.dbName, command, readPreference: settings.readPreference });
    const batch = (reply.cursor as Document | undefined)?.firstBatch;
    const first = Array.isArray(batch) ? (batch[0] as Document | undefined) : undefined;
    return typeof first?.n === 'number' ? first.n : 0;
  }

  /** crud.md "aggregate": a cursor over the pipeline's output (read stages only). */
  aggregate<T extends Document = Document>(pipeline: readonly Document[], options?: AggregateOptions & ReadOptions): CommandCursor<T> {
    const target = this.cursorTarget(options, 'aggregate options');
    const { command, batchSize } = aggregateCommand(this.collectionName, pipeline, target, options);
    return new CommandCursor<T>(this.context, target, command, batchSize);
  }

  /** crud.md "distinct": the distinct values of `key` among the documents matching `filter`. */
  async distinct(key: string, filter: Document = {}, options?: ReadOptions & { comment?: unknown; maxTimeMS?: number; collation?: Document; hint?: unknown }): Promise<unknown[]> {
    const target = this.cursorTarget(options, 'distinct options');
    const reply = await this.read(distinctCommand(this.collectionName, key, filter, target, options), target);
    return Array.isArray(reply.values) ? reply.values : [];
  }

  /** The deprecated `count` command (crud.md "count"). */
  async count(filter: Document = {}, options?: CountOptions & { comment?: unknown; maxTimeMS?: number; hint?: unknown; collation?: Document }): Promise<number> {
    const target = this.cursorTarget(options, 'count options');
    const reply = await this.read(countCommand(this.collectionName, filter, target, options), target);
    return typeof reply.n === 'number' ? reply.n : 0;
  }

  /** crud.md "estimatedDocumentCount": the `count` command without a query. */
  async estimatedDocumentCount(options?: ReadOptions & { comment?: unknown; maxTimeMS?: number }): Promise<number> {
    const target = this.cursorTarget(options, 'estimatedDocumentCount options');
    const reply = await this.read(countCommand(this.collectionName, undefined, target, options), target);
    return typeof reply.n === 'number' ? reply.n : 0;
  }

  /** index-management.md "listIndexes": a cursor over the index specifications. */
  listIndexes(options?: ReadOptions & { batchSize?: number; comment?: unknown }): CommandCursor<Document> {
    const target = this.cursorTarget(options, 'listIndexes options');
    const { command, batchSize } = listIndexesCommand(this.collectionName, options);
    return new CommandCursor(this.context, target, command, batchSize);
  }

  /** The index names (index-management.md "listIndexNames"). */
  async listIndexNames(options?: ReadOptions & { batchSize?: number; comment?: unknown }): Promise<string[]> {
    return (await this.listIndexes(options).toArray()).map((index) => String(index.name));
  }

  /** change-streams.md: a change stream on this collection (`aggregate: <collection>` with $changeStream). */
  watch<T extends Document = Document>(pipeline: readonly Document[] = [], options?: ChangeStreamOptions & ReadOptions): ChangeStream<T> {
    const settings = this.effective(options, 'watch options');
    return new ChangeStream<T>(this.context, { databaseName: this.dbName, aggregate: this.collectionName, allChangesForCluster: false, readPreference: settings.readPreference, readConcern: settings.readConcern }, pipeline, options);
  }

  private cursorTarget(options: object | undefined, where: string): CursorTarget {
    const settings = this.effective(options, where);
    return { databaseName: this.dbName, collectionName: this.collectionName, readPreference: settings.readPreference, readConcern: settings.readConcern };
  }

  private async read(command: Document, target: CursorTarget): Promise<Document> {
    const { reply } = await this.context.run({ kind: 'read', databaseName: this.dbName, command, readPreference: target.readPreference });
    return reply;
  }

  private effective(options: object | undefined, where: string): InheritedOptions {
    return inherit(this.settings, pickInheritable(options), where);
  }

  /** Runs a write command; null for an unacknowledged write (no reply to read). */
  private async write(command: Document, wc: WriteConcern | undefined, session?: ClientSession): Promise<Document | null> {
    const wcDoc = writeConcernDocument(wc);
    if (wcDoc !== undefined) command.writeConcern = wcDoc;
    const operation = { kind: 'write' as const, databaseName: this.dbName, command };
    const { reply } = await (session === undefined ? this.context.run(operation) : session.runOperation((op, onPinned) => this.context.run(op, onPinned), operation));
    return isUnacknowledged(wc) ? null : reply;
  }

  private async update(name: string, filter: Document, update: Document, multi: boolean, options: UpdateOptions | undefined): Promise<UpdateResult> {
    const statement: Document = { q: requireDocument(filter, `${name} filter`), u: update, multi };
    if (options?.upsert !== undefined) statement.upsert = requireBoolean(options.upsert, `${name} options.upsert`);
    const wc = this.effective(options, `${name} options`).writeConcern;
    return updateResult(await this.write({ update: this.collectionName, updates: [statement], ordered: true }, wc, options?.session));
  }

  private async delete(name: string, filter: Document, limit: 0 | 1, options: WriteOptions | undefined): Promise<DeleteResult> {
    const wc = this.effective(options, `${name} options`).writeConcern;
    const statement = { q: requireDocument(filter, `${name} filter`), limit };
    return deleteResult(await this.write({ delete: this.collectionName, deletes: [statement], ordered: true }, wc, options?.session));
  }

  private async findAndModify(name: string, filter: Document, change: Document, options: FindOneAndOptions | undefined): Promise<unknown> {
    const command: Document = { findAndModify: this.collectionName, query: requireDocument(filter, `${name} filter`), ...change };
    if (options?.sort !== undefined) command.sort = requireDocument(options.sort, `${name} options.sort`);
    if (options?.projection !== undefined) command.fields = requireDocument(options.projection, `${name} options.projection`);
    if (options?.upsert !== undefined) command.upsert = requireBoolean(options.upsert, `${name} options.upsert`);
    const returnDocument = options?.returnDocument ?? 'before';
    if (returnDocument !== 'before' && returnDocument !== 'after') {
      throw new MongoInvalidArgumentError(`${name} options.returnDocument must be "before" or "after", got ${describe(returnDocument)}`);
    }
    if (returnDocument === 'after') command.new = true;
    const wc = this.effective(options, `${name} options`).writeConcern;
    const reply = await this.write(command, wc, options?.session);
    if (reply === null) return null;
    if (options?.includeResultMetadata === true) return { value: reply.value ?? null, ok: reply.ok, lastErrorObject: reply.lastErrorObject };
    return reply.value ?? null;
  }
}

function requireDocument(value: unknown, where: string): Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MongoInvalidArgumentError(`${where} must be a document (object), got ${describe(value)}`);
  return value as Document;
}

/** Node driver: an update document must use only update operators ($set, ...). */
function requireUpdate(update: unknown, name: string): Document {
  const doc = requireDocument(update, `${name} update`);
  const keys = Object.keys(doc);
  if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) throw new MongoInvalidArgumentError(`${name} update document requires atomic operators (keys starting with $), got keys ${JSON.stringify(keys)}`);
  return doc;
}

/** Node driver: a replacement document must not contain update operators. */
function requireReplacement(replacement: unknown, name: string): Document {
  const doc = requireDocument(replacement, `${name} replacement`);
  const bad = Object.keys(doc).find((k) => k.startsWith('$'));
  if (bad !== undefined) throw new MongoInvalidArgumentError(`${name} replacement document must not contain atomic operators, got key ${JSON.stringify(bad)}`);
  return doc;
}

function requireBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new MongoInvalidArgumentError(`${where} must be a boolean, got ${describe(value)}`);
  return value;
}

function nonNegativeInt(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new MongoInvalidArgumentError(`${where} must be a non-negative integer, got ${describe(value)}`);
  return value;
}

/** As the Node driver, an `_id` is added to documents without one, and the caller's object gets it too. */
function withId(doc: Document, context: CollectionContext): Document & { _id: unknown } {
  if (doc._id === undefined) doc._id = context.newObjectId();
  return doc as Document & { _id: unknown };
}
