/**
 * Server selection (server-selection.md) and max staleness (max-staleness.md) as pure functions
 * over the SDAM description values.
 */
// defaultLocalThresholdMS lives in core/sdam and readPreferenceModes in core/uri; not re-exported
// here so `export *` of every area from core/index.ts stays unambiguous.
export { defaultServerSelectionTimeoutMS, idleWritePeriodMS, smallestMaxStalenessSeconds } from './constants.js';
export {
  readPreference,
  readPreferenceFromConnectionOptions,
  primaryReadPreference,
  hasMaxStaleness,
  hasTagRestriction,
  type ReadPreference,
  type ReadPreferenceInput,
  type ReadPreferenceMode,
  type TagSet,
  type HedgeOptions,
} from './read-preference.js';
export { readSelector, writeSelector, type Selector, type ReadSelector, type WriteSelector } from './selector.js';
export { filterByTagSets, tagSetMatches } from './tag-sets.js';
export { maxStalenessProblem, stalenessBasis, stalenessMs, isFreshEnough, type StalenessBasis } from './staleness.js';
export { suitableServers, isAvailable } from './suitability.js';
export { inLatencyWindow, effectiveRttMs } from './latency-window.js';
export { chooseInWindow, type OperationCounts } from './in-window-choice.js';
export { explainUnsuitable, type UnsuitableServer } from './explain.js';
export { describeReadPreference, describeTags, describeSelector } from './describe.js';
export { describeSelectionFailure, serverSelectionError, maxServersInErrorMessage } from './selection-error.js';
export {
  selectServer,
  selectionPreconditionError,
  type SelectionRequest,
  type SelectionOutcome,
} from './select-server.js';
export { suitableInWindow, suitableInWindowIndexed } from './window-fast-path.js';
