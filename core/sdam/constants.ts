/**
 * Named limits and defaults of the SDAM core. Every bound on input size lives here so that
 * a hostile or broken hello reply can never make the core loop, allocate or copy without
 * limit.
 */

/**
 * SDAM "clientMinWireVersion and clientMaxWireVersion": the wire protocol range this client
 * speaks. 8 is MongoDB 4.2 (the oldest server the current specs still mention); 25 is 8.0.
 */
export const clientMinWireVersion = 8;
export const clientMaxWireVersion = 25;
/** The MongoDB release that introduced `clientMinWireVersion`, named in compatibility errors. */
export const clientMinServerVersion = '4.2';
/** Name used in the spec's compatibility error text ("this version of `driverName`"). */
export const driverName = 'mongosim';

/** Port used when an address gives none (connection-string.md "Host Information"). */
export { defaultPort } from '../uri/address.js';

/**
 * A replica set has at most 50 voting + non-voting members; a hello `hosts`, `passives` or
 * `arbiters` list longer than this is treated as a malformed reply, not trusted.
 */
export const maxHostsPerHelloList = 256;

/**
 * Upper bound on servers one topology monitors. Discovery (updateRSWithoutPrimary) only ever
 * adds servers, so a stream of lying secondaries could otherwise grow the topology forever.
 */
export const maxServersPerTopology = 1024;

/** Longest "host:port" accepted (a DNS name is at most 253 characters, plus brackets and port). */
export const maxAddressChars = 300;

/** Most tag pairs accepted from one hello `tags` document. */
export const maxTagsPerServer = 128;

/** Error messages stored in descriptions are cut to this length so events stay bounded. */
export const maxErrorMessageChars = 1024;

/** Longest string field (setName, msg, primary, ...) accepted from a hello reply. */
export const maxHelloStringChars = 1024;

/** SDAM spec: "heartbeatFrequencyMS" default for multi-threaded and asynchronous clients. */
export const defaultHeartbeatFrequencyMS = 10_000;
/** server-selection.md "localThresholdMS" default. */
export const defaultLocalThresholdMS = 15;

/** Wire version of MongoDB 6.0: from here on primaries are ordered by (electionId, setVersion). */
export const electionIdFirstWireVersion = 17;
