/**
 * The MongoDB wire protocol as pure functions over Uint8Array: decoding and encoding OP_MSG,
 * the legacy OP_QUERY/OP_REPLY of the first hello, OP_COMPRESSED (noop only), incremental
 * framing with maxMessageSizeBytes enforced, and request ↔ command conversion.
 */
export * from './constants.js';
export { WireProtocolError } from './errors.js';
export type { WireErrorKind } from './errors.js';
export { crc32c } from './crc32c.js';
export { decodeMessage, readHeader, checkMaxMessageSize } from './decode.js';
export type { MessageHeader } from './decode.js';
export { encodeOpMsg, encodeOpQuery, encodeOpReply, encodeNoopCompressed } from './encode.js';
export type { OpMsgInit, OpQueryInit, OpReplyInit } from './encode.js';
export { WireFramer } from './framer.js';
export type { FramerOptions } from './framer.js';
export { commandFromMessage, encodeReply } from './command.js';
export type { WireCommand, ReplyInit } from './command.js';
export type * from './types.js';
