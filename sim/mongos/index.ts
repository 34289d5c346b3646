/** The simulated mongos router. */
export { MongosProcess, findHostTimeoutMs, shardRediscoveryIntervalMs, shardRequestTimeoutMs } from './mongos.js';
export type { MongosOptions } from './mongos.js';
