/**
 * The unified format's createChangeStream (on a client, database or collection: `watch` and
 * wait for the initial aggregate, unified-test-format.md "createChangeStream") and
 * clientBulkWrite (`MongoClient.bulkWrite`, "clientBulkWrite": each model nested under its
 * type name, results as index-keyed documents).
 */
import type { ChangeStream, ChangeStreamOptions } from '../../client/change-stream.js';
import type { ClientBulkWriteModel, ClientBulkWriteResult } from '../../client/operations/client-bulk-write.js';
import type { MongoClient } from '../../client/mongo-client.js';
import { MissingFeature } from './missing-feature.js';
import { inheritableOptions } from './options.js';
import type { OperationArgumentError } from './operations.js';
import type { Doc, Operation } from './schema.js';

const changeStreamArgs = new Set(['pipeline', 'batchSize', 'fullDocument', 'fullDocumentBeforeChange', 'resumeAfter', 'startAfter', 'startAtOperationTime', 'maxAwaitTimeMS', 'comment', 'showExpandedEvents', 'collation']);
const bulkWriteArgs = new Set(['models', 'verboseResults', 'ordered', 'comment', 'let', 'bypassDocumentValidation', 'writeConcern']);
const modelNames = new Set(['insertOne', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany']);

function checkArgs(op: Operation, known: ReadonlySet<string>): void {
  const args = op.arguments;
  if ('session' in args) throw new MissingFeature('explicit sessions (session entities)');
  if ('timeoutMS' in args) throw new MissingFeature('client-side operation timeouts (timeoutMS)');
  for (const key of Object.keys(args)) if (!known.has(key)) throw new MissingFeature(`the '${key}' option of ${op.name}`);
}

interface Watchable {
  watch(pipeline: readonly Doc[], options?: ChangeStreamOptions): ChangeStream;
}

/** createChangeStream: the stream once its server-side cursor exists. */
export async function createChangeStream(owner: Watchable, op: Operation, where: string, argumentError: typeof OperationArgumentError): Promise<ChangeStream> {
  checkArgs(op, changeStreamArgs);
  const { pipeline, ...options } = op.arguments;
  if (pipeline !== undefined && !Array.isArray(pipeline)) throw new argumentError(`${where}.arguments.pipeline: must be an array`);
  const stream = owner.watch((pipeline ?? []) as Doc[], options as ChangeStreamOptions);
  return stream.open();
}

/** clientBulkWrite: `{insertOne: {namespace, document}}` → `{name: 'insertOne', namespace, document}` (the Node driver's model). */
export async function runClientBulkWrite(client: MongoClient, op: Operation, where: string, argumentError: typeof OperationArgumentError): Promise<Doc> {
  checkArgs(op, bulkWriteArgs);
  const { models, writeConcern, ...rest } = op.arguments;
  if (!Array.isArray(models)) throw new argumentError(`${where}.arguments.models: must be an array`);
  const converted = models.map((m, i) => {
    const keys = m !== null && typeof m === 'object' ? Object.keys(m as object) : [];
    if (keys.length !== 1 || !modelNames.has(keys[0]!)) throw new argumentError(`${where}.arguments.models[${i}]: one key naming the model type (${[...modelNames].join(', ')})`);
    return { name: keys[0], ...((m as Doc)[keys[0]!] as Doc) } as unknown as ClientBulkWriteModel;
  });
  const concern = inheritableOptions(writeConcern === undefined ? {} : { writeConcern }, `${where}.arguments`) ?? {};
  return resultDocument(await client.bulkWrite(converted, { ...rest, ...concern }));
}

function mapDocument(map: ReadonlyMap<number, object> | undefined): Doc | undefined {
  if (map === undefined) return undefined;
  const out: Doc = {};
  for (const [k, v] of map) out[String(k)] = v;
  return out;
}

/** The result as the format's BulkWriteResult document (update results without the Node-only didUpsert). */
export function resultDocument(result: ClientBulkWriteResult): Doc {
  const out: Doc = {
    acknowledged: result.acknowledged,
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  if (result.insertResults !== undefined) out['insertResults'] = mapDocument(result.insertResults);
  if (result.updateResults !== undefined) {
    const updates = new Map([...result.updateResults].map(([k, { didUpsert: _didUpsert, ...rest }]) => [k, rest]));
    out['updateResults'] = mapDocument(updates);
  }
  if (result.deleteResults !== undefined) out['deleteResults'] = mapDocument(result.deleteResults);
  return out;
}
