/**
 * Encoding messages: OP_MSG (body plus optional document sequences, optional CRC-32C), the
 * legacy OP_QUERY a driver's first hello may use, and the OP_REPLY that answers it.
 * Throws WireProtocolError ('badBson' for a document `bson` cannot serialize, 'tooLarge' for a
 * message over maxMessageSizeBytes).
 */
import { serialize } from 'bson';
import { concatBytes, encodeCString, writeInt32, writeInt64 } from './bytes.js';
import { OpCode, OpMsgFlag, SectionKind, messageHeaderBytes } from './constants.js';
import { checkMaxMessageSize as checkedMax } from './decode.js';
import { crc32c } from './crc32c.js';
import { wireError } from './errors.js';
import type { DocumentSequence, WireDocument } from './types.js';

export interface OpMsgInit {
  readonly requestId: number;
  readonly responseTo?: number;
  readonly body: WireDocument;
  readonly sequences?: readonly DocumentSequence[];
  readonly moreToCome?: boolean;
  readonly exhaustAllowed?: boolean;
  /** Append a CRC-32C checksum (checksumPresent). Default false. */
  readonly checksum?: boolean;
  readonly maxMessageSizeBytes?: number;
}

function bsonBytes(doc: WireDocument, field: string): Uint8Array {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw wireError('badBson', `${field}: must be a document, got ${Array.isArray(doc) ? 'an array' : typeof doc}`);
  try {
    return serialize(doc);
  } catch (error) {
    throw wireError('badBson', `${field}: cannot be serialized as BSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Uint8Array {
  const h = new Uint8Array(messageHeaderBytes);
  writeInt32(h, 0, length);
  writeInt32(h, 4, requestId);
  writeInt32(h, 8, responseTo);
  writeInt32(h, 12, opCode);
  return h;
}

function int32Bytes(value: number): Uint8Array {
  const b = new Uint8Array(4);
  writeInt32(b, 0, value);
  return b;
}

function finish(parts: Uint8Array[], total: number, max: number, what: string): Uint8Array {
  if (total > max) throw wireError('tooLarge', `${what} of ${total} bytes exceeds maxMessageSizeBytes ${max}`);
  const out = concatBytes(parts, total);
  writeInt32(out, 0, total);
  return out;
}

export function encodeOpMsg(init: OpMsgInit): Uint8Array {
  const max = checkedMax(init.maxMessageSizeBytes);
  let flags = 0;
  if (init.moreToCome === true) flags |= OpMsgFlag.moreToCome;
  if (init.exhaustAllowed === true) flags |= OpMsgFlag.exhaustAllowed;
  if (init.checksum === true) flags |= OpMsgFlag.checksumPresent;
  const parts: Uint8Array[] = [header(0, init.requestId, init.responseTo ?? 0, OpCode.msg), int32Bytes(flags)];
  const body = bsonBytes(init.body, 'OP_MSG body');
  parts.push(Uint8Array.of(SectionKind.body), body);
  let total = messageHeaderBytes + 4 + 1 + body.length;
  for (const seq of init.sequences ?? []) {
    const id = encodeCString(seq.identifier);
    const docs = seq.documents.map((d, i) => bsonBytes(d, `OP_MSG document sequence '${seq.identifier}'[${i}]`));
    const size = 4 + id.length + docs.reduce((n, d) => n + d.length, 0);
    parts.push(Uint8Array.of(SectionKind.documentSequence), int32Bytes(size), id, ...docs);
    total += 1 + size;
    if (total > max) break;
  }
  if (init.checksum === true) {
    const out = finish([...parts, new Uint8Array(4)], total + 4, max, 'OP_MSG');
    writeInt32(out, total, crc32c(out, 0, total));
    return out;
  }
  return finish(parts, total, max, 'OP_MSG');
}

export interface OpQueryInit {
  readonly requestId: number;
  readonly fullCollectionName: string;
  readonly query: WireDocument;
  readonly flags?: number;
  readonly numberToSkip?: number;
  readonly numberToReturn?: number;
  readonly maxMessageSizeBytes?: number;
}

export function encodeOpQuery(init: OpQueryInit): Uint8Array {
  const max = checkedMax(init.maxMessageSizeBytes);
  const ns = encodeCString(init.fullCollectionName);
  const query = bsonBytes(init.query, 'OP_QUERY query');
  const parts = [header(0, init.requestId, 0, OpCode.query), int32Bytes(init.flags ?? 0), ns, int32Bytes(init.numberToSkip ?? 0), int32Bytes(init.numberToReturn ?? -1), query];
  return finish(parts, messageHeaderBytes + 4 + ns.length + 8 + query.length, max, 'OP_QUERY');
}

export interface OpReplyInit {
  readonly requestId: number;
  readonly responseTo: number;
  readonly documents: readonly WireDocument[];
  readonly responseFlags?: number;
  readonly cursorId?: bigint;
  readonly startingFrom?: number;
  readonly maxMessageSizeBytes?: number;
}

export function encodeOpReply(init: OpReplyInit): Uint8Array {
  const max = checkedMax(init.maxMessageSizeBytes);
  const docs = init.documents.map((d, i) => bsonBytes(d, `OP_REPLY documents[${i}]`));
  const fixed = new Uint8Array(20);
  writeInt32(fixed, 0, init.responseFlags ?? 0);
  writeInt64(fixed, 4, init.cursorId ?? 0n);
  writeInt32(fixed, 12, init.startingFrom ?? 0);
  writeInt32(fixed, 16, docs.length);
  const total = messageHeaderBytes + 20 + docs.reduce((n, d) => n + d.length, 0);
  return finish([header(0, init.requestId, init.responseTo, OpCode.reply), fixed, ...docs], total, max, 'OP_REPLY');
}

/** Wraps an encoded message in OP_COMPRESSED with the noop compressor (compressorId 0). */
export function encodeNoopCompressed(message: Uint8Array): Uint8Array {
  if (message.length < messageHeaderBytes) throw wireError('badLength', `encodeNoopCompressed: ${message.length} bytes is not a message`);
  const original = message[12]! | (message[13]! << 8) | (message[14]! << 16) | (message[15]! << 24);
  const payload = message.subarray(messageHeaderBytes);
  const out = new Uint8Array(messageHeaderBytes + 9 + payload.length);
  out.set(message.subarray(0, 12), 0);
  writeInt32(out, 0, out.length);
  writeInt32(out, 12, OpCode.compressed);
  writeInt32(out, 16, original);
  writeInt32(out, 20, payload.length);
  out[24] = 0;
  out.set(payload, 25);
  return out;
}
