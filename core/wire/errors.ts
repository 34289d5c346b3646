/**
 * The single error type of the wire codec. Every malformed, truncated, oversized or unsupported
 * frame becomes a WireProtocolError whose `kind` says what was wrong and whose message names the
 * bad field and the offending value; the codec throws nothing else.
 */
import { MongoError } from '../errors.js';

export type WireErrorKind =
  | 'badLength' // messageLength below the header size, disagreeing with the bytes, or a section/document length out of bounds
  | 'tooLarge' // messageLength above maxMessageSizeBytes
  | 'truncated' // the bytes end inside a field
  | 'badOpcode' // an opCode this codec does not speak
  | 'badFlags' // an unknown required OP_MSG flag bit
  | 'badSection' // an unknown section kind, no body section or two of them, a bad identifier
  | 'badChecksum' // the CRC-32C does not match
  | 'badBson' // a document the BSON decoder rejects
  | 'badCommand' // a well-formed message that is not a command (no $db, a duplicate field, ...)
  | 'compressorNotSupported' // OP_COMPRESSED with a compressor this codec does not implement
  | 'closed'; // bytes pushed into a framer that already failed

export class WireProtocolError extends MongoError {
  constructor(readonly kind: WireErrorKind, message: string) {
    super(message);
  }
  override get name(): string {
    return 'WireProtocolError';
  }
}

export function wireError(kind: WireErrorKind, message: string): WireProtocolError {
  return new WireProtocolError(kind, message);
}
