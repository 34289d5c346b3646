/**
 * What the client checks in a command before it goes on the wire: things BSON cannot carry or a
 * server would refuse. The official serializer silently drops functions and loops forever (or
 * overflows the stack) on a circular object, and the server answers an oversize document only
 * after the bytes have travelled; here each of them is a MongoBSONError naming the bad field path
 * (`documents[0].tags.self`), raised before anything is sent.
 *
 * - circular objects (an object that contains itself);
 * - BigInt values outside the int64 range (BSON's only 64-bit integer);
 * - functions and symbols (BSON has no such value; the Node driver drops functions unless
 *   `serializeFunctions` is set, which silently loses data);
 * - keys containing NUL (BSON keys are C strings: the key would be cut short);
 * - documents larger than the server's maxBsonObjectSize (hello), and a command larger than
 *   maxBsonObjectSize + 16 KiB, the headroom the server allows a command over its documents
 *   (BSONObjMaxInternalSize).
 */
import { calculateObjectSize } from 'bson';
import { MongoInvalidArgumentError } from '../core/errors.js';
import type { Document } from './runtime/ports.js';

/** The server's headroom for a command document over maxBsonObjectSize (BSONObjMaxInternalSize − BSONObjMaxUserSize), bytes. */
export const commandOverheadBytes = 16 * 1024;
/** Nesting deeper than this is refused before any recursion could exhaust the stack (the server's own limit is 100 + a few for the command). */
export const maxCheckedNestingDepth = 180;
/** int64 bounds for BigInt values. */
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** A value in a command that BSON cannot carry or the server would refuse; `path` names it. */
export class MongoBSONError extends MongoInvalidArgumentError {
  constructor(
    message: string,
    /** The bad field, as `field.sub[index]`; `(command)` for the command as a whole. */
    readonly path: string,
  ) {
    super(message);
  }
  override get name(): string {
    return 'MongoBSONError';
  }
}

export interface BsonCheckOptions {
  /** The largest document the server accepts (hello maxBsonObjectSize), bytes. */
  readonly maxBsonObjectSize: number;
}

/**
 * Throws MongoBSONError if `command` holds a value BSON cannot carry or is too large. Called on
 * every operation before it is handed to the runtime, so nothing partial is ever sent.
 */
export function checkCommandDocument(command: Document, options: BsonCheckOptions): void {
  const name = commandNameOf(command);
  checkValues(command, name);
  const limit = options.maxBsonObjectSize;
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`checkCommandDocument: maxBsonObjectSize ${String(limit)} must be a positive whole number of bytes`);
  }
  const total = calculateObjectSize(command);
  // Documents a write carries are bounded one by one (the size a user controls), the command as
  // a whole with the headroom; no document can be over the limit when the whole command is not.
  const documents = command['documents'];
  if (total > limit && Array.isArray(documents)) {
    for (let i = 0; i < documents.length; i++) {
      const doc: unknown = documents[i];
      if (typeof doc !== 'object' || doc === null) continue;
      const size = calculateObjectSize(doc as Document);
      if (size > limit) {
        throw new MongoBSONError(`${name}: documents[${i}] is ${size} bytes of BSON, larger than maxBsonObjectSize (${limit} bytes)`, `documents[${i}]`);
      }
    }
  }
  if (total > limit + commandOverheadBytes) {
    throw new MongoBSONError(
      `${name}: the command is ${total} bytes of BSON, larger than maxBsonObjectSize + ${commandOverheadBytes} (${limit + commandOverheadBytes} bytes)`,
      '(command)',
    );
  }
}

function commandNameOf(command: Document): string {
  for (const key in command) return `${key} command`;
  return 'command';
}

/** Walks `root` depth-first with an explicit stack (no recursion), tracking the current ancestors to find cycles. */
function checkValues(root: Document, name: string): void {
  interface Frame { readonly value: object; readonly path: string; readonly keys: string[]; next: number; readonly depth: number }
  const ancestors = new Set<object>([root]);
  const stack: Frame[] = [frame(root, '', 0)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    if (top.next >= top.keys.length) {
      stack.pop();
      ancestors.delete(top.value);
      continue;
    }
    const key = top.keys[top.next++] as string;
    const isArray = Array.isArray(top.value);
    const path = isArray ? `${top.path}[${key}]` : top.path === '' ? key : `${top.path}.${key}`;
    if (!isArray && key.includes('\u0000')) {
      throw new MongoBSONError(`${name}: key ${JSON.stringify(key)} at ${path} contains a NUL character, which BSON keys cannot hold`, path);
    }
    const value: unknown = top.value instanceof Map ? top.value.get(key) : (top.value as Record<string, unknown>)[key];
    switch (typeof value) {
      case 'function':
        throw new MongoBSONError(`${name}: ${path} is a function, which BSON cannot carry`, path);
      case 'symbol':
        throw new MongoBSONError(`${name}: ${path} is a symbol, which BSON cannot carry`, path);
      case 'bigint':
        if (value < int64Min || value > int64Max) {
          throw new MongoBSONError(`${name}: ${path} is the BigInt ${value}, outside the int64 range BSON can carry`, path);
        }
        continue;
      case 'object':
        break;
      default:
        continue;
    }
    if (value === null || !descends(value)) continue;
    if (ancestors.has(value)) throw new MongoBSONError(`${name}: ${path} is a circular reference (the object contains itself)`, path);
    const depth = top.depth + 1;
    if (depth > maxCheckedNestingDepth) {
      throw new MongoBSONError(`${name}: ${path} is nested more than ${maxCheckedNestingDepth} levels deep`, path);
    }
    ancestors.add(value);
    stack.push(frame(value, path, depth));
  }
}

function frame(value: object, path: string, depth: number): { value: object; path: string; keys: string[]; next: number; depth: number } {
  const keys = value instanceof Map ? [...value.keys()].map(String) : Object.keys(value);
  return { value, path, keys, next: 0, depth };
}

/** Plain objects, arrays and maps hold fields to check; BSON value classes, dates, regexps and byte arrays do not. */
function descends(value: object): boolean {
  if ('_bsontype' in value) return false;
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return true;
}
