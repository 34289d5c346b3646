/**
 * Defaults and limits of the connection pool, each with its unit in the name.
 * Defaults are the ones connection-monitoring-and-pooling.md "Connection Pool Options" fixes.
 */

/** CMAP "maxPoolSize": defaults to 100; 0 means no limit. */
export const defaultMaxPoolSize = 100;
/** CMAP "minPoolSize": defaults to 0 (no background population). */
export const defaultMinPoolSize = 0;
/** CMAP "maxIdleTimeMS": defaults to 0, meaning connections never become idle-perished. */
export const defaultMaxIdleTimeMS = 0;
/** CMAP "waitQueueTimeoutMS": defaults to 0, meaning a queued checkOut has no deadline of its own. */
export const defaultWaitQueueTimeoutMS = 0;
/** CMAP "maxConnecting": defaults to 2 connections being established at once. */
export const defaultMaxConnecting = 2;

/**
 * Safety bound on queued checkOut requests. The spec forbids a user-facing waitQueueSize, so
 * this is not an option: it only keeps a runaway caller from growing the queue without end.
 * A checkOut beyond it fails at once with WaitQueueFullError.
 */
export const maxWaitQueueLength = 10_000;

/**
 * Safety bound on connections when maxPoolSize is 0 ("no limit"): far above any real pool, it
 * keeps the machine's state finite. Requests beyond it wait like in a capped pool.
 */
export const unlimitedPoolConnectionCap = 100_000;

/** PoolClearedError quotes the error that cleared the pool, cut to this many characters. */
export const maxClearCauseChars = 300;

/** Upper bound accepted for any *MS option (about 24.8 days, the largest 32-bit signed value). */
export const maxOptionDurationMS = 2_147_483_647;
