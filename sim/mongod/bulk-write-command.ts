/**
 * The MongoDB 8.0 `bulkWrite` command (https://www.mongodb.com/docs/manual/reference/command/bulkWrite/,
 * crud/bulk-write.md "Command Batching"): operations on any namespaces of the cluster, each
 * `{insert|update|delete: <index into nsInfo>, ...}`, run in order (stopping at the first
 * error when `ordered`), answered with a cursor of per-operation results
 * (`{ok, idx, n, nModified?, upserted?}` or `{ok: 0, idx, code, codeName, errmsg}`; only the
 * errors with `errorsOnly`) and the summary counts. Each operation runs as the one-statement
 * insert/update/delete it stands for, with its index as its stmtId, so a retried bulkWrite
 * replays the statements already executed (retryable-writes.md).
 */
import * as crud from './crud.js';
import type { CursorRegistry } from './cursors.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import type { Storage } from './storage.js';
import { isPlainObject } from './values.js';

/** The first wire version with the bulkWrite command (MongoDB 8.0). */
export const bulkWriteMinWireVersion = 25;
/** The server's maxWriteBatchSize: operations one bulkWrite command may carry. */
export const maxBulkWriteOps = 100_000;

const opFields: Readonly<Record<'insert' | 'update' | 'delete', ReadonlySet<string>>> = {
  insert: new Set(['insert', 'document']),
  update: new Set(['update', 'filter', 'updateMods', 'arrayFilters', 'multi', 'hint', 'upsert', 'collation', 'sort']),
  delete: new Set(['delete', 'filter', 'multi', 'hint', 'collation']),
};

function kindOf(op: Doc, index: number): 'insert' | 'update' | 'delete' {
  const first = Object.keys(op)[0];
  if (first === 'insert' || first === 'update' || first === 'delete') {
    for (const key of Object.keys(op)) {
      if (!opFields[first].has(key)) throw new CommandError(40415, `BSON field 'bulkWrite.ops.${first}.${key}' is an unknown field.`);
    }
    return first;
  }
  throw new CommandError(ErrorCodes.FailedToParse, `bulkWrite.ops[${index}]: the first field must be insert, update or delete, got '${String(first)}'`);
}

function namespaceOf(nsInfo: readonly Doc[], value: unknown, index: number): { db: string; coll: string } {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= nsInfo.length) {
    throw new CommandError(ErrorCodes.BadValue, `BulkWrite ops entry ${index} has an invalid nsInfo index ${String(value)}`);
  }
  const ns = nsInfo[value]!['ns'];
  const dot = typeof ns === 'string' ? ns.indexOf('.') : -1;
  if (typeof ns !== 'string' || dot <= 0 || dot === ns.length - 1) throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${String(ns)}'`);
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

/** One operation as the single-statement write command it stands for. */
function subCommand(kind: 'insert' | 'update' | 'delete', op: Doc, coll: string, index: number): Doc {
  const stmtIds = [index];
  if (kind === 'insert') return { insert: coll, documents: [op['document']], ordered: true, stmtIds };
  const statement: Doc = { q: op['filter'] ?? {} };
  for (const k of ['hint', 'collation'] as const) if (op[k] !== undefined) statement[k] = op[k];
  if (kind === 'delete') return { delete: coll, deletes: [{ ...statement, limit: op['multi'] === true ? 0 : 1 }], ordered: true, stmtIds };
  statement['u'] = op['updateMods'];
  statement['multi'] = op['multi'] === true;
  for (const k of ['upsert', 'arrayFilters', 'sort'] as const) if (op[k] !== undefined) statement[k] = op[k];
  return { update: coll, updates: [statement], ordered: true, stmtIds };
}

export function bulkWriteCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: crud.WriteSink, retry: crud.RetryContext | undefined, cursors: CursorRegistry, maxWireVersion: number): Doc {
  if (maxWireVersion < bulkWriteMinWireVersion) throw new CommandError(ErrorCodes.CommandNotFound, "no such command: 'bulkWrite'");
  if (db !== 'admin') throw new CommandError(ErrorCodes.Unauthorized, 'The bulkWrite command can only be run against the admin database');
  const ops = body['ops'];
  const nsInfo = body['nsInfo'];
  if (!Array.isArray(ops)) throw new CommandError(ErrorCodes.FailedToParse, "BSON field 'bulkWrite.ops' is missing but a required field");
  if (!Array.isArray(nsInfo) || nsInfo.length === 0) throw new CommandError(ErrorCodes.FailedToParse, "BSON field 'bulkWrite.nsInfo' is missing but a required field");
  if (ops.length === 0 || ops.length > maxBulkWriteOps) throw new CommandError(ErrorCodes.InvalidLength, `Write batch sizes must be between 1 and ${maxBulkWriteOps}. Got ${ops.length} operations.`);
  for (const entry of nsInfo) if (!isPlainObject(entry)) throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'bulkWrite.nsInfo' must be an array of objects");
  const ordered = body['ordered'] !== false;
  const errorsOnly = body['errorsOnly'] === true;
  const totals = { nErrors: 0, nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
  const results: Doc[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!isPlainObject(op)) throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'bulkWrite.ops' must be an array of objects");
    const kind = kindOf(op, i);
    const { db: opDb, coll } = namespaceOf(nsInfo as Doc[], op[kind], i);
    const sub = subCommand(kind, op, coll, i);
    let reply: Doc;
    try {
      reply = kind === 'insert' ? crud.insertCommand(storage, opDb, sub, sink, retry)
        : kind === 'update' ? crud.updateCommand(storage, opDb, sub, sink, retry)
          : crud.deleteCommand(storage, opDb, sub, sink, retry);
    } catch (error) {
      // A statement the write command itself refuses (bad filter, bad update) is this operation's error.
      if (!(error instanceof CommandError)) throw error;
      reply = { n: 0, writeErrors: [{ index: 0, code: error.code, errmsg: error.message }], ok: 1 };
    }
    const writeErrors = reply['writeErrors'] as Doc[] | undefined;
    if (writeErrors !== undefined && writeErrors.length > 0) {
      const e = writeErrors[0]!;
      totals.nErrors++;
      results.push({ ok: 0, idx: i, code: e['code'], codeName: e['codeName'] ?? `Location${String(e['code'])}`, errmsg: e['errmsg'], n: 0 });
      if (ordered) break;
      continue;
    }
    const n = Number(reply['n'] ?? 0);
    const result: Doc = { ok: 1, idx: i, n };
    if (kind === 'insert') totals.nInserted += n;
    else if (kind === 'delete') totals.nDeleted += n;
    else {
      const upserted = reply['upserted'] as Doc[] | undefined;
      const nModified = Number(reply['nModified'] ?? 0);
      result['nModified'] = nModified;
      totals.nModified += nModified;
      if (upserted !== undefined && upserted.length > 0) {
        result['upserted'] = { _id: upserted[0]!['_id'] };
        totals.nUpserted++;
      } else totals.nMatched += n;
    }
    if (!errorsOnly) results.push(result);
  }
  const cursorSpec = isPlainObject(body['cursor']) ? body['cursor'] : {};
  const batchSize = typeof cursorSpec['batchSize'] === 'number' && cursorSpec['batchSize'] > 0 ? cursorSpec['batchSize'] : results.length;
  const { cursor } = cursors.open({ ns: 'admin.$cmd.bulkWrite', docs: results, batchSize, singleBatch: false }) as { cursor: Doc };
  return { cursor, ...totals, ok: 1 };
}
