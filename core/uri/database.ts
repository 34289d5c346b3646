/**
 * The auth database / namespace in the path (connection-string-spec.md "Auth Database").
 * Dotted names are allowed so a namespace (`db.collection`) can be expressed.
 */
import { MongoParseError } from '../errors.js';
import type { EchoGuard } from './echo.js';
import { tryPercentDecode } from './percent.js';
import type { Segment } from './split.js';

/** "slash, backslash, space, double-quote, or dollar sign" once decoded; NUL can never be in a name. */
const prohibited = /[/\\ "$\u0000]/;

export function parseDatabase(segment: Segment | null, guard: EchoGuard): string | null {
  if (segment === null || segment.text.length === 0) return null;
  const shown = (): string => guard.quote(segment.text, segment.offset, '(not shown: it may contain credentials)');
  const decoded = tryPercentDecode(segment.text);
  if (decoded === null) throw new MongoParseError(`database name ${shown()} has invalid percent-encoding`);
  const bad = prohibited.exec(decoded);
  if (bad) {
    let hint = '';
    if (bad[0] === '/' && segment.text.includes('@')) hint = '; a user name or password containing "/" must be percent-encoded';
    else if (bad[0] === '/' && decoded.includes('.sock')) hint = '; UNIX domain socket paths in the host list must be percent-encoded';
    throw new MongoParseError(`database name ${shown()} contains the prohibited character ${JSON.stringify(bad[0])}${hint}`);
  }
  return decoded;
}
