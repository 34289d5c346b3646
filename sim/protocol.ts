/**
 * The wire protocol between simulated processes. A real driver speaks OP_MSG over TCP; in the
 * simulator a connection carries plain objects. Between a client and a server they are BSON
 * copies (`bsonCopy`, made by the client's side of the connection in both directions), so the
 * two never share an object, and the request carries its BSON size for the server's limits.
 * Member-to-member traffic (heartbeats, replication) stays uncopied: those objects are never
 * mutated after they are sent, and copying them would make the idle set several times slower.
 *
 * - client → server: `{kind:'request', requestId, db, body}` where `body` is the command
 *   document exactly as a driver would send it (`{hello: 1, ...}`, `{insert: 'c', documents: [...]}`).
 * - server → client: `{kind:'reply', responseTo, body}` where `body` is the reply document as
 *   a real server would send it (`{ok: 1, ...}` or `{ok: 0, errmsg, code, codeName}`).
 *
 * Values in documents follow what the Node driver's BSON decoder produces from a real reply:
 * ObjectId and Timestamp as `bson` classes, dates as `Date`, 64-bit integers that fit as numbers.
 */

import { calculateObjectSize, deserialize, serialize, setInternalBufferSize } from 'bson';

/** A command or reply document. */
export type Document = Record<string, unknown>;

export type RequestMessage = {
  readonly kind: 'request';
  readonly requestId: number;
  /** The database the command runs against (`$db` in OP_MSG). */
  readonly db: string;
  readonly body: Readonly<Document>;
  /** The body's size as BSON, bytes, when the sender serialized it (client traffic); absent between members. */
  readonly bsonSizeBytes?: number;
};

export type ReplyMessage = {
  readonly kind: 'reply';
  readonly responseTo: number;
  readonly body: Readonly<Document>;
};

export type ProtocolMessage = RequestMessage | ReplyMessage;

export function request(requestId: number, db: string, body: Readonly<Document>, bsonSizeBytes?: number): RequestMessage {
  return bsonSizeBytes === undefined ? { kind: 'request', requestId, db, body } : { kind: 'request', requestId, db, body, bsonSizeBytes };
}

export function reply(responseTo: number, body: Readonly<Document>): ReplyMessage {
  return { kind: 'reply', responseTo, body };
}

/** Narrowing helpers for messages that arrive as `Readonly<Record<string, unknown>>`. */
export function isRequest(message: Readonly<Record<string, unknown>>): message is RequestMessage {
  return message['kind'] === 'request' && typeof message['requestId'] === 'number' && typeof message['db'] === 'string'
    && typeof message['body'] === 'object' && message['body'] !== null;
}

export function isReply(message: Readonly<Record<string, unknown>>): message is ReplyMessage {
  return message['kind'] === 'reply' && typeof message['responseTo'] === 'number' && typeof message['body'] === 'object'
    && message['body'] !== null;
}

/** The command name is the first key of the command document (OP_MSG rule). */
export function commandName(body: Readonly<Document>): string | undefined {
  for (const key in body) return key;
  return undefined;
}

/**
 * Deserialization as the Node driver does it by default: int32, int64 that fit and doubles
 * become numbers, other BSON types their `bson` classes, binary data `Binary`.
 */
const driverDeserializeOptions = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

/** The `bson` serializer's internal buffer at load (17 MiB); it only ever grows. */
let bsonSerializerBufferBytes = 17 * 1024 * 1024;
/**
 * A serialization this close to the buffer's end may have overflowed it: the serializer then
 * either throws or silently cuts the document short, so such a result is measured and redone.
 */
const overflowSuspicionBytes = 1024 * 1024;

/**
 * `doc` as it arrives on the other side of a real connection: serialized to BSON and read back,
 * sharing nothing with the original (undefined fields are dropped, functions are not carried).
 * Throws the `bson` package's error for what BSON cannot encode (the client checks first, see
 * client/bson-check.ts). A document larger than the serializer's buffer grows it instead of
 * failing: the server, not the copy, decides what is too large.
 */
export function bsonCopy(doc: Readonly<Document>): { readonly doc: Document; readonly sizeBytes: number } {
  let bytes: Uint8Array | null = null;
  let failure: unknown = null;
  try {
    bytes = serialize(doc);
  } catch (error) {
    failure = error;
  }
  if (bytes === null || bytes.length > bsonSerializerBufferBytes - overflowSuspicionBytes) {
    const sizeBytes = calculateObjectSize(doc);
    if (sizeBytes + overflowSuspicionBytes <= bsonSerializerBufferBytes && failure !== null) throw failure; // not an overflow
    if (sizeBytes + overflowSuspicionBytes > bsonSerializerBufferBytes) {
      bsonSerializerBufferBytes = sizeBytes + overflowSuspicionBytes;
      setInternalBufferSize(bsonSerializerBufferBytes);
    }
    bytes = serialize(doc);
  }
  return { doc: deserialize(bytes, driverDeserializeOptions) as Document, sizeBytes: bytes.length };
}
