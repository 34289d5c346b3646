/** Decoded wire messages. Documents are plain objects as the `bson` package decodes them. */
export type WireDocument = Record<string, unknown>;

export interface DocumentSequence {
  readonly identifier: string;
  readonly documents: readonly WireDocument[];
}

export interface OpMsg {
  readonly opCode: 'msg';
  readonly requestId: number;
  readonly responseTo: number;
  readonly checksumPresent: boolean;
  readonly moreToCome: boolean;
  readonly exhaustAllowed: boolean;
  readonly body: WireDocument;
  readonly sequences: readonly DocumentSequence[];
  /** The compressor the message arrived with, when it came inside OP_COMPRESSED. */
  readonly compressorId?: number;
}

export interface OpQuery {
  readonly opCode: 'query';
  readonly requestId: number;
  readonly responseTo: number;
  readonly flags: number;
  readonly fullCollectionName: string;
  readonly numberToSkip: number;
  readonly numberToReturn: number;
  readonly query: WireDocument;
  readonly returnFieldsSelector: WireDocument | null;
  readonly compressorId?: number;
}

export interface OpReply {
  readonly opCode: 'reply';
  readonly requestId: number;
  readonly responseTo: number;
  readonly responseFlags: number;
  readonly cursorId: bigint;
  readonly startingFrom: number;
  readonly documents: readonly WireDocument[];
  readonly compressorId?: number;
}

export type WireMessage = OpMsg | OpQuery | OpReply;

export interface DecodeOptions {
  /** Largest accepted messageLength, bytes. Default defaultMaxMessageSizeBytes (48,000,000). */
  readonly maxMessageSizeBytes?: number;
}
