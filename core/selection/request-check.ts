/**
 * The shape checks of a selection request, so that `selectServer` can keep its promise never to
 * throw: a hand-built selector, read preference or topology of the wrong shape is reported as
 * what is wrong with it (a MongoInvalidArgumentError outcome) instead of failing somewhere
 * inside selection with a TypeError.
 */
import type { TopologyType } from '../sdam/types.js';
import { maxTagSets } from './constants.js';
import { readPreferenceModes, type ReadPreference } from './read-preference.js';

const topologyTypes: ReadonlySet<string> = new Set<TopologyType>(['Single', 'ReplicaSetNoPrimary', 'ReplicaSetWithPrimary', 'Sharded', 'LoadBalanced', 'Unknown']);
const modes: ReadonlySet<string> = new Set(readPreferenceModes);
/** Frozen read preferences already checked (readPreference() builds frozen ones): checked once. */
const checkedReadPreferences = new WeakSet<object>();
/**
 * The last topology and read preference that passed, so that the selections in a row against
 * the same values (the usual case) skip even the lookups. One strong reference each. A value
 * changed after its check can still only lead to an error outcome: selectServer catches.
 */
let lastTopology: object | null = null;
let lastReadPreference: object | null = null;
/** The last frozen selector that passed with a frozen, checked read preference: neither can change since. */
let lastSelector: object | null = null;

/**
 * What is wrong with the request's parts (other than its times and timeout), or null. Runs on
 * every selection, so it allocates nothing on the good path.
 */
export function selectionRequestProblem(request: Readonly<Record<string, unknown>>): string | null {
  const topology = request.topology;
  if (topology !== lastTopology) {
    if (!isObject(topology)) return `topology must be a TopologyDescription, got ${typeName(topology)}`;
    const t = topology as Record<string, unknown>;
    if (typeof t.type !== 'string' || !topologyTypes.has(t.type)) return `topology type must be a TopologyType, got ${typeName(t.type)}`;
    const servers = t.servers as Record<string, unknown> | null | undefined;
    if (!isObject(servers) || typeof servers.get !== 'function' || typeof servers.values !== 'function') {
      return 'topology servers must be a map of addresses to server descriptions';
    }
    lastTopology = topology;
  }
  const selector = request.selector;
  if (selector !== lastSelector) {
    const problem = selectorProblem(selector);
    if (problem !== null) return problem;
  }
  const random = request.random as Record<string, unknown> | null | undefined;
  if (!isObject(random) || typeof random.int !== 'function') return 'random must be a RandomSource with an int(maxExclusive) method';
  const counts = request.operationCounts as Record<string, unknown> | undefined;
  if (counts !== undefined && (!isObject(counts) || typeof counts.get !== 'function')) return 'operationCounts must be a Map of addresses to counts';
  const deprioritized = request.deprioritized as Record<string, unknown> | undefined;
  if (deprioritized !== undefined && (!isObject(deprioritized) || typeof deprioritized.has !== 'function' || typeof deprioritized.size !== 'number')) {
    return 'deprioritized must be a Set of addresses';
  }
  if (request.serverSelector !== undefined && typeof request.serverSelector !== 'function') return `serverSelector must be a function, got ${typeName(request.serverSelector)}`;
  return null;
}

function selectorProblem(selector: unknown): string | null {
  if (!isObject(selector)) return `selector must be readSelector(...) or writeSelector, got ${typeName(selector)}`;
  const operation = (selector as Record<string, unknown>).operation;
  if (operation === 'read') {
    const readPreference = (selector as Record<string, unknown>).readPreference;
    const problem = readPreferenceProblem(readPreference);
    if (problem !== null) return `selector readPreference ${problem}`;
    // Only a frozen selector holding a read preference that can no longer change is remembered.
    if (Object.isFrozen(selector) && readPreference === lastReadPreference) lastSelector = selector;
  } else if (operation !== 'write') {
    return `selector operation must be "read" or "write", got ${typeName(operation)}`;
  } else if (Object.isFrozen(selector)) {
    lastSelector = selector;
  }
  return null;
}

/** The fields selection reads from a read preference, as readPreference() would have checked them. */
function readPreferenceProblem(value: unknown): string | null {
  if (value === lastReadPreference) return null;
  if (!isObject(value)) return `must be a ReadPreference built by readPreference(), got ${typeName(value)}`;
  if (checkedReadPreferences.has(value)) {
    lastReadPreference = value;
    return null;
  }
  const rp = value as Record<string, unknown>;
  if (typeof rp.mode !== 'string' || !modes.has(rp.mode)) return `mode must be one of ${readPreferenceModes.join(', ')}, got ${typeName(rp.mode)}`;
  const tagSets = rp.tagSets;
  if (!Array.isArray(tagSets)) return `tagSets must be an array of tag sets, got ${typeName(tagSets)}`;
  if (tagSets.length > maxTagSets) return `tagSets has ${tagSets.length} tag sets; at most ${maxTagSets} are allowed`;
  let frozen = Object.isFrozen(value) && Object.isFrozen(tagSets);
  for (let i = 0; i < tagSets.length; i++) {
    const set: unknown = tagSets[i];
    if (!isObject(set) || Array.isArray(set)) return `tagSets[${i}] must be an object of string tags, got ${typeName(set)}`;
    for (const [key, tag] of Object.entries(set)) {
      if (typeof tag !== 'string') return `tagSets[${i}].${key} must be a string, got ${typeName(tag)}`;
    }
    frozen &&= Object.isFrozen(set);
  }
  const staleness = rp.maxStalenessSeconds;
  if (staleness !== null && (typeof staleness !== 'number' || !Number.isFinite(staleness) || staleness < 0)) {
    return `maxStalenessSeconds must be null or a number of seconds >= 0, got ${typeName(staleness)}`;
  }
  // Only a frozen value cannot change after the check.
  if (frozen) {
    checkedReadPreferences.add(value as ReadPreference);
    lastReadPreference = value;
  }
  return null;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}
