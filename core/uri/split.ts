/**
 * Splits a connection string into its sections without interpreting them
 * (connection-string-spec.md "General Syntax" and "Reference Implementation" steps 1-3, 6).
 * Every section keeps its offset in the original string so messages can decide, through
 * EchoGuard, whether quoting it is safe.
 */
import { MongoParseError } from '../errors.js';

export const mongodbScheme = 'mongodb';
export const srvScheme = 'mongodb+srv';
export type Scheme = typeof mongodbScheme | typeof srvScheme;

/** A slice of the connection string and where it starts. */
export interface Segment {
  readonly text: string;
  readonly offset: number;
}

export interface Sections {
  readonly scheme: Scheme;
  /** Userinfo before the last "@" of the authority, or null when there is no "@". */
  readonly userinfo: Segment | null;
  /** Comma-separated host identifiers. */
  readonly hosts: Segment;
  /** Text between the "/" after the hosts and the "?", or null without a "/". */
  readonly path: Segment | null;
  /** Text after the first "?" following the hosts, or null without a "?". */
  readonly query: Segment | null;
}

const schemeSeparator = '://';
const plausibleScheme = /^[A-Za-z][A-Za-z0-9+.-]{0,30}$/;

export function splitSections(uri: string): Sections {
  const sep = uri.indexOf(schemeSeparator);
  const schemeText = sep >= 0 ? uri.slice(0, sep) : '';
  if (schemeText !== mongodbScheme && schemeText !== srvScheme) {
    // Quote the scheme only when it looks like one: text before "://" in a malformed string
    // could be anything, including a credential.
    const shown = plausibleScheme.test(schemeText) ? ` (got scheme "${schemeText}")` : '';
    throw new MongoParseError(`connection string must begin with "mongodb://" or "mongodb+srv://"${shown}`);
  }
  const authorityStart = sep + schemeSeparator.length;
  // Host information ends at the first "/" or, when the slash is omitted, the first "?"
  // (connection-string-spec.md changelog 2023-08-02).
  let authorityEnd = uri.length;
  for (let i = authorityStart; i < uri.length; i++) {
    const c = uri[i];
    if (c === '/' || c === '?') {
      authorityEnd = i;
      break;
    }
  }
  const authority = uri.slice(authorityStart, authorityEnd);
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? { text: authority.slice(0, at), offset: authorityStart } : null;
  const hosts = { text: authority.slice(at + 1), offset: authorityStart + at + 1 };

  let path: Segment | null = null;
  let query: Segment | null = null;
  if (authorityEnd < uri.length) {
    let queryStart = -1;
    if (uri[authorityEnd] === '/') {
      const q = uri.indexOf('?', authorityEnd + 1);
      const pathEnd = q >= 0 ? q : uri.length;
      path = { text: uri.slice(authorityEnd + 1, pathEnd), offset: authorityEnd + 1 };
      queryStart = q;
    } else {
      queryStart = authorityEnd;
    }
    if (queryStart >= 0) query = { text: uri.slice(queryStart + 1), offset: queryStart + 1 };
  }
  return { scheme: schemeText, userinfo, hosts, path, query };
}
