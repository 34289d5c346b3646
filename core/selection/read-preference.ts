/**
 * Read preference values (server-selection.md "Read Preference") and their validation.
 * Built from plain objects as Node driver users write them, or from connection-string options.
 * Invalid combinations are rejected here, once, so selection itself never meets them.
 */
import { MongoInvalidArgumentError, MongoParseError } from '../errors.js';
import type { ConnectionOptions } from '../uri/types.js';
import { maxTagSets, noMaxStalenessSeconds } from './constants.js';

/** server-selection.md "mode". */
export type ReadPreferenceMode = 'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest';

export const readPreferenceModes: readonly ReadPreferenceMode[] = [
  'primary',
  'primaryPreferred',
  'secondary',
  'secondaryPreferred',
  'nearest',
];

/** A tag set: every pair must appear in a server's tags for the server to match. `{}` matches any server. */
export type TagSet = Readonly<Record<string, string>>;

/** server-selection.md "hedge" (deprecated in MongoDB 8.0). */
export interface HedgeOptions {
  readonly enabled?: boolean;
}

/** An immutable, validated read preference. */
export interface ReadPreference {
  readonly mode: ReadPreferenceMode;
  /** Ordered tag set list; `[]` and `[{}]` both mean "any server". */
  readonly tagSets: readonly TagSet[];
  /** null means no maximum (the spec's -1). Topology-dependent limits are checked at selection time. */
  readonly maxStalenessSeconds: number | null;
  /** @deprecated Hedged reads are deprecated in MongoDB Server 8.0; carried through, never used for selection. */
  readonly hedge: HedgeOptions | null;
}

/** The plain-object form, as users of the Node driver write it. */
export interface ReadPreferenceInput {
  readonly mode: ReadPreferenceMode | string;
  readonly tags?: readonly Readonly<Record<string, string>>[] | null;
  readonly maxStalenessSeconds?: number | null;
  /** @deprecated Hedged reads are deprecated in MongoDB Server 8.0. */
  readonly hedge?: HedgeOptions | null;
}

/** The default read preference: mode primary, any tags, no max staleness. */
export const primaryReadPreference: ReadPreference = Object.freeze({
  mode: 'primary',
  tagSets: Object.freeze([]) as readonly TagSet[],
  maxStalenessSeconds: null,
  hedge: null,
});

const inputKeys = new Set(['mode', 'tags', 'maxStalenessSeconds', 'hedge']);

/**
 * Builds a read preference from a mode name or a `{mode, tags, maxStalenessSeconds, hedge}` object.
 * Throws MongoInvalidArgumentError naming the bad part.
 */
export function readPreference(input: ReadPreferenceInput | ReadPreferenceMode): ReadPreference {
  if (typeof input === 'string') input = { mode: input };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MongoInvalidArgumentError(`read preference must be a mode name or an object, got ${typeName(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!inputKeys.has(key)) {
      throw new MongoInvalidArgumentError(
        `read preference has unknown field "${key}" (expected mode, tags, maxStalenessSeconds, hedge)`,
      );
    }
  }
  return build(
    { mode: input.mode, tags: input.tags, maxStalenessSeconds: input.maxStalenessSeconds, hedge: input.hedge },
    { mode: 'mode', tags: 'tags', maxStalenessSeconds: 'maxStalenessSeconds', hedge: 'hedge' },
    (message) => new MongoInvalidArgumentError(message),
  );
}

/**
 * Builds the client's read preference from connection-string options (uri-options.md:
 * readPreference, readPreferenceTags, maxStalenessSeconds). Throws MongoParseError naming the option.
 */
export function readPreferenceFromConnectionOptions(options: ConnectionOptions): ReadPreference {
  return build(
    {
      mode: options.readPreference ?? 'primary',
      tags: options.readPreferenceTags,
      maxStalenessSeconds: options.maxStalenessSeconds,
      hedge: undefined,
    },
    { mode: 'readPreference', tags: 'readPreferenceTags', maxStalenessSeconds: 'maxStalenessSeconds', hedge: 'hedge' },
    (message) => new MongoParseError(message),
  );
}

/** Whether maxStalenessSeconds is set (server-selection.md: -1 / null mean "no maximum"). */
export function hasMaxStaleness(rp: ReadPreference): rp is ReadPreference & { readonly maxStalenessSeconds: number } {
  return rp.maxStalenessSeconds !== null;
}

/** Whether the tag set list restricts anything (`[]` and lists containing only `{}` first do not). */
export function hasTagRestriction(rp: ReadPreference): boolean {
  const first = rp.tagSets[0];
  return first !== undefined && Object.keys(first).length > 0;
}

interface Fields {
  readonly mode: unknown;
  readonly tags: unknown;
  readonly maxStalenessSeconds: unknown;
  readonly hedge: unknown;
}
type Names = { readonly [K in keyof Fields]: string };

function build(fields: Fields, names: Names, fail: (message: string) => Error): ReadPreference {
  const mode = fields.mode;
  if (!isMode(mode)) throw fail(`${names.mode} ${show(mode)} is not one of ${readPreferenceModes.join(', ')}`);
  const tagSets = parseTagSets(fields.tags, names.tags, fail);
  const maxStalenessSeconds = parseMaxStaleness(fields.maxStalenessSeconds, names.maxStalenessSeconds, fail);
  const hedge = parseHedge(fields.hedge, names.hedge, fail);
  if (mode === 'primary') {
    // server-selection.md "tag_sets": non-empty tag set with mode primary is an error.
    if (tagSets.some((set) => Object.keys(set).length > 0)) {
      throw fail(`${names.tags} ${show(fields.tags)} cannot be combined with ${names.mode} primary`);
    }
    // server-selection.md "maxStalenessSeconds": positive value with mode primary is an error.
    if (maxStalenessSeconds !== null && maxStalenessSeconds > 0) {
      throw fail(`${names.maxStalenessSeconds} ${maxStalenessSeconds} cannot be combined with ${names.mode} primary`);
    }
    // server-selection.md "Document structure": hedge must be absent for mode primary.
    if (hedge !== null) throw fail(`${names.hedge} cannot be combined with ${names.mode} primary`);
  }
  return Object.freeze({ mode, tagSets, maxStalenessSeconds, hedge });
}

function isMode(value: unknown): value is ReadPreferenceMode {
  return typeof value === 'string' && (readPreferenceModes as readonly string[]).includes(value);
}

function parseTagSets(value: unknown, name: string, fail: (message: string) => Error): readonly TagSet[] {
  if (value === undefined || value === null) return Object.freeze([]);
  if (!Array.isArray(value)) throw fail(`${name} must be an array of tag sets, got ${typeName(value)}`);
  if (value.length > maxTagSets) throw fail(`${name} has ${value.length} tag sets; at most ${maxTagSets} are allowed`);
  const sets: TagSet[] = [];
  value.forEach((set: unknown, i) => {
    if (set === null || typeof set !== 'object' || Array.isArray(set)) {
      throw fail(`${name}[${i}] must be an object of string tags, got ${typeName(set)}`);
    }
    const entries = Object.entries(set);
    for (const [key, tag] of entries) {
      if (typeof tag !== 'string') throw fail(`${name}[${i}].${key} must be a string, got ${typeName(tag)}`);
    }
    // fromEntries defines own properties, so "__proto__" and "constructor" stay ordinary tags;
    // assigning them would drop "__proto__" and widen the set to "any server".
    sets.push(Object.freeze(Object.fromEntries(entries) as TagSet));
  });
  return Object.freeze(sets);
}

function parseMaxStaleness(value: unknown, name: string, fail: (message: string) => Error): number | null {
  if (value === undefined || value === null || value === noMaxStalenessSeconds) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw fail(`${name} must be an integer number of seconds (or -1 for no maximum), got ${show(value)}`);
  }
  if (value < 0) throw fail(`${name} must be -1 (no maximum) or at least 0, got ${value}`);
  return value;
}

function parseHedge(value: unknown, name: string, fail: (message: string) => Error): HedgeOptions | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw fail(`${name} must be an object, got ${typeName(value)}`);
  const hedge: { enabled?: boolean } = {};
  for (const [key, flag] of Object.entries(value)) {
    if (key !== 'enabled') throw fail(`${name} has unknown field "${key}" (expected enabled)`);
    if (typeof flag !== 'boolean') throw fail(`${name}.enabled must be a boolean, got ${typeName(flag)}`);
    hedge.enabled = flag;
  }
  return Object.freeze(hedge);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${show(value)}`;
}

function show(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  } catch {
    return String(value);
  }
}
