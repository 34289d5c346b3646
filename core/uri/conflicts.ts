/**
 * Rules that look at several parts of the string together. Each is an error because guessing
 * would silently change security or topology behaviour.
 */
import { MongoParseError } from '../errors.js';
import type { HostAddress } from './types.js';
import type { ParsedOptions } from './options.js';
import { srvScheme, type Scheme } from './split.js';

/** uri-options.md "Conflicting TLS options" rules 1-7: options that may not appear together. */
const exclusiveTlsPairs: ReadonlyArray<readonly [string, string]> = [
  ['tlsInsecure', 'tlsAllowInvalidCertificates'],
  ['tlsInsecure', 'tlsAllowInvalidHostnames'],
  ['tlsInsecure', 'tlsDisableOCSPEndpointCheck'],
  ['tlsInsecure', 'tlsDisableCertificateRevocationCheck'],
  ['tlsAllowInvalidCertificates', 'tlsDisableOCSPEndpointCheck'],
  ['tlsAllowInvalidCertificates', 'tlsDisableCertificateRevocationCheck'],
  ['tlsDisableOCSPEndpointCheck', 'tlsDisableCertificateRevocationCheck'],
];

export function checkConflicts(scheme: Scheme, hosts: readonly HostAddress[], parsed: ParsedOptions): void {
  checkTls(parsed);
  checkSrv(scheme, hosts, parsed);
  checkTopology(scheme, hosts, parsed);
  checkProxy(parsed);
  checkReadPreference(parsed);
  checkWriteConcern(parsed);
}

function fail(message: string): never {
  throw new MongoParseError(message);
}

function checkTls({ present }: ParsedOptions): void {
  for (const [a, b] of exclusiveTlsPairs) {
    // "appear in the URI options": presence counts, whatever the values.
    if (present.has(a) && present.has(b)) fail(`options "${a}" and "${b}" cannot both be given`);
  }
  // Rule 8 (tls and ssl agree) is enforced while parsing: tls repeats with `agree`.
}

/** initial-dns-seedlist-discovery.md "URI Validation" and "Validation Before Querying DNS". */
function checkSrv(scheme: Scheme, hosts: readonly HostAddress[], { options, present }: ParsedOptions): void {
  if (scheme !== srvScheme) {
    for (const name of ['srvServiceName', 'srvMaxHosts']) {
      if (present.has(name)) fail(`option "${name}" requires the "mongodb+srv" scheme`);
    }
    return;
  }
  if (hosts.length !== 1) fail(`a "mongodb+srv" connection string must have exactly one host, got ${hosts.length}`);
  const host = hosts[0]!;
  if (host.port !== null) fail('a "mongodb+srv" host must not have a port');
  if (host.type !== 'hostname') fail(`a "mongodb+srv" host must be a DNS name, not ${host.type === 'unix' ? 'a UNIX domain socket' : 'an IP address'}`);
  const maxHosts = options['srvMaxHosts'];
  if (typeof maxHosts === 'number' && maxHosts > 0) {
    if (options['replicaSet'] !== undefined) fail('option "srvMaxHosts" greater than 0 cannot be combined with "replicaSet"');
    if (options['loadBalanced'] === true) fail('option "srvMaxHosts" greater than 0 cannot be combined with "loadBalanced=true"');
  }
}

/** uri-options.md "directConnection URI option with multiple seeds or SRV URI"; load-balancers.md "URI Validation". */
function checkTopology(scheme: Scheme, hosts: readonly HostAddress[], { options }: ParsedOptions): void {
  if (options['directConnection'] === true) {
    if (hosts.length > 1) fail(`option "directConnection=true" cannot be used with ${hosts.length} hosts`);
    if (scheme === srvScheme) fail('option "directConnection=true" cannot be used with a "mongodb+srv" connection string');
  }
  if (options['loadBalanced'] === true) {
    if (hosts.length > 1) fail(`option "loadBalanced=true" cannot be used with ${hosts.length} hosts`);
    if (options['replicaSet'] !== undefined) fail('option "loadBalanced=true" cannot be combined with "replicaSet"');
    if (options['directConnection'] === true) fail('option "loadBalanced=true" cannot be combined with "directConnection=true"');
  }
}

/** socks5.md "MongoClient Configuration". */
function checkProxy({ options }: ParsedOptions): void {
  const has = (name: string): boolean => options[name] !== undefined;
  if (!has('proxyHost')) {
    for (const name of ['proxyPort', 'proxyUsername', 'proxyPassword']) {
      if (has(name)) fail(`option "${name}" requires "proxyHost"`);
    }
  }
  if (has('proxyUsername') !== has('proxyPassword')) fail('options "proxyUsername" and "proxyPassword" must be given together');
}

/**
 * max-staleness.md "API": a positive maxStalenessSeconds with mode primary (explicit or by
 * default) is invalid. server-selection.md "Components of a read preference": mode primary
 * cannot have tag sets.
 */
function checkReadPreference({ options }: ParsedOptions): void {
  const mode = options['readPreference'] ?? 'primary';
  if (mode !== 'primary') return;
  const staleness = options['maxStalenessSeconds'];
  if (typeof staleness === 'number' && staleness > 0) fail('option "maxStalenessSeconds" cannot be used with read preference mode "primary"');
  const tags = options['readPreferenceTags'];
  if (Array.isArray(tags) && tags.some((t: object) => Object.keys(t).length > 0)) {
    fail('option "readPreferenceTags" cannot be used with read preference mode "primary"');
  }
}

/** read-write-concern.md "Inconsistent WriteConcern": `{ w: 0, journal: true }` is the one inconsistent combination. */
function checkWriteConcern({ options }: ParsedOptions): void {
  if (options['w'] === 0 && options['journal'] === true) fail('options "w=0" and "journal=true" are inconsistent (an unacknowledged write cannot be journaled)');
}
