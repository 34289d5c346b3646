/**
 * MongoClient.bulkWrite (crud/bulk-write.md, shaped as the Node driver's 6.10+ API): write
 * models on any namespaces, each `{name, namespace, ...}`, sent as the 8.0 `bulkWrite`
 * command on admin — `ops` pointing into `nsInfo` (document sequences on the wire, plain
 * arrays here), `errorsOnly` as the inverse of `verboseResults`, `ordered` — in batches of at
 * most maxWriteBatchSize ops. The results cursor is read to the end; the summary counts and
 * (verbose) per-model results come back as a ClientBulkWriteResult, or inside a
 * MongoClientBulkWriteError when a write or write concern error occurred. Retryable when no
 * model touches several documents (retryable-writes.md; core/executor/commands.ts decides).
 */
import { MongoInvalidArgumentError, MongoServerError } from '../../core/errors.js';
import { MongoWriteConcernError } from '../../core/executor/errors.js';
import { describe, isUnacknowledged, writeConcernDocument, type WriteConcern } from '../concerns.js';
import type { CursorRunner } from '../cursor.js';
import type { Document } from '../runtime/ports.js';

/** Models one MongoClient.bulkWrite call accepts at most (a bound; batching splits by maxWriteBatchSize). */
export const maxClientBulkWriteModels = 1_000_000;
/** getMore round trips one results cursor may need at most (loop bound). */
export const maxResultGetMores = 100_000;

interface Namespaced {
  /** "db.collection" */
  readonly namespace: string;
}
export type ClientBulkWriteModel =
  | (Namespaced & { readonly name: 'insertOne'; readonly document: Document })
  | (Namespaced & { readonly name: 'updateOne' | 'updateMany'; readonly filter: Document; readonly update: Document | readonly Document[]; readonly upsert?: boolean; readonly arrayFilters?: readonly Document[]; readonly collation?: Document; readonly hint?: unknown; readonly sort?: Document })
  | (Namespaced & { readonly name: 'replaceOne'; readonly filter: Document; readonly replacement: Document; readonly upsert?: boolean; readonly collation?: Document; readonly hint?: unknown; readonly sort?: Document })
  | (Namespaced & { readonly name: 'deleteOne' | 'deleteMany'; readonly filter: Document; readonly collation?: Document; readonly hint?: unknown });

export interface ClientBulkWriteOptions {
  readonly ordered?: boolean;
  readonly verboseResults?: boolean;
  readonly bypassDocumentValidation?: boolean;
  readonly comment?: unknown;
  readonly let?: Document;
  readonly writeConcern?: WriteConcern;
}

export interface ClientInsertOneResult {
  readonly insertedId: unknown;
}
export interface ClientUpdateResult {
  readonly matchedCount: number;
  readonly modifiedCount: number;
  readonly upsertedId?: unknown;
  readonly didUpsert: boolean;
}
export interface ClientDeleteResult {
  readonly deletedCount: number;
}

export interface ClientBulkWriteResult {
  readonly acknowledged: boolean;
  readonly insertedCount: number;
  readonly upsertedCount: number;
  readonly matchedCount: number;
  readonly modifiedCount: number;
  readonly deletedCount: number;
  /** Verbose results only (verboseResults: true), keyed by the model's index. */
  readonly insertResults?: ReadonlyMap<number, ClientInsertOneResult>;
  readonly updateResults?: ReadonlyMap<number, ClientUpdateResult>;
  readonly deleteResults?: ReadonlyMap<number, ClientDeleteResult>;
}

export interface ClientBulkWriteError {
  readonly code: number | undefined;
  readonly message: string;
  readonly errInfo?: Document;
}

/** bulk-write.md "Exception": the write errors by model index, the write concern errors and what succeeded. */
export class MongoClientBulkWriteError extends MongoServerError {
  constructor(
    message: string,
    fields: { code?: number; codeName?: string; errorLabels?: readonly string[] },
    readonly writeErrors: ReadonlyMap<number, ClientBulkWriteError>,
    readonly writeConcernErrors: readonly Document[],
    readonly partialResult: ClientBulkWriteResult | undefined,
    /** The top-level error that stopped the bulk write after some results were seen. */
    readonly error?: Error,
  ) {
    super(message, fields);
  }
  override get name(): string {
    return 'MongoClientBulkWriteError';
  }
}

export interface ClientBulkWriteDeps extends CursorRunner {
  newObjectId(): unknown;
  /** The server's maxWriteBatchSize (ops per command). */
  readonly maxWriteBatchSize: number;
}

type Kind = 'insert' | 'update' | 'delete';
interface Op {
  readonly kind: Kind;
  readonly namespace: string;
  readonly body: Document;
  /** The insert's `_id` (recorded only when the server reports success). */
  readonly insertedId?: unknown;
}

function requireDoc(value: unknown, where: string): Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MongoInvalidArgumentError(`${where} must be a document, got ${describe(value)}`);
  return value as Document;
}

/** One model as its `ops` entry (the nsInfo index is filled in per batch). */
function opOf(model: unknown, index: number, newObjectId: () => unknown): Op {
  const where = `client bulkWrite models[${index}]`;
  const m = requireDoc(model, where);
  const namespace = m.namespace;
  if (typeof namespace !== 'string' || !/^[^.]+\.[^]+$/.test(namespace)) throw new MongoInvalidArgumentError(`${where}.namespace must be "db.collection", got ${describe(namespace)}`);
  const common = (body: Document): Document => {
    if (m.collation !== undefined) body.collation = m.collation;
    if (m.hint !== undefined) body.hint = m.hint;
    return body;
  };
  switch (m.name) {
    case 'insertOne': {
      const document = { ...requireDoc(m.document, `${where}.document`) };
      if (document._id === undefined) document._id = newObjectId();
      return { kind: 'insert', namespace, body: { document }, insertedId: document._id };
    }
    case 'updateOne':
    case 'updateMany':
    case 'replaceOne': {
      const replace = m.name === 'replaceOne';
      const updateMods = replace ? requireDoc(m.replacement, `${where}.replacement`) : m.update;
      if (replace) {
        if (Object.keys(updateMods as Document).some((k) => k.startsWith('$'))) throw new MongoInvalidArgumentError(`${where}.replacement must not contain atomic operators`);
      } else if (!Array.isArray(updateMods)) {
        const keys = Object.keys(requireDoc(updateMods, `${where}.update`));
        if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) throw new MongoInvalidArgumentError(`${where}.update requires atomic operators (keys starting with $)`);
      }
      const body: Document = { filter: requireDoc(m.filter, `${where}.filter`), updateMods };
      if (m.arrayFilters !== undefined) body.arrayFilters = m.arrayFilters;
      body.multi = m.name === 'updateMany';
      if (m.upsert !== undefined) body.upsert = m.upsert;
      if (m.sort !== undefined) body.sort = m.sort;
      return { kind: 'update', namespace, body: common(body) };
    }
    case 'deleteOne':
    case 'deleteMany':
      return { kind: 'delete', namespace, body: common({ filter: requireDoc(m.filter, `${where}.filter`), multi: m.name === 'deleteMany' }) };
    default:
      throw new MongoInvalidArgumentError(`${where}.name: unknown write model ${describe(m.name)} (insertOne, updateOne, updateMany, replaceOne, deleteOne, deleteMany)`);
  }
}

/** bulk-write.md "Building a bulkWrite Command": ops point into nsInfo, in first-use order. */
function commandFor(ops: readonly Op[], options: ClientBulkWriteOptions, errorsOnly: boolean, ordered: boolean, wc: WriteConcern | undefined): Document {
  const nsIndex = new Map<string, number>();
  const nsInfo: Document[] = [];
  const wireOps = ops.map((op) => {
    let i = nsIndex.get(op.namespace);
    if (i === undefined) {
      i = nsInfo.length;
      nsIndex.set(op.namespace, i);
      nsInfo.push({ ns: op.namespace });
    }
    return { [op.kind]: i, ...op.body };
  });
  const command: Document = { bulkWrite: 1, errorsOnly, ordered, ops: wireOps, nsInfo };
  if (options.bypassDocumentValidation !== undefined) command.bypassDocumentValidation = options.bypassDocumentValidation;
  if (options.comment !== undefined) command.comment = options.comment;
  if (options.let !== undefined) command.let = options.let;
  const wcDoc = writeConcernDocument(wc);
  if (wcDoc !== undefined) command.writeConcern = wcDoc;
  return command;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export async function clientBulkWrite(deps: ClientBulkWriteDeps, models: readonly unknown[], options: ClientBulkWriteOptions = {}, wc: WriteConcern | undefined): Promise<ClientBulkWriteResult> {
  if (!Array.isArray(models) || models.length === 0) throw new MongoInvalidArgumentError(`client bulkWrite needs a non-empty array of write models, got ${describe(models)}`);
  if (models.length > maxClientBulkWriteModels) throw new MongoInvalidArgumentError(`client bulkWrite got ${models.length} models; at most ${maxClientBulkWriteModels} per call`);
  const ordered = options.ordered ?? true;
  const verbose = options.verboseResults ?? false;
  if (typeof ordered !== 'boolean') throw new MongoInvalidArgumentError(`client bulkWrite options.ordered must be a boolean, got ${describe(ordered)}`);
  if (typeof verbose !== 'boolean') throw new MongoInvalidArgumentError(`client bulkWrite options.verboseResults must be a boolean, got ${describe(verbose)}`);
  const unacknowledged = isUnacknowledged(wc);
  // bulk-write.md "Unacknowledged results": an unacknowledged write cannot be ordered nor report verbose results.
  if (unacknowledged && ordered) throw new MongoInvalidArgumentError('Cannot request unacknowledged write concern and ordered writes');
  if (unacknowledged && verbose) throw new MongoInvalidArgumentError('Cannot request unacknowledged write concern and verbose results');
  const ops = models.map((m, i) => opOf(m, i, () => deps.newObjectId()));
  const batchSize = Math.max(1, deps.maxWriteBatchSize);
  const totals = { insertedCount: 0, upsertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0 };
  const insertResults = new Map<number, ClientInsertOneResult>();
  const updateResults = new Map<number, ClientUpdateResult>();
  const deleteResults = new Map<number, ClientDeleteResult>();
  const writeErrors = new Map<number, ClientBulkWriteError>();
  const writeConcernErrors: Document[] = [];
  let succeeded = false;
  const result = (): ClientBulkWriteResult => ({ acknowledged: true, ...totals, ...(verbose ? { insertResults, updateResults, deleteResults } : {}) });

  for (let start = 0; start < ops.length; start += batchSize) {
    const batch = ops.slice(start, start + batchSize);
    const command = commandFor(batch, options, !verbose, ordered, wc);
    let reply: Document;
    let address: string;
    try {
      ({ reply, address } = await deps.run({ kind: 'write', databaseName: 'admin', command }));
    } catch (error) {
      if (!(error instanceof MongoWriteConcernError)) {
        if (!succeeded && writeErrors.size === 0) throw error;
        throw new MongoClientBulkWriteError(`client bulkWrite stopped: ${(error as Error).message}`, {}, writeErrors, writeConcernErrors, succeeded ? result() : undefined, error as Error);
      }
      // bulk-write.md "Write Concern Errors": recorded, the bulk write goes on, and fails at the end.
      reply = error.result as Document;
      address = '';
      const wce = reply.writeConcernError as Document;
      writeConcernErrors.push({ code: wce.code, message: wce.errmsg, ...(wce.errInfo !== undefined ? { details: wce.errInfo } : {}) });
    }
    if (unacknowledged) return { acknowledged: false, ...totals };
    totals.insertedCount += count(reply.nInserted);
    totals.upsertedCount += count(reply.nUpserted);
    totals.matchedCount += count(reply.nMatched);
    totals.modifiedCount += count(reply.nModified);
    totals.deletedCount += count(reply.nDeleted);
    const nErrors = count(reply.nErrors);
    const results = await readResults(deps, reply, address);
    let stop = false;
    for (const r of results) {
      const idx = count(r.idx);
      const index = start + idx;
      const op = batch[idx];
      if (op === undefined) continue;
      if (r.ok !== 1) {
        writeErrors.set(index, { code: typeof r.code === 'number' ? r.code : undefined, message: String(r.errmsg ?? 'write error'), ...(r.errInfo !== undefined ? { errInfo: r.errInfo as Document } : {}) });
        if (ordered) stop = true;
        continue;
      }
      if (op.kind === 'insert') insertResults.set(index, { insertedId: op.insertedId });
      else if (op.kind === 'delete') deleteResults.set(index, { deletedCount: count(r.n) });
      else {
        const upserted = r.upserted as Document | undefined;
        updateResults.set(index, {
          matchedCount: upserted === undefined ? count(r.n) : 0,
          modifiedCount: count(r.nModified),
          ...(upserted !== undefined ? { upsertedId: upserted._id } : {}),
          didUpsert: upserted !== undefined,
        });
      }
    }
    // bulk-write.md "Handling the bulkWrite Server Response": did any write of this batch succeed?
    const firstError = [...writeErrors.keys()].filter((k) => k >= start).sort((a, b) => a - b)[0];
    if (ordered ? nErrors === 0 || (firstError !== undefined && firstError > start) : nErrors < batch.length) succeeded = true;
    if (stop) break;
  }
  if (writeErrors.size > 0 || writeConcernErrors.length > 0) {
    const first = writeErrors.values().next().value as ClientBulkWriteError | undefined;
    const message = first !== undefined ? first.message : String(writeConcernErrors[0]?.message ?? 'write concern error');
    const code = first !== undefined ? first.code : (writeConcernErrors[0]?.code as number | undefined);
    throw new MongoClientBulkWriteError(message, code === undefined ? {} : { code }, writeErrors, writeConcernErrors, succeeded ? result() : undefined);
  }
  return result();
}

/** Every document of the results cursor (getMore on the server that answered until it is exhausted). */
async function readResults(deps: ClientBulkWriteDeps, reply: Document, address: string): Promise<Document[]> {
  const cursor = reply.cursor as Document | undefined;
  if (cursor === undefined || cursor === null) return [];
  const out = [...((cursor.firstBatch as Document[] | undefined) ?? [])];
  let id = cursor.id;
  const collection = typeof cursor.ns === 'string' && cursor.ns.includes('.') ? cursor.ns.slice(cursor.ns.indexOf('.') + 1) : '$cmd.bulkWrite';
  for (let i = 0; id !== undefined && id !== null && Number(id) !== 0 && address !== ''; i++) {
    if (i >= maxResultGetMores) throw new MongoInvalidArgumentError(`client bulkWrite results cursor needed more than ${maxResultGetMores} getMores`);
    const next = await deps.run({ kind: 'read', databaseName: 'admin', command: { getMore: id, collection }, address });
    const c = next.reply.cursor as Document;
    out.push(...((c.nextBatch as Document[] | undefined) ?? []));
    id = c.id;
  }
  return out;
}
