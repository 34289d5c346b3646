/** Connection strings: parsing, formatting and host addresses. */
export type { ConnectionString, ConnectionOptions, HostAddress, UserInfo } from './types.js';
export { parseConnectionString } from './parse.js';
export { formatConnectionString, type FormatOptions } from './format.js';
export { redactConnectionString, redactedMarker, isSensitiveOption } from './redact.js';
export { hostAddressString, formatHostIdentifier, defaultPort, minPort, maxPort } from './address.js';
export { authMechanisms, type AuthMechanism } from './credentials.js';
export { readPreferenceModes, serverMonitoringModes, knownCompressors, allOptionSpecs, type OptionSpec } from './option-table.js';
