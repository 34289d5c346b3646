/**
 * Write command replies turned into the Node driver's result objects (`insertedId`,
 * `matchedCount`, `modifiedCount`, `upsertedId`, `deletedCount`, ...), and their `writeErrors`
 * into errors: MongoServerError for single-document writes, MongoBulkWriteError for insertMany.
 */
import { MongoServerError } from '../../core/errors.js';
import { MongoBulkWriteError, type WriteError } from '../errors.js';
import type { Document } from '../runtime/ports.js';

export interface InsertOneResult {
  readonly acknowledged: boolean;
  readonly insertedId: unknown;
}

export interface InsertManyResult {
  readonly acknowledged: boolean;
  readonly insertedCount: number;
  /** Index in the input → `_id`. */
  readonly insertedIds: Readonly<Record<number, unknown>>;
}

export interface UpdateResult {
  readonly acknowledged: boolean;
  readonly matchedCount: number;
  readonly modifiedCount: number;
  readonly upsertedCount: number;
  readonly upsertedId: unknown;
}

export interface DeleteResult {
  readonly acknowledged: boolean;
  readonly deletedCount: number;
}

export function writeErrorsOf(reply: Document): WriteError[] {
  const raw = reply.writeErrors;
  if (!Array.isArray(raw)) return [];
  return raw.map((e: unknown, i) => {
    const doc = (e !== null && typeof e === 'object' ? e : {}) as Document;
    return {
      index: typeof doc.index === 'number' ? doc.index : i,
      code: typeof doc.code === 'number' ? doc.code : undefined,
      errmsg: typeof doc.errmsg === 'string' ? doc.errmsg : 'write error',
    };
  });
}

function labelsOf(reply: Document): readonly string[] {
  return Array.isArray(reply.errorLabels) ? reply.errorLabels.filter((l): l is string => typeof l === 'string') : [];
}

/** Throws the first write error of a single-statement write as a MongoServerError. */
export function throwOnWriteError(reply: Document): void {
  const first = writeErrorsOf(reply)[0];
  if (first === undefined) return;
  const raw = (reply.writeErrors as Document[])[0] as Document;
  throw new MongoServerError(first.errmsg, {
    ...(first.code !== undefined ? { code: first.code } : {}),
    ...(typeof raw.codeName === 'string' ? { codeName: raw.codeName } : {}),
    errorLabels: labelsOf(reply),
  });
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number(value ?? 0) || 0;
}

export function insertOneResult(reply: Document | null, insertedId: unknown): InsertOneResult {
  if (reply === null) return { acknowledged: false, insertedId };
  throwOnWriteError(reply);
  return { acknowledged: true, insertedId };
}

export function insertManyResult(reply: Document | null, ids: readonly unknown[], ordered: boolean): InsertManyResult {
  const all: Record<number, unknown> = {};
  ids.forEach((id, i) => (all[i] = id));
  if (reply === null) return { acknowledged: false, insertedCount: 0, insertedIds: all };
  const errors = writeErrorsOf(reply);
  if (errors.length === 0) return { acknowledged: true, insertedCount: count(reply.n), insertedIds: all };
  // Ordered batches stop at the first error; unordered ones skip only the failed statements.
  const failed = new Set(errors.map((e) => e.index));
  const firstFailed = Math.min(...failed);
  const inserted: Record<number, unknown> = {};
  ids.forEach((id, i) => {
    if (ordered ? i < firstFailed : !failed.has(i)) inserted[i] = id;
  });
  const first = errors[0] as WriteError;
  throw new MongoBulkWriteError(
    first.errmsg,
    { ...(first.code !== undefined ? { code: first.code } : {}), errorLabels: labelsOf(reply) },
    errors,
    { insertedCount: count(reply.n), insertedIds: inserted },
  );
}

export function updateResult(reply: Document | null): UpdateResult {
  if (reply === null) return { acknowledged: false, matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };
  throwOnWriteError(reply);
  const upserted = Array.isArray(reply.upserted) ? (reply.upserted as Document[]) : [];
  const firstUpsert = upserted[0];
  return {
    acknowledged: true,
    // The server's `n` counts upserted documents too; matchedCount does not.
    matchedCount: count(reply.n) - upserted.length,
    modifiedCount: count(reply.nModified),
    upsertedCount: upserted.length,
    upsertedId: firstUpsert === undefined ? null : firstUpsert._id,
  };
}

export function deleteResult(reply: Document | null): DeleteResult {
  if (reply === null) return { acknowledged: false, deletedCount: 0 };
  throwOnWriteError(reply);
  return { acknowledged: true, deletedCount: count(reply.n) };
}
