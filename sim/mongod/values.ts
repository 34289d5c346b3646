/**
 * Comparison and equality of document values in BSON order (the order `sort` and range
 * operators use), for the value shapes a BSON decoder produces: numbers, strings, booleans,
 * null/undefined, arrays, plain objects, Date and the `bson` classes (identified by `_bsontype`).
 */

/** Canonical BSON type order ("Comparison/Sort Order" in the MongoDB manual). */
function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 1;
  switch (typeof value) {
    case 'number': case 'bigint': return 2;
    case 'string': return 3;
    case 'boolean': return 8;
    case 'object': {
      if (value instanceof Date) return 9;
      if (Array.isArray(value)) return 5;
      const bsonType = (value as { _bsontype?: unknown })._bsontype;
      switch (bsonType) {
        case 'MinKey': return 0;
        case 'Int32': case 'Double': case 'Long': case 'Decimal128': return 2;
        case 'Binary': return 6;
        case 'ObjectId': return 7;
        case 'Timestamp': return 10;
        case 'BSONRegExp': return 11;
        case 'MaxKey': return 12;
        default: return 4;
      }
    }
    default: return 4;
  }
}

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const v = value as { valueOf(): unknown; toNumber?: () => number };
  if (typeof v.toNumber === 'function') return v.toNumber();
  return Number(v.valueOf());
}

function bsonString(value: unknown): string {
  const v = value as { toHexString?: () => string; toString(): string };
  return typeof v.toHexString === 'function' ? v.toHexString() : v.toString();
}

/** Negative, zero or positive like a comparator, in BSON order. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: case 1: case 12: return 0;
    case 2: {
      const x = numberOf(a);
      const y = numberOf(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3: return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 8: return (a === b) ? 0 : a ? 1 : -1;
    case 9: return (a as Date).getTime() - (b as Date).getTime();
    case 10: {
      const x = a as { t: number; i: number };
      const y = b as { t: number; i: number };
      return x.t !== y.t ? x.t - y.t : x.i - y.i;
    }
    case 5: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 4: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      const n = Math.min(kx.length, ky.length);
      for (let i = 0; i < n; i++) {
        const ka = kx[i] as string;
        const kb = ky[i] as string;
        const c = compareValues(x[ka], y[kb]);
        if (c !== 0) return c;
        if (ka !== kb) return ka < kb ? -1 : 1;
      }
      return kx.length - ky.length;
    }
    default: {
      const x = bsonString(a);
      const y = bsonString(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** A string key identifying a value (used to index documents by `_id`). Equal values give equal keys. */
export function valueKey(value: unknown): string {
  const rank = typeRank(value);
  switch (rank) {
    case 1: return 'null';
    case 2: return `n:${numberOf(value)}`;
    case 3: return `s:${value as string}`;
    case 8: return `b:${String(value)}`;
    case 9: return `d:${(value as Date).getTime()}`;
    case 5: return `a:[${(value as unknown[]).map(valueKey).join(',')}]`;
    case 4: {
      const o = value as Record<string, unknown>;
      return `o:{${Object.keys(o).map((k) => `${JSON.stringify(k)}:${valueKey(o[k])}`).join(',')}}`;
    }
    case 10: {
      const t = value as { t: number; i: number };
      return `ts:${t.t}:${t.i}`;
    }
    default: return `${rank}:${bsonString(value)}`;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
    && (value as { _bsontype?: unknown })._bsontype === undefined;
}

/** Reads a dotted path (`a.b.c`); numeric parts index arrays. */
export function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  let start = 0;
  for (;;) {
    const dot = path.indexOf('.', start);
    const part = dot === -1 ? path.slice(start) : path.slice(start, dot);
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
    if (dot === -1) return current;
    start = dot + 1;
  }
}
