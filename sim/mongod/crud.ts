/**
 * The data commands (insert, update, delete, findAndModify, find, count, create, drop) over a
 * Storage, shaped like a real server's command documents and replies. Writes never touch the
 * storage directly: each effect becomes an oplog entry through `WriteSink.write`, which the
 * process appends and applies — so primaries and secondaries change data the same way.
 */
import { applyReturnKey } from './find-modifiers.js';
import { calculateObjectSize } from 'bson';
import { CommandError, ErrorCodes, codeNameOf } from './errors.js';
import { maxBsonObjectSizeBytes } from './hello.js';
import type { TxnRecord } from './oplog.js';
import { type Doc, matches, project, sortComparator } from './query.js';
import type { Storage } from './storage.js';
import { applyUpdate, isOperatorUpdate, upsertSeed, validateUpdate } from './update.js';
import { compareValues, isPlainObject, valueKey } from './values.js';
import { objectToInsertTooLarge } from './wire-limits.js';

/** Server limit on statements per write command (hello's maxWriteBatchSize). */
export const maxWriteBatchSize = 100_000;
/** find's default first batch size. */
export const defaultFindBatchSize = 101;

export interface WriteSink {
  /** Appends (and applies) one oplog entry; `txn` is the retryable-write statement it completes. */
  write(op: 'i' | 'u' | 'd' | 'c' | 'n', ns: string, o: Doc, o2: Doc | undefined, txn: Omit<TxnRecord, 'result'> & { result: Doc } | undefined): void;
  newObjectId(): unknown;
}

/** The retryable-write identity of a command (Retryable Writes spec): lsid + txnNumber. */
export interface RetryContext {
  readonly lsid: string;
  readonly txnNumber: number;
  /** Results of statements this session already executed at this txnNumber, by stmtId. */
  readonly executed: ReadonlyMap<number, TxnRecord>;
}

export function nsOf(db: string, body: Readonly<Doc>, commandName: string): string {
  const coll = body[commandName];
  if (typeof coll !== 'string' || coll.length === 0) {
    throw new CommandError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${typeof coll}`);
  }
  return `${db}.${coll}`;
}

function duplicateKeyError(ns: string, id: unknown): CommandError {
  return new CommandError(ErrorCodes.DuplicateKey, `E11000 duplicate key error collection: ${ns} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`);
}

function stmtIdFor(body: Readonly<Doc>, index: number): number {
  const ids = body['stmtIds'];
  if (Array.isArray(ids) && typeof ids[index] === 'number') return ids[index] as number;
  return index;
}

function arrayField(body: Readonly<Doc>, field: string, command: string): Doc[] {
  const value = body[field];
  if (!Array.isArray(value)) throw new CommandError(ErrorCodes.FailedToParse, `BSON field '${command}.${field}' is missing but a required field`);
  if (value.length === 0) throw new CommandError(ErrorCodes.InvalidLength, `Write batch sizes must be between 1 and ${maxWriteBatchSize}. Got 0 operations.`);
  if (value.length > maxWriteBatchSize) throw new CommandError(ErrorCodes.InvalidLength, `Write batch sizes must be between 1 and ${maxWriteBatchSize}. Got ${value.length} operations.`);
  for (const item of value) if (!isPlainObject(item)) throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${command}.${field}' must be an array of objects`);
  return value as Doc[];
}

interface WriteError { index: number; code: number; codeName: string; errmsg: string }

/** Runs the statements of a write batch with ordered/unordered semantics and retryable-write replay. */
function runBatch<T extends Doc>(
  body: Readonly<Doc>,
  count: number,
  retry: RetryContext | undefined,
  execute: (index: number, txn: { lsid: string; txnNumber: number; stmtId: number } | undefined) => T,
  accumulate: (index: number, result: Readonly<Doc>) => void,
): WriteError[] {
  const ordered = body['ordered'] !== false;
  const errors: WriteError[] = [];
  for (let i = 0; i < count; i++) {
    const stmtId = stmtIdFor(body, i);
    const previous = retry?.executed.get(stmtId);
    if (previous !== undefined) {
      accumulate(i, previous.result);
      continue;
    }
    try {
      const result = execute(i, retry === undefined ? undefined : { lsid: retry.lsid, txnNumber: retry.txnNumber, stmtId });
      accumulate(i, result);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      errors.push({ index: i, code: error.code, codeName: codeNameOf(error.code), errmsg: error.message });
      if (ordered) break;
    }
  }
  return errors;
}

export function insertCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink, retry: RetryContext | undefined): Doc {
  const ns = nsOf(db, body, 'insert');
  const documents = arrayField(body, 'documents', 'insert');
  let n = 0;
  const writeErrors = runBatch(body, documents.length, retry, (i, txn) => {
    let doc = documents[i] as Doc;
    // Measured as sent, before an _id is added (the server's fixDocumentForInsert).
    const sizeBytes = calculateObjectSize(doc);
    if (sizeBytes > maxBsonObjectSizeBytes) throw objectToInsertTooLarge(sizeBytes);
    if (doc['_id'] === undefined) doc = { _id: sink.newObjectId(), ...doc };
    const coll = storage.collection(ns);
    if (coll?.docs.has(valueKey(doc['_id']))) throw duplicateKeyError(ns, doc['_id']);
    const result = { n: 1 };
    sink.write('i', ns, doc, undefined, txn && { ...txn, result });
    return result;
  }, (_i, result) => { n += Number(result['n'] ?? 0); });
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

function matchingDocs(storage: Storage, ns: string, filter: Doc | undefined): Doc[] {
  const coll = storage.collection(ns);
  if (coll === undefined) return [];
  // mongod's IDHACK: a filter that is exactly {_id: <scalar>} is one lookup in the _id index,
  // not a collection scan (the documents are keyed by valueKey(_id), which is _id equality).
  const byId = idLookupKey(filter);
  if (byId !== null) {
    const doc = coll.docs.get(byId);
    return doc !== undefined && matches(doc, filter) ? [doc] : [];
  }
  const out: Doc[] = [];
  for (const doc of coll.docs.values()) if (matches(doc, filter)) out.push(doc);
  return out;
}

/** The _id index key of a filter `{_id: v}` with `v` a scalar (not a document, array or regex), else null. */
function idLookupKey(filter: Doc | undefined): string | null {
  if (filter === undefined) return null;
  let keys = 0;
  for (const key in filter) {
    if (key !== '_id' || ++keys > 1) return null;
  }
  if (keys !== 1) return null;
  const id = filter['_id'];
  if (id === null || id === undefined || id instanceof RegExp || Array.isArray(id) || isPlainObject(id)) return null;
  return valueKey(id);
}

/**
 * An update entry's o2: `{_id}`, plus `replacement: true` for a replacement-style update (a
 * real oplog tells them apart by the shape of `o`; here `o` is always the post-image), so
 * change streams can report `replace` rather than `update`.
 */
function updateO2(id: unknown, update: Doc): Doc {
  return isOperatorUpdate(update) ? { _id: id } : { _id: id, replacement: true };
}

function filterOf(value: unknown, where: string): Doc | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new CommandError(ErrorCodes.TypeMismatch, `${where} must be an object`);
  return value;
}

/** One update statement; returns `{n, nModified, upserted?}`. */
function updateOne(storage: Storage, ns: string, spec: Doc, sink: WriteSink, txn: { lsid: string; txnNumber: number; stmtId: number } | undefined): Doc {
  const filter = filterOf(spec['q'], 'q');
  const update = spec['u'];
  validateUpdate(update);
  const multi = spec['multi'] === true;
  const upsert = spec['upsert'] === true;
  if (multi && !Object.keys(update).some((k) => k.startsWith('$'))) {
    throw new CommandError(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
  }
  const targets = matchingDocs(storage, ns, filter);
  if (targets.length === 0) {
    if (!upsert) {
      const result = { n: 0, nModified: 0 };
      if (txn !== undefined) sink.write('n', ns, { msg: 'retryable write with no effect' }, undefined, { ...txn, result });
      return result;
    }
    let doc = applyUpdate(upsertSeed(filter), update, true);
    if (doc['_id'] === undefined) doc = { _id: sink.newObjectId(), ...doc };
    const result = { n: 1, nModified: 0, upserted: doc['_id'] };
    sink.write('i', ns, doc, undefined, txn && { ...txn, result });
    return result;
  }
  const chosen = multi ? targets : targets.slice(0, 1);
  let nModified = 0;
  const changed: Array<{ before: Doc; after: Doc }> = [];
  for (const doc of chosen) {
    const after = applyUpdate(doc, update, false);
    if (after !== doc && valueKey(after) !== valueKey(doc)) changed.push({ before: doc, after });
  }
  nModified = changed.length;
  const result = { n: chosen.length, nModified };
  if (changed.length === 0 && txn !== undefined) sink.write('n', ns, { msg: 'retryable write with no effect' }, undefined, { ...txn, result });
  changed.forEach(({ before, after }, i) => {
    sink.write('u', ns, after, updateO2(before['_id'], update), i === changed.length - 1 && txn ? { ...txn, result } : undefined);
  });
  return result;
}

export function updateCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink, retry: RetryContext | undefined): Doc {
  const ns = nsOf(db, body, 'update');
  const updates = arrayField(body, 'updates', 'update');
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors = runBatch(body, updates.length, retry, (i, txn) => updateOne(storage, ns, updates[i] as Doc, sink, txn), (i, result) => {
    n += Number(result['n'] ?? 0);
    nModified += Number(result['nModified'] ?? 0);
    if (result['upserted'] !== undefined) upserted.push({ index: i, _id: result['upserted'] });
  });
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply['upserted'] = upserted;
  if (writeErrors.length > 0) reply['writeErrors'] = writeErrors;
  reply['ok'] = 1;
  return reply;
}

export function deleteCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink, retry: RetryContext | undefined): Doc {
  const ns = nsOf(db, body, 'delete');
  const deletes = arrayField(body, 'deletes', 'delete');
  let n = 0;
  const writeErrors = runBatch(body, deletes.length, retry, (i, txn) => {
    const spec = deletes[i] as Doc;
    const limit = spec['limit'];
    if (limit !== 0 && limit !== 1) throw new CommandError(ErrorCodes.FailedToParse, `The limit field in delete objects must be 0 or 1. Got ${String(limit)}`);
    const targets = matchingDocs(storage, ns, filterOf(spec['q'], 'q'));
    const chosen = limit === 1 ? targets.slice(0, 1) : targets;
    const result = { n: chosen.length };
    if (chosen.length === 0 && txn !== undefined) sink.write('n', ns, { msg: 'retryable write with no effect' }, undefined, { ...txn, result });
    chosen.forEach((doc, k) => sink.write('d', ns, { _id: doc['_id'] }, undefined, k === chosen.length - 1 && txn ? { ...txn, result } : undefined));
    return result;
  }, (_i, result) => { n += Number(result['n'] ?? 0); });
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

export function findAndModifyCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink, retry: RetryContext | undefined): Doc {
  const name = 'findAndModify' in body ? 'findAndModify' : 'findandmodify';
  const ns = nsOf(db, body, name);
  const previous = retry?.executed.get(stmtIdFor(body, 0));
  if (previous !== undefined) return { ...previous.result, ok: 1 };
  const txn = retry === undefined ? undefined : { lsid: retry.lsid, txnNumber: retry.txnNumber, stmtId: stmtIdFor(body, 0) };
  const filter = filterOf(body['query'], 'query');
  const remove = body['remove'] === true;
  const update = body['update'];
  if (remove === (update !== undefined)) throw new CommandError(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
  const returnNew = body['new'] === true;
  let targets = matchingDocs(storage, ns, filter);
  const sort = filterOf(body['sort'], 'sort');
  if (sort !== undefined) targets = targets.sort(sortComparator(sort));
  const target = targets[0];
  const fields = filterOf(body['fields'], 'fields');
  const shape = (doc: Doc | null): Doc | null => (doc === null ? null : project(doc, fields));
  let result: Doc;
  if (remove) {
    if (target === undefined) result = { lastErrorObject: { n: 0 }, value: null };
    else {
      result = { lastErrorObject: { n: 1 }, value: shape(target) };
      sink.write('d', ns, { _id: target['_id'] }, undefined, txn && { ...txn, result });
      return { ...result, ok: 1 };
    }
  } else {
    validateUpdate(update);
    if (target === undefined) {
      if (body['upsert'] !== true) result = { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
      else {
        let doc = applyUpdate(upsertSeed(filter), update, true);
        if (doc['_id'] === undefined) doc = { _id: sink.newObjectId(), ...doc };
        result = { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc['_id'] }, value: returnNew ? shape(doc) : null };
        sink.write('i', ns, doc, undefined, txn && { ...txn, result });
        return { ...result, ok: 1 };
      }
    } else {
      const after = applyUpdate(target, update, false);
      result = { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(returnNew ? after : target) };
      sink.write('u', ns, after, updateO2(target['_id'], update), txn && { ...txn, result });
      return { ...result, ok: 1 };
    }
  }
  if (txn !== undefined) sink.write('n', ns, { msg: 'retryable write with no effect' }, undefined, { ...txn, result });
  return { ...result, ok: 1 };
}

export interface FindResult {
  readonly ns: string;
  readonly docs: Doc[];
  readonly batchSize: number;
  readonly singleBatch: boolean;
}

function nonNegativeInt(body: Readonly<Doc>, field: string, command: string): number | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${command}.${field}' is the wrong type '${typeof v}', expected type 'long'`);
  if (v < 0) throw new CommandError(51024, `BSON field '${field}' value must be >= 0, actual value '${v}'`);
  return v;
}

/** Evaluates a find: all matching documents, sorted/skipped/limited/projected (cursor batching is the caller's). */
export function findCommand(storage: Storage, db: string, body: Readonly<Doc>): FindResult {
  const ns = nsOf(db, body, 'find');
  let docs = matchingDocs(storage, ns, filterOf(body['filter'], 'filter'));
  const sort = filterOf(body['sort'], 'sort');
  if (sort !== undefined) docs.sort(sortComparator(sort));
  const skip = nonNegativeInt(body, 'skip', 'find') ?? 0;
  const limit = nonNegativeInt(body, 'limit', 'find') ?? 0;
  const batchSize = nonNegativeInt(body, 'batchSize', 'find') ?? defaultFindBatchSize;
  if (skip > 0) docs = docs.slice(skip);
  if (limit > 0) docs = docs.slice(0, limit);
  const projection = filterOf(body['projection'], 'projection');
  if (projection !== undefined) docs = docs.map((d) => project(d, projection));
  docs = applyReturnKey(docs, body);
  return { ns, docs, batchSize, singleBatch: body['singleBatch'] === true || (limit > 0 && limit <= batchSize) };
}

export function countCommand(storage: Storage, db: string, body: Readonly<Doc>): Doc {
  const ns = nsOf(db, body, 'count');
  let n = matchingDocs(storage, ns, filterOf(body['query'], 'query')).length;
  const skip = nonNegativeInt(body, 'skip', 'count') ?? 0;
  const limit = Math.abs(typeof body['limit'] === 'number' ? body['limit'] : 0);
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
}

export function createCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink): Doc {
  const ns = nsOf(db, body, 'create');
  if (storage.collection(ns) !== undefined) throw new CommandError(ErrorCodes.NamespaceExists, `Collection ${ns} already exists.`);
  sink.write('c', `${db}.$cmd`, { create: body['create'] as string }, undefined, undefined);
  return { ok: 1 };
}

export function dropCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink, dropMissingIsOk: boolean): Doc {
  const ns = nsOf(db, body, 'drop');
  const coll = storage.collection(ns);
  if (coll === undefined) {
    if (dropMissingIsOk) return { ok: 1 };
    throw new CommandError(ErrorCodes.NamespaceNotFound, 'ns not found');
  }
  const nIndexesWas = 1;
  sink.write('c', `${db}.$cmd`, { drop: body['drop'] as string }, undefined, undefined);
  return { nIndexesWas, ns, ok: 1 };
}

// ---- read commands beyond find (for retryable reads and the unified test format) ------------

/** Pipeline stages `aggregate` supports: enough for countDocuments and simple pipelines. */
export const supportedPipelineStages = ['$match', '$sort', '$skip', '$limit', '$project', '$count', '$group'] as const;

function fieldRef(value: unknown, doc: Doc): unknown {
  return typeof value === 'string' && value.startsWith('$') ? getField(doc, value.slice(1)) : value;
}

function getField(doc: Doc, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function groupStage(docs: Doc[], spec: Doc): Doc[] {
  if (!('_id' in spec)) throw new CommandError(15955, "a group specification must include an _id");
  const groups = new Map<string, Doc>();
  for (const doc of docs) {
    const id = fieldRef(spec['_id'], doc) ?? null;
    const key = valueKey(id);
    let group = groups.get(key);
    if (group === undefined) {
      group = { _id: id };
      groups.set(key, group);
    }
    for (const [field, accumulator] of Object.entries(spec)) {
      if (field === '_id') continue;
      if (!isPlainObject(accumulator) || Object.keys(accumulator).length !== 1) throw new CommandError(40234, `The field '${field}' must be an accumulator object`);
      const [op, arg] = Object.entries(accumulator)[0] as [string, unknown];
      const value = fieldRef(arg, doc);
      switch (op) {
        case '$sum': group[field] = Number(group[field] ?? 0) + (typeof value === 'number' ? value : 0); break;
        case '$max': if (group[field] === undefined || compareValues(value, group[field]) > 0) group[field] = value; break;
        case '$min': if (group[field] === undefined || compareValues(value, group[field]) < 0) group[field] = value; break;
        case '$first': if (!(field in group)) group[field] = value; break;
        case '$push': group[field] = [...((group[field] as unknown[] | undefined) ?? []), value]; break;
        default: throw new CommandError(15952, `unknown group operator '${op}'`);
      }
    }
  }
  return [...groups.values()];
}

/** Evaluates an aggregate over one collection; returns the result documents (cursor batching is the caller's). */
export function aggregateCommand(storage: Storage, db: string, body: Readonly<Doc>): FindResult {
  const ns = nsOf(db, body, 'aggregate');
  const pipeline = body['pipeline'];
  if (!Array.isArray(pipeline)) throw new CommandError(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
  const cursor = body['cursor'];
  if (!isPlainObject(cursor)) throw new CommandError(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
  let docs = matchingDocs(storage, ns, undefined);
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    const [name, arg] = Object.entries(stage)[0] as [string, unknown];
    switch (name) {
      case '$match': docs = docs.filter((d) => matches(d, filterOf(arg, '$match'))); break;
      case '$sort': docs = [...docs].sort(sortComparator(filterOf(arg, '$sort') ?? {})); break;
      case '$skip': docs = docs.slice(Number(arg)); break;
      case '$limit': docs = docs.slice(0, Number(arg)); break;
      case '$project': docs = docs.map((d) => project(d, filterOf(arg, '$project'))); break;
      case '$count':
        if (typeof arg !== 'string' || arg.length === 0) throw new CommandError(40156, 'the count field must be a non-empty string');
        docs = docs.length === 0 ? [] : [{ [arg]: docs.length }];
        break;
      case '$group': docs = groupStage(docs, filterOf(arg, '$group') ?? {}); break;
      default: throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
    }
  }
  const batchSize = typeof cursor['batchSize'] === 'number' ? cursor['batchSize'] : defaultFindBatchSize;
  return { ns, docs, batchSize, singleBatch: false };
}

export function distinctCommand(storage: Storage, db: string, body: Readonly<Doc>): Doc {
  const ns = nsOf(db, body, 'distinct');
  const key = body['key'];
  if (typeof key !== 'string') throw new CommandError(ErrorCodes.FailedToParse, "BSON field 'distinct.key' is missing but a required field");
  const values: unknown[] = [];
  const seen = new Set<string>();
  for (const doc of matchingDocs(storage, ns, filterOf(body['query'], 'query'))) {
    const value = getField(doc, key);
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const k = valueKey(v);
      if (!seen.has(k)) {
        seen.add(k);
        values.push(v);
      }
    }
  }
  return { values, ok: 1 };
}

export function listCollectionsCommand(storage: Storage, db: string, body: Readonly<Doc>): Doc {
  const filter = filterOf(body['filter'], 'filter');
  const nameOnly = body['nameOnly'] === true;
  const firstBatch: Doc[] = [];
  for (const ns of [...storage.collections.keys()].sort()) {
    if (!ns.startsWith(`${db}.`)) continue;
    const name = ns.slice(db.length + 1);
    const entry: Doc = nameOnly ? { name, type: 'collection' } : { name, type: 'collection', options: {}, info: { readOnly: false }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } };
    if (matches(entry, filter)) firstBatch.push(entry);
  }
  return { cursor: { id: 0, ns: `${db}.$cmd.listCollections`, firstBatch }, ok: 1 };
}

export function listDatabasesCommand(storage: Storage, body: Readonly<Doc>): Doc {
  const names = new Set<string>();
  for (const ns of storage.collections.keys()) names.add(ns.slice(0, ns.indexOf('.')));
  const databases = [...names].sort().map((name) => ({ name, sizeOnDisk: 8192, empty: false }));
  if (body['nameOnly'] === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
  return { databases, totalSize: databases.length * 8192, totalSizeMb: 0, ok: 1 };
}

export function listIndexesCommand(storage: Storage, db: string, body: Readonly<Doc>): Doc {
  const ns = nsOf(db, body, 'listIndexes');
  if (storage.collection(ns) === undefined) throw new CommandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ns}`);
  return { cursor: { id: 0, ns, firstBatch: [{ v: 2, key: { _id: 1 }, name: '_id_' }] }, ok: 1 };
}

/**
 * The retryable-write identity of a write command (retryable-writes.md): `lsid` + `txnNumber`
 * outside a transaction, with the statements this session already executed at that number.
 */
export function retryContextFor(storage: Storage, body: Readonly<Doc>, replicaSet: boolean): RetryContext | undefined {
  const txnNumber = body['txnNumber'];
  const lsid = body['lsid'];
  if (txnNumber === undefined || lsid === undefined) return undefined;
  if (!replicaSet) throw new CommandError(ErrorCodes.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos');
  const n = Number(txnNumber);
  if (!Number.isInteger(n) || n < 0) throw new CommandError(ErrorCodes.BadValue, 'txnNumber must be a non-negative integer');
  const key = isPlainObject(lsid) ? valueKey(lsid['id'] ?? lsid) : valueKey(lsid);
  const session = storage.sessions.get(key);
  if (session !== undefined && session.txnNumber > n) {
    throw new CommandError(ErrorCodes.TransactionTooOld, `Retryable write with txnNumber ${n} is prohibited on session ${key} because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`);
  }
  return { lsid: key, txnNumber: n, executed: session !== undefined && session.txnNumber === n ? session.statements : new Map() };
}
