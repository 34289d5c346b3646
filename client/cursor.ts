/**
 * FindCursor (find_getmore_killcursors_commands.md): the first `next()` sends `find`; further
 * batches come from `getMore` on the same server (the cursor lives there, so every getMore and
 * the final killCursors are pinned to the address that answered `find`); `close()` kills a
 * server cursor that is still open. getMore is never retried (retryable-reads.md).
 */
import { MongoInvalidArgumentError, MongoNetworkError } from '../core/errors.js';
import type { ReadPreference } from '../core/selection/read-preference.js';
import { readConcernDocument, type ReadConcern } from './concerns.js';
import { MongoCursorExhaustedError } from './errors.js';
import type { OperationSuccess } from './execute.js';
import type { RunOperation } from './runtime/api.js';
import type { Document } from './runtime/ports.js';

/** Documents buffered by one cursor at most (a bound on what a reply may hand us at once). */
export const maxBufferedDocuments = 1_000_000;
/** getMore round trips one cursor may make before it is considered runaway (loop bound). */
export const maxGetMoresPerCursor = 1_000_000;

export interface CursorRunner {
  /** `onPinned`: see runOperation (a ClientSession's transaction keeps its connection). */
  run(operation: RunOperation, onPinned?: (address: string, connectionId: number) => void): Promise<OperationSuccess>;
  /** Checks a connection pinned to a cursor (load-balanced mode) back in. */
  releasePinned?(address: string, connectionId: number): void;
}

export interface FindOptions {
  readonly sort?: Document;
  readonly projection?: Document;
  readonly limit?: number;
  readonly skip?: number;
  readonly batchSize?: number;
  readonly singleBatch?: boolean;
  // Passed to the find command as given (find_getmore_killcursors_commands.md "find").
  readonly comment?: unknown;
  readonly hint?: unknown;
  readonly max?: Document;
  readonly min?: Document;
  readonly maxTimeMS?: number;
  readonly returnKey?: boolean;
  readonly showRecordId?: boolean;
  readonly allowDiskUse?: boolean;
  readonly collation?: Document;
  readonly noCursorTimeout?: boolean;
  readonly allowPartialResults?: boolean;
  readonly let?: Document;
}

/** Every FindOptions key, in the order the find command lists them. */
export const findOptionKeys = [
  'sort', 'projection', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'comment', 'maxTimeMS', 'max', 'min', 'returnKey', 'showRecordId',
  'allowDiskUse', 'collation', 'noCursorTimeout', 'allowPartialResults', 'let',
] as const satisfies readonly (keyof FindOptions)[];

/** Find options sent only when given (the rest have their own rules in find()). */
const passThroughFindKeys = ['hint', 'comment', 'maxTimeMS', 'max', 'min', 'returnKey', 'showRecordId', 'allowDiskUse', 'collation', 'noCursorTimeout', 'allowPartialResults', 'let'] as const;

export interface CursorTarget {
  readonly databaseName: string;
  readonly collectionName: string;
  readonly readPreference: ReadPreference;
  readonly readConcern: ReadConcern | undefined;
}

type CursorId = number | bigint | { isZero(): boolean } | unknown;

/** Whether a cursor id says the server has nothing more (0, as a number, bigint or Long). */
export function isZeroId(id: CursorId): boolean {
  if (typeof id === 'number') return id === 0;
  if (typeof id === 'bigint') return id === 0n;
  if (id !== null && typeof id === 'object' && typeof (id as { isZero?: unknown }).isZero === 'function') return (id as { isZero(): boolean }).isZero();
  return id === undefined || id === null;
}

export class FindCursor<T = Document> implements AsyncIterable<T> {
  private options: FindOptions;
  private buffer: Document[] = [];
  private cursorId: CursorId = null;
  private serverAddress: string | null = null;
  private started = false;
  private closedFlag = false;
  private getMores = 0;
  /** Documents received from the server so far (a limit counts them). */
  private returned = 0;
  /** load-balancers.md "Behaviour With Cursors": the connection every getMore and killCursors use, until the cursor ends. */
  private pinnedConnection: number | null = null;

  constructor(
    private readonly runner: CursorRunner,
    private readonly target: CursorTarget,
    private readonly filter: Document,
    options: FindOptions = {},
  ) {
    this.options = { ...options };
  }

  /** The server the cursor lives on (null before the first batch). */
  get address(): string | null {
    return this.serverAddress;
  }

  /** The server cursor id (null before the first batch; 0 once the server has no more). */
  get id(): unknown {
    return this.cursorId;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Documents received and not yet returned. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  sort(sort: Document): this {
    return this.set({ sort });
  }
  project(projection: Document): this {
    return this.set({ projection });
  }
  limit(limit: number): this {
    return this.set({ limit: nonNegative(limit, 'limit') });
  }
  skip(skip: number): this {
    return this.set({ skip: nonNegative(skip, 'skip') });
  }
  batchSize(batchSize: number): this {
    return this.set({ batchSize: nonNegative(batchSize, 'batchSize') });
  }

  async hasNext(): Promise<boolean> {
    await this.fill();
    return this.buffer.length > 0;
  }

  async next(): Promise<T | null> {
    await this.fill();
    return (this.buffer.shift() as T | undefined) ?? null;
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for (;;) {
      const doc = await this.next();
      if (doc === null) return out;
      out.push(doc);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        const doc = await this.next();
        if (doc === null) return;
        yield doc;
      }
    } finally {
      await this.close();
    }
  }

  /** Fetches the next batch with getMore on the cursor's server; returns how many documents came. */
  async getMore(): Promise<number> {
    if (!this.started) throw new MongoCursorExhaustedError('getMore before the cursor ran find: call next() first');
    if (this.closedFlag || isZeroId(this.cursorId)) return 0;
    if (++this.getMores > maxGetMoresPerCursor) throw new MongoCursorExhaustedError(`cursor made more than ${maxGetMoresPerCursor} getMore calls`);
    const command: Document = { getMore: this.cursorId, collection: this.target.collectionName };
    // find_getmore_killcursors_commands.md: with a limit, ask for no more than what is left of it.
    const left = this.options.limit !== undefined && this.options.limit > 0 ? this.options.limit - this.returned : undefined;
    const batchSize = this.options.batchSize !== undefined && this.options.batchSize > 0 ? this.options.batchSize : undefined;
    const size = left === undefined ? batchSize : batchSize === undefined ? left : Math.min(left, batchSize);
    if (size !== undefined) command.batchSize = size;
    // `comment` is not repeated on getMore: servers before 4.4 reject it there.
    let reply: Document;
    try {
      ({ reply } = await this.runner.run({
        kind: 'read',
        databaseName: this.target.databaseName,
        command,
        address: this.serverAddress as string,
        ...this.pinnedOption(),
      }));
    } catch (error) {
      // Load-balanced: a network error takes the server cursor with its connection, so close() must not kill it
      // (load-balancers unified test "pinned connections are not returned after a network error during getMore").
      if (error instanceof MongoNetworkError && this.pinnedConnection !== null) this.cursorId = 0;
      throw error;
    }
    const count = this.take(reply, 'nextBatch');
    if (isZeroId(this.cursorId)) this.unpin();
    return count;
  }

  private pinnedOption(): { pinnedConnection?: number } {
    return this.pinnedConnection !== null ? { pinnedConnection: this.pinnedConnection } : {};
  }

  /** The cursor is over: its pinned connection goes back to the pool. */
  private unpin(): void {
    const id = this.pinnedConnection;
    this.pinnedConnection = null;
    if (id !== null && this.serverAddress !== null) this.runner.releasePinned?.(this.serverAddress, id);
  }

  /** Kills the server cursor if it is still open (killCursors on its server); idempotent. */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.buffer = [];
    if (!this.started || isZeroId(this.cursorId) || this.serverAddress === null) return this.unpin();
    const id = this.cursorId;
    this.cursorId = 0;
    try {
      await this.runner.run({
        kind: 'command',
        databaseName: this.target.databaseName,
        command: { killCursors: this.target.collectionName, cursors: [id] },
        address: this.serverAddress,
        ...this.pinnedOption(),
      });
    } catch {
      // find_getmore_killcursors_commands.md: killCursors is best effort; the server reaps the cursor anyway.
    }
    // load-balancers.md: the pinned connection goes back once killCursors is done, whatever its outcome.
    this.unpin();
  }

  private set(change: FindOptions): this {
    if (this.started) throw new MongoCursorExhaustedError('cursor options cannot change after the cursor has started');
    this.options = { ...this.options, ...change };
    return this;
  }

  private async fill(): Promise<void> {
    if (this.closedFlag) return;
    if (!this.started) {
      this.started = true;
      await this.find();
    }
    while (this.buffer.length === 0 && !this.closedFlag && !isZeroId(this.cursorId)) await this.getMore();
    if (this.buffer.length === 0 && isZeroId(this.cursorId)) this.closedFlag = true;
  }

  private async find(): Promise<void> {
    const command = this.firstCommand();
    const { reply, address, pinnedConnection } = await this.runner.run({
      kind: 'read',
      databaseName: this.target.databaseName,
      command,
      readPreference: this.target.readPreference,
      pinCursor: true,
    });
    this.serverAddress = address;
    if (pinnedConnection !== undefined) this.pinnedConnection = pinnedConnection;
    this.take(reply, 'firstBatch');
  }

  /** The command that opens the cursor: `find` here; aggregate and list cursors build their own. */
  protected firstCommand(): Document {
    const o = this.options;
    const command: Document = { find: this.target.collectionName, filter: this.filter };
    if (o.sort !== undefined) command.sort = o.sort;
    if (o.projection !== undefined) command.projection = o.projection;
    if (o.skip !== undefined && o.skip > 0) command.skip = o.skip;
    if (o.limit !== undefined && o.limit > 0) command.limit = o.limit;
    if (o.batchSize !== undefined && o.batchSize > 0) command.batchSize = o.batchSize;
    if (o.singleBatch === true) command.singleBatch = true;
    for (const key of passThroughFindKeys) if (o[key] !== undefined) command[key] = o[key];
    const rc = readConcernDocument(this.target.readConcern);
    if (rc !== undefined) command.readConcern = rc;
    return command;
  }

  private take(reply: Document, field: 'firstBatch' | 'nextBatch'): number {
    const cursor = reply.cursor as Document | undefined;
    const batch = cursor?.[field];
    if (cursor === undefined || cursor === null || !Array.isArray(batch)) {
      this.cursorId = 0;
      throw new MongoCursorExhaustedError(`the server's reply has no cursor.${field}`);
    }
    if (this.buffer.length + batch.length > maxBufferedDocuments) throw new MongoCursorExhaustedError(`a cursor batch would buffer more than ${maxBufferedDocuments} documents`);
    this.cursorId = cursor.id ?? 0;
    for (const doc of batch) this.buffer.push(doc as Document);
    this.returned += batch.length;
    return batch.length;
  }
}

function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MongoInvalidArgumentError(`cursor ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
