/**
 * From a decoded request to the command a server runs, and from a reply document back to the
 * message that answers it. OP_MSG: the body plus each document sequence as an array field of the
 * same name (OP_MSG spec: "the identifier ... is the field name"), `$db` naming the database.
 * OP_QUERY: only commands on `<db>.$cmd` (mongod 5.1+ accepts nothing else there but hello),
 * the command possibly wrapped as `{$query: {...}, $readPreference: ...}`.
 */
import { encodeOpMsg, encodeOpReply } from './encode.js';
import { OpReplyFlag } from './constants.js';
import { wireError } from './errors.js';
import type { WireDocument, WireMessage } from './types.js';

export interface WireCommand {
  readonly requestId: number;
  readonly db: string;
  /** The command document without `$db`, sequences folded in. */
  readonly body: WireDocument;
  /** How the reply must be framed: 'msg' (OP_MSG) or 'legacy' (OP_REPLY to an OP_QUERY). */
  readonly framing: 'msg' | 'legacy';
  /** OP_MSG moreToCome: the client wants no reply (unacknowledged write). */
  readonly moreToCome: boolean;
  /** OP_MSG exhaustAllowed: the server may stream replies (awaitable hello). */
  readonly exhaustAllowed: boolean;
}

const cmdSuffix = '.$cmd';

function isDocument(v: unknown): v is WireDocument {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The command in a request message. Throws WireProtocolError('badCommand') naming what is wrong. */
export function commandFromMessage(message: WireMessage): WireCommand {
  if (message.opCode === 'msg') {
    const db = message.body['$db'];
    if (typeof db !== 'string' || db.length === 0) throw wireError('badCommand', `OP_MSG body has no $db naming the database (got ${db === undefined ? 'none' : typeof db})`);
    const body: WireDocument = {};
    for (const key of Object.keys(message.body)) if (key !== '$db') body[key] = message.body[key];
    if (Object.keys(body).length === 0) throw wireError('badCommand', 'OP_MSG body names no command');
    for (const seq of message.sequences) {
      if (Object.prototype.hasOwnProperty.call(body, seq.identifier)) {
        throw wireError('badCommand', `OP_MSG document sequence '${seq.identifier}' duplicates a field of the body`);
      }
      body[seq.identifier] = [...seq.documents];
    }
    return { requestId: message.requestId, db, body, framing: 'msg', moreToCome: message.moreToCome, exhaustAllowed: message.exhaustAllowed };
  }
  if (message.opCode === 'query') {
    const ns = message.fullCollectionName;
    if (!ns.endsWith(cmdSuffix) || ns.length === cmdSuffix.length) {
      throw wireError('badCommand', `OP_QUERY on '${ns}' is not a command: only <db>.$cmd is supported`);
    }
    const db = ns.slice(0, -cmdSuffix.length);
    let body = message.query;
    const wrapped = body['$query'] ?? body['query'];
    if (isDocument(wrapped) && ('$query' in body || Object.keys(body)[0] === 'query')) body = { ...wrapped };
    if (Object.keys(body).length === 0) throw wireError('badCommand', 'OP_QUERY command document is empty');
    return { requestId: message.requestId, db, body, framing: 'legacy', moreToCome: false, exhaustAllowed: false };
  }
  throw wireError('badCommand', 'OP_REPLY is a reply, not a request');
}

export interface ReplyInit {
  /** Our own id for the reply message. */
  readonly requestId: number;
  /** The request being answered. */
  readonly responseTo: number;
  readonly body: WireDocument;
  readonly framing: 'msg' | 'legacy';
  /** OP_MSG moreToCome on a streamed (exhaust) reply: more replies will follow without requests. */
  readonly moreToCome?: boolean;
  readonly maxMessageSizeBytes?: number;
}

/** Encodes a reply document framed as the request was (OP_MSG, or OP_REPLY for OP_QUERY). */
export function encodeReply(init: ReplyInit): Uint8Array {
  const limit = init.maxMessageSizeBytes !== undefined ? { maxMessageSizeBytes: init.maxMessageSizeBytes } : {};
  if (init.framing === 'legacy') {
    // mongod sets AwaitCapable on every OP_REPLY.
    return encodeOpReply({ requestId: init.requestId, responseTo: init.responseTo, documents: [init.body], responseFlags: OpReplyFlag.awaitCapable, ...limit });
  }
  return encodeOpMsg({ requestId: init.requestId, responseTo: init.responseTo, body: init.body, moreToCome: init.moreToCome === true, ...limit });
}
