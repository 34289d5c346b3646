/**
 * Wire protocol constants (MongoDB Wire Protocol reference, "Standard Message Header",
 * "OP_MSG", "OP_COMPRESSED" and the legacy OP_QUERY/OP_REPLY used by the first hello).
 */

/** Every message starts with messageLength, requestID, responseTo, opCode: four int32, 16 bytes. */
export const messageHeaderBytes = 16;

export const OpCode = Object.freeze({
  reply: 1,
  query: 2004,
  compressed: 2012,
  msg: 2013,
} as const);

/** The server's default maxMessageSizeBytes (hello reply), used when none is given. */
export const defaultMaxMessageSizeBytes = 48_000_000;
/** The server's maxBsonObjectSize: one BSON document may not be larger (16 MiB). */
export const maxBsonObjectSizeBytes = 16 * 1024 * 1024;
/** Upper bound a caller may set for maxMessageSizeBytes (the int32 length field's range). */
export const maxSettableMessageSizeBytes = 0x7fffffff;
/** Bound on document-sequence sections in one OP_MSG (real drivers send at most a few). */
export const maxSectionsPerMessage = 1000;
/** Bound on documents in one OP_REPLY or one document sequence (the server's maxWriteBatchSize). */
export const maxDocumentsPerSection = 100_000;
/** The smallest well-formed BSON document: int32 length and the terminating 0. */
export const minBsonDocumentBytes = 5;

/** OP_MSG flagBits (OP_MSG spec "flagBits"). Bits 0-15 are required: an unknown one is an error. */
export const OpMsgFlag = Object.freeze({
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const);
/** Required bits this codec understands. */
export const knownRequiredOpMsgFlags = OpMsgFlag.checksumPresent | OpMsgFlag.moreToCome;
export const requiredOpMsgFlagMask = 0xffff;

/** OP_MSG section kinds. */
export const SectionKind = Object.freeze({ body: 0, documentSequence: 1 } as const);

/** OP_COMPRESSED compressor ids (compression spec). Only noop is implemented (the core has no zlib). */
export const CompressorId = Object.freeze({ noop: 0, snappy: 1, zlib: 2, zstd: 3 } as const);
export const compressorNames: Readonly<Record<number, string>> = Object.freeze({ 0: 'noop', 1: 'snappy', 2: 'zlib', 3: 'zstd' });

/** OP_REPLY responseFlags (legacy): QueryFailure is bit 1, AwaitCapable bit 3. */
export const OpReplyFlag = Object.freeze({ cursorNotFound: 1 << 0, queryFailure: 1 << 1, awaitCapable: 1 << 3 } as const);
