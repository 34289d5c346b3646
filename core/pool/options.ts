/**
 * Connection pool options (CMAP "Connection Pool Options"): validation with errors naming the
 * bad option, and resolution to a complete set with the spec's defaults.
 */
import { MongoInvalidArgumentError } from '../errors.js';
import {
  defaultMaxConnecting,
  defaultMaxIdleTimeMS,
  defaultMaxPoolSize,
  defaultMinPoolSize,
  defaultWaitQueueTimeoutMS,
  maxOptionDurationMS,
} from './constants.js';

/** The CMAP options a user may set; all optional. */
export interface PoolOptionsInput {
  readonly maxPoolSize?: number;
  readonly minPoolSize?: number;
  readonly maxIdleTimeMS?: number;
  readonly waitQueueTimeoutMS?: number;
  readonly maxConnecting?: number;
  /** Load-balanced mode (CMAP "Load Balancer Mode"): per-serviceId generations, clear never pauses. */
  readonly loadBalanced?: boolean;
}

/** The CMAP option names, in the order the spec lists them. */
export const poolOptionNames = ['maxPoolSize', 'minPoolSize', 'maxIdleTimeMS', 'waitQueueTimeoutMS', 'maxConnecting'] as const;
export type PoolOptionName = (typeof poolOptionNames)[number];

export interface PoolOptions {
  readonly maxPoolSize: number;
  readonly minPoolSize: number;
  readonly maxIdleTimeMS: number;
  readonly waitQueueTimeoutMS: number;
  readonly maxConnecting: number;
  readonly loadBalanced: boolean;
  /** The options the user set, as given: ConnectionPoolCreated reports these ("non-default pool options"). */
  readonly specified: Readonly<Partial<Record<PoolOptionName, number>>>;
}

function integerAtLeast(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > Number.MAX_SAFE_INTEGER) {
    throw new MongoInvalidArgumentError(`Connection pool option '${name}' must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function durationMS(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxOptionDurationMS) {
    throw new MongoInvalidArgumentError(`Connection pool option '${name}' must be a number of milliseconds in [0, ${maxOptionDurationMS}], got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}

/** Validates `input` and fills in defaults. Throws MongoInvalidArgumentError naming the first bad option. */
export function resolvePoolOptions(input: PoolOptionsInput = {}): PoolOptions {
  if (input === null || typeof input !== 'object') throw new MongoInvalidArgumentError(`Connection pool options must be an object, got ${describe(input)}`);
  const known = new Set<string>([...poolOptionNames, 'loadBalanced']);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new MongoInvalidArgumentError(`Unknown connection pool option '${key}'`);
  }
  const specified: Partial<Record<PoolOptionName, number>> = {};
  const pick = (name: PoolOptionName, check: (name: string, value: unknown) => number, fallback: number): number => {
    const value = input[name];
    if (value === undefined) return fallback;
    const ok = check(name, value);
    specified[name] = ok;
    return ok;
  };
  const maxPoolSize = pick('maxPoolSize', (n, v) => integerAtLeast(n, v, 0), defaultMaxPoolSize);
  const minPoolSize = pick('minPoolSize', (n, v) => integerAtLeast(n, v, 0), defaultMinPoolSize);
  const maxIdleTimeMS = pick('maxIdleTimeMS', durationMS, defaultMaxIdleTimeMS);
  const waitQueueTimeoutMS = pick('waitQueueTimeoutMS', durationMS, defaultWaitQueueTimeoutMS);
  const maxConnecting = pick('maxConnecting', (n, v) => integerAtLeast(n, v, 1), defaultMaxConnecting);
  // CMAP "minPoolSize": if maxPoolSize is > 0 then minPoolSize must be <= maxPoolSize.
  if (maxPoolSize > 0 && minPoolSize > maxPoolSize) {
    throw new MongoInvalidArgumentError(`Connection pool option 'minPoolSize' (${minPoolSize}) must not exceed 'maxPoolSize' (${maxPoolSize})`);
  }
  const loadBalanced = input.loadBalanced ?? false;
  if (typeof loadBalanced !== 'boolean') throw new MongoInvalidArgumentError(`Connection pool option 'loadBalanced' must be a boolean, got ${describe(loadBalanced)}`);
  return { maxPoolSize, minPoolSize, maxIdleTimeMS, waitQueueTimeoutMS, maxConnecting, loadBalanced, specified };
}
