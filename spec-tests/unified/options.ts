/**
 * unified-test-format.md "collectionOrDatabaseOptions" and the common operation options
 * (readConcern, readPreference, writeConcern) as the client's InheritableOptions.
 */
import type { InheritableOptions } from '../../client/inheritance.js';
import type { Doc } from './schema.js';
import { MissingFeature } from './missing-feature.js';

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

function isDoc(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Tests spell modes as the server selection spec's tests do ("Secondary", "PrimaryPreferred"):
 * read the name case-insensitively.
 */
const canonicalModes: ReadonlyMap<string, string> = new Map(['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'].map((m) => [m.toLowerCase(), m]));

/** `{readPreference: {mode, tagSets, maxStalenessSeconds, hedge}}` → the client's read preference input. */
export function readPreferenceInput(value: unknown, where: string): NonNullable<InheritableOptions['readPreference']> {
  if (!isDoc(value)) throw new OptionsError(`${where} must be an object`);
  const mode = value['mode'];
  if (typeof mode !== 'string') throw new OptionsError(`${where}.mode must be a string`);
  return {
    mode: canonicalModes.get(mode.toLowerCase()) ?? mode,
    ...(value['tagSets'] !== undefined ? { tags: value['tagSets'] as Record<string, string>[] } : {}),
    ...(value['maxStalenessSeconds'] !== undefined ? { maxStalenessSeconds: value['maxStalenessSeconds'] as number } : {}),
    ...(value['hedge'] !== undefined ? { hedge: value['hedge'] as { enabled: boolean } } : {}),
  };
}

/** The inheritable part of a db/collection/operation options object; other keys are ignored. */
export function inheritableOptions(value: unknown, where: string): InheritableOptions | undefined {
  if (value === undefined) return undefined;
  if (!isDoc(value)) throw new OptionsError(`${where} must be an object`);
  if (value['timeoutMS'] !== undefined) throw new MissingFeature('client-side operation timeouts (timeoutMS)');
  const out: { -readonly [K in keyof InheritableOptions]: InheritableOptions[K] } = {};
  if (value['readPreference'] !== undefined) out.readPreference = readPreferenceInput(value['readPreference'], `${where}.readPreference`);
  if (value['writeConcern'] !== undefined) {
    if (!isDoc(value['writeConcern'])) throw new OptionsError(`${where}.writeConcern must be an object`);
    out.writeConcern = value['writeConcern'] as InheritableOptions['writeConcern'];
  }
  if (value['readConcern'] !== undefined) {
    if (!isDoc(value['readConcern'])) throw new OptionsError(`${where}.readConcern must be an object`);
    out.readConcern = value['readConcern'] as unknown as InheritableOptions['readConcern'];
  }
  return out;
}
