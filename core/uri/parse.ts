/**
 * parseConnectionString: the connection string into hosts, credentials, database and typed
 * options (connection-string-spec.md "Reference Implementation" steps 1-9; uri-options.md).
 * Pure: no DNS (mongodb+srv is validated, not resolved), no I/O. Every error is a
 * MongoParseError naming the bad part and never containing a credential.
 */
import { MongoParseError } from '../errors.js';
import type { ConnectionOptions, ConnectionString } from './types.js';
import { EchoGuard } from './echo.js';
import { hasLoneSurrogate } from './percent.js';
import { splitSections, srvScheme } from './split.js';
import { parseUserInfo } from './userinfo.js';
import { parseHostList } from './hosts.js';
import { parseDatabase } from './database.js';
import { parseOptions } from './options.js';
import { checkConflicts } from './conflicts.js';
import { checkCredentials } from './credentials.js';

export function parseConnectionString(uri: string): ConnectionString {
  if (typeof uri !== 'string') throw new MongoParseError(`connection string must be a string, got ${uri === null ? 'null' : typeof uri}`);
  if (uri.length === 0) throw new MongoParseError('connection string is empty');
  if (hasLoneSurrogate(uri)) throw new MongoParseError('connection string contains text that cannot be encoded as UTF-8 (a lone surrogate)');
  const guard = new EchoGuard(uri);
  const sections = splitSections(uri);
  const credentials = sections.userinfo === null ? null : parseUserInfo(sections.userinfo);
  if (sections.hosts.text.length === 0 && sections.path !== null && sections.path.text.includes('.sock')) {
    // connection-string-spec.md "Host": an unescaped "/" means an unencoded socket path.
    throw new MongoParseError('connection string has no host; UNIX domain socket paths must be percent-encoded (e.g. %2Ftmp%2Fmongodb-27017.sock)');
  }
  const hosts = parseHostList(sections.hosts, guard);
  const database = parseDatabase(sections.path, guard);
  const parsed = parseOptions(sections.query, guard);
  checkConflicts(sections.scheme, hosts, parsed);
  checkCredentials(credentials, parsed.options);

  let options: ConnectionOptions = parsed.options;
  // initial-dns-seedlist-discovery.md: "If mongodb+srv is used, a driver MUST implicitly also enable TLS."
  if (sections.scheme === srvScheme && options.tls === undefined) options = { ...options, tls: true };
  const auth =
    credentials === null && database === null
      ? null
      : { username: credentials?.username ?? null, password: credentials?.password ?? null, db: database };
  return { scheme: sections.scheme, hosts, auth, database, options, warnings: parsed.warnings };
}
