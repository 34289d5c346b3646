/**
 * ChangeStream (change-streams.md, shaped as the Node driver's): `watch()` on a client, database
 * or collection returns one; its first `next()`/`tryNext()`/`hasNext()` (or `open()`) sends
 * `aggregate` with a leading `$changeStream` stage — a retryable read (retryable-reads.md) —
 * and later batches come from `getMore` on the same server, waiting up to `maxAwaitTimeMS`
 * there. The stream caches a resume token (each returned change's `_id`, or the batch's
 * `postBatchResumeToken`) and, on a resumable error, resumes once ("Resume Process") with
 * `resumeAfter`, `startAfter` or `startAtOperationTime`, as the spec orders them.
 */
import { MongoError, MongoInvalidArgumentError, MongoServerError } from '../core/errors.js';
import { hasErrorLabel } from '../core/executor/index.js';
import type { ReadPreference } from '../core/selection/read-preference.js';
import { describe, readConcernDocument, type ReadConcern } from './concerns.js';
import type { CursorRunner } from './cursor.js';
import { isZeroId, maxBufferedDocuments, maxGetMoresPerCursor } from './cursor.js';
import type { Document } from './runtime/ports.js';

/** The resumable-error label servers ≥ 4.4 (wire version 9) put on resumable errors. */
export const resumableChangeStreamErrorLabel = 'ResumableChangeStreamError';
/** change-streams.md "Resumable Error": CursorNotFound is always resumable. */
const cursorNotFoundCode = 43;
/** The wire version from which only the label decides (MongoDB 4.4). */
const labelOnlyMinWireVersion = 9;
/** change-streams.md "Resumable Error": the codes that are resumable on servers before 4.4. */
export const legacyResumableCodes: ReadonlySet<number> = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133]);

/** A change stream cannot go on (a change without a resume token, an invalidate, ...). */
export class MongoChangeStreamError extends MongoError {
  override get name(): string {
    return 'MongoChangeStreamError';
  }
}

export interface ChangeStreamOptions {
  readonly fullDocument?: 'default' | 'updateLookup' | 'whenAvailable' | 'required';
  readonly fullDocumentBeforeChange?: 'off' | 'whenAvailable' | 'required';
  readonly resumeAfter?: Document;
  readonly startAfter?: Document;
  readonly startAtOperationTime?: unknown;
  /** How long each getMore waits on the server for a change (sent as the getMore's maxTimeMS). */
  readonly maxAwaitTimeMS?: number;
  readonly batchSize?: number;
  readonly collation?: Document;
  readonly comment?: unknown;
  readonly showExpandedEvents?: boolean;
}

/** Where a change stream runs: `aggregate: <collection>` or `aggregate: 1` on a database, or the whole cluster on admin. */
export interface ChangeStreamTarget {
  readonly databaseName: string;
  readonly aggregate: string | 1;
  readonly allChangesForCluster: boolean;
  readonly readPreference: ReadPreference;
  readonly readConcern: ReadConcern | undefined;
}

export interface ChangeStreamRunner extends CursorRunner {
  /** The maxWireVersion of the server at `address` as the client knows it (resumable errors depend on it). */
  maxWireVersionOf?(address: string): number | undefined;
}

const streamOptionKeys = ['fullDocument', 'fullDocumentBeforeChange', 'resumeAfter', 'startAfter', 'startAtOperationTime', 'showExpandedEvents'] as const;

export class ChangeStream<T = Document> implements AsyncIterable<T> {
  private readonly pipeline: readonly Document[];
  private readonly options: ChangeStreamOptions;
  private buffer: Document[] = [];
  private cursorId: unknown = null;
  private serverAddress: string | null = null;
  /** The getMore `collection` (from the cursor's ns: a collection, or `$cmd.aggregate`). */
  private cursorCollection = '';
  private postBatchResumeToken: Document | undefined;
  private token: Document | null = null;
  /** change-streams.md "startAtOperationTime": saved from the first aggregate when it gave nothing else to resume from. */
  private operationTime: unknown;
  private returnedAny = false;
  private started = false;
  private closedFlag = false;
  private getMores = 0;

  constructor(
    private readonly runner: ChangeStreamRunner,
    private readonly target: ChangeStreamTarget,
    pipeline: readonly Document[] = [],
    options: ChangeStreamOptions = {},
  ) {
    if (!Array.isArray(pipeline)) throw new MongoInvalidArgumentError(`watch pipeline must be an array, got ${describe(pipeline)}`);
    for (const [i, stage] of pipeline.entries()) {
      if (stage === null || typeof stage !== 'object' || Array.isArray(stage)) throw new MongoInvalidArgumentError(`watch pipeline[${i}] must be a document, got ${describe(stage)}`);
    }
    if (options === null || typeof options !== 'object') throw new MongoInvalidArgumentError(`watch options must be a document, got ${describe(options)}`);
    for (const key of ['maxAwaitTimeMS', 'batchSize'] as const) {
      const v = options[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) throw new MongoInvalidArgumentError(`watch options.${key} must be a non-negative integer, got ${describe(v)}`);
    }
    this.pipeline = pipeline;
    this.options = { ...options };
    if (options.startAtOperationTime !== undefined) this.operationTime = options.startAtOperationTime;
  }

  /** The token to resume after this point (null before anything was seen). */
  get resumeToken(): Document | null {
    return this.token;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Sends the initial aggregate if it has not been sent (the unified format's createChangeStream waits for it). */
  async open(): Promise<this> {
    if (!this.started && !this.closedFlag) {
      this.started = true;
      await this.aggregate();
    }
    return this;
  }

  /** The next change, waiting (getMore after getMore) until there is one. */
  async next(): Promise<T> {
    for (;;) {
      const doc = await this.tryNext();
      if (doc !== null) return doc;
      if (this.closedFlag) throw new MongoChangeStreamError('the change stream is closed');
    }
  }

  /** The next change if one is buffered or arrives within one getMore; null otherwise. */
  async tryNext(): Promise<T | null> {
    if (this.closedFlag) return null;
    await this.open();
    if (this.buffer.length === 0 && !this.closedFlag) await this.getMore();
    return this.shift();
  }

  /** Whether a change is available, waiting for one like next() (false once the stream is closed). */
  async hasNext(): Promise<boolean> {
    await this.open();
    for (;;) {
      if (this.buffer.length > 0) return true;
      if (this.closedFlag) return false;
      await this.getMore();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    try {
      while (!this.closedFlag) {
        const doc = await this.tryNext();
        if (doc !== null) yield doc;
      }
    } finally {
      await this.close();
    }
  }

  /** Kills the server cursor (best effort) and stops the stream; idempotent. */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.buffer = [];
    await this.killCursor();
  }

  private shift(): T | null {
    const doc = this.buffer.shift();
    if (doc === undefined) return null;
    const id = doc._id;
    if (id === undefined || id === null) {
      // change-streams.md "Resume Token": without a token the stream could not resume; it stops here.
      void this.close();
      throw new MongoChangeStreamError('Cannot provide resume functionality when the resume token is missing.');
    }
    this.returnedAny = true;
    this.token = this.buffer.length === 0 && this.postBatchResumeToken !== undefined ? this.postBatchResumeToken : (id as Document);
    return doc as T;
  }

  /** The aggregate that opens (or reopens, when resuming) the stream. */
  private command(): Document {
    const stage: Document = {};
    if (this.target.allChangesForCluster) stage.allChangesForCluster = true;
    for (const key of streamOptionKeys) if (this.options[key] !== undefined) stage[key] = this.options[key];
    if (this.started && this.cursorId !== null) this.resumeOptions(stage);
    const command: Document = { aggregate: this.target.aggregate, pipeline: [{ $changeStream: stage }, ...this.pipeline], cursor: this.options.batchSize === undefined ? {} : { batchSize: this.options.batchSize } };
    if (this.options.collation !== undefined) command.collation = this.options.collation;
    if (this.options.comment !== undefined) command.comment = this.options.comment;
    const rc = readConcernDocument(this.target.readConcern);
    if (rc !== undefined) command.readConcern = rc;
    return command;
  }

  /** change-streams.md "Resume Process": which of resumeAfter / startAfter / startAtOperationTime a resume sends. */
  private resumeOptions(stage: Document): void {
    delete stage.resumeAfter;
    delete stage.startAfter;
    delete stage.startAtOperationTime;
    if (this.token !== null) {
      if (this.options.startAfter !== undefined && !this.returnedAny) stage.startAfter = this.token;
      else stage.resumeAfter = this.token;
    } else if (this.operationTime !== undefined) {
      stage.startAtOperationTime = this.operationTime;
    } else {
      // Nothing to resume from: the original command's options stay as they were.
      for (const key of ['resumeAfter', 'startAfter', 'startAtOperationTime'] as const) if (this.options[key] !== undefined) stage[key] = this.options[key];
    }
  }

  private async aggregate(): Promise<void> {
    const { reply, address } = await this.runner.run({
      kind: 'read',
      databaseName: this.target.databaseName,
      command: this.command(),
      readPreference: this.target.readPreference,
    });
    this.serverAddress = address;
    const cursor = this.take(reply, 'firstBatch');
    const ns = typeof cursor.ns === 'string' ? cursor.ns : '';
    this.cursorCollection = ns.includes('.') ? ns.slice(ns.indexOf('.') + 1) : typeof this.target.aggregate === 'string' ? this.target.aggregate : '$cmd.aggregate';
    const noStart = this.options.resumeAfter === undefined && this.options.startAfter === undefined && this.options.startAtOperationTime === undefined;
    if (noStart && this.operationTime === undefined && this.buffer.length === 0 && this.postBatchResumeToken === undefined && reply.operationTime !== undefined) {
      this.operationTime = reply.operationTime;
    }
  }

  private async getMore(): Promise<void> {
    if (this.closedFlag) return;
    if (isZeroId(this.cursorId)) {
      // The server closed the cursor (after an invalidate): the stream is over.
      await this.close();
      return;
    }
    if (++this.getMores > maxGetMoresPerCursor) throw new MongoChangeStreamError(`change stream made more than ${maxGetMoresPerCursor} getMore calls`);
    const command: Document = { getMore: this.cursorId, collection: this.cursorCollection };
    if (this.options.batchSize !== undefined && this.options.batchSize > 0) command.batchSize = this.options.batchSize;
    if (this.options.maxAwaitTimeMS !== undefined) command.maxTimeMS = this.options.maxAwaitTimeMS;
    const address = this.serverAddress as string;
    try {
      const { reply } = await this.runner.run({ kind: 'read', databaseName: this.target.databaseName, command, address });
      this.take(reply, 'nextBatch');
    } catch (error) {
      if (!this.isResumable(error, address)) {
        await this.close();
        throw error;
      }
      // change-streams.md "Resume Process": one resume attempt, after the old cursor is killed.
      await this.killCursor();
      try {
        await this.aggregate();
      } catch (resumeError) {
        await this.close();
        throw resumeError;
      }
    }
  }

  private isResumable(error: unknown, address: string): boolean {
    // Any error that is not a server error (network, timeout) is resumable; the stream's own and the caller's are not.
    if (!(error instanceof MongoServerError)) {
      return !(error instanceof MongoChangeStreamError || error instanceof MongoInvalidArgumentError || (error instanceof Error && error.name === 'MongoTopologyClosedError'));
    }
    if (error.code === cursorNotFoundCode) return true;
    const wire = this.runner.maxWireVersionOf?.(address);
    if (wire === undefined || wire >= labelOnlyMinWireVersion) return hasErrorLabel(error, resumableChangeStreamErrorLabel);
    return error.code !== undefined && legacyResumableCodes.has(error.code);
  }

  private take(reply: Document, field: 'firstBatch' | 'nextBatch'): Document {
    const cursor = reply.cursor as Document | undefined;
    const batch = cursor?.[field];
    if (cursor === undefined || cursor === null || !Array.isArray(batch)) throw new MongoChangeStreamError(`the server's reply has no cursor.${field}`);
    if (this.buffer.length + batch.length > maxBufferedDocuments) throw new MongoChangeStreamError(`a change stream batch would buffer more than ${maxBufferedDocuments} changes`);
    this.cursorId = cursor.id ?? 0;
    this.postBatchResumeToken = cursor.postBatchResumeToken as Document | undefined;
    for (const doc of batch) this.buffer.push(doc as Document);
    // change-streams.md "Updating the Cached Resume Token": an empty batch moves the token to its postBatchResumeToken.
    if (batch.length === 0 && this.postBatchResumeToken !== undefined) this.token = this.postBatchResumeToken;
    return cursor;
  }

  private async killCursor(): Promise<void> {
    const id = this.cursorId;
    this.cursorId = 0;
    if (isZeroId(id) || this.serverAddress === null) return;
    try {
      await this.runner.run({ kind: 'command', databaseName: this.target.databaseName, command: { killCursors: this.cursorCollection, cursors: [id] }, address: this.serverAddress });
    } catch {
      // find_getmore_killcursors_commands.md: killCursors is best effort.
    }
  }
}
