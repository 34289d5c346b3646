/**
 * MongoClient options: the connection string's options, overridden by the options object
 * (Node driver precedence: "options passed to the MongoClient constructor take precedence over
 * the connection string"), validated once with errors naming the bad part.
 */
import { MongoInvalidArgumentError, MongoParseError } from '../core/errors.js';
import { parseConnectionString, redactConnectionString } from '../core/uri/index.js';
import { lookupOption } from '../core/uri/option-table.js';
import type { ConnectionOptions, ConnectionString } from '../core/uri/types.js';
import {
  readPreference,
  readPreferenceFromConnectionOptions,
  type ReadPreference,
  type ReadPreferenceInput,
  type ReadPreferenceMode,
} from '../core/selection/read-preference.js';
import { defaultRetryReads, defaultRetryWrites } from '../core/executor/index.js';
import type { ClientRuntimeApi } from './runtime/api.js';
import type { RuntimePorts } from './runtime/ports.js';
import { describe, readConcern, writeConcern, type ReadConcern, type WriteConcern } from './concerns.js';
import { loggerOptionKeys, type LoggerOptions } from './logging/logger.js';

// The defaults are defined once, in core/, next to the spec rules they belong to.
import { defaultServerSelectionTimeoutMS } from '../core/selection/constants.js';
import { defaultLocalThresholdMS, defaultHeartbeatFrequencyMS } from '../core/sdam/constants.js';
export { defaultServerSelectionTimeoutMS, defaultLocalThresholdMS, defaultHeartbeatFrequencyMS };
/** Seed hosts accepted as an array (a sanity bound; a real deployment has far fewer). */
export const maxSeedHosts = 1000;

/** Builds the runtime the client drives; the default builds the real ClientRuntime over `ports`. */
export type RuntimeFactory = (connectionString: ConnectionString, ports: RuntimePorts) => ClientRuntimeApi;

export interface MongoClientOptions extends LoggerOptions {
  /** Clock, transport and random source: `simPorts(world)` in the simulator. */
  readonly ports?: RuntimePorts;
  /** Replaces the runtime (tests, fuzzers). */
  readonly runtimeFactory?: RuntimeFactory;
  readonly readPreference?: ReadPreferenceMode | ReadPreferenceInput;
  readonly readPreferenceTags?: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly maxStalenessSeconds?: number;
  readonly writeConcern?: WriteConcern;
  readonly readConcern?: ReadConcern;
  readonly w?: number | string;
  readonly wtimeoutMS?: number;
  readonly journal?: boolean;
  readonly readConcernLevel?: string;
  readonly retryWrites?: boolean;
  readonly retryReads?: boolean;
  readonly replicaSet?: string;
  readonly directConnection?: boolean;
  readonly loadBalanced?: boolean;
  readonly serverSelectionTimeoutMS?: number;
  readonly localThresholdMS?: number;
  readonly heartbeatFrequencyMS?: number;
  readonly serverMonitoringMode?: 'auto' | 'poll' | 'stream';
  readonly maxPoolSize?: number;
  readonly minPoolSize?: number;
  readonly maxIdleTimeMS?: number;
  readonly maxConnecting?: number;
  readonly waitQueueTimeoutMS?: number;
  readonly connectTimeoutMS?: number;
  readonly socketTimeoutMS?: number;
  readonly appName?: string;
  /** Any other connection-string option, by its uri-options.md name. */
  readonly [option: string]: unknown;
}

/** Everything the client derives from its URI and options, once. */
export interface ResolvedClientOptions {
  /** The URI with the options object merged in: what the runtime is built from. */
  readonly connectionString: ConnectionString;
  readonly readPreference: ReadPreference;
  readonly writeConcern: WriteConcern | undefined;
  readonly readConcern: ReadConcern | undefined;
  readonly retryReads: boolean;
  readonly retryWrites: boolean;
  readonly serverSelectionTimeoutMS: number;
  readonly localThresholdMS: number;
  readonly heartbeatFrequencyMS: number;
}

/** Option-object keys that are not URI options, or are spelled differently than in the URI. */
const renamed: Readonly<Record<string, string>> = { wtimeoutMS: 'wTimeoutMS', wtimeout: 'wTimeoutMS', appName: 'appname' };
const structuredKeys = new Set(['ports', 'runtimeFactory', 'readPreference', 'readPreferenceTags', 'writeConcern', 'readConcern', ...loggerOptionKeys]);

/** A seed list (`['a:27017', 'b:27017']`) as a connection string. */
export function connectionStringFromHosts(hosts: readonly unknown[]): string {
  if (hosts.length === 0) throw new MongoParseError('hosts must list at least one "host:port"');
  if (hosts.length > maxSeedHosts) throw new MongoParseError(`hosts lists ${hosts.length} seeds; at most ${maxSeedHosts} are allowed`);
  hosts.forEach((host, i) => {
    if (typeof host !== 'string' || host.length === 0 || /[/?@,\s]/.test(host)) {
      throw new MongoParseError(`hosts[${i}] must be a "host:port" string without / ? @ , or spaces, got ${describe(host)}`);
    }
  });
  return `mongodb://${hosts.join(',')}/`;
}

export function resolveClientOptions(uriOrHosts: string | readonly string[], options: MongoClientOptions = {}): ResolvedClientOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new MongoInvalidArgumentError(`MongoClient options must be an object, got ${describe(options)}`);
  }
  let uri: string;
  if (typeof uriOrHosts === 'string') uri = uriOrHosts;
  else if (Array.isArray(uriOrHosts)) uri = connectionStringFromHosts(uriOrHosts);
  else throw new MongoParseError(`MongoClient needs a connection string or an array of "host:port" seeds, got ${describe(uriOrHosts)}`);
  const parsed = parseConnectionString(uri);
  // Options the parser could only warn about are errors for a client: silently ignoring a
  // misspelt option or an unusable value would hide the user's mistake.
  const unsupported = parsed.warnings.filter((w) => w.startsWith('Unsupported')).map((w) => w.replace(/;? ignored$/, ''));
  if (unsupported.length > 0) throw new MongoParseError(`connection string: ${unsupported.join('; ')}`);

  const merged: Record<string, unknown> = { ...parsed.options };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || structuredKeys.has(key)) continue;
    const canonical = renamed[key] ?? key;
    const found = lookupOption(canonical);
    if (found === null) throw new MongoParseError(`option ${JSON.stringify(key)} is not supported`);
    const spec = found.spec;
    const raw = rawValue(value, key, spec.sensitive === true);
    const result = spec.parse(raw);
    if (!result.ok) {
      const shown = spec.sensitive === true ? '' : ` ${describe(value)}`;
      throw new MongoParseError(`option ${key}${shown} ${result.reason}`);
    }
    merged[spec.name] = result.value;
  }

  const rpOption = options.readPreference;
  let rpObject: ReadPreference | undefined;
  if (typeof rpOption === 'string') merged.readPreference = rpOption;
  else if (rpOption !== undefined) rpObject = readPreference(rpOption);
  if (options.readPreferenceTags !== undefined) {
    if (!Array.isArray(options.readPreferenceTags)) throw new MongoParseError(`option readPreferenceTags must be an array of tag sets, got ${describe(options.readPreferenceTags)}`);
    merged.readPreferenceTags = options.readPreferenceTags;
  }
  const rp = rpObject ?? readPreferenceFromConnectionOptions(merged as ConnectionOptions);
  merged.readPreference = rp.mode;
  merged.readPreferenceTags = rp.tagSets;
  if (rp.maxStalenessSeconds !== null) merged.maxStalenessSeconds = rp.maxStalenessSeconds;

  let wc: WriteConcern | undefined = undefined;
  if (merged.w !== undefined || merged.wTimeoutMS !== undefined || merged.journal !== undefined) {
    wc = writeConcern({ w: merged.w, wtimeoutMS: merged.wTimeoutMS, journal: merged.journal }, 'write concern options');
  }
  if (options.writeConcern !== undefined) wc = writeConcern({ ...wc, ...writeConcern(options.writeConcern, 'options.writeConcern') }, 'options.writeConcern');
  let rc: ReadConcern | undefined = typeof merged.readConcernLevel === 'string' ? readConcern({ level: merged.readConcernLevel }, 'readConcernLevel') : undefined;
  if (options.readConcern !== undefined) rc = readConcern(options.readConcern, 'options.readConcern');
  if (rc !== undefined) merged.readConcernLevel = rc.level;

  // connection-string.md / uri-options.md cross-option rules, re-checked after the merge.
  if (merged.directConnection === true && parsed.hosts.length > 1) {
    throw new MongoParseError(`directConnection=true cannot be used with ${parsed.hosts.length} hosts`);
  }
  if (merged.loadBalanced === true && (parsed.hosts.length > 1 || merged.replicaSet !== undefined || merged.directConnection === true)) {
    throw new MongoParseError('loadBalanced=true cannot be used with several hosts, replicaSet or directConnection=true');
  }

  const connectionOptions = merged as ConnectionOptions;
  return withRedactedViews({
    connectionString: { ...parsed, options: connectionOptions },
    readPreference: rp,
    writeConcern: wc,
    readConcern: rc,
    retryReads: connectionOptions.retryReads ?? defaultRetryReads,
    retryWrites: connectionOptions.retryWrites ?? defaultRetryWrites,
    serverSelectionTimeoutMS: connectionOptions.serverSelectionTimeoutMS ?? defaultServerSelectionTimeoutMS,
    localThresholdMS: connectionOptions.localThresholdMS ?? defaultLocalThresholdMS,
    heartbeatFrequencyMS: connectionOptions.heartbeatFrequencyMS ?? defaultHeartbeatFrequencyMS,
  });
}

/**
 * Node's util.inspect hook, by its registered symbol (client/ must not need node:util for it).
 * Both views show the options with the password and secret option values redacted.
 */
export const inspectSymbol: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** The options as JSON and util.inspect show them: the connection string redacted. */
export function redactedClientOptions(options: ResolvedClientOptions): Record<string, unknown> {
  return { ...options, connectionString: redactConnectionString(options.connectionString) };
}

/**
 * Freezes `options` with non-enumerable `toJSON` and inspect hooks that redact credentials
 * (issue 9: JSON.stringify(client.options) printed the password). The values themselves are
 * untouched: the runtime needs the real credentials.
 */
function withRedactedViews(options: ResolvedClientOptions): ResolvedClientOptions {
  const view = (): Record<string, unknown> => redactedClientOptions(options);
  Object.defineProperty(options, 'toJSON', { value: view, enumerable: false });
  Object.defineProperty(options, inspectSymbol, { value: view, enumerable: false });
  return Object.freeze(options);
}

/** The option value as URI text, so the URI option table validates both forms the same way. */
function rawValue(value: unknown, key: string, sensitive: boolean): string {
  if (typeof value === 'string') return encodeURIComponent(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v) => encodeURIComponent(v)).join(',');
  if (value !== null && typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string')) {
    return Object.entries(value as Record<string, string>).map(([k, v]) => `${encodeURIComponent(k)}:${encodeURIComponent(v)}`).join(',');
  }
  throw new MongoParseError(`option ${key}${sensitive ? '' : ` ${describe(value)}`} has an unsupported type`);
}
