/**
 * The trace of a simulated world: one compact line per observable event,
 * `${timeMs} ${kind} ${detail}`, e.g. `12004 send c3>7 request:hello`.
 *
 * A running hash (see trace-hash.ts) covers every line whether or not lines are kept, so a run
 * that keeps no lines hashes the same as one that does. The hash is fed the pieces a line is
 * built from (the time and other integers as numbers, text as text) in order, so it is fixed
 * by the code path and the values — the same seed and scenario always give the same hash.
 * Callers with variable lines build them piecewise with `begin`/`text`/`int`/`end`, and the
 * network's per-message lines go through `message`; both hash in place and only build a string
 * when lines are kept, so an unkept trace costs no string formatting.
 */
import { TraceHash, tokenOf, traceHashLineEnd } from './trace-hash.js';

/** A prepared (kind, direction) pair for `Trace.message`, with its hash tokens computed once. */
export interface MessageLineKind {
  readonly kind: string;
  readonly direction: string;
  readonly kindToken: number;
  readonly directionToken: number;
}

export function messageLineKind(kind: string, direction: string): MessageLineKind {
  if (/[\s]/.test(kind) || kind.length === 0 || /\n/.test(direction)) {
    throw new TypeError(`messageLineKind: kind ${JSON.stringify(kind)} must be a non-empty word and direction ${JSON.stringify(direction)} a line-free string`);
  }
  return Object.freeze({ kind, direction, kindToken: tokenOf(kind), directionToken: tokenOf(direction) });
}

/** Lines kept beyond this are not stored (the hash still covers them); `linesTruncated` says so. */
export const defaultMaxKeptLines = 2_000_000;

export interface TraceClock {
  readonly nowMs: number;
}

export interface TraceOptions {
  readonly keepLines?: boolean;
  readonly maxKeptLines?: number;
}

export class Trace {
  private readonly hasher = new TraceHash();
  private readonly kept: string[] = [];
  private readonly keep: boolean;
  private readonly maxKept: number;
  private truncated = false;
  private open = false;
  private current = '';
  private lineCount = 0;
  /** Kinds whose lines go to `observer` even when lines are not kept (see `observe`). */
  private observedKinds: ReadonlySet<string> | null = null;
  private observer: ((line: string) => void) | null = null;
  private observing = false;

  constructor(
    private readonly clock: TraceClock,
    options: TraceOptions = {},
  ) {
    this.keep = options.keepLines === true;
    this.maxKept = options.maxKeptLines ?? defaultMaxKeptLines;
    if (!Number.isSafeInteger(this.maxKept) || this.maxKept < 0) {
      throw new RangeError(`Trace: maxKeptLines ${this.maxKept} must be a non-negative integer`);
    }
  }

  /**
   * Hands every later line of one of `kinds` to `listener` as it is ended, whether or not lines
   * are kept — so a picture of a long run can follow state changes without keeping millions of
   * message lines. One observer per trace; the hash is unaffected. Network message lines
   * (`message`) are never observed: they are the hot path.
   */
  observe(kinds: readonly string[], listener: (line: string) => void): void {
    if (this.observer !== null) throw new Error('Trace.observe: this trace already has an observer');
    this.observedKinds = new Set(kinds);
    this.observer = listener;
  }

  /** Records one line `${now} ${kind} ${detail}` (no trailing space when detail is empty). */
  record(kind: string, detail: string): void {
    this.begin(kind);
    if (detail.length > 0) {
      this.text(' ');
      this.text(detail);
    }
    this.end();
  }

  /** Starts a line with the current virtual time and `kind`; add pieces, then call `end()`. */
  begin(kind: string): void {
    if (this.open) throw new Error(`Trace.begin('${kind}'): the previous line was not ended`);
    this.open = true;
    const now = this.clock.nowMs;
    if (Number.isSafeInteger(now)) this.hasher.integer(now);
    else this.hasher.text(String(now));
    this.hasher.text(kind);
    this.observing = this.observedKinds !== null && this.observedKinds.has(kind);
    if (this.keep || this.observing) this.current = escapeLineBreaks(`${now} ${kind}`);
  }

  /**
   * Appends text to the open line (no separator is added). A line break inside the text (say,
   * in a client-chosen command name) is kept as the two characters `\n` so one event stays one
   * line; the hash sees the original text.
   */
  text(piece: string): void {
    this.hasher.text(piece);
    if (this.keep || this.observing) {
      this.current += escapeLineBreaks(piece);
    }
  }

  /** Appends a number in its JavaScript decimal form. */
  int(n: number): void {
    if (Number.isSafeInteger(n)) this.hasher.integer(n);
    else this.hasher.text(String(n));
    if (this.keep || this.observing) this.current += n;
  }

  /**
   * The network's hot path in one call: records
   * `${now} ${kind} c${connection}${direction}${seq}` followed by ` ${label}` when label is
   * non-empty and `:${detail}` when detail is non-empty — e.g. `12 send c3>7 request:hello`,
   * `13 recv c3>7`, `14 drop c3<2 partition`. To stay cheap it hashes the variable tokens only
   * (time, the kind and direction tokens, connection, seq, label and detail).
   */
  message(line: MessageLineKind, connection: number, seq: number, label: string, detail: string): void {
    if (this.open) throw new Error(`Trace.message('${line.kind}'): a line is open`);
    const now = this.clock.nowMs;
    if (!Number.isSafeInteger(now) || !Number.isSafeInteger(connection) || !Number.isSafeInteger(seq)) {
      throw new RangeError(`Trace.message('${line.kind}'): time ${now}, connection ${connection} and seq ${seq} must be safe integers`);
    }
    this.hasher.messageLine(now, line.kindToken, connection, line.directionToken, seq, label, detail);
    this.lineCount++;
    if (this.keep) {
      const text = escapeLineBreaks(
        `${now} ${line.kind} c${connection}${line.direction}${seq}${label.length > 0 ? ` ${label}${detail.length > 0 ? `:${detail}` : ''}` : ''}`,
      );
      if (this.kept.length < this.maxKept) this.kept.push(text);
      else this.truncated = true;
    }
  }

  /** Ends the open line. */
  end(): void {
    if (!this.open) throw new Error('Trace.end: no line is open');
    this.open = false;
    this.hasher.word(traceHashLineEnd);
    this.lineCount++;
    if (this.observing) {
      this.observing = false;
      (this.observer as (line: string) => void)(this.current);
    }
    if (this.keep) {
      if (this.kept.length < this.maxKept) this.kept.push(this.current);
      else this.truncated = true;
    }
    this.current = '';
  }

  /** The running hash of every line so far: 16 hex digits. */
  hash(): string {
    return this.hasher.hex();
  }

  /** The kept lines (empty unless the world keeps lines). */
  lines(): readonly string[] {
    return this.kept;
  }

  /** Number of lines recorded (kept or not). */
  get count(): number {
    return this.lineCount;
  }

  get keepsLines(): boolean {
    return this.keep;
  }

  /** True when more lines were recorded than `maxKeptLines` could store. */
  get linesTruncated(): boolean {
    return this.truncated;
  }
}

/** One event, one line: CR and LF inside a kept line become the two characters `\r` / `\n`. */
function escapeLineBreaks(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/\r/g, '\\r').replace(/\n/g, '\\n') : text;
}
