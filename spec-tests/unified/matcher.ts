/**
 * The unified test format's matching rules (unified-test-format.md "Evaluating Matches"):
 * root-level documents may carry extra keys, nested ones may not; arrays match element by
 * element with the same length; numbers compare by value whatever their BSON type; and the
 * special operators `$$exists`, `$$type`, `$$unsetOrMatches`, `$$matchesEntity`,
 * `$$matchesHexBytes`, `$$sessionLsid`, `$$lte`, `$$matchAsDocument` and `$$matchAsRoot`.
 * A mismatch throws a SpecMismatch naming the path of the first difference.
 */
import { EJSON } from 'bson';
import { SpecMismatch, show } from '../assert.js';

/** What the operators that refer to entities need from the entity map. */
export interface MatchEntities {
  /** The value of a BSON entity (for `$$matchesEntity`); throws for an unknown or mistyped one. */
  bsonEntity(name: string): unknown;
  /** The lsid document of a session entity (for `$$sessionLsid`); throws for an unknown one. */
  sessionLsid(name: string): unknown;
}

/** A test file that misuses an operator: an error in the test, not a mismatch. */
export class MatchOperatorError extends Error {
  override readonly name = 'MatchOperatorError';
}

const noEntities: MatchEntities = {
  bsonEntity: (name) => {
    throw new MatchOperatorError(`$$matchesEntity: no entity map (entity '${name}')`);
  },
  sessionLsid: (name) => {
    throw new MatchOperatorError(`$$sessionLsid: no entity map (session '${name}')`);
  },
};

/** Bound on nesting, so a cyclic or absurdly deep value cannot overflow the stack. */
export const maxMatchDepth = 64;

export function isDocument(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value instanceof Date || value instanceof Uint8Array) return false;
  return bsonTypeTag(value) === undefined;
}

/** The `_bsontype` tag of a bson-library value (ObjectId, Long, Int32, Binary, ...). */
function bsonTypeTag(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** The single `$$operator` key of `value`, when it is an operator document. */
export function operatorOf(value: unknown): string | undefined {
  if (!isDocument(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith('$$') ? keys[0] : undefined;
}

/** The numeric value of any BSON number (int, long, double; Decimal128 excluded), or undefined. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const tag = bsonTypeTag(value);
  if (tag === 'Int32' || tag === 'Double') return (value as { valueOf(): number }).valueOf();
  if (tag === 'Long') return (value as { toNumber(): number }).toNumber();
  return undefined;
}

/** The `$type` alias of an actual value (https://www.mongodb.com/docs/manual/reference/operator/query/type/). */
export function bsonTypeOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? 'int' : Number.isSafeInteger(value) && !Object.is(value, -0) ? 'long' : 'double';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (value instanceof Uint8Array) return 'binData';
  const tag = bsonTypeTag(value);
  switch (tag) {
    case undefined: return 'object';
    case 'ObjectId': case 'ObjectID': return 'objectId';
    case 'Int32': return 'int';
    case 'Long': return 'long';
    case 'Double': return 'double';
    case 'Decimal128': return 'decimal';
    case 'Binary': return 'binData';
    case 'Timestamp': return 'timestamp';
    case 'BSONRegExp': return 'regex';
    case 'Code': return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    case 'BSONSymbol': return 'symbol';
    case 'MinKey': return 'minKey';
    case 'MaxKey': return 'maxKey';
    case 'DBRef': return 'object';
    default: return tag;
  }
}

/** `$type` aliases: a JS integer number may stand for int or long (the wire decoder may promote either). */
function typeMatches(actual: unknown, alias: string): boolean {
  const actualType = bsonTypeOf(actual);
  if (alias === 'number') return ['int', 'long', 'double', 'decimal'].includes(actualType);
  if (alias === actualType) return true;
  if (typeof actual === 'number') {
    if (alias === 'long' && Number.isSafeInteger(actual)) return true;
    if (alias === 'double') return true;
  }
  return false;
}

const knownTypeAliases: ReadonlySet<string> = new Set([
  'double', 'string', 'object', 'array', 'binData', 'undefined', 'objectId', 'bool', 'date', 'null', 'regex',
  'dbPointer', 'javascript', 'symbol', 'javascriptWithScope', 'int', 'timestamp', 'long', 'decimal', 'minKey', 'maxKey', 'number',
]);

/** Scalars: numbers by value; everything else through canonical Extended JSON. */
function scalarsEqual(expected: unknown, actual: unknown): boolean {
  const e = numericValue(expected);
  const a = numericValue(actual);
  if (e !== undefined || a !== undefined) return e !== undefined && a !== undefined && (e === a || (Number.isNaN(e) && Number.isNaN(a)));
  if (expected === actual) return true;
  if (expected === null || actual === null || expected === undefined || actual === undefined) return false;
  if (typeof expected !== 'object' || typeof actual !== 'object') return false;
  return canonical(expected) === canonical(actual);
}

function canonical(value: unknown): string {
  try {
    return EJSON.stringify(sortKeys(value) as never, { relaxed: false });
  } catch {
    return String(value);
  }
}

/** Documents inside scalars (CodeWScope, DBRef) must match exactly but in any key order. */
function sortKeys(value: unknown, depth = 0): unknown {
  if (depth > maxMatchDepth) return value;
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  if (isDocument(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k], depth + 1)]));
  return value;
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

export interface MatchOptions {
  /** Whether the top value is a root-level document (extra keys allowed). Default true. */
  readonly root?: boolean;
  readonly entities?: MatchEntities;
}

/**
 * Asserts that `actual` matches `expected` by the unified format's rules; throws SpecMismatch
 * (path, expected, actual) at the first difference, MatchOperatorError for a malformed operator.
 */
export function assertUnifiedMatch(expected: unknown, actual: unknown, path = '', options: MatchOptions = {}): void {
  new Matcher(options.entities ?? noEntities).match(expected, actual, path, options.root ?? true, 0);
}

/** Like assertUnifiedMatch but returns the mismatch message, or null when the values match. */
export function unifiedMismatch(expected: unknown, actual: unknown, options: MatchOptions = {}): string | null {
  try {
    assertUnifiedMatch(expected, actual, '', options);
    return null;
  } catch (error) {
    if (error instanceof SpecMismatch) return error.message;
    throw error;
  }
}

class Matcher {
  constructor(private readonly entities: MatchEntities) {}

  match(expected: unknown, actual: unknown, path: string, root: boolean, depth: number): void {
    if (depth > maxMatchDepth) throw new MatchOperatorError(`${path}: expected value nests deeper than ${maxMatchDepth} levels`);
    const op = operatorOf(expected);
    if (op !== undefined) {
      this.operator(op, (expected as Record<string, unknown>)[op], actual, path, root, depth);
      return;
    }
    if (isDocument(expected)) {
      if (!isDocument(actual)) throw new SpecMismatch(path, expected, actual, 'not a document');
      for (const [key, value] of Object.entries(expected)) {
        const keyPath = join(path, key);
        const keyOp = operatorOf(value);
        if (keyOp === '$$exists') {
          const want = (value as Record<string, unknown>)[keyOp];
          if (typeof want !== 'boolean') throw new MatchOperatorError(`${keyPath}: $$exists takes a boolean, got ${show(want)}`);
          const has = Object.prototype.hasOwnProperty.call(actual, key) && actual[key] !== undefined;
          if (has !== want) throw new SpecMismatch(keyPath, want ? 'a value' : 'no value', has ? actual[key] : undefined, '$$exists');
          continue;
        }
        if (keyOp === '$$unsetOrMatches' && (!Object.prototype.hasOwnProperty.call(actual, key) || actual[key] === undefined)) continue;
        if (!Object.prototype.hasOwnProperty.call(actual, key) || actual[key] === undefined) {
          throw new SpecMismatch(keyPath, value, undefined, 'missing key');
        }
        this.match(value, actual[key], keyPath, false, depth + 1);
      }
      if (!root) {
        for (const key of Object.keys(actual)) {
          if (!Object.prototype.hasOwnProperty.call(expected, key) && actual[key] !== undefined) {
            throw new SpecMismatch(join(path, key), undefined, actual[key], 'unexpected key in a nested document');
          }
        }
      }
      return;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) throw new SpecMismatch(path, expected, actual, 'not an array');
      if (actual.length !== expected.length) throw new SpecMismatch(`${path}.length`, expected.length, actual.length, `actual ${show(actual)}`);
      expected.forEach((item, i) => this.match(item, actual[i], join(path, i), false, depth + 1));
      return;
    }
    if (!scalarsEqual(expected, actual)) throw new SpecMismatch(path, expected, actual);
  }

  private operator(op: string, arg: unknown, actual: unknown, path: string, root: boolean, depth: number): void {
    switch (op) {
      case '$$exists':
        // As a value (not under a key) it can only say whether there is a value at all.
        if (typeof arg !== 'boolean') throw new MatchOperatorError(`${path}: $$exists takes a boolean, got ${show(arg)}`);
        if ((actual !== undefined) !== arg) throw new SpecMismatch(path, arg ? 'a value' : 'no value', actual, '$$exists');
        return;
      case '$$type': {
        const aliases = typeof arg === 'string' ? [arg] : Array.isArray(arg) && arg.every((a) => typeof a === 'string') ? (arg as string[]) : null;
        if (aliases === null || aliases.length === 0) throw new MatchOperatorError(`${path}: $$type takes a type name or a list of them, got ${show(arg)}`);
        const unknown = aliases.find((a) => !knownTypeAliases.has(a));
        if (unknown !== undefined) throw new MatchOperatorError(`${path}: $$type: unknown type '${unknown}'`);
        if (actual === undefined) throw new SpecMismatch(path, `a value of type ${aliases.join('|')}`, undefined, 'missing');
        if (!aliases.some((a) => typeMatches(actual, a))) throw new SpecMismatch(path, `type ${aliases.join('|')}`, actual, `actual type ${bsonTypeOf(actual)}`);
        return;
      }
      case '$$unsetOrMatches':
        if (actual === undefined) return;
        this.match(arg, actual, path, root, depth + 1);
        return;
      case '$$matchesEntity':
        if (typeof arg !== 'string') throw new MatchOperatorError(`${path}: $$matchesEntity takes an entity name, got ${show(arg)}`);
        this.match(this.entities.bsonEntity(arg), actual, path, root, depth + 1);
        return;
      case '$$matchesHexBytes': {
        if (typeof arg !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(arg)) throw new MatchOperatorError(`${path}: $$matchesHexBytes takes an even number of hex digits, got ${show(arg)}`);
        const hex = actual instanceof Uint8Array ? Buffer.from(actual).toString('hex') : typeof actual === 'string' ? actual : undefined;
        if (hex === undefined || hex.toLowerCase() !== arg.toLowerCase()) throw new SpecMismatch(path, `bytes ${arg}`, actual, '$$matchesHexBytes');
        return;
      }
      case '$$sessionLsid':
        if (typeof arg !== 'string') throw new MatchOperatorError(`${path}: $$sessionLsid takes a session entity name, got ${show(arg)}`);
        this.match(this.entities.sessionLsid(arg), actual, path, false, depth + 1);
        return;
      case '$$lte': {
        const limit = numericValue(arg);
        if (limit === undefined) throw new MatchOperatorError(`${path}: $$lte takes a number, got ${show(arg)}`);
        const value = numericValue(actual);
        if (value === undefined || !(value <= limit)) throw new SpecMismatch(path, `a number <= ${limit}`, actual, '$$lte');
        return;
      }
      case '$$matchAsDocument': {
        if (typeof actual !== 'string') throw new SpecMismatch(path, 'an Extended JSON string', actual, '$$matchAsDocument');
        let parsed: unknown;
        try {
          parsed = EJSON.parse(actual, { relaxed: true });
        } catch (error) {
          throw new SpecMismatch(path, 'an Extended JSON string', actual, `does not parse: ${(error as Error).message}`);
        }
        const inner = operatorOf(arg) === '$$matchAsRoot' ? (arg as Record<string, unknown>)['$$matchAsRoot'] : arg;
        this.match(inner, parsed, path, inner !== arg, depth + 1);
        return;
      }
      case '$$matchAsRoot':
        this.match(arg, actual, path, true, depth + 1);
        return;
      default:
        throw new MatchOperatorError(`${path || '<root>'}: unknown special operator ${op}`);
    }
  }
}
