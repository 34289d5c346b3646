/**
 * Server-side cursors of one process: `find`/`aggregate` results beyond the first batch, served
 * by `getMore` and closed by `killCursors` (find_getmore_killcursors_commands). A cursor holds
 * its result snapshot; cursors die with the process.
 */
import type { FindResult } from './crud.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';

/** Open cursors per process (simulator bound). */
export const maxOpenCursors = 10_000;
/** Server error 146 (ExceededMemoryLimit) when the bound is hit. */
const exceededMemoryLimitCode = 146;

interface Cursor {
  readonly ns: string;
  readonly docs: Doc[];
  pos: number;
}

/** getMore's `collection` must name the cursor's namespace (Unauthorized otherwise, as mongod answers). */
export function checkGetMoreNamespace(body: Readonly<Doc>, ns: string): void {
  const coll = body['collection'];
  if (typeof coll !== 'string' || `${ns.slice(0, ns.indexOf('.'))}.${coll}` !== ns) {
    throw new CommandError(ErrorCodes.Unauthorized, `Requested getMore on namespace '${String(coll)}', but cursor belongs to a different namespace ${ns}`);
  }
}

/** killCursors: `remove(id)` closes one cursor and says whether it existed; the reply lists both kinds. */
export function killCursorIds(body: Readonly<Doc>, remove: (id: number) => boolean): Doc {
  const ids = body['cursors'];
  if (!Array.isArray(ids)) throw new CommandError(ErrorCodes.FailedToParse, "BSON field 'killCursors.cursors' is missing but a required field");
  const killed: number[] = [];
  const notFound: number[] = [];
  for (const raw of ids) {
    const id = Number(raw);
    if (remove(id)) killed.push(id);
    else notFound.push(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

export class CursorRegistry {
  private readonly cursors = new Map<number, Cursor>();
  private nextId = 1;

  get openCount(): number {
    return this.cursors.size;
  }

  /** The first batch of a result, with a cursor id for the rest (0 when it all fits). */
  open(result: FindResult): Doc {
    const batchSize = result.batchSize;
    const firstBatch = result.docs.slice(0, batchSize);
    let id = 0;
    if (!result.singleBatch && result.docs.length > batchSize) {
      if (this.cursors.size >= maxOpenCursors) throw new CommandError(exceededMemoryLimitCode, `too many open cursors (${maxOpenCursors})`);
      id = this.nextId++;
      this.cursors.set(id, { ns: result.ns, docs: result.docs, pos: batchSize });
    }
    return { cursor: { firstBatch, id, ns: result.ns }, ok: 1 };
  }

  getMore(body: Readonly<Doc>): Doc {
    const id = Number(body['getMore']);
    const cursor = this.cursors.get(id);
    if (cursor === undefined) throw new CommandError(ErrorCodes.CursorNotFound, `cursor id ${String(body['getMore'])} not found`);
    checkGetMoreNamespace(body, cursor.ns);
    const batchSize = typeof body['batchSize'] === 'number' && body['batchSize'] > 0 ? body['batchSize'] : cursor.docs.length;
    const nextBatch = cursor.docs.slice(cursor.pos, cursor.pos + batchSize);
    cursor.pos += nextBatch.length;
    let outId = id;
    if (cursor.pos >= cursor.docs.length) {
      this.cursors.delete(id);
      outId = 0;
    }
    return { cursor: { nextBatch, id: outId, ns: cursor.ns }, ok: 1 };
  }

  kill(body: Readonly<Doc>): Doc {
    return killCursorIds(body, (id) => this.cursors.delete(id));
  }

  clear(): void {
    this.cursors.clear();
  }
}
