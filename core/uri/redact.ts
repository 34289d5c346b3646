/**
 * Redaction of a parsed connection string for display, logs and JSON: the password and the
 * values of secret options (the option table's `sensitive` flag: authMechanismProperties,
 * proxyPassword, tlsCertificateKeyFilePassword) are replaced by a marker. Hosts, the username,
 * the database and every other option stay, so the text still says where the client connects.
 */
import { optionSpec } from './option-table.js';
import type { ConnectionOptions, ConnectionString } from './types.js';

/** What a redacted secret reads as. Not valid percent-encoding on purpose: it never parses back to the secret. */
export const redactedMarker = '<redacted>';

/** Whether a canonical option name holds a secret (uri-options.md options marked sensitive here). */
export function isSensitiveOption(name: string): boolean {
  return optionSpec(name)?.sensitive === true;
}

/** A copy of `cs` with the password and secret option values replaced by `redactedMarker`. */
export function redactConnectionString(cs: ConnectionString): ConnectionString {
  const auth = cs.auth === null || cs.auth.password === null ? cs.auth : { ...cs.auth, password: redactedMarker };
  // fromEntries keeps every key an own property (see core/uri/option-values.ts keyValuePairs).
  const options: ConnectionOptions = Object.fromEntries(
    Object.entries(cs.options).map(([name, value]) => [name, value !== undefined && isSensitiveOption(name) ? redactedMarker : value]),
  );
  return { ...cs, auth, options };
}
