/**
 * The size limits a mongod enforces on what arrives from a client, before the command runs:
 *
 * - a message longer than maxMessageSizeBytes is not read at all: the transport layer ends the
 *   session ("recv(): message msgLen … is invalid"), so the client sees the connection close;
 * - a command document larger than BSONObjMaxInternalSize (maxBsonObjectSize + 16 KiB, the
 *   headroom for command fields around the documents) fails BSON validation with
 *   BSONObjectTooLarge (10334) and the server's "BSONObj size: … is invalid" message;
 * - a single document to insert larger than maxBsonObjectSize is that statement's write error
 *   (crud.ts, `objectToInsertTooLarge`), the rest of the batch runs.
 *
 * Sizes come from the request (`bsonSizeBytes`, set by whoever serialized it); member-to-member
 * requests carry none and are not checked.
 */
import { commandName, type Document } from '../protocol.js';
import { CommandError, ErrorCodes } from './errors.js';
import { maxBsonObjectSizeBytes, maxMessageSizeBytes } from './hello.js';

/** BSONObjMaxInternalSize: the largest command document, bytes. */
export const maxBsonInternalSizeBytes = maxBsonObjectSizeBytes + 16 * 1024;
/** An OP_MSG around its body: 16-byte header, 4-byte flagBits, 1-byte section kind. */
export const opMsgOverheadBytes = 21;

/** What to do with a request of `bsonSizeBytes`: run it, refuse it with an error reply, or close the connection. */
export type SizeVerdict = { readonly kind: 'ok' } | { readonly kind: 'close' } | { readonly kind: 'refuse'; readonly error: CommandError };

const ok: SizeVerdict = Object.freeze({ kind: 'ok' });

export function checkRequestSize(bsonSizeBytes: number | undefined, body: Readonly<Document>): SizeVerdict {
  if (bsonSizeBytes === undefined || bsonSizeBytes <= maxBsonInternalSizeBytes) return ok;
  if (bsonSizeBytes + opMsgOverheadBytes > maxMessageSizeBytes) return { kind: 'close' };
  const hex = bsonSizeBytes.toString(16).toUpperCase();
  const message = `BSONObj size: ${bsonSizeBytes} (0x${hex}) is invalid. Size must be between 0 and ${maxBsonInternalSizeBytes}(16MB) First element: ${firstElement(body)}`;
  return { kind: 'refuse', error: new CommandError(ErrorCodes.BSONObjectTooLarge, message) };
}

/** The server's rendering of a document's first element (`insert: "c"`, `ping: 1`). */
function firstElement(body: Readonly<Document>): string {
  const name = commandName(body);
  if (name === undefined) return 'EOO';
  const value = body[name];
  return `${name}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
}

/** The write error of a document to insert that is larger than maxBsonObjectSize (the server's BadValue). */
export function objectToInsertTooLarge(sizeBytes: number): CommandError {
  return new CommandError(ErrorCodes.BadValue, `object to insert too large. size in bytes: ${sizeBytes}, max size: ${maxBsonObjectSizeBytes}`);
}
