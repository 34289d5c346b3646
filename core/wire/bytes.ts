/** Little-endian readers and writers over Uint8Array with bounds checks that name the field. */
import { wireError } from './errors.js';

export function readInt32(bytes: Uint8Array, offset: number, field: string): number {
  if (offset < 0 || offset + 4 > bytes.length) throw wireError('truncated', `${field}: needs 4 bytes at offset ${offset}, message has ${bytes.length}`);
  return (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8) | ((bytes[offset + 2] as number) << 16) | ((bytes[offset + 3] as number) << 24);
}

export function readUint32(bytes: Uint8Array, offset: number, field: string): number {
  return readInt32(bytes, offset, field) >>> 0;
}

export function readInt64(bytes: Uint8Array, offset: number, field: string): bigint {
  const lo = readUint32(bytes, offset, field);
  const hi = readInt32(bytes, offset + 4, field);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function writeInt32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

export function writeInt64(bytes: Uint8Array, offset: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  writeInt32(bytes, offset, Number(v & 0xffffffffn));
  writeInt32(bytes, offset + 4, Number((v >> 32n) & 0xffffffffn));
}

/** Maximum length of a cstring this codec reads (identifiers, namespaces: the server's limit is 255). */
export const maxCStringBytes = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Reads a NUL-terminated UTF-8 string; returns it and the offset after the NUL. */
export function readCString(bytes: Uint8Array, offset: number, end: number, field: string): { value: string; next: number } {
  const limit = Math.min(end, offset + maxCStringBytes + 1);
  for (let i = offset; i < limit; i++) {
    if (bytes[i] === 0) {
      let value: string;
      try {
        value = utf8.decode(bytes.subarray(offset, i));
      } catch {
        throw wireError('badSection', `${field}: not valid UTF-8 at offset ${offset}`);
      }
      return { value, next: i + 1 };
    }
  }
  if (limit < end) throw wireError('badSection', `${field}: longer than ${maxCStringBytes} bytes at offset ${offset}`);
  throw wireError('truncated', `${field}: no terminating NUL before offset ${end}`);
}

export function encodeCString(value: string): Uint8Array {
  const encoded = utf8Encoder.encode(value);
  if (encoded.includes(0)) throw wireError('badSection', `cstring ${JSON.stringify(value)} contains a NUL`);
  const out = new Uint8Array(encoded.length + 1);
  out.set(encoded, 0);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
