/**
 * The neutral model of a picture of a run: panels (one per simulated world) of lanes (one per
 * member, mongos, client, plus one for checks and invariants), each lane holding state bands,
 * overlays (partitions), operations and point marks on one virtual-time axis. Builders
 * (from-tutorial.ts, from-scenario.ts) make it from what a run recorded; render.ts turns it
 * into one self-contained HTML page. Nothing here knows about HTML.
 */

/** Lane kinds, in the order a panel shows them. */
export type LaneKind = 'member' | 'mongos' | 'client' | 'events';

/** A stretch of time in one state: a member's replica-set state, a client's topology view. */
export interface Band {
  readonly startMs: number;
  readonly endMs: number;
  /** The CSS class suffix that colours it: PRIMARY, SECONDARY, DOWN, STARTUP, ... */
  readonly state: string;
  /** Short text drawn inside the band when it fits. */
  readonly label: string;
  /** Shown on hover. */
  readonly tip: string;
}

/** One command sent for an operation. */
export interface Attempt {
  readonly startMs: number;
  readonly endMs: number;
  /** The server it went to. */
  readonly address: string;
  readonly ok: boolean;
}

/** One operation from its start to its outcome, or an aggregate of `count` operations. */
export interface Operation {
  readonly startMs: number;
  readonly endMs: number;
  /** Operations this bar stands for (1 for a single operation). */
  readonly count: number;
  /** How many of them failed. */
  readonly failed: number;
  readonly label: string;
  readonly tip: string;
  /** The commands sent, in order (a retry is the second); empty for aggregates. */
  readonly attempts: readonly Attempt[];
}

export type MarkKind = 'election' | 'fault' | 'action' | 'server' | 'retry' | 'error' | 'check' | 'check-failed' | 'violation' | 'lost';

/** Marks in order of importance: a cluster of marks shows its most important kind. */
export const markSeverity: readonly MarkKind[] = ['server', 'action', 'retry', 'check', 'election', 'error', 'fault', 'lost', 'check-failed', 'violation'];

export interface Mark {
  readonly atMs: number;
  readonly kind: MarkKind;
  /** A few characters drawn next to the mark (e.g. a term "t2"); may be empty. */
  readonly label: string;
  readonly tip: string;
  /** Marks this one stands for (1 unless aggregated). */
  readonly count: number;
}

export interface Lane {
  readonly id: string;
  readonly kind: LaneKind;
  readonly label: string;
  readonly bands: readonly Band[];
  /** Drawn as a hatched strip over the bands: partitions, isolation, clogs. */
  readonly overlays: readonly Band[];
  readonly ops: readonly Operation[];
  readonly marks: readonly Mark[];
}

/** A labelled vertical guide across every lane (a tutorial item starting). */
export interface Guide {
  readonly atMs: number;
  /** A few characters drawn at the top of the line (e.g. the item number). */
  readonly label: string;
  readonly tip: string;
}

export interface Panel {
  readonly title: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly lanes: readonly Lane[];
  readonly guides: readonly Guide[];
}

export interface RunPicture {
  readonly title: string;
  /** One line under the title: seed, outcome, counts. */
  readonly subtitle: string;
  readonly panels: readonly Panel[];
}

/**
 * Items kept per list of a lane (ops, marks, bands). Past this a builder merges neighbours, so
 * a day-long run cannot make the page (and its embedded data) grow without bound.
 */
export const maxItemsPerList = 20_000;

/**
 * Merges neighbours pairwise until at most `max` items remain (`items` in time order). Each
 * pass halves the list, so at most log2(n / max) + 1 passes run.
 */
function halveUntil<T>(items: readonly T[], max: number, merge: (a: T, b: T) => T): T[] {
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`halveUntil: max ${max} must be a positive integer`);
  let out = [...items];
  while (out.length > max) {
    const next: T[] = [];
    for (let i = 0; i < out.length; i += 2) {
      const a = out[i] as T;
      const b = out[i + 1];
      next.push(b === undefined ? a : merge(a, b));
    }
    out = next;
  }
  return out;
}

/** Merges neighbouring operations pairwise until at most `max` remain (`ops` sorted by start). */
export function boundOperations(ops: readonly Operation[], max = maxItemsPerList): Operation[] {
  return halveUntil(ops, max, mergeOperations);
}

export function mergeOperations(a: Operation, b: Operation): Operation {
  const count = a.count + b.count;
  const failed = a.failed + b.failed;
  const startMs = Math.min(a.startMs, b.startMs);
  const endMs = Math.max(a.endMs, b.endMs);
  return { startMs, endMs, count, failed, label: `${count} ops`, tip: `${count} operations, ${failed} failed`, attempts: [] };
}

const firstTipLine = (tip: string): string => tip.split('\n')[0] ?? '';

/** Merges neighbouring marks pairwise until at most `max` remain (`marks` sorted by time); a merged mark keeps the more important kind. */
export function boundMarks(marks: readonly Mark[], max = maxItemsPerList): Mark[] {
  return halveUntil(marks, max, (a, b) => {
    const count = a.count + b.count;
    return { atMs: a.atMs, kind: markSeverity.indexOf(a.kind) >= markSeverity.indexOf(b.kind) ? a.kind : b.kind, label: '', tip: `${count} events (${firstTipLine(a.tip)} …)`, count };
  });
}

/** Merges neighbouring bands pairwise until at most `max` remain; a merged band of two states is `MIXED`. */
export function boundBands(bands: readonly Band[], max = maxItemsPerList): Band[] {
  return halveUntil(bands, max, (a, b) => ({ startMs: a.startMs, endMs: b.endMs, state: a.state === b.state ? a.state : 'MIXED', label: '', tip: `${firstTipLine(a.tip)} … ${firstTipLine(b.tip)}` }));
}

/**
 * Turns a list of (time, state) changes into bands that end where the next begins; the last
 * ends at `endMs`. Consecutive identical states are joined.
 */
export function bandsFromChanges(changes: readonly { atMs: number; state: string; label: string; tip: string }[], endMs: number): Band[] {
  const bands: Band[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i] as { atMs: number; state: string; label: string; tip: string };
    const next = changes[i + 1];
    const last = bands.at(-1);
    if (last !== undefined && last.state === c.state && last.label === c.label) {
      bands[bands.length - 1] = { ...last, endMs: next?.atMs ?? Math.max(endMs, c.atMs) };
      continue;
    }
    bands.push({ startMs: c.atMs, endMs: next?.atMs ?? Math.max(endMs, c.atMs), state: c.state, label: c.label, tip: c.tip });
  }
  return bands.filter((b) => b.endMs > b.startMs || b === bands.at(-1));
}
