/**
 * Read preference, write concern and read concern pass from client to db to collection to
 * operation; each level may override any of them (Node driver `db(name, options)`,
 * `collection(name, options)`, per-operation options; PyMongo `with_options`).
 */
import { MongoInvalidArgumentError } from '../core/errors.js';
import { readPreference, type ReadPreference, type ReadPreferenceInput, type ReadPreferenceMode } from '../core/selection/read-preference.js';
import { describe, readConcern, writeConcern, type ReadConcern, type WriteConcern } from './concerns.js';

/** What a db, collection or operation may override. */
export interface InheritableOptions {
  readonly readPreference?: ReadPreferenceMode | ReadPreferenceInput | ReadPreference;
  readonly writeConcern?: WriteConcern;
  readonly readConcern?: ReadConcern;
}

/** The effective settings at one level. */
export interface InheritedOptions {
  readonly readPreference: ReadPreference;
  readonly writeConcern: WriteConcern | undefined;
  readonly readConcern: ReadConcern | undefined;
}

const inheritableKeys = ['readPreference', 'writeConcern', 'readConcern'] as const;

/** `parent` with the overrides of `options` (validated; `where` names the options in errors). */
export function inherit(parent: InheritedOptions, options: InheritableOptions | undefined, where: string): InheritedOptions {
  if (options === undefined) return parent;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new MongoInvalidArgumentError(`${where} must be an object, got ${describe(options)}`);
  }
  return Object.freeze({
    readPreference: options.readPreference === undefined ? parent.readPreference : toReadPreference(options.readPreference, `${where}.readPreference`),
    writeConcern: options.writeConcern === undefined ? parent.writeConcern : writeConcern(options.writeConcern, `${where}.writeConcern`),
    readConcern: options.readConcern === undefined ? parent.readConcern : readConcern(options.readConcern, `${where}.readConcern`),
  });
}

/** Only the inheritable fields of an options object (operation options carry others too). */
export function pickInheritable(options: object | undefined): InheritableOptions | undefined {
  if (options === undefined || options === null || typeof options !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const key of inheritableKeys) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as InheritableOptions;
}

function toReadPreference(value: unknown, where: string): ReadPreference {
  try {
    if (value !== null && typeof value === 'object' && 'tagSets' in value) {
      // Already a validated ReadPreference (e.g. taken from another collection): re-validate its fields.
      const rp = value as ReadPreference;
      return readPreference({ mode: rp.mode, tags: rp.tagSets, maxStalenessSeconds: rp.maxStalenessSeconds, hedge: rp.hedge });
    }
    return readPreference(value as ReadPreferenceInput | ReadPreferenceMode);
  } catch (error) {
    if (error instanceof MongoInvalidArgumentError) throw new MongoInvalidArgumentError(`${where}: ${error.message}`);
    throw error;
  }
}
