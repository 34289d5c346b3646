/**
 * Incremental framing: bytes in (as the socket delivers them, in any split), whole frames out.
 * A frame is one message's bytes, ready for decodeMessage. The framer keeps at most one
 * incomplete message, so what it buffers is bounded by maxMessageSizeBytes. A length field that
 * is impossible (below the header, above the limit) fails the stream for good: after that no
 * frame boundary can be trusted, so the connection must be closed.
 */
import { concatBytes } from './bytes.js';
import { messageHeaderBytes } from './constants.js';
import { checkMaxMessageSize, readHeader } from './decode.js';
import { WireProtocolError, wireError } from './errors.js';

export interface FramerOptions {
  readonly maxMessageSizeBytes?: number;
}

export class WireFramer {
  readonly maxMessageSizeBytes: number;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** messageLength of the message being assembled, or -1 before its first 4 bytes. */
  private expected = -1;
  private failed: WireProtocolError | null = null;

  constructor(options: FramerOptions = {}) {
    this.maxMessageSizeBytes = checkMaxMessageSize(options.maxMessageSizeBytes);
  }

  /** Bytes held for an incomplete message. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** The error that failed the stream, if any. */
  get error(): WireProtocolError | null {
    return this.failed;
  }

  /**
   * Appends `bytes` and returns every frame now complete, in order. Throws WireProtocolError
   * (and keeps failing) once a length field is impossible.
   */
  push(bytes: Uint8Array): Uint8Array[] {
    if (this.failed !== null) throw wireError('closed', `the stream already failed: ${this.failed.message}`);
    if (!(bytes instanceof Uint8Array)) throw this.fail(wireError('truncated', 'WireFramer.push: bytes must be a Uint8Array'));
    const frames: Uint8Array[] = [];
    let input = bytes;
    while (input.length > 0) {
      if (this.expected < 0) {
        const need = 4 - this.buffered;
        if (input.length < need) {
          this.hold(input);
          break;
        }
        this.hold(input.subarray(0, need));
        input = input.subarray(need);
        const lengthBytes = this.take();
        try {
          this.expected = readHeader(padHeader(lengthBytes), this.maxMessageSizeBytes).messageLength;
        } catch (error) {
          throw this.fail(error instanceof WireProtocolError ? error : wireError('badLength', String(error)));
        }
        this.hold(lengthBytes);
      }
      const need = this.expected - this.buffered;
      if (input.length < need) {
        this.hold(input);
        break;
      }
      this.hold(input.subarray(0, need));
      input = input.subarray(need);
      frames.push(this.take());
      this.expected = -1;
    }
    return frames;
  }

  private hold(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // Copy: the caller may reuse its buffer after push returns.
    this.chunks.push(bytes.slice());
    this.buffered += bytes.length;
  }

  private take(): Uint8Array {
    const out = this.chunks.length === 1 ? (this.chunks[0] as Uint8Array) : concatBytes(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return out;
  }

  private fail(error: WireProtocolError): WireProtocolError {
    this.failed = error;
    this.chunks = [];
    this.buffered = 0;
    return error;
  }
}

/** readHeader needs 16 bytes; only messageLength is known yet, so pad with zeros. */
function padHeader(lengthBytes: Uint8Array): Uint8Array {
  const h = new Uint8Array(messageHeaderBytes);
  h.set(lengthBytes, 0);
  return h;
}
