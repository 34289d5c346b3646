/**
 * Decoding one complete frame into a WireMessage. Every check names the bad field; every
 * failure is a WireProtocolError (errors.ts). BSON decoding is delegated to `bson`, whose own
 * errors (and any other exception it raises on hostile bytes) are wrapped as 'badBson'.
 */
import { deserialize } from 'bson';
import { readCString, readInt32, readInt64, readUint32 } from './bytes.js';
import {
  CompressorId, OpCode, OpMsgFlag, SectionKind, compressorNames, defaultMaxMessageSizeBytes, knownRequiredOpMsgFlags,
  maxBsonObjectSizeBytes, maxDocumentsPerSection, maxSectionsPerMessage, maxSettableMessageSizeBytes, messageHeaderBytes,
  minBsonDocumentBytes, requiredOpMsgFlagMask,
} from './constants.js';
import { crc32c } from './crc32c.js';
import { WireProtocolError, wireError } from './errors.js';
import type { DecodeOptions, DocumentSequence, OpMsg, OpQuery, OpReply, WireDocument, WireMessage } from './types.js';

export interface MessageHeader {
  readonly messageLength: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

/** Validates a maxMessageSizeBytes option (throws WireProtocolError naming it). */
export function checkMaxMessageSize(value: number | undefined): number {
  const max = value ?? defaultMaxMessageSizeBytes;
  if (!Number.isSafeInteger(max) || max < messageHeaderBytes || max > maxSettableMessageSizeBytes) {
    throw wireError('badLength', `maxMessageSizeBytes ${String(value)} must be an integer in [${messageHeaderBytes}, ${maxSettableMessageSizeBytes}]`);
  }
  return max;
}

/** Reads and checks the header's messageLength against bounds (not against the bytes present). */
export function readHeader(bytes: Uint8Array, maxMessageSizeBytes: number): MessageHeader {
  const messageLength = readInt32(bytes, 0, 'messageLength');
  if (messageLength < messageHeaderBytes) {
    throw wireError('badLength', `messageLength ${messageLength} is smaller than the ${messageHeaderBytes}-byte header`);
  }
  if (messageLength > maxMessageSizeBytes) {
    throw wireError('tooLarge', `messageLength ${messageLength} exceeds maxMessageSizeBytes ${maxMessageSizeBytes}`);
  }
  return {
    messageLength,
    requestId: readInt32(bytes, 4, 'requestID'),
    responseTo: readInt32(bytes, 8, 'responseTo'),
    opCode: readInt32(bytes, 12, 'opCode'),
  };
}

/** One BSON document at bytes[offset, ...) that must end by `end`; returns it and the offset after it. */
function readDocument(bytes: Uint8Array, offset: number, end: number, field: string): { doc: WireDocument; next: number } {
  if (offset + 4 > end) throw wireError('truncated', `${field}: document length needs 4 bytes at offset ${offset}, only ${end - offset} left`);
  const size = readInt32(bytes, offset, `${field} length`);
  if (size < minBsonDocumentBytes || size > maxBsonObjectSizeBytes) {
    throw wireError('badLength', `${field}: document length ${size} is outside [${minBsonDocumentBytes}, ${maxBsonObjectSizeBytes}]`);
  }
  if (offset + size > end) throw wireError('truncated', `${field}: document of ${size} bytes at offset ${offset} overruns its frame (${end - offset} bytes left)`);
  let doc: WireDocument;
  try {
    doc = deserialize(bytes.subarray(offset, offset + size)) as WireDocument;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw wireError('badBson', `${field}: invalid BSON at offset ${offset}: ${why}`);
  }
  return { doc, next: offset + size };
}

function decodeOpMsg(bytes: Uint8Array, header: MessageHeader, compressorId: number | undefined): OpMsg {
  const end = header.messageLength;
  const flags = readUint32(bytes, messageHeaderBytes, 'OP_MSG flagBits');
  const unknownRequired = flags & requiredOpMsgFlagMask & ~knownRequiredOpMsgFlags;
  if (unknownRequired !== 0) throw wireError('badFlags', `OP_MSG flagBits 0x${flags.toString(16)} set unknown required bits 0x${unknownRequired.toString(16)}`);
  const checksumPresent = (flags & OpMsgFlag.checksumPresent) !== 0;
  const sectionsEnd = checksumPresent ? end - 4 : end;
  if (checksumPresent) {
    if (sectionsEnd < messageHeaderBytes + 4) throw wireError('truncated', 'OP_MSG checksum: no room for the 4-byte checksum');
    // A checksum inside OP_COMPRESSED is not verified (compression spec: it covers the compressed form).
    if (compressorId === undefined) {
      const expected = readUint32(bytes, sectionsEnd, 'OP_MSG checksum');
      const actual = crc32c(bytes, 0, sectionsEnd);
      if (expected !== actual) throw wireError('badChecksum', `OP_MSG checksum 0x${expected.toString(16)} does not match CRC-32C 0x${actual.toString(16)} of the message`);
    }
  }
  let offset = messageHeaderBytes + 4;
  let body: WireDocument | null = null;
  const sequences: DocumentSequence[] = [];
  for (let sections = 0; offset < sectionsEnd; sections++) {
    if (sections >= maxSectionsPerMessage) throw wireError('badSection', `OP_MSG has more than ${maxSectionsPerMessage} sections`);
    const kind = bytes[offset] as number;
    offset += 1;
    if (kind === SectionKind.body) {
      if (body !== null) throw wireError('badSection', 'OP_MSG has two body (kind 0) sections');
      const r = readDocument(bytes, offset, sectionsEnd, 'OP_MSG body');
      body = r.doc;
      offset = r.next;
    } else if (kind === SectionKind.documentSequence) {
      const start = offset;
      const size = readInt32(bytes, offset, 'OP_MSG document sequence size');
      if (size < 5 || start + size > sectionsEnd) {
        throw wireError('badLength', `OP_MSG document sequence size ${size} at offset ${start} is outside [5, ${sectionsEnd - start}]`);
      }
      const seqEnd = start + size;
      const id = readCString(bytes, start + 4, seqEnd, 'OP_MSG document sequence identifier');
      if (id.value.length === 0) throw wireError('badSection', `OP_MSG document sequence at offset ${start} has an empty identifier`);
      const documents: WireDocument[] = [];
      let at = id.next;
      while (at < seqEnd) {
        if (documents.length >= maxDocumentsPerSection) throw wireError('badSection', `OP_MSG document sequence '${id.value}' has more than ${maxDocumentsPerSection} documents`);
        const r = readDocument(bytes, at, seqEnd, `OP_MSG document sequence '${id.value}'[${documents.length}]`);
        documents.push(r.doc);
        at = r.next;
      }
      sequences.push({ identifier: id.value, documents });
      offset = seqEnd;
    } else {
      throw wireError('badSection', `OP_MSG section kind ${kind} at offset ${offset - 1} is neither 0 (body) nor 1 (document sequence)`);
    }
  }
  if (body === null) throw wireError('badSection', 'OP_MSG has no body (kind 0) section');
  return {
    opCode: 'msg',
    requestId: header.requestId,
    responseTo: header.responseTo,
    checksumPresent,
    moreToCome: (flags & OpMsgFlag.moreToCome) !== 0,
    exhaustAllowed: (flags & OpMsgFlag.exhaustAllowed) !== 0,
    body,
    sequences,
    ...(compressorId !== undefined ? { compressorId } : {}),
  };
}

function decodeOpQuery(bytes: Uint8Array, header: MessageHeader, compressorId: number | undefined): OpQuery {
  const end = header.messageLength;
  const flags = readInt32(bytes, messageHeaderBytes, 'OP_QUERY flags');
  const ns = readCString(bytes, messageHeaderBytes + 4, end, 'OP_QUERY fullCollectionName');
  const numberToSkip = readInt32(bytes, ns.next, 'OP_QUERY numberToSkip');
  const numberToReturn = readInt32(bytes, ns.next + 4, 'OP_QUERY numberToReturn');
  const q = readDocument(bytes, ns.next + 8, end, 'OP_QUERY query');
  let returnFieldsSelector: WireDocument | null = null;
  let at = q.next;
  if (at < end) {
    const r = readDocument(bytes, at, end, 'OP_QUERY returnFieldsSelector');
    returnFieldsSelector = r.doc;
    at = r.next;
  }
  if (at !== end) throw wireError('badLength', `OP_QUERY has ${end - at} bytes after its last document`);
  return {
    opCode: 'query', requestId: header.requestId, responseTo: header.responseTo, flags,
    fullCollectionName: ns.value, numberToSkip, numberToReturn, query: q.doc, returnFieldsSelector,
    ...(compressorId !== undefined ? { compressorId } : {}),
  };
}

function decodeOpReply(bytes: Uint8Array, header: MessageHeader, compressorId: number | undefined): OpReply {
  const end = header.messageLength;
  const responseFlags = readInt32(bytes, messageHeaderBytes, 'OP_REPLY responseFlags');
  const cursorId = readInt64(bytes, messageHeaderBytes + 4, 'OP_REPLY cursorID');
  const startingFrom = readInt32(bytes, messageHeaderBytes + 12, 'OP_REPLY startingFrom');
  const numberReturned = readInt32(bytes, messageHeaderBytes + 16, 'OP_REPLY numberReturned');
  if (numberReturned < 0 || numberReturned > maxDocumentsPerSection) {
    throw wireError('badLength', `OP_REPLY numberReturned ${numberReturned} is outside [0, ${maxDocumentsPerSection}]`);
  }
  const documents: WireDocument[] = [];
  let at = messageHeaderBytes + 20;
  for (let i = 0; i < numberReturned; i++) {
    const r = readDocument(bytes, at, end, `OP_REPLY documents[${i}]`);
    documents.push(r.doc);
    at = r.next;
  }
  if (at !== end) throw wireError('badLength', `OP_REPLY has ${end - at} bytes after its ${numberReturned} documents`);
  return {
    opCode: 'reply', requestId: header.requestId, responseTo: header.responseTo, responseFlags, cursorId, startingFrom, documents,
    ...(compressorId !== undefined ? { compressorId } : {}),
  };
}

function decodeCompressed(bytes: Uint8Array, header: MessageHeader, maxMessageSizeBytes: number): WireMessage {
  const originalOpcode = readInt32(bytes, messageHeaderBytes, 'OP_COMPRESSED originalOpcode');
  const uncompressedSize = readInt32(bytes, messageHeaderBytes + 4, 'OP_COMPRESSED uncompressedSize');
  if (messageHeaderBytes + 9 > header.messageLength) throw wireError('truncated', 'OP_COMPRESSED: no room for compressorId');
  const compressorId = bytes[messageHeaderBytes + 8] as number;
  if (originalOpcode === OpCode.compressed) throw wireError('badOpcode', 'OP_COMPRESSED wraps another OP_COMPRESSED');
  if (uncompressedSize < 0 || uncompressedSize + messageHeaderBytes > maxMessageSizeBytes) {
    throw wireError('tooLarge', `OP_COMPRESSED uncompressedSize ${uncompressedSize} is negative or exceeds maxMessageSizeBytes ${maxMessageSizeBytes} with its header`);
  }
  if (compressorId !== CompressorId.noop) {
    const name = compressorNames[compressorId];
    throw wireError('compressorNotSupported', `OP_COMPRESSED compressor ${name === undefined ? `id ${compressorId} (unknown)` : `${name} (id ${compressorId})`} is not implemented; only noop (id 0) is`);
  }
  const payload = bytes.subarray(messageHeaderBytes + 9, header.messageLength);
  if (payload.length !== uncompressedSize) {
    throw wireError('badLength', `OP_COMPRESSED noop payload is ${payload.length} bytes but uncompressedSize says ${uncompressedSize}`);
  }
  // Rebuild the original frame: the same header with the original opCode and length.
  const inner = new Uint8Array(messageHeaderBytes + payload.length);
  inner.set(bytes.subarray(0, 12), 0);
  const length = inner.length;
  inner[0] = length & 0xff; inner[1] = (length >>> 8) & 0xff; inner[2] = (length >>> 16) & 0xff; inner[3] = (length >>> 24) & 0xff;
  inner[12] = originalOpcode & 0xff; inner[13] = (originalOpcode >>> 8) & 0xff; inner[14] = (originalOpcode >>> 16) & 0xff; inner[15] = (originalOpcode >>> 24) & 0xff;
  inner.set(payload, messageHeaderBytes);
  const innerHeader: MessageHeader = { ...header, messageLength: length, opCode: originalOpcode };
  return decodeBody(inner, innerHeader, maxMessageSizeBytes, compressorId);
}

function decodeBody(bytes: Uint8Array, header: MessageHeader, maxMessageSizeBytes: number, compressorId: number | undefined): WireMessage {
  switch (header.opCode) {
    case OpCode.msg: return decodeOpMsg(bytes, header, compressorId);
    case OpCode.query: return decodeOpQuery(bytes, header, compressorId);
    case OpCode.reply: return decodeOpReply(bytes, header, compressorId);
    case OpCode.compressed:
      if (compressorId !== undefined) throw wireError('badOpcode', 'OP_COMPRESSED wraps another OP_COMPRESSED');
      return decodeCompressed(bytes, header, maxMessageSizeBytes);
    default:
      throw wireError('badOpcode', `opCode ${header.opCode} is not one of OP_REPLY (1), OP_QUERY (2004), OP_COMPRESSED (2012), OP_MSG (2013)`);
  }
}

/**
 * Decodes exactly one whole message: `bytes.length` must equal its messageLength. Throws only
 * WireProtocolError.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): WireMessage {
  try {
    const max = checkMaxMessageSize(options.maxMessageSizeBytes);
    if (!(bytes instanceof Uint8Array)) throw wireError('truncated', 'decodeMessage: bytes must be a Uint8Array');
    const header = readHeader(bytes, max);
    if (header.messageLength !== bytes.length) {
      throw wireError(header.messageLength > bytes.length ? 'truncated' : 'badLength', `messageLength ${header.messageLength} does not match the ${bytes.length} bytes given`);
    }
    return decodeBody(bytes, header, max, undefined);
  } catch (error) {
    if (error instanceof WireProtocolError) throw error;
    // Defensive: nothing above should throw anything else; if it does, it is still a bad frame.
    throw wireError('badLength', `undecodable message: ${error instanceof Error ? error.message : String(error)}`);
  }
}
