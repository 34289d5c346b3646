/**
 * The aggregate write stages `$out` and `$merge` (https://www.mongodb.com/docs/manual/reference/operator/aggregation/out/,
 * .../merge/): the pipeline before them runs as a read, then its output is written through the
 * oplog like any write — `$out` replaces the target collection, `$merge` (on `_id`, the
 * defaults `whenMatched: merge`, `whenNotMatched: insert`) folds the output into it. Either
 * must be the last stage (40601); the reply is an exhausted cursor with no documents.
 */
import { aggregateCommand, type WriteSink } from './crud.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import type { Storage } from './storage.js';
import { isPlainObject, valueKey } from './values.js';

/** Whether an aggregate command's pipeline has a write stage (it is then run as a write). */
export function hasWriteStage(body: Readonly<Doc>): boolean {
  const pipeline = body['pipeline'];
  return Array.isArray(pipeline) && pipeline.some((s) => isPlainObject(s) && ('$out' in s || '$merge' in s));
}

/** `{db, coll}` or a collection name in the command's database. */
function targetNs(db: string, arg: unknown, stage: string): string {
  if (typeof arg === 'string' && arg.length > 0) return `${db}.${arg}`;
  if (isPlainObject(arg) && typeof arg['coll'] === 'string') return `${typeof arg['db'] === 'string' ? arg['db'] : db}.${arg['coll']}`;
  throw new CommandError(ErrorCodes.FailedToParse, `${stage} requires a target collection name or {db, coll}`);
}

export function aggregateWriteCommand(storage: Storage, db: string, body: Readonly<Doc>, sink: WriteSink): Doc {
  const pipeline = body['pipeline'] as unknown[];
  const last = pipeline[pipeline.length - 1];
  const writeAt = pipeline.findIndex((s) => isPlainObject(s) && ('$out' in s || '$merge' in s));
  if (writeAt !== pipeline.length - 1 || !isPlainObject(last)) {
    const name = Object.keys(pipeline[writeAt] as Doc)[0];
    throw new CommandError(40601, `${name} can only be the final stage in the pipeline`);
  }
  const { ns, docs } = aggregateCommand(storage, db, { ...body, pipeline: pipeline.slice(0, -1) });
  if ('$out' in last) {
    const target = targetNs(db, last['$out'], '$out');
    const [targetDb, targetColl] = [target.slice(0, target.indexOf('.')), target.slice(target.indexOf('.') + 1)];
    if (storage.collection(target) !== undefined) sink.write('c', `${targetDb}.$cmd`, { drop: targetColl }, undefined, undefined);
    sink.write('c', `${targetDb}.$cmd`, { create: targetColl }, undefined, undefined);
    for (const doc of docs) sink.write('i', target, doc['_id'] === undefined ? { _id: sink.newObjectId(), ...doc } : doc, undefined, undefined);
  } else {
    const spec = last['$merge'];
    const into = isPlainObject(spec) ? spec['into'] : spec;
    if (isPlainObject(spec) && ((spec['on'] !== undefined && spec['on'] !== '_id') || (spec['whenMatched'] ?? 'merge') !== 'merge' || (spec['whenNotMatched'] ?? 'insert') !== 'insert')) {
      throw new CommandError(ErrorCodes.BadValue, "$merge: the simulator supports only on: '_id', whenMatched: 'merge', whenNotMatched: 'insert'");
    }
    const target = targetNs(db, into, '$merge');
    for (const doc of docs) {
      const withId = doc['_id'] === undefined ? { _id: sink.newObjectId(), ...doc } : doc;
      const existing = storage.collection(target)?.docs.get(valueKey(withId['_id']));
      if (existing === undefined) sink.write('i', target, withId, undefined, undefined);
      else sink.write('u', target, { ...existing, ...withId }, { _id: withId['_id'] }, undefined);
    }
  }
  return { cursor: { id: 0, ns, firstBatch: [] }, ok: 1 };
}
