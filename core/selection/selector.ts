/**
 * What an operation asks server selection for: a read with a read preference, or a write
 * (server-selection.md "Rules for server selection").
 */
import { primaryReadPreference, type ReadPreference } from './read-preference.js';

export interface ReadSelector {
  readonly operation: 'read';
  readonly readPreference: ReadPreference;
}

export interface WriteSelector {
  readonly operation: 'write';
}

export type Selector = ReadSelector | WriteSelector;

export const writeSelector: WriteSelector = Object.freeze({ operation: 'write' });

/** Frozen, like writeSelector: selectServer checks a frozen selector's shape once, not on every call. */
export function readSelector(readPreference: ReadPreference = primaryReadPreference): ReadSelector {
  return Object.freeze({ operation: 'read', readPreference });
}
