/**
 * Structural comparison for spec tests that reports the *first* difference with its path,
 * so a failure line in the report says exactly what diverged.
 */
import { redactedValue, redactingReplacer, secretKeyPattern } from './redact.js';

export class SpecMismatch extends Error {
  override readonly name = 'SpecMismatch';
  constructor(
    readonly path: string,
    readonly expected: unknown,
    readonly actual: unknown,
    note?: string,
  ) {
    // A difference in a secret field (auth.password, AWS_SESSION_TOKEN) says where, never what.
    const secret = secretKeyPattern.test(path.split('.').pop() ?? '');
    const value = (v: unknown): string => (secret ? redactedValue : show(v));
    super(`${path || '<root>'}: expected ${value(expected)}, got ${value(actual)}${note ? ` (${note})` : ''}`);
  }
}

/** Compact, bounded rendering of a value for failure messages. */
export function show(value: unknown): string {
  let text: string;
  try {
    // Secrets are hidden before the length bound, which could otherwise cut one in half.
    text = JSON.stringify(value, (k, v: unknown) => redactingReplacer(k, typeof v === 'bigint' ? `${v}n` : v instanceof Map ? Object.fromEntries(v) : v));
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  const maxChars = 200;
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

export interface MatchOptions {
  /** When true, keys present in `actual` but absent from `expected` are ignored (spec "subset" matching). */
  readonly allowExtraKeys?: boolean;
}

/**
 * Deep equality of JSON-like values. Objects compare key by key, arrays element by element;
 * numbers compare with ===, so 1 and 1.0 are equal and NaN is not.
 */
export function assertMatches(actual: unknown, expected: unknown, path = '', options: MatchOptions = {}): void {
  if (expected === null || typeof expected !== 'object') {
    if (!Object.is(actual, expected) && !(typeof actual === 'number' && actual === expected)) {
      throw new SpecMismatch(path, expected, actual);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new SpecMismatch(path, expected, actual, 'not an array');
    if (actual.length !== expected.length) throw new SpecMismatch(`${path}.length`, expected.length, actual.length);
    expected.forEach((item, i) => assertMatches(actual[i], item, `${path}[${i}]`, options));
    return;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    throw new SpecMismatch(path, expected, actual, 'not an object');
  }
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  for (const key of Object.keys(exp)) {
    assertMatches(act[key], exp[key], path ? `${path}.${key}` : key, options);
  }
  if (!options.allowExtraKeys) {
    for (const key of Object.keys(act)) {
      if (!(key in exp) && act[key] !== undefined) throw new SpecMismatch(path ? `${path}.${key}` : key, undefined, act[key], 'unexpected key');
    }
  }
}
