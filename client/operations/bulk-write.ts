/**
 * Collection.bulkWrite (crud.md "Bulk Write", shaped as the Node driver's): the models are
 * grouped into insert / update / delete commands — consecutive models of one kind for an
 * ordered bulk write, one command per kind (inserts, then updates, then deletes) for an
 * unordered one — and the replies are summed into a BulkWriteResult. An ordered bulk write
 * stops at the first write error; either kind throws a MongoBulkWriteError at the end that
 * carries every write error (with its index in `models`) and the partial result.
 */
import { MongoInvalidArgumentError, MongoServerError } from '../../core/errors.js';
import { MongoWriteConcernError } from '../../core/executor/errors.js';
import { describe } from '../concerns.js';
import { MongoBulkWriteError, type WriteError } from '../errors.js';
import type { Document } from '../runtime/ports.js';
import { writeErrorsOf } from './write-results.js';

/** Models per bulkWrite call at most (the client does not split commands by maxWriteBatchSize). */
export const maxBulkWriteModels = 100_000;

export type AnyBulkWriteOperation =
  | { readonly insertOne: { readonly document: Document } }
  | { readonly updateOne: UpdateModel }
  | { readonly updateMany: UpdateModel }
  | { readonly replaceOne: { readonly filter: Document; readonly replacement: Document; readonly upsert?: boolean; readonly collation?: Document; readonly hint?: unknown; readonly sort?: Document } }
  | { readonly deleteOne: DeleteModel }
  | { readonly deleteMany: DeleteModel };

interface UpdateModel {
  readonly filter: Document;
  readonly update: Document | readonly Document[];
  readonly upsert?: boolean;
  readonly arrayFilters?: readonly Document[];
  readonly collation?: Document;
  readonly hint?: unknown;
  readonly sort?: Document;
}

interface DeleteModel {
  readonly filter: Document;
  readonly collation?: Document;
  readonly hint?: unknown;
}

export interface BulkWriteResult {
  readonly acknowledged: boolean;
  readonly insertedCount: number;
  readonly matchedCount: number;
  readonly modifiedCount: number;
  readonly deletedCount: number;
  readonly upsertedCount: number;
  /** Index in `models` → `_id`. */
  readonly insertedIds: Readonly<Record<number, unknown>>;
  readonly upsertedIds: Readonly<Record<number, unknown>>;
}

type Kind = 'insert' | 'update' | 'delete';

interface Statement {
  readonly kind: Kind;
  /** Index in the caller's `models`. */
  readonly index: number;
  readonly body: Document;
}

export interface BulkWriteDeps {
  readonly collectionName: string;
  newObjectId(): unknown;
  /** Runs one write command (write concern added by the caller); null when unacknowledged. */
  runWrite(command: Document): Promise<Document | null>;
}

const fieldFor: Readonly<Record<Kind, string>> = { insert: 'documents', update: 'updates', delete: 'deletes' };

function requireDoc(value: unknown, where: string): Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MongoInvalidArgumentError(`${where} must be a document, got ${describe(value)}`);
  return value as Document;
}

/** One model as its command statement. */
function statementOf(model: unknown, index: number, deps: BulkWriteDeps, insertedIds: Record<number, unknown>): Statement {
  const m = requireDoc(model, `bulkWrite models[${index}]`);
  const keys = Object.keys(m);
  if (keys.length !== 1) throw new MongoInvalidArgumentError(`bulkWrite models[${index}] must have exactly one key (insertOne, updateOne, ...), got ${JSON.stringify(keys)}`);
  const name = keys[0]!;
  const where = `bulkWrite models[${index}].${name}`;
  const spec = requireDoc(m[name], where);
  const common = (doc: Record<string, unknown>): Record<string, unknown> => {
    if (spec.collation !== undefined) doc.collation = spec.collation;
    if (spec.hint !== undefined) doc.hint = spec.hint;
    return doc;
  };
  switch (name) {
    case 'insertOne': {
      const document = requireDoc(spec.document, `${where}.document`) as Record<string, unknown>;
      if (document._id === undefined) document._id = deps.newObjectId();
      insertedIds[index] = document._id;
      return { kind: 'insert', index, body: document };
    }
    case 'updateOne':
    case 'updateMany':
    case 'replaceOne': {
      const u = name === 'replaceOne' ? requireDoc(spec.replacement, `${where}.replacement`) : spec.update;
      if (name !== 'replaceOne' && !Array.isArray(u)) {
        const keys = Object.keys(requireDoc(u, `${where}.update`));
        if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) throw new MongoInvalidArgumentError(`${where}.update requires atomic operators (keys starting with $)`);
      }
      if (name === 'replaceOne' && Object.keys(u as Document).some((k) => k.startsWith('$'))) throw new MongoInvalidArgumentError(`${where}.replacement must not contain atomic operators`);
      const statement: Record<string, unknown> = { q: requireDoc(spec.filter, `${where}.filter`), u, multi: name === 'updateMany' };
      if (spec.upsert !== undefined) statement.upsert = spec.upsert;
      if (spec.arrayFilters !== undefined) statement.arrayFilters = spec.arrayFilters;
      if (spec.sort !== undefined) statement.sort = spec.sort;
      return { kind: 'update', index, body: common(statement) };
    }
    case 'deleteOne':
    case 'deleteMany':
      return { kind: 'delete', index, body: common({ q: requireDoc(spec.filter, `${where}.filter`), limit: name === 'deleteOne' ? 1 : 0 }) };
    default:
      throw new MongoInvalidArgumentError(`${where}: unknown bulk write model '${name}'`);
  }
}

/** Ordered: runs of one kind in order. Unordered: one batch per kind, inserts, updates, deletes. */
function batchesOf(statements: readonly Statement[], ordered: boolean): Statement[][] {
  if (!ordered) {
    return (['insert', 'update', 'delete'] as const).map((k) => statements.filter((s) => s.kind === k)).filter((b) => b.length > 0);
  }
  const out: Statement[][] = [];
  for (const s of statements) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0]!.kind === s.kind) last.push(s);
    else out.push([s]);
  }
  return out;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export async function bulkWrite(deps: BulkWriteDeps, models: readonly unknown[], options: { readonly ordered?: boolean; readonly bypassDocumentValidation?: boolean; readonly comment?: unknown; readonly let?: Document } = {}): Promise<BulkWriteResult> {
  if (!Array.isArray(models) || models.length === 0) throw new MongoInvalidArgumentError(`bulkWrite needs a non-empty array of models, got ${describe(models)}`);
  if (models.length > maxBulkWriteModels) throw new MongoInvalidArgumentError(`bulkWrite got ${models.length} models; at most ${maxBulkWriteModels} per call`);
  const ordered = options.ordered ?? true;
  if (typeof ordered !== 'boolean') throw new MongoInvalidArgumentError(`bulkWrite options.ordered must be a boolean, got ${describe(ordered)}`);
  const insertedIds: Record<number, unknown> = {};
  const statements = models.map((m, i) => statementOf(m, i, deps, insertedIds));
  const totals = { insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0 };
  const upsertedIds: Record<number, unknown> = {};
  const errors: WriteError[] = [];
  let acknowledged = true;
  let labels: readonly string[] = [];
  for (const batch of batchesOf(statements, ordered)) {
    const kind = batch[0]!.kind;
    const command: Record<string, unknown> = { [kind]: deps.collectionName, [fieldFor[kind]]: batch.map((s) => s.body), ordered };
    if (options.bypassDocumentValidation !== undefined) command.bypassDocumentValidation = options.bypassDocumentValidation;
    if (options.comment !== undefined) command.comment = options.comment;
    if (options.let !== undefined) command.let = options.let;
    let reply: Document | null;
    try {
      reply = await deps.runWrite(command);
    } catch (error) {
      throw withPartialResult(error, { acknowledged, ...totals, insertedIds: insertedBefore(insertedIds, batch[0]!.index), upsertedIds });
    }
    if (reply === null) {
      acknowledged = false;
      continue;
    }
    const n = count(reply.n);
    const upserted = Array.isArray(reply.upserted) ? (reply.upserted as Document[]) : [];
    if (kind === 'insert') totals.insertedCount += n;
    if (kind === 'delete') totals.deletedCount += n;
    if (kind === 'update') {
      totals.matchedCount += n - upserted.length;
      totals.modifiedCount += count(reply.nModified);
      totals.upsertedCount += upserted.length;
      for (const u of upserted) {
        const at = batch[count(u.index)];
        if (at !== undefined) upsertedIds[at.index] = u._id;
      }
    }
    const batchErrors = writeErrorsOf(reply).map((e) => ({ ...e, index: batch[e.index]?.index ?? e.index }));
    if (batchErrors.length > 0) {
      errors.push(...batchErrors);
      if (Array.isArray(reply.errorLabels)) labels = reply.errorLabels as string[];
      if (ordered) break;
    }
  }
  const failedIndexes = new Set(errors.map((e) => e.index));
  const firstFailed = errors.length === 0 ? Infinity : Math.min(...failedIndexes);
  const inserted: Record<number, unknown> = {};
  for (const [i, id] of Object.entries(insertedIds)) {
    const index = Number(i);
    if (!acknowledged || (ordered ? index < firstFailed : !failedIndexes.has(index))) inserted[index] = id;
  }
  const result: BulkWriteResult = { acknowledged, ...totals, insertedIds: inserted, upsertedIds };
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new MongoBulkWriteError(first.errmsg, { ...(first.code !== undefined ? { code: first.code } : {}), errorLabels: labels }, errors, result);
  }
  return result;
}

/** Ids of the inserts before model `index` (an ordered bulk write stopped there). */
function insertedBefore(insertedIds: Readonly<Record<number, unknown>>, index: number): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const [i, id] of Object.entries(insertedIds)) if (Number(i) < index) out[Number(i)] = id;
  return out;
}

/**
 * A command of the bulk write failed as a whole (after its retry): a server error becomes a
 * MongoBulkWriteError with the same code and labels; any other error keeps its class. Either
 * way the error carries what the earlier commands did as `result` (crud.md "BulkWriteException":
 * the partial result).
 */
function withPartialResult(error: unknown, result: BulkWriteResult): unknown {
  if (error instanceof MongoServerError && !(error instanceof MongoBulkWriteError) && !(error instanceof MongoWriteConcernError)) {
    return new MongoBulkWriteError(error.message, { ...(error.code !== undefined ? { code: error.code } : {}), ...(error.codeName !== undefined ? { codeName: error.codeName } : {}), errorLabels: error.errorLabels }, [], result);
  }
  if (error instanceof Error && !('result' in error)) Object.defineProperty(error, 'result', { value: result, enumerable: false });
  return error;
}
