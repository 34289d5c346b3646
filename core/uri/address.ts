/**
 * Host addresses as strings: the effective "host:port" SDAM uses as a server's address
 * (SDAM "Hostnames are normalized to lower-case"; connection-string-spec.md "Port" default),
 * and the connection-string spelling used when formatting.
 */
import type { HostAddress } from './types.js';
import { percentEncode } from './percent.js';

/** The port a host identifier without one uses (connection-string-spec.md "Port"). */
export const defaultPort = 27017;
export const minPort = 1;
export const maxPort = 65535;

/**
 * The effective address of a host: lower-cased, default port filled in, IPv6 in brackets
 * (`[::1]:27017`). Unix socket paths are case-sensitive and have no port, so they are
 * returned as the decoded path.
 */
export function hostAddressString(host: HostAddress): string {
  const port = host.port ?? defaultPort;
  switch (host.type) {
    case 'unix':
      return host.host;
    case 'ip_literal':
      return `[${host.host.toLowerCase()}]:${port}`;
    default:
      return `${host.host.toLowerCase()}:${port}`;
  }
}

/** The host identifier as written in a connection string (unix paths percent-encoded). */
export function formatHostIdentifier(host: HostAddress): string {
  const port = host.port === null ? '' : `:${host.port}`;
  switch (host.type) {
    case 'unix':
      return percentEncode(host.host);
    case 'ip_literal':
      // A zone id's "%" must itself be escaped inside the brackets.
      return `[${host.host.replace(/%/g, '%25')}]${port}`;
    default:
      return `${host.host}${port}`;
  }
}
