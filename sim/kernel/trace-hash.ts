/**
 * The running hash of a trace: 64 bits from two independent 32-bit multiply-xor lanes (lane A
 * is FNV-1a-32's step, lane B a Murmur-style multiply with a shift), finished with Murmur3's
 * fmix32 when read. It is fed TOKENS — text pieces two UTF-16 code units at a time, numbers as
 * their 32-bit halves — rather than formatted bytes, because hashing the trace is the
 * simulator's hottest path (a 24-hour idle replica set records about a million lines) and
 * formatting numbers into digits just to hash them cost more than everything else together.
 *
 * Only integer operations are used, so the value is identical on every machine and Node
 * version. It is a fingerprint for "did anything change", not a cryptographic hash.
 */

/** Lane seeds: FNV-1a-32's offset basis and an arbitrary odd constant. */
export const traceHashSeedA = 0x811c9dc5 | 0;
export const traceHashSeedB = 0x9747b28c | 0;
/** Lane multipliers: FNV-32's prime and MurmurHash2's m. */
const multiplierA = 0x01000193;
const multiplierB = 0x5bd1e995;
/** The token a short identifier (kind, direction) is fed as: its FNV-1a-32 over UTF-16 code units. */
export function tokenOf(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** Fed at the end of each line so that line boundaries count. */
export const traceHashLineEnd = 0x0a;
const twoPow32 = 4294967296;

export class TraceHash {
  /** [laneA, laneB] in a typed array: int32 values outside V8's small-integer range would be boxed in plain fields. */
  private readonly lanes = new Int32Array([traceHashSeedA, traceHashSeedB]);

  /** Feeds one 32-bit token. */
  word(k: number): void {
    const lanes = this.lanes;
    const a = Math.imul((lanes[0] as number) ^ k, multiplierA);
    let b = Math.imul((lanes[1] as number) ^ k, multiplierB);
    b ^= b >>> 15;
    lanes[0] = a;
    lanes[1] = b;
  }

  /** Feeds a text piece, two UTF-16 code units per token. */
  text(piece: string): void {
    const lanes = this.lanes;
    let a = lanes[0] as number;
    let b = lanes[1] as number;
    const n = piece.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const k = piece.charCodeAt(i) | (piece.charCodeAt(i + 1) << 16);
      a = Math.imul(a ^ k, multiplierA);
      b = Math.imul(b ^ k, multiplierB);
      b ^= b >>> 15;
    }
    if (i < n) {
      const k = piece.charCodeAt(i);
      a = Math.imul(a ^ k, multiplierA);
      b = Math.imul(b ^ k, multiplierB);
      b ^= b >>> 15;
    }
    lanes[0] = a;
    lanes[1] = b;
  }

  /** Feeds a safe integer as its low 32 bits, then its high bits when there are any. */
  integer(n: number): void {
    this.word(n | 0);
    const high = (n / twoPow32) | 0;
    if (high !== 0 || n < 0) this.word(high ^ 0x55555555);
  }

  /**
   * One network line's tokens in a single call, mixing on local variables (the simulator's
   * hottest path): `now`, the kind token, connection, direction token, seq, then `label` and
   * `detail` as text, then the line end. `now` must be a safe integer.
   */
  messageLine(now: number, kindToken: number, connection: number, directionToken: number, seq: number, label: string, detail: string): void {
    const lanes = this.lanes;
    let a = lanes[0] as number;
    let b = lanes[1] as number;
    let k = now | 0;
    a = Math.imul(a ^ k, multiplierA);
    b = Math.imul(b ^ k, multiplierB);
    b ^= b >>> 15;
    k = (now / twoPow32) | 0;
    if (k !== 0 || now < 0) {
      k ^= 0x55555555;
      a = Math.imul(a ^ k, multiplierA);
      b = Math.imul(b ^ k, multiplierB);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ kindToken, multiplierA);
    b = Math.imul(b ^ kindToken, multiplierB);
    b ^= b >>> 15;
    a = Math.imul(a ^ connection, multiplierA);
    b = Math.imul(b ^ connection, multiplierB);
    b ^= b >>> 15;
    a = Math.imul(a ^ directionToken, multiplierA);
    b = Math.imul(b ^ directionToken, multiplierB);
    b ^= b >>> 15;
    a = Math.imul(a ^ seq, multiplierA);
    b = Math.imul(b ^ seq, multiplierB);
    b ^= b >>> 15;
    for (let t = 0; t < 2; t++) {
      const piece = t === 0 ? label : detail;
      const n = piece.length;
      let i = 0;
      for (; i + 1 < n; i += 2) {
        k = piece.charCodeAt(i) | (piece.charCodeAt(i + 1) << 16);
        a = Math.imul(a ^ k, multiplierA);
        b = Math.imul(b ^ k, multiplierB);
        b ^= b >>> 15;
      }
      // The odd last unit, or a marker for the end of the piece (so "ab"+"" differs from "a"+"b").
      k = i < n ? piece.charCodeAt(i) | 0x10000 : 0x20000;
      a = Math.imul(a ^ k, multiplierA);
      b = Math.imul(b ^ k, multiplierB);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ traceHashLineEnd, multiplierA);
    b = Math.imul(b ^ traceHashLineEnd, multiplierB);
    b ^= b >>> 15;
    lanes[0] = a;
    lanes[1] = b;
  }

  /** 16 lowercase hex digits (the lanes are finalised on copies, so hashing can continue). */
  hex(): string {
    return hex32(fmix32(this.lanes[0] as number)) + hex32(fmix32((this.lanes[1] as number) ^ 0x2545f491));
  }
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(h0: number): number {
  let h = h0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex32(v: number): string {
  return v.toString(16).padStart(8, '0');
}
