/**
 * Every limit and default of the client runtime, with its unit in the name. Nothing else in
 * client/runtime hard-codes a number.
 */

/** Handshake `client.driver.name` (mongodb-handshake.md "client.driver"). */
export const driverName = 'mongosim';
/** Handshake `client.driver.version` when the caller gives none (the package version). */
export const defaultDriverVersion = '0.1.0';
/** Handshake `client.os.type` when the caller gives none: the runtime never reads the real OS. */
export const defaultOsType = 'unknown';
/** Handshake `client.platform` when the caller gives none. */
export const defaultPlatform = 'mongosim';

/**
 * Bound on machine inputs waiting in the runtime's work queue. Each input is produced by a
 * port callback or by another machine's action, so a longer queue means a feedback loop (a bug).
 */
export const maxQueuedInputs = 1_000_000;

/** Bound on operations running at once; `run()` beyond it fails at once with a clear error. */
export const maxInFlightOperations = 100_000;

/** Bound on requests awaiting a reply on one connection (a monitor or pool connection has one). */
export const maxPendingRequestsPerConnection = 1_000;

/** Bound on idle server sessions kept for reuse; more are ended with the client. */
export const maxPooledServerSessions = 10_000;

/** driver-sessions.md "endSessions": at most 10,000 session ids per endSessions command. */
export const maxSessionsPerEndSessionsCommand = 10_000;

/**
 * driver-sessions.md "Algorithm to acquire a ServerSession": a pooled session with less than
 * one minute left before the server would time it out is discarded, not reused.
 */
export const sessionExpiryMarginMS = 60_000;

/** How long `close()` waits for the best-effort `endSessions` reply before tearing down, ms. */
export const closeEndSessionsTimeoutMS = 1_000;

/**
 * `endSessions` at close only goes to a server selectable at once (best effort): it gets this
 * selection timeout, so a client closing during an outage does not wait for one, ms.
 */
export const endSessionsServerSelectionTimeoutMS = 0;

/** uri-options.md "socketTimeoutMS": 0 (the default) means operations have no socket timeout. */
export const defaultSocketTimeoutMS = 0;

/** uri-options.md "connectTimeoutMS": 30 seconds; 0 means no timeout. */
export { defaultConnectTimeoutMS } from '../../core/monitor/constants.js';

/** Messages quoted from peers (close reasons, errmsg) are cut to this length. */
export const maxQuotedMessageChars = 300;
