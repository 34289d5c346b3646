/**
 * Change streams as a replica set member serves them (https://www.mongodb.com/docs/manual/changeStreams/,
 * change-streams.md "Server Specification"): `aggregate` whose first stage is `$changeStream`
 * opens a tailable, awaitData cursor over the oplog; `getMore` returns the change events of
 * majority-committed entries after the cursor's position, or waits up to the getMore's
 * `maxTimeMS` (default 1 s) in virtual time for one; `killCursors` closes it. Every event and
 * every batch carries a resume token (`_id` / `postBatchResumeToken`) that `resumeAfter` and
 * `startAfter` accept, and `startAtOperationTime` starts at a cluster time.
 *
 * Resume tokens are this simulator's own `{_data: hex}` strings (a real token is a hex
 * KeyString; drivers treat both as opaque): version 82, the oplog timestamp, the event's
 * position within its entry and whether it is an invalidate.
 */
import { Timestamp } from 'bson';
import { checkGetMoreNamespace, killCursorIds } from './cursors.js';
import { CommandError, ErrorCodes } from './errors.js';
import { simEpochMs } from './hello.js';
import type { Oplog, OplogEntry } from './oplog.js';
import { maxIncrementsPerSecond, toBsonTimestamp, tsIncrement, tsSeconds } from './oplog.js';
import { type Doc, matches, project } from './query.js';
import type { IncarnationTimers } from './timers.js';
import { isPlainObject, valuesEqual } from './values.js';

/** Change stream cursors per process (simulator bound). */
export const maxChangeStreamCursors = 1_000;
/** What a getMore on a change stream waits for an event when it names no maxTimeMS (the server's awaitData default, 1 s). */
export const defaultMaxAwaitTimeMs = 1_000;
/** How often a waiting getMore looks for newly committed entries (virtual ms). */
export const changeStreamPollIntervalMs = 10;
/** Events one batch returns at most when the client names no batch size (a bound, not a server default). */
export const maxEventsPerBatch = 10_000;
/** CursorInUse: a second getMore while one is waiting. */
const cursorInUseCode = 292;
/** Change stream cursor ids start here, apart from the CursorRegistry's ids. */
export const firstChangeStreamCursorId = 1 << 30;

/** Change stream errors (src/mongo/base/error_codes.yml). */
export const ChangeStreamErrorCodes = {
  /** The first stage is not $changeStream, or $changeStream is not first. */
  NotFirstStage: 40602,
  /** $changeStream on a standalone. */
  ReplicaSetOnly: 40573,
  UnknownField: 40415,
  InvalidResumeToken: 260,
  ChangeStreamFatalError: 280,
  ChangeStreamHistoryLost: 286,
} as const;

/** Errors a 4.4+ server labels ResumableChangeStreamError on a change stream getMore (the pre-4.4 resumable codes of change-streams.md). */
export const resumableChangeStreamCodes: ReadonlySet<number> = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133]);

type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';

/** Which entries a stream sees: one collection, one database, or the whole cluster. */
type Scope = { readonly kind: 'collection'; readonly db: string; readonly coll: string } | { readonly kind: 'database'; readonly db: string } | { readonly kind: 'cluster' };

interface StreamCursor {
  readonly id: number;
  readonly scope: Scope;
  readonly ns: string;
  readonly fullDocument: FullDocumentMode;
  readonly stages: readonly Doc[];
  /** Events at or before this position have been returned (or skipped). */
  after: Position;
  invalidated: boolean;
  /** A getMore is waiting on this cursor (a second one fails like a real server's). */
  busy: boolean;
}

/** A point in the event sequence: an oplog timestamp and the event's index within that entry. */
interface Position {
  readonly ts: number;
  readonly index: number;
}

export interface ChangeStreamDeps {
  /** False on a standalone (change streams need a replica set). */
  readonly replicaSet: boolean;
  readonly timers: IncarnationTimers;
  oplog(): Oplog;
  /** Oplog entries [0, n) are majority-committed. */
  committedCount(): number;
  /** Throws the NotPrimary-family error a read here would get (secondaries need a non-primary read preference). */
  checkCanRead(body: Readonly<Doc>): void;
  /** Current state of a document (updateLookup), or undefined. */
  lookup(ns: string, id: unknown): Doc | undefined;
}

/** The resume token of the event at `position` (invalidate events are marked). */
export function resumeTokenOf(position: Position, invalidate = false): Doc {
  const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');
  return { _data: `82${hex(tsSeconds(position.ts), 8)}${hex(tsIncrement(position.ts), 8)}${hex(position.index, 4)}${invalidate ? '1' : '0'}` };
}

/** Reads a resume token back; InvalidResumeToken (260) names what is wrong with it. */
export function parseResumeToken(token: unknown, field: string): { position: Position; invalidate: boolean } {
  const data = isPlainObject(token) ? token['_data'] : undefined;
  if (typeof data !== 'string' || !/^82[0-9A-F]{20}[01]$/.test(data)) {
    throw new CommandError(ChangeStreamErrorCodes.InvalidResumeToken, `${field} is not a valid resume token: expected {_data: <hex string from this server>}`);
  }
  const secs = parseInt(data.slice(2, 10), 16);
  const inc = parseInt(data.slice(10, 18), 16);
  if (inc >= maxIncrementsPerSecond) throw new CommandError(ChangeStreamErrorCodes.InvalidResumeToken, `${field}: timestamp increment out of range`);
  return { position: { ts: secs * maxIncrementsPerSecond + inc, index: parseInt(data.slice(18, 22), 16) }, invalidate: data.endsWith('1') };
}

/** Whether an aggregate command opens a change stream (its first stage is $changeStream). */
export function isChangeStreamAggregate(body: Readonly<Doc>): boolean {
  const pipeline = body['pipeline'];
  return Array.isArray(pipeline) && pipeline.length > 0 && isPlainObject(pipeline[0]) && '$changeStream' in pipeline[0];
}

const changeStreamFields = new Set(['fullDocument', 'fullDocumentBeforeChange', 'resumeAfter', 'startAfter', 'startAtOperationTime', 'allChangesForCluster', 'showExpandedEvents']);
const fullDocumentModes = new Set<string>(['default', 'updateLookup', 'whenAvailable', 'required']);

function comparePosition(a: Position, b: Position): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.index - b.index;
}

function timestampNumber(value: unknown, field: string): number {
  if (value instanceof Timestamp) return value.high * maxIncrementsPerSecond + value.low;
  throw new CommandError(ErrorCodes.TypeMismatch, `${field} must be a Timestamp`);
}

/** Top-level fields that differ between two versions of a document (updateDescription). */
function diff(before: Doc, after: Doc): { updatedFields: Doc; removedFields: string[]; truncatedArrays: Doc[] } {
  const updatedFields: Doc = {};
  const removedFields: string[] = [];
  for (const [k, v] of Object.entries(after)) if (k !== '_id' && !(k in before && valuesEqual(before[k], v))) updatedFields[k] = v;
  for (const k of Object.keys(before)) if (!(k in after)) removedFields.push(k);
  return { updatedFields, removedFields, truncatedArrays: [] };
}

export class ChangeStreams {
  private readonly cursors = new Map<number, StreamCursor>();
  private nextId = firstChangeStreamCursorId;

  constructor(private readonly deps: ChangeStreamDeps) {}

  get openCount(): number {
    return this.cursors.size;
  }

  owns(cursorId: unknown): boolean {
    return this.cursors.has(Number(cursorId));
  }

  /** The process stopped or rolled back: its cursors are gone (the client resumes elsewhere). */
  clear(): void {
    this.cursors.clear();
  }

  /** `aggregate` with a leading $changeStream: a new cursor and the events already committed after its start. */
  open(db: string, body: Readonly<Doc>): Doc {
    if (!this.deps.replicaSet) throw new CommandError(ChangeStreamErrorCodes.ReplicaSetOnly, 'The $changeStream stage is only supported on replica sets');
    this.deps.checkCanRead(body);
    const pipeline = body['pipeline'] as Doc[];
    const spec = pipeline[0]!['$changeStream'];
    if (!isPlainObject(spec)) throw new CommandError(ErrorCodes.TypeMismatch, '$changeStream stage must be an object');
    for (const key of Object.keys(spec)) {
      if (!changeStreamFields.has(key)) throw new CommandError(ChangeStreamErrorCodes.UnknownField, `BSON field '$changeStream.${key}' is an unknown field.`);
    }
    const stages = pipeline.slice(1);
    for (const stage of stages) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (name === '$changeStream') throw new CommandError(ChangeStreamErrorCodes.NotFirstStage, '$changeStream is only valid as the first stage in a pipeline.');
      if (name !== '$match' && name !== '$project') throw new CommandError(40324, `Unrecognized pipeline stage name: '${String(name)}' (the simulated change stream takes $match and $project after $changeStream)`);
    }
    const cursorSpec = body['cursor'];
    if (!isPlainObject(cursorSpec)) throw new CommandError(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
    const scope = this.scopeOf(db, body['aggregate'], spec['allChangesForCluster'] === true);
    const fullDocument = spec['fullDocument'] ?? 'default';
    if (typeof fullDocument !== 'string' || !fullDocumentModes.has(fullDocument)) {
      throw new CommandError(ErrorCodes.BadValue, `'${String(fullDocument)}' is not a valid value for $changeStream.fullDocument (default, updateLookup, whenAvailable, required)`);
    }
    const after = this.startPosition(spec);
    if (this.cursors.size >= maxChangeStreamCursors) throw new CommandError(146, `too many open change streams (${maxChangeStreamCursors})`);
    const ns = scope.kind === 'collection' ? `${scope.db}.${scope.coll}` : `${scope.kind === 'cluster' ? 'admin' : scope.db}.$cmd.aggregate`;
    const cursor: StreamCursor = { id: this.nextId++, scope, ns, fullDocument: fullDocument as FullDocumentMode, stages, after, invalidated: false, busy: false };
    this.cursors.set(cursor.id, cursor);
    const batchSize = typeof cursorSpec['batchSize'] === 'number' ? cursorSpec['batchSize'] : maxEventsPerBatch;
    const firstBatch = this.take(cursor, batchSize);
    return { cursor: { firstBatch, postBatchResumeToken: this.postBatchToken(cursor), id: this.idAfterBatch(cursor), ns }, ok: 1 };
  }

  /** getMore on a change stream cursor: answers now when events are ready, else after maxTimeMS (via `respond`). */
  getMore(body: Readonly<Doc>, respond: (reply: Doc) => void): Doc | undefined {
    const id = Number(body['getMore']);
    const cursor = this.cursors.get(id);
    if (cursor === undefined) throw new CommandError(ErrorCodes.CursorNotFound, `cursor id ${String(body['getMore'])} not found`);
    checkGetMoreNamespace(body, cursor.ns);
    if (cursor.busy) throw new CommandError(cursorInUseCode, `cursor id ${id} is already in use`);
    const batchSize = typeof body['batchSize'] === 'number' && body['batchSize'] > 0 ? body['batchSize'] : maxEventsPerBatch;
    const reply = (batch: Doc[]): Doc => ({ cursor: { nextBatch: batch, postBatchResumeToken: this.postBatchToken(cursor), id: this.idAfterBatch(cursor), ns: cursor.ns }, ok: 1 });
    const now = this.take(cursor, batchSize);
    const maxTimeMs = typeof body['maxTimeMS'] === 'number' && body['maxTimeMS'] > 0 ? body['maxTimeMS'] : defaultMaxAwaitTimeMs;
    if (now.length > 0 || cursor.invalidated) return reply(now);
    // awaitData: look again every poll interval until an event commits or the wait is over.
    cursor.busy = true;
    let waitedMs = 0;
    const poll = (): void => {
      waitedMs += changeStreamPollIntervalMs;
      if (this.cursors.get(id) !== cursor) return; // killed meanwhile: the connection's reply is moot
      const batch = this.take(cursor, batchSize);
      if (batch.length > 0 || cursor.invalidated || waitedMs >= maxTimeMs) {
        cursor.busy = false;
        respond(reply(batch));
        return;
      }
      this.deps.timers.after(Math.min(changeStreamPollIntervalMs, maxTimeMs - waitedMs), 'mongod.changeStream.await', poll);
    };
    this.deps.timers.after(Math.min(changeStreamPollIntervalMs, maxTimeMs), 'mongod.changeStream.await', poll);
    return undefined;
  }

  /** killCursors for change stream cursor ids (every id in `cursors` is one of ours). */
  kill(body: Readonly<Doc>): Doc {
    return killCursorIds(body, (id) => this.cursors.delete(id));
  }

  private scopeOf(db: string, aggregate: unknown, allChangesForCluster: boolean): Scope {
    if (aggregate === 1) {
      if (allChangesForCluster) {
        if (db !== 'admin') throw new CommandError(ErrorCodes.InvalidOptions, "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database");
        return { kind: 'cluster' };
      }
      if (db === 'admin' || db === 'config' || db === 'local') throw new CommandError(ErrorCodes.InvalidNamespace, `$changeStream may not be opened on the internal ${db} database`);
      return { kind: 'database', db };
    }
    if (typeof aggregate !== 'string' || aggregate.length === 0) throw new CommandError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${typeof aggregate}`);
    if (allChangesForCluster) throw new CommandError(ErrorCodes.InvalidOptions, "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database");
    if (db === 'admin' || db === 'config' || db === 'local' || aggregate.startsWith('system.')) {
      throw new CommandError(ErrorCodes.InvalidNamespace, `$changeStream may not be opened on the internal ${db}.${aggregate} collection`);
    }
    return { kind: 'collection', db, coll: aggregate };
  }

  /** Where the stream starts: after a resume token, at an operation time, or after the newest entry. */
  private startPosition(spec: Doc): Position {
    const given = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((k) => spec[k] !== undefined);
    if (given.length > 1) throw new CommandError(ErrorCodes.BadValue, `Only one type of resume option is allowed, but multiple were found: ${given.join(', ')}`);
    const oplog = this.deps.oplog();
    const oldest = oplog.oldest();
    if (spec['resumeAfter'] !== undefined || spec['startAfter'] !== undefined) {
      const field = spec['resumeAfter'] !== undefined ? 'resumeAfter' : 'startAfter';
      const { position, invalidate } = parseResumeToken(spec[field], `$changeStream.${field}`);
      if (invalidate && field === 'resumeAfter') {
        throw new CommandError(ChangeStreamErrorCodes.InvalidResumeToken, 'Attempting to resume a change stream using \'resumeAfter\' is not allowed from an invalidate notification.');
      }
      // An invalidate token resumes after the drop that caused it (startAfter).
      if (oldest !== undefined && position.ts < oldest.ts) this.historyLost();
      return invalidate ? { ts: position.ts, index: Number.MAX_SAFE_INTEGER } : position;
    }
    if (spec['startAtOperationTime'] !== undefined) {
      const ts = timestampNumber(spec['startAtOperationTime'], '$changeStream.startAtOperationTime');
      if (oldest !== undefined && ts < oldest.ts) this.historyLost();
      return { ts: ts - 1, index: Number.MAX_SAFE_INTEGER };
    }
    return { ts: oplog.lastOpTime().ts, index: Number.MAX_SAFE_INTEGER };
  }

  private historyLost(): never {
    throw new CommandError(ChangeStreamErrorCodes.ChangeStreamHistoryLost, 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.');
  }

  /** Up to `limit` events after the cursor's position from majority-committed entries; moves the position. */
  private take(cursor: StreamCursor, limit: number): Doc[] {
    const out: Doc[] = [];
    if (cursor.invalidated || limit <= 0) return out;
    const oplog = this.deps.oplog();
    const committed = Math.min(this.deps.committedCount(), oplog.length);
    let i = Math.max(oplog.first, this.firstIndexAfter(oplog, cursor.after.ts));
    for (; i < committed && out.length < limit; i++) {
      const entry = oplog.at(i);
      if (entry === undefined) continue;
      const events = this.eventsOf(cursor, entry, i);
      for (let k = 0; k < events.length && out.length < limit; k++) {
        const position = { ts: entry.ts, index: k };
        if (comparePosition(position, cursor.after) <= 0) continue;
        cursor.after = position;
        const event = events[k]!;
        if (event['operationType'] === 'invalidate') cursor.invalidated = true;
        if (this.passes(cursor, event)) out.push(this.applyStages(cursor, event));
        if (cursor.invalidated) return out;
      }
    }
    // Nothing more is committed: the stream has seen everything up to the commit point.
    if (i >= committed && committed > 0) {
      const last = oplog.at(committed - 1);
      if (last !== undefined && last.ts > cursor.after.ts) cursor.after = { ts: last.ts, index: Number.MAX_SAFE_INTEGER };
    }
    return out;
  }

  /** Logical index of the first entry with a timestamp ≥ ts (binary search over held entries). */
  private firstIndexAfter(oplog: Oplog, ts: number): number {
    let lo = oplog.first;
    let hi = oplog.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((oplog.at(mid) as OplogEntry).ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private inScope(cursor: StreamCursor, db: string, coll: string): boolean {
    if (db === 'admin' || db === 'config' || db === 'local' || coll.startsWith('system.')) return false;
    const s = cursor.scope;
    return s.kind === 'cluster' || (s.kind === 'database' ? s.db === db : s.db === db && s.coll === coll);
  }

  /** The change events of one oplog entry for this cursor (a drop of the watched collection also invalidates). */
  private eventsOf(cursor: StreamCursor, entry: OplogEntry, index: number): Doc[] {
    const dot = entry.ns.indexOf('.');
    const db = entry.ns.slice(0, dot);
    const coll = entry.ns.slice(dot + 1);
    const common = (k: number, invalidate = false): Doc => ({
      _id: resumeTokenOf({ ts: entry.ts, index: k }, invalidate),
      clusterTime: toBsonTimestamp(entry.ts),
      wallTime: new Date(simEpochMs + entry.wallMs),
    });
    switch (entry.op) {
      case 'i':
      case 'u':
      case 'd': {
        if (!this.inScope(cursor, db, coll)) return [];
        const id = entry.op === 'u' ? entry.o2?.['_id'] : entry.o['_id'];
        const base = { ...common(0) };
        const ns = { db, coll };
        if (entry.op === 'i') return [{ ...base, operationType: 'insert', fullDocument: entry.o, ns, documentKey: { _id: id } }];
        if (entry.op === 'd') return [{ ...base, operationType: 'delete', ns, documentKey: { _id: id } }];
        const replaced = entry.o2?.['replacement'] === true;
        if (replaced) return [{ ...base, operationType: 'replace', fullDocument: entry.o, ns, documentKey: { _id: id } }];
        const event: Doc = { ...base, operationType: 'update', ns, documentKey: { _id: id }, updateDescription: diff(this.previousImage(entry, index) ?? {}, entry.o) };
        if (cursor.fullDocument !== 'default') {
          const current = this.deps.lookup(entry.ns, id);
          if (current === undefined && cursor.fullDocument === 'required') {
            throw new CommandError(ChangeStreamErrorCodes.ChangeStreamFatalError, `fullDocument: 'required' but the document ${JSON.stringify(id)} no longer exists`);
          }
          event['fullDocument'] = current ?? null;
        }
        return [event];
      }
      case 'c': {
        const dropped = entry.o['drop'];
        if (typeof dropped !== 'string') return [];
        if (!this.inScope(cursor, db, dropped)) return [];
        const drop = { ...common(0), operationType: 'drop', ns: { db, coll: dropped } };
        // change-streams.md: a collection stream is invalidated by the drop of its collection.
        if (cursor.scope.kind === 'collection') return [drop, { ...common(1, true), operationType: 'invalidate' }];
        return [drop];
      }
      default:
        return [];
    }
  }

  /** The document as it was before an update entry (the newest earlier insert or update of its _id in the held oplog). */
  private previousImage(entry: OplogEntry, index: number): Doc | undefined {
    const oplog = this.deps.oplog();
    const id = entry.o2?.['_id'];
    for (let i = index - 1; i >= oplog.first; i--) {
      const e = oplog.at(i);
      if (e === undefined || e.ns !== entry.ns) continue;
      if (e.op === 'i' && valuesEqual(e.o['_id'], id)) return e.o;
      if (e.op === 'u' && valuesEqual(e.o2?.['_id'], id)) return e.o;
      if (e.op === 'd' && valuesEqual(e.o['_id'], id)) return undefined;
    }
    return undefined;
  }

  private passes(cursor: StreamCursor, event: Doc): boolean {
    for (const stage of cursor.stages) if ('$match' in stage && !matches(event, stage['$match'] as Doc)) return false;
    return true;
  }

  private applyStages(cursor: StreamCursor, event: Doc): Doc {
    let out = event;
    for (const stage of cursor.stages) if ('$project' in stage) out = project(out, stage['$project'] as Doc);
    return out;
  }

  /** The token of the newest position this cursor has passed (postBatchResumeToken). */
  private postBatchToken(cursor: StreamCursor): Doc {
    const index = cursor.after.index === Number.MAX_SAFE_INTEGER ? 0xffff : Math.min(cursor.after.index, 0xffff);
    return resumeTokenOf({ ts: cursor.after.ts, index }, cursor.invalidated);
  }

  /** An invalidated cursor is closed after the batch that carries the invalidate. */
  private idAfterBatch(cursor: StreamCursor): number {
    if (!cursor.invalidated) return cursor.id;
    this.cursors.delete(cursor.id);
    return 0;
  }
}
