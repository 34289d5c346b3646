/**
 * YAML parsing that remembers where every value came from, so a bad scenario field can be
 * reported as `file:LINE: field timeline[2].crash: ...`. js-yaml builds plain values without
 * positions; its event stream carries source offsets, so we walk the events once and record
 * the offset of every mapping key and every value by its path.
 */
import { EVENT_ID, getScalarValue, load, parseEvents, YAMLException } from 'js-yaml';
import type { Event } from 'js-yaml';

/** A path into the document: mapping keys and sequence indexes, e.g. ['timeline', 2, 'crash']. */
export type FieldPath = ReadonlyArray<string | number>;

/** Renders a path as `timeline[2].crash` (the form used in error messages). */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? part : `.${part}`;
  }
  return out.length === 0 ? '(document)' : out;
}

interface Position {
  /** Offset of the mapping key naming this field (absent for sequence items and the root). */
  keyOffset?: number;
  /** Offset where the value starts. */
  valueOffset: number;
}

export class YamlSource {
  private readonly positions = new Map<string, Position>();
  private readonly lineStarts: number[] = [0];

  private constructor(
    readonly text: string,
    readonly value: unknown,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /**
   * Parses YAML text. Syntax errors become a `YamlSyntaxError` carrying js-yaml's 1-based line.
   * Multi-document input is rejected (a scenario is one document).
   */
  static parse(text: string, filename: string): YamlSource {
    let value: unknown;
    let events: Event[];
    try {
      value = load(text, { filename });
      events = parseEvents(text, { filename });
    } catch (error) {
      if (error instanceof YAMLException) {
        const line = error.mark === undefined ? undefined : error.mark.line + 1;
        throw new YamlSyntaxError(error.reason, line);
      }
      throw error;
    }
    const source = new YamlSource(text, value);
    source.index(events);
    return source;
  }

  /** The 1-based line of the field at `path`: its key when it has one, else its value; else the nearest ancestor's. */
  lineOf(path: FieldPath, prefer: 'key' | 'value' = 'key'): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const position = this.positions.get(pathKey(path.slice(0, n)));
      if (position === undefined) continue;
      const offset = prefer === 'key' && position.keyOffset !== undefined ? position.keyOffset : position.valueOffset;
      return this.lineAt(offset);
    }
    return undefined;
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Walks the event stream keeping a stack of open collections and records each value's offsets. */
  private index(events: readonly Event[]): void {
    interface Frame {
      kind: 'map' | 'seq';
      path: Array<string | number>;
      /** For maps: the pending key (undefined when a key is expected next). */
      key: string | undefined;
      keyOffset: number;
      expectingKey: boolean;
      /** For sequences: the next index. */
      nextIndex: number;
    }
    const stack: Frame[] = [];
    const text = this.text;
    /** Where the next value goes: its path and key offset; advances the parent's state. */
    const placeValue = (): { path: Array<string | number>; keyOffset?: number } | null => {
      const top = stack[stack.length - 1];
      if (top === undefined) return { path: [] };
      if (top.kind === 'seq') return { path: [...top.path, top.nextIndex++] };
      if (top.expectingKey) return null; // this node is a key
      top.expectingKey = true;
      return { path: [...top.path, top.key ?? '?'], keyOffset: top.keyOffset };
    };
    for (const event of events) {
      switch (event.type) {
        case EVENT_ID.SCALAR: {
          const top = stack[stack.length - 1];
          if (top !== undefined && top.kind === 'map' && top.expectingKey) {
            top.key = getScalarValue(text, event);
            top.keyOffset = event.valueStart;
            top.expectingKey = false;
            break;
          }
          const place = placeValue();
          if (place !== null) this.remember(place.path, place.keyOffset, event.valueStart);
          break;
        }
        case EVENT_ID.ALIAS: {
          const top = stack[stack.length - 1];
          if (top !== undefined && top.kind === 'map' && top.expectingKey) {
            top.key = '*alias';
            top.keyOffset = event.anchorStart;
            top.expectingKey = false;
            break;
          }
          const place = placeValue();
          if (place !== null) this.remember(place.path, place.keyOffset, event.anchorStart);
          break;
        }
        case EVENT_ID.MAPPING:
        case EVENT_ID.SEQUENCE: {
          const top = stack[stack.length - 1];
          const isKey = top !== undefined && top.kind === 'map' && top.expectingKey;
          let path: Array<string | number>;
          if (isKey) {
            // A collection used as a mapping key: not something a scenario has; track it under a placeholder.
            top.key = '?';
            top.keyOffset = event.start;
            top.expectingKey = false;
            path = [...top.path, '?key'];
          } else {
            const place = placeValue() ?? { path: [] };
            path = place.path;
            this.remember(path, place.keyOffset, event.start);
          }
          stack.push({
            kind: event.type === EVENT_ID.MAPPING ? 'map' : 'seq',
            path,
            key: undefined,
            keyOffset: event.start,
            expectingKey: true,
            nextIndex: 0,
          });
          break;
        }
        case EVENT_ID.POP:
          stack.pop();
          break;
        default:
          break;
      }
    }
  }

  private remember(path: FieldPath, keyOffset: number | undefined, valueOffset: number): void {
    const key = pathKey(path);
    if (!this.positions.has(key)) {
      this.positions.set(key, keyOffset === undefined ? { valueOffset } : { keyOffset, valueOffset });
    }
  }
}

function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

export class YamlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | undefined,
  ) {
    super(reason);
    this.name = 'YamlSyntaxError';
  }
}
