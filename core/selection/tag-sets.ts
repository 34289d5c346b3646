/**
 * server-selection.md "tag_sets": a read preference tag set T matches a server tag set S when
 * T ⊆ S; tag sets are tried in order and the first one matching any candidate wins.
 */
import type { ServerDescription } from '../sdam/types.js';
import type { TagSet } from './read-preference.js';

/** A tag set flattened to key/value pairs, so matching allocates nothing. */
export type CompiledTagSet = readonly (readonly [string, string])[];

const compiledCache = new WeakMap<readonly TagSet[], readonly CompiledTagSet[]>();

/** The tag sets as key/value pair lists, cached per (immutable) tag set list. */
export function compiledTagSets(tagSets: readonly TagSet[]): readonly CompiledTagSet[] {
  let compiled = compiledCache.get(tagSets);
  if (compiled === undefined) {
    compiled = tagSets.map((set) => Object.entries(set).map(([key, value]) => [key, value] as const));
    compiledCache.set(tagSets, compiled);
  }
  return compiled;
}

export function matchesCompiled(set: CompiledTagSet, tags: Readonly<Record<string, string>>): boolean {
  for (let i = 0; i < set.length; i++) {
    const pair = set[i]!;
    // Own-property check: a tag named like an Object.prototype member must not match by accident.
    if (tags[pair[0]] !== pair[1] || !Object.hasOwn(tags, pair[0])) return false;
  }
  return true;
}

/** Whether a single read-preference tag set matches a server's tags. */
export function tagSetMatches(set: TagSet, tags: Readonly<Record<string, string>>): boolean {
  return matchesCompiled(Object.entries(set), tags);
}

/**
 * server-selection.md "Eligibility MUST be determined from tag_sets": empty list → all;
 * otherwise the servers matching the first tag set that matches any; none when no set matches.
 * Returns the input array itself when nothing is filtered out.
 */
export function filterByTagSets(
  servers: readonly ServerDescription[],
  tagSets: readonly TagSet[],
): readonly ServerDescription[] {
  if (tagSets.length === 0 || servers.length === 0) return servers;
  const compiled = compiledTagSets(tagSets);
  for (let s = 0; s < compiled.length; s++) {
    const set = compiled[s]!;
    if (set.length === 0) return servers;
    let matched: ServerDescription[] | null = null;
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i]!;
      if (matchesCompiled(set, server.tags)) (matched ??= []).push(server);
    }
    if (matched !== null) return matched;
  }
  return [];
}
