/**
 * Update documents: operator updates (`$set $inc $unset $setOnInsert $push $min $max`) and
 * replacements, applied copy-on-write (the stored document and every document already sent
 * in a reply stay untouched), plus the upsert seed built from a filter's equality fields.
 */
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import { compareValues, isPlainObject, valuesEqual } from './values.js';

const supportedOperators = new Set(['$set', '$inc', '$unset', '$setOnInsert', '$push', '$min', '$max']);

export function isOperatorUpdate(update: Readonly<Doc>): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && (keys[0] as string).startsWith('$');
}

/** Validates an update document before any document is touched; throws with the server's code and message. */
export function validateUpdate(update: unknown): asserts update is Doc {
  if (!isPlainObject(update)) throw new CommandError(ErrorCodes.FailedToParse, 'Update argument must be either an object or an array');
  const keys = Object.keys(update);
  if (!isOperatorUpdate(update)) {
    for (const key of keys) {
      if (key.startsWith('$')) throw new CommandError(ErrorCodes.BadValue, `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document.`);
    }
    return;
  }
  for (const key of keys) {
    if (!key.startsWith('$')) throw new CommandError(ErrorCodes.FailedToParse, `Unknown modifier: ${key}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!supportedOperators.has(key)) throw new CommandError(ErrorCodes.FailedToParse, `Unknown modifier: ${key}. Expected a valid update modifier or pipeline-style update specified as an array`);
    const arg = update[key];
    if (!isPlainObject(arg)) throw new CommandError(ErrorCodes.FailedToParse, `Modifiers operate on fields but we found type ${Array.isArray(arg) ? 'array' : typeof arg} instead. For example: {$mod: {<field>: ...}} not {$set: ${String(arg)}}`);
    if (key === '$inc') {
      for (const [field, amount] of Object.entries(arg)) {
        if (typeof amount !== 'number') throw new CommandError(ErrorCodes.TypeMismatch, `Cannot increment with non-numeric argument: {${field}: ${JSON.stringify(amount)}}`);
      }
    }
  }
}

function setPath(doc: Doc, path: string, value: unknown): Doc {
  const dot = path.indexOf('.');
  if (dot === -1) return { ...doc, [path]: value };
  const head = path.slice(0, dot);
  const child = doc[head];
  const base = isPlainObject(child) ? child : {};
  if (child !== undefined && !isPlainObject(child)) {
    throw new CommandError(28, `Cannot create field '${path.slice(dot + 1).split('.')[0]}' in element {${head}: ${JSON.stringify(child)}}`);
  }
  return { ...doc, [head]: setPath(base, path.slice(dot + 1), value) };
}

function unsetPath(doc: Doc, path: string): Doc {
  const dot = path.indexOf('.');
  if (dot === -1) {
    if (!(path in doc)) return doc;
    const copy = { ...doc };
    delete copy[path];
    return copy;
  }
  const head = path.slice(0, dot);
  const child = doc[head];
  if (!isPlainObject(child)) return doc;
  return { ...doc, [head]: unsetPath(child, path.slice(dot + 1)) };
}

function readPath(doc: Doc, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/**
 * Applies an update to `doc` and returns the new document (or `doc` itself when nothing
 * changed). `inserting` enables `$setOnInsert`. Replacements keep the original `_id`.
 */
export function applyUpdate(doc: Doc, update: Readonly<Doc>, inserting: boolean): Doc {
  if (!isOperatorUpdate(update)) {
    if (update['_id'] !== undefined && doc['_id'] !== undefined && !valuesEqual(update['_id'], doc['_id'])) {
      throw new CommandError(ErrorCodes.ImmutableField, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(update['_id'])}`);
    }
    const replaced: Doc = doc['_id'] !== undefined ? { _id: doc['_id'] } : {};
    for (const [k, v] of Object.entries(update)) if (k !== '_id') replaced[k] = v;
    if (doc['_id'] === undefined && update['_id'] !== undefined) replaced['_id'] = update['_id'];
    return replaced;
  }
  let out = doc;
  for (const op of Object.keys(update)) {
    const fields = update[op] as Doc;
    for (const path of Object.keys(fields)) {
      if (path === '_id' && op !== '$setOnInsert' && doc['_id'] !== undefined && !(op === '$set' && valuesEqual(fields[path], doc['_id']))) {
        throw new CommandError(ErrorCodes.ImmutableField, `Performing an update on the path '_id' would modify the immutable field '_id'`);
      }
      const arg = fields[path];
      switch (op) {
        case '$set': out = setPath(out, path, arg); break;
        case '$setOnInsert': if (inserting) out = setPath(out, path, arg); break;
        case '$unset': out = unsetPath(out, path); break;
        case '$inc': {
          const current = readPath(out, path);
          if (current !== undefined && typeof current !== 'number') {
            throw new CommandError(ErrorCodes.TypeMismatch, `Cannot apply $inc to a value of non-numeric type. {_id: ${JSON.stringify(out['_id'])}} has the field '${path}' of non-numeric type ${typeof current}`);
          }
          out = setPath(out, path, (current ?? 0) + (arg as number));
          break;
        }
        case '$push': {
          const current = readPath(out, path);
          if (current !== undefined && !Array.isArray(current)) {
            throw new CommandError(2, `The field '${path}' must be an array but is of type ${typeof current} in document {_id: ${JSON.stringify(out['_id'])}}`);
          }
          out = setPath(out, path, [...((current as unknown[] | undefined) ?? []), arg]);
          break;
        }
        case '$min': case '$max': {
          const current = readPath(out, path);
          const c = current === undefined ? (op === '$min' ? 1 : -1) : compareValues(arg, current);
          if ((op === '$min' && c < 0) || (op === '$max' && c > 0) || current === undefined) out = setPath(out, path, arg);
          break;
        }
        default: throw new CommandError(ErrorCodes.FailedToParse, `Unknown modifier: ${op}`);
      }
    }
  }
  return out;
}

/** The document an upsert starts from: the filter's top-level equality conditions (and `$eq`). */
export function upsertSeed(filter: Readonly<Doc> | undefined): Doc {
  let seed: Doc = {};
  if (filter === undefined) return seed;
  for (const [key, condition] of Object.entries(filter)) {
    if (key.startsWith('$')) continue;
    if (isPlainObject(condition)) {
      const keys = Object.keys(condition);
      if (keys.length > 0 && (keys[0] as string).startsWith('$')) {
        if ('$eq' in condition) seed = setPath(seed, key, condition['$eq']);
        continue;
      }
    }
    seed = setPath(seed, key, condition);
  }
  return seed;
}
