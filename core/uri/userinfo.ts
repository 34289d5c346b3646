/**
 * User information (connection-string-spec.md "Userinfo"). Messages never quote any of it:
 * they say which half (username or password) is wrong and how to fix it.
 */
import { MongoParseError } from '../errors.js';
import { hasValidPercentEscapes, percentDecode } from './percent.js';
import type { Segment } from './split.js';

export interface Credentials {
  readonly username: string;
  readonly password: string | null;
}

const encodeHint = 'user name and password must be percent-encoded';
// RFC 3986 3.2.1: userinfo = *( unreserved / pct-encoded / sub-delims / ":" ). Non-ASCII text is
// let through for backwards compatibility (the spec allows drivers to be lenient beyond "@",
// ":" and "%"); it is UTF-8 by construction.
const disallowedAscii = /[\u0000-\u0020"#/<>?@[\\\]^`{|}\u007f]/;

export function parseUserInfo(segment: Segment): Credentials {
  const text = segment.text;
  if (text.includes('@')) throw new MongoParseError(`user information contains an unescaped "@"; ${encodeHint}`);
  const colon = text.indexOf(':');
  const rawUser = colon >= 0 ? text.slice(0, colon) : text;
  const rawPassword = colon >= 0 ? text.slice(colon + 1) : null;
  if (rawPassword !== null && rawPassword.includes(':')) {
    throw new MongoParseError(`user information contains more than one unescaped ":"; ${encodeHint}`);
  }
  check(rawUser, 'username');
  if (rawPassword !== null) check(rawPassword, 'password');
  const username = percentDecode(rawUser, 'the username');
  if (username.length === 0) {
    // auth spec: a present but empty username is an error, not "no credentials".
    throw new MongoParseError('username is empty; remove the "@" or give a user name');
  }
  const password = rawPassword === null ? null : percentDecode(rawPassword, 'the password');
  return { username, password };
}

function check(raw: string, part: 'username' | 'password'): void {
  if (!hasValidPercentEscapes(raw)) {
    throw new MongoParseError(`${part} has a "%" that does not start a two-digit hex escape; ${encodeHint}`);
  }
  if (disallowedAscii.test(raw)) {
    throw new MongoParseError(`${part} contains a character that must be percent-encoded; ${encodeHint}`);
  }
}
