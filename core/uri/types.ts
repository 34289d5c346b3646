/**
 * The parsed form of a connection string (connection-string.md, uri-options.md).
 * Produced by `parseConnectionString`; consumed by SDAM (initial topology), server selection
 * (read preference) and the client.
 */

/** connection-string.md "Host Information". `host` is lower-cased except for unix sockets. */
export interface HostAddress {
  readonly type: 'ipv4' | 'ip_literal' | 'hostname' | 'unix';
  /** IPv6 literals without brackets; unix sockets percent-decoded (e.g. `/tmp/mongodb-27017.sock`). */
  readonly host: string;
  /** null when the string gave no port (the default 27017 applies). */
  readonly port: number | null;
}

/** connection-string.md "Auth Database" / "User Information". Values are percent-decoded. */
export interface UserInfo {
  readonly username: string | null;
  readonly password: string | null;
  /** The database named in the path, used as the auth source when `authSource` is absent. */
  readonly db: string | null;
}

/**
 * Normalised options. Keys are the canonical names of the uri-options.md table (`appname`,
 * `replicaSet`, `heartbeatFrequencyMS`, ...); values are typed (numbers, booleans, arrays).
 * Only options present in the string (or implied by the spec, e.g. `tls` for mongodb+srv)
 * appear.
 */
export interface ConnectionOptions {
  readonly replicaSet?: string;
  readonly directConnection?: boolean;
  readonly loadBalanced?: boolean;
  readonly heartbeatFrequencyMS?: number;
  readonly localThresholdMS?: number;
  readonly serverSelectionTimeoutMS?: number;
  readonly serverSelectionTryOnce?: boolean;
  readonly serverMonitoringMode?: 'auto' | 'poll' | 'stream';
  readonly readPreference?: 'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest';
  readonly readPreferenceTags?: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly maxStalenessSeconds?: number;
  readonly retryWrites?: boolean;
  readonly retryReads?: boolean;
  readonly tls?: boolean;
  readonly appname?: string;
  readonly authSource?: string;
  readonly authMechanism?: string;
  readonly authMechanismProperties?: Readonly<Record<string, string>>;
  readonly compressors?: readonly string[];
  readonly connectTimeoutMS?: number;
  readonly socketTimeoutMS?: number;
  readonly timeoutMS?: number;
  readonly maxPoolSize?: number;
  readonly minPoolSize?: number;
  readonly maxIdleTimeMS?: number;
  readonly maxConnecting?: number;
  readonly waitQueueTimeoutMS?: number;
  readonly w?: number | string;
  readonly wTimeoutMS?: number;
  readonly journal?: boolean;
  readonly readConcernLevel?: string;
  readonly srvMaxHosts?: number;
  readonly srvServiceName?: string;
  readonly [option: string]: unknown;
}

export interface ConnectionString {
  readonly scheme: 'mongodb' | 'mongodb+srv';
  readonly hosts: readonly HostAddress[];
  /**
   * null when the string has neither user information nor a database; otherwise the parsed
   * username/password (null when absent) and the database.
   */
  readonly auth: UserInfo | null;
  /** Decoded database from the path, or null. */
  readonly database: string | null;
  readonly options: ConnectionOptions;
  /** Problems the spec says to warn about rather than reject (unknown options, ignored values). */
  readonly warnings: readonly string[];
}
