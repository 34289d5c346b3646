/**
 * Named limits and defaults of server selection, each with the spec section that fixes it.
 */

/** server-selection.md "localThresholdMS": default size of the latency window (defined once, in core/sdam). */
export { defaultLocalThresholdMS } from '../sdam/constants.js';

/** server-selection.md "serverSelectionTimeoutMS": default time to wait for a suitable server. */
export const defaultServerSelectionTimeoutMS = 30_000;

/** max-staleness.md "idleWritePeriodMS": an idle primary writes a no-op this often. */
export const idleWritePeriodMS = 10_000;

/** max-staleness.md "Smallest allowed value for maxStalenessSeconds". */
export const smallestMaxStalenessSeconds = 90;

/** server-selection.md "maxStalenessSeconds": -1 means "no maximum". */
export const noMaxStalenessSeconds = -1;

/** Upper bound on tag sets in one read preference; far above any real deployment's needs. */
export const maxTagSets = 1_000;
