/**
 * Host information (connection-string-spec.md "Host Information", "Host", "Port"):
 * IPv4 addresses, IPv6 literals in brackets, host names (UTF-8 allowed, lower-cased) and
 * percent-encoded UNIX domain socket paths ending in ".sock".
 */
import { MongoParseError } from '../errors.js';
import type { HostAddress } from './types.js';
import type { EchoGuard } from './echo.js';
import { tryPercentDecode } from './percent.js';
import { maxPort, minPort } from './address.js';
import type { Segment } from './split.js';

/** RFC 1035 limit on a full domain name. */
export const maxHostnameChars = 253;
/** Longest unix socket path we accept (Linux sun_path is 108 bytes; leave room for others). */
export const maxSocketPathChars = 1024;

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const hostnameChars = /^[\p{L}\p{N}\p{M}._-]+$/u;
const ipv6Chars = /^[0-9a-f:.]+$/;
const zoneIdChars = /^[0-9A-Za-z._~-]+$/;
const socketSuffix = '.sock';

/** Parses the comma-separated host list. */
export function parseHostList(segment: Segment, guard: EchoGuard): HostAddress[] {
  if (segment.text.length === 0) throw new MongoParseError('connection string has no host');
  const hosts: HostAddress[] = [];
  let offset = segment.offset;
  for (const text of segment.text.split(',')) {
    hosts.push(parseHostIdentifier(text, offset, guard));
    offset += text.length + 1;
  }
  return hosts;
}

/**
 * Parses one host identifier (`host`, `host:port`, `[ipv6]:port`, `%2Fpath.sock`).
 * `offset` is where it starts in the connection string; `guard` decides whether it may be
 * quoted in the error.
 */
export function parseHostIdentifier(text: string, offset: number, guard: EchoGuard): HostAddress {
  const fail = (why: string): never => {
    const shown = guard.quote(text, offset, `at character ${offset} (not shown: it may contain credentials)`);
    throw new MongoParseError(`host ${shown} ${why}`);
  };
  if (text.length === 0) fail('is empty');
  if (text.startsWith('[')) return parseIpLiteral(text, fail);
  const colon = text.indexOf(':');
  if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
    fail('has more than one ":"; IPv6 addresses must be enclosed in "[ ]"');
  }
  const hostText = colon >= 0 ? text.slice(0, colon) : text;
  const port = colon >= 0 ? parsePort(text.slice(colon + 1), fail) : null;
  if (hostText.length === 0) fail('has an empty host name');
  const decoded = tryPercentDecode(hostText);
  if (decoded === null) fail('has invalid percent-encoding');
  const name = decoded as string;
  if (name.includes('/')) {
    if (!name.endsWith(socketSuffix)) fail(`looks like a UNIX domain socket path but does not end in "${socketSuffix}"`);
    if (port !== null) fail('is a UNIX domain socket path, which cannot have a port');
    if (name.length > maxSocketPathChars) fail(`is a socket path longer than ${maxSocketPathChars} characters`);
    if (name.includes('\u0000')) fail('contains a NUL character');
    return { type: 'unix', host: name, port: null };
  }
  if (name.length > maxHostnameChars) fail(`is longer than ${maxHostnameChars} characters`);
  if (!hostnameChars.test(name)) fail('contains a character that is not allowed in a host name');
  const m = ipv4.exec(name);
  if (m && m.slice(1).every((octet) => Number(octet) <= 255)) return { type: 'ipv4', host: name, port };
  return { type: 'hostname', host: name.toLowerCase(), port };
}

function parseIpLiteral(text: string, fail: (why: string) => never): HostAddress {
  const close = text.indexOf(']');
  if (close < 0) fail('has a "[" without a closing "]"');
  const rest = text.slice(close + 1);
  let port: number | null = null;
  if (rest.length > 0) {
    if (!rest.startsWith(':')) fail('has text after "]" that is not a ":port"');
    port = parsePort(rest.slice(1), fail);
  }
  const inner = text.slice(1, close).toLowerCase();
  // RFC 6874: a zone id follows "%25" inside the brackets.
  const zoneAt = inner.indexOf('%25');
  const address = zoneAt >= 0 ? inner.slice(0, zoneAt) : inner;
  const zone = zoneAt >= 0 ? text.slice(1, close).slice(zoneAt + 3) : null;
  if (!ipv6Chars.test(address) || !address.includes(':')) fail('is not a valid IPv6 literal');
  if (zone !== null && !zoneIdChars.test(zone)) fail('has an invalid IPv6 zone id');
  return { type: 'ip_literal', host: zone === null ? address : `${address}%${zone}`, port };
}

function parsePort(text: string, fail: (why: string) => never): number {
  if (!/^\d{1,5}$/.test(text)) fail(`has an invalid port (must be an integer ${minPort}-${maxPort})`);
  const port = Number(text);
  if (port < minPort || port > maxPort) fail(`has port ${port}, outside ${minPort}-${maxPort}`);
  return port;
}
