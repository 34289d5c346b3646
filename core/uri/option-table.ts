/**
 * Every URI option this parser understands (uri-options.md "List of specified options"),
 * keyed by its lower-cased name because "Keys ... character case must be normalized by lower
 * casing" (connection-string-spec.md "Keys").
 */
import {
  booleanValue,
  enumValue,
  int32Max,
  int64SafeMax,
  integerValue,
  keyValuePairs,
  knownNamesList,
  stringValue,
  writeConcernW,
  type ValueParser,
} from './option-values.js';
import { maxPort } from './address.js';

export interface OptionSpec {
  /** Canonical (camelCase) name: the key in ConnectionOptions and in formatted strings. */
  readonly name: string;
  readonly parse: ValueParser;
  /**
   * What a repeated key means: `accumulate` builds a list (readPreferenceTags), `error` rejects
   * the string (SOCKS5 options, per the uri-options proxy tests), `last` keeps the last usable
   * value and warns (connection-string-spec.md "Repeated Keys": precedence is ours to define),
   * `agree` requires every usable value to be equal and then does not warn (uri-options.md
   * "Conflicting TLS options" rule 8 for tls/ssl).
   */
  readonly repeat: 'last' | 'accumulate' | 'error' | 'agree';
  /** The value is a secret: never quoted in messages. */
  readonly sensitive?: boolean;
  /** An empty value is an error rather than ignored (auth spec: empty authSource). */
  readonly emptyIsError?: boolean;
  /** An empty value is meaningful (readPreferenceTags: the empty tag set). */
  readonly emptyAllowed?: boolean;
  /**
   * An unusable value is an error rather than ignored with a warning, where a spec's tests
   * demand it (read-write-concern tests/connection-string: "w as an invalid number").
   */
  readonly invalidIsError?: boolean;
}

export interface AliasSpec {
  /** Canonical option the alias stands for. */
  readonly canonical: string;
  /** Deprecated aliases lose to the canonical key and always warn (connection-string-spec.md "Deprecated Key Value Pairs"). */
  readonly deprecated: boolean;
}

/** handshake.md "client.application.name cannot exceed 128 bytes". */
export const maxAppNameBytes = 128;
/** RFC 6335 5.1 allows 15 characters; initial-dns-seedlist-discovery.md relaxes it to the 62 a DNS label leaves after "_". */
export const maxSrvServiceNameChars = 62;
/** Compressors defined by the compression spec (OP_COMPRESSED.md "compressors"). */
export const knownCompressors = ['snappy', 'zlib', 'zstd'] as const;
export const readPreferenceModes = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const;
export const serverMonitoringModes = ['auto', 'poll', 'stream'] as const;
/** max-staleness.md: -1 means "no maximum staleness". */
export const noMaxStalenessSeconds = -1;

const nonNegative = integerValue(0);
const positive = integerValue(1);

/**
 * max-staleness.md "API": -1 or a positive integer. The 90-second floor and the
 * heartbeat-based floor depend on the topology, so server selection enforces them (an error at
 * selection time beats silently dropping the user's bound here).
 */
const maxStalenessSeconds: ValueParser<number> = (raw) => {
  const r = integerValue(noMaxStalenessSeconds)(raw);
  if (r.ok && r.value === 0) return { ok: false, reason: 'must be -1 (no maximum) or a positive integer' };
  if (!r.ok) return { ok: false, reason: 'must be -1 (no maximum) or a positive integer' };
  return r;
};

function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** RFC 6335 5.1 service name, with the length relaxation above. */
function srvServiceNameProblem(text: string): string | null {
  const ok =
    text.length >= 1 &&
    text.length <= maxSrvServiceNameChars &&
    /^[A-Za-z0-9-]+$/.test(text) &&
    /[A-Za-z]/.test(text) &&
    !text.startsWith('-') &&
    !text.endsWith('-') &&
    !text.includes('--');
  return ok ? null : `must be an RFC 6335 service name (letters, digits and single inner hyphens, at most ${maxSrvServiceNameChars} characters)`;
}

const specs: OptionSpec[] = [
  { name: 'appname', parse: stringValue((t) => (utf8Length(t) > maxAppNameBytes ? `must be at most ${maxAppNameBytes} bytes of UTF-8` : null)), repeat: 'last' },
  { name: 'authMechanism', parse: stringValue(), repeat: 'last' },
  { name: 'authMechanismProperties', parse: keyValuePairs(false), repeat: 'last', sensitive: true },
  { name: 'authSource', parse: stringValue(), repeat: 'last', emptyIsError: true },
  { name: 'compressors', parse: knownNamesList(knownCompressors), repeat: 'last' },
  { name: 'connectTimeoutMS', parse: nonNegative, repeat: 'last' },
  { name: 'directConnection', parse: booleanValue, repeat: 'last' },
  { name: 'enableOverloadRetargeting', parse: booleanValue, repeat: 'last' },
  { name: 'heartbeatFrequencyMS', parse: integerValue(500), repeat: 'last' },
  { name: 'journal', parse: booleanValue, repeat: 'last' },
  { name: 'loadBalanced', parse: booleanValue, repeat: 'last' },
  { name: 'localThresholdMS', parse: nonNegative, repeat: 'last' },
  { name: 'maxAdaptiveRetries', parse: nonNegative, repeat: 'last' },
  { name: 'maxConnecting', parse: positive, repeat: 'last' },
  { name: 'maxIdleTimeMS', parse: nonNegative, repeat: 'last' },
  { name: 'maxPoolSize', parse: nonNegative, repeat: 'last' },
  { name: 'maxStalenessSeconds', parse: maxStalenessSeconds, repeat: 'last' },
  { name: 'minPoolSize', parse: nonNegative, repeat: 'last' },
  { name: 'proxyHost', parse: stringValue(), repeat: 'error' },
  { name: 'proxyPassword', parse: stringValue(), repeat: 'error', sensitive: true },
  { name: 'proxyPort', parse: integerValue(0, maxPort), repeat: 'error' },
  { name: 'proxyUsername', parse: stringValue(), repeat: 'error' },
  { name: 'readConcernLevel', parse: stringValue(), repeat: 'last' },
  { name: 'readPreference', parse: enumValue(readPreferenceModes), repeat: 'last' },
  { name: 'readPreferenceTags', parse: keyValuePairs(true), repeat: 'accumulate', emptyAllowed: true },
  { name: 'replicaSet', parse: stringValue(), repeat: 'last' },
  { name: 'retryReads', parse: booleanValue, repeat: 'last' },
  { name: 'retryWrites', parse: booleanValue, repeat: 'last' },
  { name: 'serverMonitoringMode', parse: enumValue(serverMonitoringModes), repeat: 'last' },
  { name: 'serverSelectionTimeoutMS', parse: positive, repeat: 'last' },
  { name: 'serverSelectionTryOnce', parse: booleanValue, repeat: 'last' },
  { name: 'socketTimeoutMS', parse: nonNegative, repeat: 'last' },
  { name: 'srvMaxHosts', parse: nonNegative, repeat: 'last' },
  { name: 'srvServiceName', parse: stringValue(srvServiceNameProblem), repeat: 'last' },
  { name: 'timeoutMS', parse: nonNegative, repeat: 'last' },
  { name: 'tls', parse: booleanValue, repeat: 'agree' },
  { name: 'tlsAllowInvalidCertificates', parse: booleanValue, repeat: 'last' },
  { name: 'tlsAllowInvalidHostnames', parse: booleanValue, repeat: 'last' },
  { name: 'tlsCAFile', parse: stringValue(), repeat: 'last' },
  { name: 'tlsCertificateKeyFile', parse: stringValue(), repeat: 'last' },
  { name: 'tlsCertificateKeyFilePassword', parse: stringValue(), repeat: 'last', sensitive: true },
  { name: 'tlsDisableCertificateRevocationCheck', parse: booleanValue, repeat: 'last' },
  { name: 'tlsDisableOCSPEndpointCheck', parse: booleanValue, repeat: 'last' },
  { name: 'tlsInsecure', parse: booleanValue, repeat: 'last' },
  { name: 'w', parse: writeConcernW, repeat: 'last', invalidIsError: true },
  { name: 'waitQueueTimeoutMS', parse: positive, repeat: 'last' },
  { name: 'wTimeoutMS', parse: integerValue(0, int64SafeMax), repeat: 'last' },
  { name: 'zlibCompressionLevel', parse: integerValue(-1, 9), repeat: 'last' },
];

const aliases: Record<string, AliasSpec> = {
  // uri-options.md: ssl is "same as tls"; both spellings are current, so neither loses.
  ssl: { canonical: 'tls', deprecated: false },
  // Renamed keys still accepted (connection-string-spec.md "Deprecated Key Value Pairs").
  wtimeout: { canonical: 'wTimeoutMS', deprecated: true },
  j: { canonical: 'journal', deprecated: true },
};

const asciiOnly = /^[\x00-\x7f]*$/;
const byLowerName = new Map<string, OptionSpec>(specs.map((s) => [s.name.toLowerCase(), s]));
const canonicalByName = new Map<string, OptionSpec>(specs.map((s) => [s.name, s]));

export interface KeyLookup {
  readonly spec: OptionSpec;
  /** Set when the key was an alias of `spec.name`. */
  readonly alias: (AliasSpec & { readonly key: string }) | null;
}

/** Resolves a decoded key (any case) to its option, or null for an unsupported key. */
export function lookupOption(key: string): KeyLookup | null {
  // Every known key is ASCII. Bailing out on anything else also keeps toLowerCase() to the
  // A-Z folding the spec asks for (it would fold e.g. the Kelvin sign into "k").
  if (!asciiOnly.test(key)) return null;
  const lower = key.toLowerCase();
  const direct = byLowerName.get(lower);
  if (direct) return { spec: direct, alias: null };
  const alias = Object.prototype.hasOwnProperty.call(aliases, lower) ? aliases[lower] : undefined;
  if (!alias) return null;
  const spec = canonicalByName.get(alias.canonical);
  return spec ? { spec, alias: { ...alias, key: lower } } : null;
}

/** The spec for a canonical option name (formatting uses it). */
export function optionSpec(name: string): OptionSpec | undefined {
  return canonicalByName.get(name);
}

export const allOptionSpecs: readonly OptionSpec[] = specs;
export { int32Max };
