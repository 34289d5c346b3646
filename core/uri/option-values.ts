/**
 * Value types of URI options (connection-string-spec.md "Values"; uri-options.md "Accepted
 * Values"). Each parser takes the raw, still percent-encoded value and either returns the typed
 * value or says why it is unusable; the caller turns that into a warning, because "Any invalid
 * Values for a given key MUST be ignored and MUST log a WARN level message".
 */
import { tryPercentDecode } from './percent.js';

export type ValueResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export type ValueParser<T = unknown> = (raw: string) => ValueResult<T>;

/** "All integer options are 32-bit unless specified otherwise" (uri-options.md). */
export const int32Max = 2147483647;
/** wTimeoutMS is "non-negative 64-bit"; JS numbers are exact only up to 2^53 - 1. */
export const int64SafeMax = Number.MAX_SAFE_INTEGER;

const integerText = /^-?\d+$/;
const invalidEncoding = { ok: false, reason: 'has invalid percent-encoding' } as const;

function decoded(raw: string): string | null {
  return tryPercentDecode(raw);
}

/** "true" or "false" only: the legacy spellings ("1", "yes", ...) are deprecated and rejected. */
export const booleanValue: ValueParser<boolean> = (raw) => {
  const text = decoded(raw);
  if (text === 'true') return { ok: true, value: true };
  if (text === 'false') return { ok: true, value: false };
  return { ok: false, reason: 'must be "true" or "false"' };
};

/** An integer in [min, max]. */
export function integerValue(min: number, max: number = int32Max): ValueParser<number> {
  return (raw) => {
    const text = decoded(raw);
    if (text === null) return invalidEncoding;
    const range = max === int32Max || max === int64SafeMax ? `>= ${min}` : `between ${min} and ${max}`;
    if (!integerText.test(text)) return { ok: false, reason: `must be an integer ${range}` };
    const value = Number(text);
    if (value < min || value > max) {
      const limit = value > max && range.startsWith('>=') ? ` and at most ${max}` : '';
      return { ok: false, reason: `must be an integer ${range}${limit}` };
    }
    return { ok: true, value: value === 0 ? 0 : value };
  };
}

/** One of a fixed set of (case-sensitive) strings. */
export function enumValue<T extends string>(allowed: readonly T[]): ValueParser<T> {
  return (raw) => {
    const text = decoded(raw);
    const found = allowed.find((a) => a === text);
    if (found === undefined) return { ok: false, reason: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}` };
    return { ok: true, value: found };
  };
}

/** Any string, optionally checked by `valid` (which returns a reason when the text is unusable). */
export function stringValue(valid?: (text: string) => string | null): ValueParser<string> {
  return (raw) => {
    const text = decoded(raw);
    if (text === null) return invalidEncoding;
    const problem = valid ? valid(text) : null;
    return problem === null ? { ok: true, value: text } : { ok: false, reason: problem };
  };
}

/** `w`: a non-negative integer, or any other string (e.g. "majority", a tag set name). */
export const writeConcernW: ValueParser<number | string> = (raw) => {
  const text = decoded(raw);
  if (text === null) return invalidEncoding;
  if (integerText.test(text)) {
    const value = Number(text);
    if (value < 0 || value > int32Max) return { ok: false, reason: `must be a non-negative integer or a string` };
    return { ok: true, value: value === 0 ? 0 : value };
  }
  return { ok: true, value: text };
};

/**
 * A comma-separated list of names from `known`; unknown names are dropped with a warning
 * (compression spec "Unknown compressors MUST yield a warning ... and MUST NOT be included").
 */
export function knownNamesList(known: readonly string[]): ValueParser<string[]> {
  return (raw) => {
    const text = decoded(raw);
    if (text === null) return invalidEncoding;
    const value: string[] = [];
    const warnings: string[] = [];
    for (const name of text.split(',')) {
      if (known.includes(name)) {
        if (!value.includes(name)) value.push(name);
      } else {
        warnings.push(`unknown value ${JSON.stringify(name.slice(0, 40))} ignored (known: ${known.join(', ')})`);
      }
    }
    if (value.length === 0) return { ok: false, reason: `lists no known value (known: ${known.join(', ')})` };
    return { ok: true, value, warnings };
  };
}

/**
 * "key:value,key:value" (connection-string-spec.md "Key value pairs"). The raw text is split
 * on "," and each pair on its first ":" before decoding, so an unencoded ":" inside a value
 * (`TOKEN_RESOURCE:mongodb://foo`) stays in the value. A value that decodes to text containing
 * "," is kept but warned about: the spec says such values "MUST NOT be provided".
 * `allowEmpty`: whether the empty string means the empty map (readPreferenceTags) or is unusable.
 */
export function keyValuePairs(allowEmpty: boolean): ValueParser<Record<string, string>> {
  return (raw) => {
    if (raw.length === 0) {
      return allowEmpty ? { ok: true, value: {} } : { ok: false, reason: 'must be "key:value" pairs separated by ","' };
    }
    // A Map, turned into an object with own properties at the end, so "__proto__" and
    // "constructor" are ordinary keys (assigning "__proto__" would drop the pair).
    const pairs = new Map<string, string>();
    const warnings: string[] = [];
    for (const pair of raw.split(',')) {
      const colon = pair.indexOf(':');
      if (colon <= 0) return { ok: false, reason: 'must be "key:value" pairs separated by "," (a pair has no key or no ":")' };
      const key = decoded(pair.slice(0, colon));
      const item = decoded(pair.slice(colon + 1));
      if (key === null || item === null) return invalidEncoding;
      if (pairs.has(key)) warnings.push(`key ${JSON.stringify(key.slice(0, 40))} is given more than once; the last value is used`);
      if (item.includes(',') || key.includes(',')) warnings.push(`the entry for key ${JSON.stringify(key.slice(0, 40))} contains a "," which must not be used in this option`);
      pairs.set(key, item);
    }
    return { ok: true, value: Object.fromEntries(pairs), warnings };
  };
}
