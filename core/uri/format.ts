/**
 * formatConnectionString: a ConnectionString back into text. Options are written under their
 * canonical names; the implicit `tls=true` of mongodb+srv is written out explicitly.
 *
 * By default the text is for display: the password and secret option values are replaced by
 * `<redacted>` (core/uri/redact.ts), so it can go into logs and error messages. With
 * `{ redact: false }` it is the exact canonical text that parses back to an equal value.
 */
import { MongoInvalidArgumentError } from '../errors.js';
import type { ConnectionString } from './types.js';
import { formatHostIdentifier, maxPort, minPort } from './address.js';
import { optionSpec } from './option-table.js';
import { percentEncode } from './percent.js';
import { redactedMarker } from './redact.js';

export interface FormatOptions {
  /** Replace the password and secret option values by `<redacted>`. Default true. */
  readonly redact?: boolean;
}

/**
 * Throws MongoInvalidArgumentError naming the part of a hand-built ConnectionString that cannot
 * be written (never another exception: a getter or Proxy that throws is reported the same way).
 */
export function formatConnectionString(cs: ConnectionString, options: FormatOptions = {}): string {
  try {
    return formatChecked(cs, options);
  } catch (error) {
    if (error instanceof MongoInvalidArgumentError) throw error;
    const detail = error instanceof Error ? error.message : typeof error;
    throw new MongoInvalidArgumentError(`the connection string could not be read: ${detail.slice(0, 200)}`);
  }
}

function formatChecked(cs: ConnectionString, options: FormatOptions): string {
  if (typeof options !== 'object' || options === null) throw new MongoInvalidArgumentError(`formatConnectionString options must be an object, got ${typeName(options)}`);
  const redact = options.redact ?? true;
  if (typeof redact !== 'boolean') throw new MongoInvalidArgumentError(`formatConnectionString option redact must be a boolean, got ${typeName(redact)}`);
  checkShape(cs);
  let text = `${cs.scheme}://`;
  if (cs.auth !== null && cs.auth.username !== null) {
    text += percentEncode(cs.auth.username);
    if (cs.auth.password !== null) text += `:${redact ? redactedMarker : percentEncode(cs.auth.password)}`;
    text += '@';
  }
  text += cs.hosts.map(formatHostIdentifier).join(',');
  const query = Object.entries(cs.options)
    .filter(([, value]) => value !== undefined)
    .flatMap(([name, value]) => formatOption(name, value, redact));
  if (cs.database !== null) text += `/${percentEncode(cs.database)}`;
  else if (query.length > 0) text += '/';
  if (query.length > 0) text += `?${query.join('&')}`;
  return text;
}

function formatOption(name: string, value: unknown, redact: boolean): string[] {
  const spec = optionSpec(name);
  if (spec === undefined) throw new MongoInvalidArgumentError(`cannot format unknown option "${name.slice(0, 60)}"`);
  if (redact && spec.sensitive === true) return [`${name}=${redactedMarker}`];
  if (spec.repeat === 'accumulate') {
    if (!Array.isArray(value)) throw new MongoInvalidArgumentError(`option "${name}" must be an array`);
    return value.map((item) => `${name}=${formatValue(name, item)}`);
  }
  return [`${name}=${formatValue(name, value)}`];
}

function formatValue(name: string, value: unknown): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) break;
      return String(value);
    case 'string':
      return percentEncode(value);
    case 'object':
      if (value === null) break;
      if (Array.isArray(value)) return value.map((item) => percentEncode(String(item))).join(',');
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${percentEncode(k)}:${percentEncode(String(v))}`)
        .join(',');
  }
  throw new MongoInvalidArgumentError(`option "${name}" has a value that cannot be written in a connection string`);
}

const schemes: ReadonlySet<string> = new Set(['mongodb', 'mongodb+srv']);
const hostTypes: ReadonlySet<string> = new Set(['ipv4', 'ip_literal', 'hostname', 'unix']);

/** The parts a ConnectionString must have to be written (parseConnectionString always builds them so). */
function checkShape(cs: ConnectionString): void {
  const bad = (part: string, expected: string, value: unknown): never => {
    throw new MongoInvalidArgumentError(`connection string ${part} must be ${expected}, got ${typeName(value)}`);
  };
  if (typeof cs !== 'object' || cs === null) bad('value', 'a ConnectionString object', cs);
  if (typeof cs.scheme !== 'string' || !schemes.has(cs.scheme)) bad('scheme', '"mongodb" or "mongodb+srv"', cs.scheme);
  if (!Array.isArray(cs.hosts)) bad('hosts', 'an array', cs.hosts);
  cs.hosts.forEach((host: unknown, i) => {
    if (typeof host !== 'object' || host === null) bad(`hosts[${i}]`, 'a host object', host);
    const h = host as Record<string, unknown>;
    if (typeof h.type !== 'string' || !hostTypes.has(h.type)) bad(`hosts[${i}].type`, 'ipv4, ip_literal, hostname or unix', h.type);
    if (typeof h.host !== 'string') bad(`hosts[${i}].host`, 'a string', h.host);
    const port = h.port;
    if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < minPort || port > maxPort)) bad(`hosts[${i}].port`, `null or an integer ${minPort}-${maxPort}`, port);
  });
  const auth: unknown = cs.auth;
  if (auth !== null) {
    if (typeof auth !== 'object') bad('auth', 'null or an object', auth);
    const a = auth as Record<string, unknown>;
    for (const field of ['username', 'password'] as const) {
      if (a[field] !== null && typeof a[field] !== 'string') bad(`auth.${field}`, 'null or a string', a[field]);
    }
  }
  if (cs.database !== null && typeof cs.database !== 'string') bad('database', 'null or a string', cs.database);
  if (typeof cs.options !== 'object' || cs.options === null || Array.isArray(cs.options)) bad('options', 'an object', cs.options);
}

/** The type of a bad value, never the value itself: it may be a secret. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

