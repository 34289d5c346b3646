/**
 * Entity operations (unified-test-format.md "Entity Test Operations"): each named operation on
 * a client, database, collection or cursor entity, called through the client's Node-driver
 * API with the test's arguments. An argument the runner does not know for an operation, or an
 * operation the client does not have, is a MissingFeature naming it, never silently dropped.
 */
import type { ClientSession } from '../../client/session.js';
import type { Collection } from '../../client/collection.js';
import type { Db } from '../../client/db.js';
import type { FindCursor } from '../../client/cursor.js';
import type { GridFSBucket } from '../../client/gridfs.js';
import type { MongoClient } from '../../client/mongo-client.js';
import type { ClientEntity, Entity } from './entities.js';
import { MissingFeature } from './missing-feature.js';
import { inheritableOptions, readPreferenceInput } from './options.js';
import type { Doc, Operation } from './schema.js';
import { createChangeStream, runClientBulkWrite } from './stream-and-bulk-operations.js';

export class OperationArgumentError extends Error {
  override readonly name = 'OperationArgumentError';
}

/** How the result of an operation is matched: as one root document, a list of root documents, or a plain value. */
export type ResultShape = 'root' | 'rootList' | 'value';

export interface OperationOutcome {
  readonly result: unknown;
  readonly shape: ResultShape;
  /** A cursor to store as an entity (createFindCursor). */
  readonly cursor?: FindCursor;
}

/** Arguments every operation accepts; `session` needs explicit sessions. */
function takeArgs(op: Operation, where: string, required: readonly string[], optional: readonly string[]): Doc {
  const args = op.arguments;
  if ('timeoutMS' in args) throw new MissingFeature('client-side operation timeouts (timeoutMS)');
  for (const key of required) if (args[key] === undefined) throw new OperationArgumentError(`${where}.arguments.${key}: required by ${op.name}`);
  // The runner resolved `session` to its entity; operations that take options take it.
  const known = new Set([...required, ...optional, 'session']);
  for (const key of Object.keys(args)) if (!known.has(key)) throw new MissingFeature(`the '${key}' option of ${op.name}`);
  return args;
}

/** Operation options as the client takes them: the inheritable concerns plus the listed plain options. */
function optionsFrom(args: Doc, where: string, plain: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(inheritableOptions(pick(args, ['readPreference', 'readConcern', 'writeConcern']), `${where}.arguments`) ?? {}) };
  for (const key of [...plain, 'session']) if (args[key] !== undefined) out[key] = args[key];
  return out;
}

function pick(args: Doc, keys: readonly string[]): Doc {
  const out: Doc = {};
  for (const key of keys) if (args[key] !== undefined) out[key] = args[key];
  return out;
}

const writeOpts = ['writeConcern', 'comment', 'let'];
const findOpts = [
  'filter', 'sort', 'projection', 'skip', 'limit', 'batchSize', 'singleBatch', 'comment', 'hint', 'max', 'min', 'maxTimeMS', 'returnKey',
  'showRecordId', 'allowDiskUse', 'readConcern', 'readPreference', 'collation', 'noCursorTimeout', 'allowPartialResults', 'let',
];

export async function runCollectionOperation(coll: Collection, op: Operation, where: string): Promise<OperationOutcome> {
  const c = coll as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  switch (op.name) {
    case 'insertOne': {
      const a = takeArgs(op, where, ['document'], writeOpts);
      return { result: await coll.insertOne(a['document'] as Doc, optionsFrom(a, where, ['comment'])), shape: 'root' };
    }
    case 'insertMany': {
      const a = takeArgs(op, where, ['documents'], [...writeOpts, 'ordered']);
      return { result: await coll.insertMany(a['documents'] as Doc[], optionsFrom(a, where, ['ordered', 'comment'])), shape: 'root' };
    }
    case 'updateOne':
    case 'updateMany': {
      const a = takeArgs(op, where, ['filter', 'update'], [...writeOpts, 'upsert', 'hint', 'arrayFilters', 'collation', 'sort', 'bypassDocumentValidation']);
      return { result: await c[op.name]!(a['filter'], a['update'], optionsFrom(a, where, ['upsert', 'hint', 'arrayFilters', 'collation', 'comment', 'let', 'sort', 'bypassDocumentValidation'])), shape: 'root' };
    }
    case 'replaceOne': {
      const a = takeArgs(op, where, ['filter', 'replacement'], [...writeOpts, 'upsert', 'hint', 'collation', 'sort', 'bypassDocumentValidation']);
      return { result: await coll.replaceOne(a['filter'] as Doc, a['replacement'] as Doc, optionsFrom(a, where, ['upsert', 'hint', 'collation', 'comment', 'let', 'sort', 'bypassDocumentValidation'])), shape: 'root' };
    }
    case 'deleteOne':
    case 'deleteMany': {
      const a = takeArgs(op, where, ['filter'], [...writeOpts, 'hint', 'collation']);
      return { result: await c[op.name]!(a['filter'], optionsFrom(a, where, ['hint', 'collation', 'comment', 'let'])), shape: 'root' };
    }
    case 'findOneAndUpdate':
    case 'findOneAndReplace': {
      const second = op.name === 'findOneAndUpdate' ? 'update' : 'replacement';
      const extra = ['sort', 'projection', 'upsert', 'returnDocument', 'hint', 'collation', 'arrayFilters', 'bypassDocumentValidation', 'maxTimeMS'];
      const a = takeArgs(op, where, ['filter', second], [...writeOpts, ...extra]);
      const options = optionsFrom(a, where, [...extra, 'comment', 'let']);
      if (typeof options['returnDocument'] === 'string') options['returnDocument'] = String(options['returnDocument']).toLowerCase();
      return { result: await c[op.name]!(a['filter'], a[second], options), shape: 'root' };
    }
    case 'findOneAndDelete': {
      const extra = ['sort', 'projection', 'hint', 'collation', 'maxTimeMS'];
      const a = takeArgs(op, where, ['filter'], [...writeOpts, ...extra]);
      return { result: await coll.findOneAndDelete(a['filter'] as Doc, optionsFrom(a, where, [...extra, 'comment', 'let'])), shape: 'root' };
    }
    case 'find': {
      const a = takeArgs(op, where, [], findOpts);
      const cursor = coll.find((a['filter'] ?? {}) as Doc, optionsFrom(a, where, findOpts.filter((k) => k !== 'filter' && k !== 'readConcern' && k !== 'readPreference')));
      try {
        return { result: await cursor.toArray(), shape: 'rootList' };
      } finally {
        await cursor.close();
      }
    }
    case 'createFindCursor': {
      const a = takeArgs(op, where, [], findOpts);
      const cursor = coll.find((a['filter'] ?? {}) as Doc, optionsFrom(a, where, findOpts.filter((k) => k !== 'filter' && k !== 'readConcern' && k !== 'readPreference')));
      await cursor.hasNext();
      return { result: undefined, shape: 'value', cursor };
    }
    case 'findOne': {
      const a = takeArgs(op, where, [], findOpts);
      return { result: await coll.findOne((a['filter'] ?? {}) as Doc, optionsFrom(a, where, findOpts.filter((k) => k !== 'filter' && k !== 'readConcern' && k !== 'readPreference'))), shape: 'root' };
    }
    case 'countDocuments': {
      const a = takeArgs(op, where, ['filter'], ['skip', 'limit', 'readConcern', 'readPreference', 'comment', 'hint', 'collation', 'maxTimeMS']);
      return { result: await coll.countDocuments(a['filter'] as Doc, optionsFrom(a, where, ['skip', 'limit', 'comment', 'hint', 'collation', 'maxTimeMS'])), shape: 'value' };
    }
    default: {
      const method = c[op.name];
      if (typeof method !== 'function') throw new MissingFeature(`the collection operation ${op.name}`);
      return runGeneric(op, where, (args) => method.call(coll, ...args));
    }
  }
}

/**
 * Operations added to the client after this runner (bulkWrite, aggregate, distinct, ...):
 * called with the arguments the format names, in the Node driver's order, once the method
 * exists. Which arguments are positional is the format's (and the Node driver's) convention.
 */
const positional: Readonly<Record<string, { readonly args: readonly string[]; readonly shape: ResultShape; readonly cursor?: boolean }>> = {
  bulkWrite: { args: ['requests'], shape: 'root' },
  aggregate: { args: ['pipeline'], shape: 'rootList', cursor: true },
  distinct: { args: ['fieldName', 'filter'], shape: 'value' },
  count: { args: ['filter'], shape: 'value' },
  estimatedDocumentCount: { args: [], shape: 'value' },
  listIndexes: { args: [], shape: 'rootList', cursor: true },
  listIndexNames: { args: [], shape: 'value' },
  listCollections: { args: ['filter'], shape: 'rootList', cursor: true },
  listCollectionNames: { args: ['filter'], shape: 'value' },
  listDatabases: { args: [], shape: 'rootList' },
  listDatabaseNames: { args: [], shape: 'value' },
};

async function runGeneric(op: Operation, where: string, call: (args: unknown[]) => unknown): Promise<OperationOutcome> {
  const spec = positional[op.name];
  if (spec === undefined) throw new MissingFeature(`the ${op.name} operation in the unified runner`);
  const args = op.arguments;
  if ('session' in args) throw new MissingFeature('explicit sessions (session entities)');
  if ('timeoutMS' in args) throw new MissingFeature('client-side operation timeouts (timeoutMS)');
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!spec.args.includes(k)) rest[k] = v;
  const options = { ...rest, ...(inheritableOptions(pick(rest, ['readPreference', 'readConcern', 'writeConcern']), `${where}.arguments`) ?? {}) };
  const values: unknown[] = spec.args.map((k) => args[k]);
  while (values.length > 0 && values[values.length - 1] === undefined) values.pop();
  let result = await call([...values, options]);
  if (spec.cursor === true && result !== null && typeof result === 'object' && typeof (result as { toArray?: unknown }).toArray === 'function') {
    result = await (result as { toArray(): Promise<unknown[]> }).toArray();
  }
  return { result, shape: spec.shape };
}

export async function runDatabaseOperation(db: Db, op: Operation, where: string): Promise<OperationOutcome> {
  switch (op.name) {
    case 'runCommand': {
      const a = takeArgs(op, where, ['command'], ['commandName', 'readPreference', 'readConcern', 'writeConcern']);
      if (a['readConcern'] !== undefined || a['writeConcern'] !== undefined) throw new MissingFeature('runCommand readConcern/writeConcern options');
      const command = a['command'] as Doc;
      if (typeof a['commandName'] === 'string' && Object.keys(command)[0] !== a['commandName']) {
        throw new OperationArgumentError(`${where}.arguments.commandName: '${a['commandName']}' is not the first key of the command`);
      }
      const options = a['readPreference'] !== undefined ? { readPreference: readPreferenceInput(a['readPreference'], `${where}.arguments.readPreference`) } : undefined;
      return { result: await db.runCommand(command, options), shape: 'root' };
    }
    case 'listCollectionObjects':
      return runGeneric({ ...op, name: 'listCollections' }, where, (args) => db.listCollections(...(args as Parameters<Db['listCollections']>)));
    default: {
      const method = (db as unknown as Record<string, unknown>)[op.name];
      if (typeof method !== 'function') throw new MissingFeature(`the database operation ${op.name}`);
      return runGeneric(op, where, (args) => (method as (...a: unknown[]) => unknown).call(db, ...args));
    }
  }
}

export async function runClientOperation(client: ClientEntity, op: Operation, where: string): Promise<OperationOutcome> {
  switch (op.name) {
    case 'close':
      takeArgs(op, where, [], []);
      await client.client.close();
      return { result: undefined, shape: 'value' };
    case 'listDatabases':
    case 'listDatabaseObjects': {
      // The format's listDatabases iterates the databases; the client returns the whole reply.
      const a = takeArgs(op, where, [], ['filter', 'nameOnly', 'authorizedDatabases', 'comment']);
      const reply = await client.client.listDatabases(a as Parameters<MongoClient['listDatabases']>[0]);
      return { result: reply['databases'], shape: 'rootList' };
    }
    case 'clientBulkWrite':
      return { result: await runClientBulkWrite(client.client, op, where, OperationArgumentError), shape: 'root' };
    case 'listDatabaseNames': {
      const a = takeArgs(op, where, [], ['filter', 'authorizedDatabases', 'comment']);
      return { result: await client.client.listDatabaseNames(a as Parameters<MongoClient['listDatabaseNames']>[0]), shape: 'value' };
    }
    default: {
      const method = (client.client as unknown as Record<string, unknown>)[op.name];
      if (typeof method !== 'function') throw new MissingFeature(`the client operation ${op.name}`);
      return runGeneric(op, where, (args) => (method as (...a: unknown[]) => unknown).call(client.client, ...args));
    }
  }
}

export async function runCursorOperation(cursor: FindCursor, op: Operation, where: string): Promise<OperationOutcome> {
  switch (op.name) {
    case 'iterateUntilDocumentOrError':
    case 'iterateOnce': {
      takeArgs(op, where, [], []);
      return { result: await cursor.next(), shape: 'root' };
    }
    case 'close':
      takeArgs(op, where, [], []);
      await cursor.close();
      return { result: undefined, shape: 'value' };
    default:
      throw new MissingFeature(`the cursor operation ${op.name}`);
  }
}

export async function runBucketOperation(bucket: GridFSBucket, op: Operation, where: string): Promise<OperationOutcome> {
  switch (op.name) {
    case 'download': {
      const a = takeArgs(op, where, ['id'], []);
      return { result: await bucket.download(a['id']), shape: 'value' };
    }
    case 'downloadByName': {
      const a = takeArgs(op, where, ['filename'], ['revision']);
      return { result: await bucket.downloadByName(String(a['filename']), a['revision'] === undefined ? {} : { revision: a['revision'] as number }), shape: 'value' };
    }
    default:
      throw new MissingFeature(`the GridFS operation ${op.name}`);
  }
}

/** Transaction operations of a session entity (unified-test-format.md "Session Operations"). */
const transactionOperations: ReadonlySet<string> = new Set(['startTransaction', 'commitTransaction', 'abortTransaction', 'withTransaction']);

export async function runSessionOperation(session: ClientSession, op: Operation, where: string): Promise<OperationOutcome> {
  if (op.name === 'startTransaction') {
    const a = op.arguments;
    for (const key of Object.keys(a)) if (key !== 'readConcern' && key !== 'writeConcern') throw new MissingFeature(`the '${key}' option of startTransaction`);
    session.startTransaction(inheritableOptions(pick(a, ['readConcern', 'writeConcern']), `${where}.arguments`) ?? {});
    return { result: undefined, shape: 'value' };
  }
  if (op.name === 'commitTransaction' || op.name === 'abortTransaction') {
    await session[op.name]();
    return { result: undefined, shape: 'value' };
  }
  if (op.name === 'endSession') {
    takeArgs(op, where, [], []);
    await session.endSession();
    return { result: undefined, shape: 'value' };
  }
  if (transactionOperations.has(op.name)) throw new MissingFeature(`transactions (${op.name})`);
  throw new MissingFeature(`the session operation ${op.name}`);
}

export function runEntityOperation(entity: Entity, op: Operation, where: string): Promise<OperationOutcome> {
  if (op.name === 'createChangeStream' && (entity.type === 'client' || entity.type === 'database' || entity.type === 'collection')) {
    const owner = entity.type === 'client' ? entity.value.client : entity.value;
    // Stored as a cursor entity: the cursor operations only call next() (waits for a change, as
    // iterateUntilDocumentOrError asks) and close(), which a ChangeStream has with that meaning.
    return createChangeStream(owner, op, where, OperationArgumentError).then((stream) => ({ result: undefined, shape: 'value' as const, cursor: stream as unknown as FindCursor }));
  }
  switch (entity.type) {
    case 'bucket': return runBucketOperation(entity.value, op, where);
    case 'collection': return runCollectionOperation(entity.value, op, where);
    case 'database': return runDatabaseOperation(entity.value, op, where);
    case 'client': return runClientOperation(entity.value, op, where);
    case 'cursor': return runCursorOperation(entity.value, op, where);
    case 'session': return runSessionOperation(entity.value, op, where);
    default: throw new MissingFeature(`operations on ${entity.type} entities`);
  }
}
