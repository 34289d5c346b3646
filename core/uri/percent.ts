/**
 * Percent-encoding as the connection string uses it (connection-string-spec.md "Userinfo",
 * "Values"; RFC 3986 section 2.1). Decoding is strict: a "%" must start a two-digit hex escape
 * and the decoded bytes must be UTF-8 ("All keys and values MUST be encoded in UTF-8").
 */
import { MongoParseError } from '../errors.js';

const percentEscape = /%(?![0-9a-fA-F]{2})/;
// With the `u` flag a paired surrogate is one code point, so this matches only lone halves,
// which no UTF-8 encoding (and so no connection string) can carry.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** True when every "%" in `text` starts a `%XX` hex escape. */
export function hasValidPercentEscapes(text: string): boolean {
  return !percentEscape.test(text);
}

/** True when `text` contains a lone UTF-16 surrogate (not representable in UTF-8). */
export function hasLoneSurrogate(text: string): boolean {
  return loneSurrogate.test(text);
}

/**
 * Decodes `%XX` escapes. `what` names the part for the error message; it must already be
 * safe to show (never the text itself when that may hold a credential).
 */
export function percentDecode(text: string, what: string): string {
  if (!text.includes('%')) return text;
  if (!hasValidPercentEscapes(text)) {
    throw new MongoParseError(`${what} has a "%" that does not start a two-digit hex escape; percent-encode it as %25`);
  }
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MongoParseError(`${what} has percent-escapes that do not decode to UTF-8 text`);
  }
}

/** Like `percentDecode` but returns null instead of throwing (for values the spec says to warn about). */
export function tryPercentDecode(text: string): string | null {
  if (!text.includes('%')) return text;
  if (!hasValidPercentEscapes(text)) return null;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Encodes everything except RFC 3986 unreserved characters and `!*'()`, which are sub-delims
 * that every part of the connection string accepts raw. Callers never pass lone surrogates
 * (the parser rejects them), so encodeURIComponent cannot throw here.
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text);
}
