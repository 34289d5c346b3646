/**
 * The wire protocol between simulated processes. A real driver speaks OP_MSG over TCP; in the
 * simulator a connection carries plain objects that are never mutated after they are sent, so
 * no copying happens on the hot path.
 *
 * - client → server: `{kind:'request', requestId, db, body}` where `body` is the command
 *   document exactly as a driver would send it (`{hello: 1, ...}`, `{insert: 'c', documents: [...]}`).
 * - server → client: `{kind:'reply', responseTo, body}` where `body` is the reply document as
 *   a real server would send it (`{ok: 1, ...}` or `{ok: 0, errmsg, code, codeName}`).
 *
 * Values in documents follow what the Node driver's BSON decoder produces from a real reply:
 * ObjectId and Timestamp as `bson` classes, dates as `Date`, 64-bit integers that fit as numbers.
 */

/** A command or reply document. */
export type Document = Record<string, unknown>;

export type RequestMessage = {
  readonly kind: 'request';
  readonly requestId: number;
  /** The database the command runs against (`$db` in OP_MSG). */
  readonly db: string;
  readonly body: Readonly<Document>;
};

export type ReplyMessage = {
  readonly kind: 'reply';
  readonly responseTo: number;
  readonly body: Readonly<Document>;
};

export type ProtocolMessage = RequestMessage | ReplyMessage;

export function request(requestId: number, db: string, body: Readonly<Document>): RequestMessage {
  return { kind: 'request', requestId, db, body };
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
