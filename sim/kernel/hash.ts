/**
 * FNV-1a 64-bit over UTF-8 bytes, computed with 32-bit halves so it needs neither BigInt nor
 * allocation per byte. A stable, machine-independent fingerprint (not a cryptographic one):
 * the random module hashes (seed, stream name) with it to seed each stream.
 */

/** FNV-1a 64 offset basis 0xcbf29ce484222325, as two 32-bit halves. */
export const fnvOffsetHigh = 0xcbf29ce4;
export const fnvOffsetLow = 0x84222325;
/** The FNV 64 prime is 2^40 + 0x1b3. */
const fnvPrimeLow = 0x1b3;

/** Incremental FNV-1a-64 state. Feed bytes or strings; read `hex()` at any time. */
export class Fnv1a64 {
  /**
   * [high, low] halves. A typed array rather than two number fields: values above 2^30 do not
   * fit V8's small integers, and boxed fields would allocate on every byte of the hot path.
   */
  private readonly state = new Uint32Array([fnvOffsetHigh, fnvOffsetLow]);

  get high(): number {
    return this.state[0] as number;
  }

  get low(): number {
    return this.state[1] as number;
  }

  byte(b: number): void {
    const state = this.state;
    const low = ((state[1] as number) ^ b) >>> 0;
    // (high·2^32 + low)·(2^40 + 0x1b3) mod 2^64, split into halves: low·0x1b3 < 2^41 is exact in a double.
    const product = low * fnvPrimeLow;
    const productLow = product >>> 0;
    state[0] = Math.imul(state[0] as number, fnvPrimeLow) + (product - productLow) / 4294967296 + (low << 8);
    state[1] = productLow;
  }

  /** Feeds the UTF-8 encoding of `text` (lone surrogates become U+FFFD, as Buffer.from does). */
  string(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        this.byte(c);
      } else {
        this.codePoint(text, i, c);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
          const next = text.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) i++;
        }
      }
    }
  }

  private codePoint(text: string, i: number, c: number): void {
    let cp = c;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      else cp = 0xfffd;
    }
    if (cp < 0x800) {
      this.byte(0xc0 | (cp >> 6));
      this.byte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.byte(0xe0 | (cp >> 12));
      this.byte(0x80 | ((cp >> 6) & 0x3f));
      this.byte(0x80 | (cp & 0x3f));
    } else {
      this.byte(0xf0 | (cp >> 18));
      this.byte(0x80 | ((cp >> 12) & 0x3f));
      this.byte(0x80 | ((cp >> 6) & 0x3f));
      this.byte(0x80 | (cp & 0x3f));
    }
  }

  /** 16 lowercase hex digits. */
  hex(): string {
    return (this.state[0] as number).toString(16).padStart(8, '0') + (this.state[1] as number).toString(16).padStart(8, '0');
  }
}

/** FNV-1a-64 of a string's UTF-8 bytes, as 16 hex digits. */
export function fnv1a64Hex(text: string): string {
  const h = new Fnv1a64();
  h.string(text);
  return h.hex();
}
