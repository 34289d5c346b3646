/**
 * Readers for the BSON-typed fields of a hello reply (ObjectId, int64, datetime, timestamp).
 * The core cannot depend on the `bson` package, so values are recognised by shape: whatever
 * decoded the reply (the `bson` library, EJSON, a simulator) may hand over its own classes,
 * plain numbers or canonical extended-JSON wrappers. A value of the wrong shape raises
 * `HelloFieldError`, which the hello parser turns into an Unknown server description.
 */
import { describeType } from './address.js';

/** Raised inside the hello parser only; never escapes the core. */
export class HelloFieldError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`hello field '${field}' ${detail}`);
  }
}

const hex24 = /^[0-9a-fA-F]{24}$/;
const lowerHex24 = /^[0-9a-f]{24}$/;

/** Canonical lower-case form of 24 hex digits, or null; lower-case input (the usual case) is returned as is. */
function canonicalHex(text: string): string | null {
  if (lowerHex24.test(text)) return text;
  return hex24.test(text) ? text.toLowerCase() : null;
}
const objectIdBytes = 12;

/** Two lower-case hex digits for every byte value. */
const hexByte: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += hexByte[bytes[i] ?? 0];
  return out;
}

/**
 * ObjectId → 24 lower-case hex digits. Accepts a hex string, 12 raw bytes, an ObjectId-like
 * object with a `toHexString()` method (the `bson` class) or its 12 bytes as `id`, or an
 * extended-JSON `{$oid}` wrapper.
 */
export function readObjectIdHex(value: unknown, field: string, known: string | null = null): string {
  // `known` is an already-validated value (the server's previous one): text equal to it needs
  // no validation, and comparing is much cheaper than validating a freshly built string.
  if (typeof value === 'string') {
    if (value === known) return known;
    const hex = canonicalHex(value);
    if (hex !== null) return hex;
    throw new HelloFieldError(field, 'is a string but not 24 hex digits');
  }
  if (typeof value === 'object' && value !== null) {
    // toHexString first: the `bson` class builds its hex cheaply but allocates for `id`.
    const toHex = (value as { toHexString?: unknown }).toHexString;
    if (typeof toHex === 'function') {
      // The usual case, a server reporting the same ObjectId again: compare the `bson` class's
      // four 24-bit words with the known hex instead of building a string to compare.
      if (known !== null && sameObjectIdWords(value as ObjectIdWords, known)) return known;
      const text: unknown = toHex.call(value);
      if (known !== null && text === known) return known;
      const hex = typeof text === 'string' ? canonicalHex(text) : null;
      if (hex !== null) return hex;
    }
    if (value instanceof Uint8Array) {
      if (value.length !== objectIdBytes) throw new HelloFieldError(field, `has ${value.length} bytes, an ObjectId has ${objectIdBytes}`);
      return bytesToHex(value);
    }
    const id = (value as { id?: unknown }).id;
    if (id instanceof Uint8Array && id.length === objectIdBytes) return bytesToHex(id);
    const wrapped = (value as { $oid?: unknown }).$oid;
    const hex = typeof wrapped === 'string' ? canonicalHex(wrapped) : null;
    if (hex !== null) return hex;
  }
  throw new HelloFieldError(field, `must be an ObjectId, got ${describeType(value)}`);
}

/** The fields of the `bson` package's ObjectId (bson 6.10+): its 12 bytes as four 24-bit words. */
interface ObjectIdWords {
  readonly _bsontype?: unknown;
  readonly i0?: unknown;
  readonly i1?: unknown;
  readonly i2?: unknown;
  readonly i3?: unknown;
}

const hexDigitsPerWord = 6;
const bitsPerHexDigit = 4;

/**
 * Whether `value` is a `bson` ObjectId whose bytes are the 24 lower-case hex digits `known`.
 * False for anything else (other classes take the toHexString path): no allocation either way.
 */
function sameObjectIdWords(value: ObjectIdWords, known: string): boolean {
  if (value._bsontype !== 'ObjectId' || known.length !== objectIdBytes * 2) return false;
  return (
    wordOf(known, 0) === value.i0 && wordOf(known, 1) === value.i1 && wordOf(known, 2) === value.i2 && wordOf(known, 3) === value.i3
  );
}

/** Word `w` (24 bits) of a lower-case hex ObjectId; -1 if a digit is not lower-case hex (never equal to a word). */
function wordOf(hex: string, w: number): number {
  let word = 0;
  for (let i = w * hexDigitsPerWord; i < (w + 1) * hexDigitsPerWord; i++) {
    const c = hex.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) return -1;
    word = (word << bitsPerHexDigit) | digit;
  }
  return word;
}

/** int32/int64/double holding an integer → a safe JS integer. */
export function readInteger(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    throw new HelloFieldError(field, `must be an integer, got ${value}`);
  }
  const big = readBigIntLike(value);
  if (big !== undefined) {
    if (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(big);
    throw new HelloFieldError(field, 'is an integer outside the safe range');
  }
  throw new HelloFieldError(field, `must be an integer, got ${describeType(value)}`);
}

/** BSON datetime → milliseconds since the epoch. */
export function readDateMs(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const getTime = (value as { getTime?: unknown }).getTime;
    if (typeof getTime === 'function') {
      const ms: unknown = getTime.call(value);
      if (typeof ms === 'number' && Number.isFinite(ms)) return ms;
    }
    const wrapped = (value as { $date?: unknown }).$date;
    if (wrapped !== undefined) return readDateMs(typeof wrapped === 'object' && wrapped !== null ? readInteger(wrapped, field) : wrapped, field);
  }
  throw new HelloFieldError(field, `must be a date, got ${describeType(value)}`);
}

/** BSON timestamp or int64 → bigint. */
export function readBigInt(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  const big = readBigIntLike(value);
  if (big !== undefined) return big;
  throw new HelloFieldError(field, `must be a timestamp or integer, got ${describeType(value)}`);
}

function readBigIntLike(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const wrapped = (value as { $numberLong?: unknown }).$numberLong;
  if (typeof wrapped === 'string' && /^-?[0-9]{1,19}$/.test(wrapped)) return BigInt(wrapped);
  const toBigInt = (value as { toBigInt?: unknown }).toBigInt;
  if (typeof toBigInt === 'function') {
    const big: unknown = toBigInt.call(value);
    if (typeof big === 'bigint') return big;
  }
  return undefined;
}
