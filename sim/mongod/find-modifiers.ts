/**
 * find's `returnKey` (https://www.mongodb.com/docs/manual/reference/command/find/): each
 * result becomes the key of the index the query used, or `{}` when it used none. The only
 * index the simulator has is `_id_`, used when the sort or the hint names `_id`.
 */
import type { Doc } from './query.js';
import { isPlainObject } from './values.js';

function usesIdIndex(body: Readonly<Doc>): boolean {
  const hint = body['hint'];
  if (hint === '_id_') return true;
  if (isPlainObject(hint) && Object.keys(hint).length === 1 && '_id' in hint) return true;
  const sort = body['sort'];
  return isPlainObject(sort) && Object.keys(sort)[0] === '_id';
}

/** The documents as `returnKey: true` returns them; unchanged when it is not set. */
export function applyReturnKey(docs: Doc[], body: Readonly<Doc>): Doc[] {
  if (body['returnKey'] !== true) return docs;
  const idIndex = usesIdIndex(body);
  return docs.map((d) => (idIndex ? { _id: d['_id'] } : {}));
}
