/**
 * Server addresses as SDAM keys them: "host:port" with the host lower-cased
 * (SDAM "Hostnames are normalized to lower-case"), IPv6 literals in brackets, and the default
 * port filled in, so "A", "a:27017" and "a" name the same server.
 */
import { defaultPort, maxAddressChars } from './constants.js';

export type AddressResult = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly error: string };

const maxPort = 65535;
// Characters that can never appear in a host name or IP literal we would connect to; control
// characters (a NUL byte in a hello's host list) included, so they never become SDAM keys.
const forbiddenHostChars = /[\s\x00-\x1f\x7f/\\?#@,[\]]/;
const ipv6Chars = /^[0-9a-f:.]+(%[0-9a-z._~-]+)?$/;
// Text that is already a normalised "host:port" (the usual case in hello replies) is returned as is.
const alreadyNormalized = /^[a-z0-9_][a-z0-9._-]*:[1-9][0-9]{0,4}$/;

/**
 * Normalises an address string reported by a server (hello `me`, `hosts`, `primary`, ...) or
 * given by a caller. Never throws; the error names what is wrong with the text.
 */
export function normalizeAddress(text: unknown): AddressResult {
  if (typeof text !== 'string') return { ok: false, error: `address must be a string, got ${describeType(text)}` };
  if (text.length === 0) return { ok: false, error: 'address is empty' };
  if (text.length > maxAddressChars) return { ok: false, error: `address is longer than ${maxAddressChars} characters` };
  if (alreadyNormalized.test(text) && Number(text.slice(text.lastIndexOf(':') + 1)) <= maxPort) return { ok: true, address: text };
  let host: string;
  let portText: string | null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { ok: false, error: `address ${quoted(text)} has an unclosed "["` };
    host = text.slice(1, close).toLowerCase();
    const rest = text.slice(close + 1);
    if (rest === '') portText = null;
    else if (rest.startsWith(':')) portText = rest.slice(1);
    else return { ok: false, error: `address ${quoted(text)} has text after "]" that is not a port` };
    if (!ipv6Chars.test(host) || !host.includes(':')) return { ok: false, error: `address ${quoted(text)} is not a valid IPv6 literal` };
    return withPort(`[${host}]`, portText, text);
  }
  const colon = text.lastIndexOf(':');
  if (colon >= 0 && text.indexOf(':') !== colon) {
    return { ok: false, error: `address ${quoted(text)} looks like an IPv6 literal without brackets` };
  }
  host = (colon >= 0 ? text.slice(0, colon) : text).toLowerCase();
  portText = colon >= 0 ? text.slice(colon + 1) : null;
  if (host.length === 0) return { ok: false, error: `address ${quoted(text)} has an empty host` };
  if (forbiddenHostChars.test(host)) return { ok: false, error: `address ${quoted(text)} has a character not allowed in a host name` };
  return withPort(host, portText, text);
}

function withPort(host: string, portText: string | null, original: string): AddressResult {
  if (portText === null) return { ok: true, address: `${host}:${defaultPort}` };
  if (!/^[0-9]{1,5}$/.test(portText)) return { ok: false, error: `address ${quoted(original)} has an invalid port` };
  const port = Number(portText);
  if (port < 1 || port > maxPort) return { ok: false, error: `address ${quoted(original)} has port ${port} outside 1-${maxPort}` };
  return { ok: true, address: `${host}:${port}` };
}

/** The SDAM key of a seed from a parsed connection string: the URI layer's effective address. */
export { hostAddressString as seedAddress } from '../uri/address.js';

/** The text as a JSON string literal: the usual "…" for plain text, control characters escaped. */
function quoted(text: string): string {
  return JSON.stringify(text);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
