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
import { formatHostIdentifier } from './address.js';
import { optionSpec } from './option-table.js';
import { percentEncode } from './percent.js';
import { redactedMarker } from './redact.js';

export interface FormatOptions {
  /** Replace the password and secret option values by `<redacted>`. Default true. */
  readonly redact?: boolean;
}

export function formatConnectionString(cs: ConnectionString, options: FormatOptions = {}): string {
  const redact = options.redact ?? true;
  if (typeof redact !== 'boolean') throw new MongoInvalidArgumentError(`formatConnectionString option redact must be a boolean, got ${typeof redact}`);
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
