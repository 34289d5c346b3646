/**
 * Query filters, sort and projection over in-memory documents: equality (with array
 * membership), `$eq $ne $gt $gte $lt $lte $in $nin $exists`, `$and $or $nor`, dotted paths.
 * Range operators compare only values of the same BSON type bracket, as the server does.
 */
import { CommandError, ErrorCodes } from './errors.js';
import { compareValues, getPath, isPlainObject, valuesEqual } from './values.js';

export type Doc = Record<string, unknown>;

/** Server error 31254 (4.4+): mixing inclusion and exclusion in one projection. */
const projectionMixCode = 31254;

function sameBracket(a: unknown, b: unknown): boolean {
  const na = typeof a === 'number' || (typeof a === 'object' && a !== null && ['Int32', 'Double', 'Long', 'Decimal128'].includes(String((a as { _bsontype?: unknown })._bsontype)));
  const nb = typeof b === 'number' || (typeof b === 'object' && b !== null && ['Int32', 'Double', 'Long', 'Decimal128'].includes(String((b as { _bsontype?: unknown })._bsontype)));
  if (na || nb) return na && nb;
  if (typeof a === 'string' || typeof b === 'string') return typeof a === typeof b;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date;
  return true;
}

/** Does one (non-array-expanded) value satisfy an operator? */
function scalarOp(op: string, value: unknown, arg: unknown): boolean {
  switch (op) {
    case '$eq': return valuesEqual(value, arg);
    case '$gt': return value !== undefined && sameBracket(value, arg) && compareValues(value, arg) > 0;
    case '$gte': return value !== undefined && sameBracket(value, arg) && compareValues(value, arg) >= 0;
    case '$lt': return value !== undefined && sameBracket(value, arg) && compareValues(value, arg) < 0;
    case '$lte': return value !== undefined && sameBracket(value, arg) && compareValues(value, arg) <= 0;
    case '$in': return (arg as unknown[]).some((candidate) => valuesEqual(value, candidate));
    default: throw new CommandError(ErrorCodes.BadValue, `unknown operator: ${op}`);
  }
}

/** An operator applied to a field: arrays match when the array itself or any element matches. */
function fieldOp(op: string, value: unknown, arg: unknown): boolean {
  if (scalarOp(op, value, arg)) return true;
  if (Array.isArray(value)) return value.some((element) => scalarOp(op, element, arg));
  return false;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function matchField(doc: Doc, path: string, condition: unknown): boolean {
  const value = getPath(doc, path);
  if (!isOperatorObject(condition)) {
    // Equality: `{a: null}` also matches a missing field.
    if (condition === null && value === undefined) return true;
    return fieldOp('$eq', value, condition);
  }
  for (const op of Object.keys(condition)) {
    const arg = condition[op];
    switch (op) {
      case '$eq': case '$gt': case '$gte': case '$lt': case '$lte':
        if (op === '$eq' && arg === null && value === undefined) break;
        if (!fieldOp(op, value, arg)) return false;
        break;
      case '$ne':
        if (arg === null && value === undefined) return false;
        if (fieldOp('$eq', value, arg)) return false;
        break;
      case '$in':
        if (!Array.isArray(arg)) throw new CommandError(ErrorCodes.BadValue, '$in needs an array');
        if (!(arg.includes(null) && value === undefined) && !fieldOp('$in', value, arg)) return false;
        break;
      case '$nin':
        if (!Array.isArray(arg)) throw new CommandError(ErrorCodes.BadValue, '$nin needs an array');
        if ((arg.includes(null) && value === undefined) || fieldOp('$in', value, arg)) return false;
        break;
      case '$exists':
        if ((value !== undefined) !== Boolean(arg)) return false;
        break;
      default:
        throw new CommandError(ErrorCodes.BadValue, `unknown operator: ${op}`);
    }
  }
  return true;
}

/**
 * mongod parses a filter before it looks at any document, so a malformed one fails even on an
 * empty collection: `$and`/`$or`/`$nor` must be non-empty arrays of objects, and no other
 * top-level `$` operator exists (the ones mongosim knows). Throws BadValue like `matches`.
 */
export function checkFilter(filter: Readonly<Doc> | undefined, depth = 0): void {
  if (filter === undefined) return;
  if (depth > maxFilterDepth) throw new CommandError(ErrorCodes.BadValue, `filter nested deeper than ${maxFilterDepth} levels`);
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(condition) || condition.length === 0) throw new CommandError(ErrorCodes.BadValue, `${key} argument must be a non-empty array`);
      for (const sub of condition) {
        if (!isPlainObject(sub)) throw new CommandError(ErrorCodes.BadValue, `${key} argument's entries must be objects`);
        checkFilter(sub, depth + 1);
      }
    } else if (key.startsWith('$')) {
      throw new CommandError(ErrorCodes.BadValue, `unknown top level operator: ${key}`);
    }
  }
}

/** mongod's own limit on filter nesting (maxNestingDepth of a match expression). */
const maxFilterDepth = 100;

/** MongoDB query semantics for `filter` against `doc`. Throws BadValue for unsupported operators. */
export function matches(doc: Doc, filter: Readonly<Doc> | undefined): boolean {
  if (filter === undefined) return true;
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(condition) || condition.length === 0) {
        throw new CommandError(ErrorCodes.BadValue, `${key} argument must be a non-empty array`);
      }
      const results = condition.map((sub) => {
        if (!isPlainObject(sub)) throw new CommandError(ErrorCodes.BadValue, `${key} argument's entries must be objects`);
        return matches(doc, sub);
      });
      if (key === '$and' && !results.every(Boolean)) return false;
      if (key === '$or' && !results.some(Boolean)) return false;
      if (key === '$nor' && results.some(Boolean)) return false;
      continue;
    }
    if (key.startsWith('$')) throw new CommandError(ErrorCodes.BadValue, `unknown top level operator: ${key}`);
    if (!matchField(doc, key, condition)) return false;
  }
  return true;
}

/** Sort specification `{field: 1 | -1, ...}` → comparator. */
export function sortComparator(sort: Readonly<Doc>): (a: Doc, b: Doc) => number {
  const keys = Object.keys(sort).map((path) => {
    const direction = sort[path];
    if (direction !== 1 && direction !== -1) {
      throw new CommandError(ErrorCodes.BadValue, `bad sort specification for '${path}': must be 1 or -1`);
    }
    return { path, direction };
  });
  return (a, b) => {
    for (const { path, direction } of keys) {
      const c = compareValues(getPath(a, path) ?? null, getPath(b, path) ?? null);
      if (c !== 0) return c * direction;
    }
    return 0;
  };
}

/** Projection: inclusion (`{a: 1}`) or exclusion (`{a: 0}`) of top-level and dotted fields; `_id` kept unless excluded. */
export function project(doc: Doc, projection: Readonly<Doc> | undefined): Doc {
  if (projection === undefined) return doc;
  const fields = Object.keys(projection);
  if (fields.length === 0) return doc;
  const nonId = fields.filter((f) => f !== '_id');
  const inclusion = nonId.length > 0 ? Boolean(projection[nonId[0] as string]) : Boolean(projection['_id']);
  for (const f of nonId) {
    if (Boolean(projection[f]) !== inclusion) {
      throw new CommandError(projectionMixCode, `Cannot do ${inclusion ? 'exclusion' : 'inclusion'} on field ${f} in ${inclusion ? 'inclusion' : 'exclusion'} projection`);
    }
  }
  const excludeId = projection['_id'] !== undefined && !projection['_id'];
  if (inclusion) {
    const out: Doc = {};
    if (!excludeId && doc['_id'] !== undefined) out['_id'] = doc['_id'];
    for (const f of nonId) {
      const value = getPath(doc, f);
      if (value === undefined) continue;
      setNested(out, f, value);
    }
    return out;
  }
  const out: Doc = { ...doc };
  if (excludeId) delete out['_id'];
  for (const f of nonId) deleteNested(out, f);
  return out;
}

function setNested(target: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (!isPlainObject(next)) node[part] = {};
    node = node[part] as Doc;
  }
  node[parts[parts.length - 1] as string] = value;
}

function deleteNested(target: Doc, path: string): void {
  const parts = path.split('.');
  if (parts.length === 1) {
    delete target[path];
    return;
  }
  const head = parts[0] as string;
  const child = target[head];
  if (!isPlainObject(child)) return;
  const copy = { ...child };
  deleteNested(copy, parts.slice(1).join('.'));
  target[head] = copy;
}
