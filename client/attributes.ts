/**
 * PyMongo's MongoClient attributes, read from a TopologyDescription without blocking (the
 * façade never waits inside a getter): `nodes`, `primary`, `secondaries`, `arbiters`,
 * `address`, `isPrimary`, `isMongos` and the size limits of the writable server.
 */
import type { ServerDescription, TopologyDescription } from '../core/sdam/types.js';
import { MongoInvalidOperationError } from './errors.js';

/** Wire-protocol defaults used until a writable server reports its own limits (hello "maxBsonObjectSize" etc.). */
export const defaultMaxBsonObjectSize = 16 * 1024 * 1024;
export const defaultMaxMessageSizeBytes = 48_000_000;
export const defaultMaxWriteBatchSize = 100_000;

function sorted(servers: Iterable<ServerDescription>, keep: (s: ServerDescription) => boolean): string[] {
  const out: string[] = [];
  for (const s of servers) if (keep(s)) out.push(s.address);
  return out.sort();
}

/** PyMongo `nodes`: every server the client has heard from (empty before discovery). */
export function knownNodes(td: TopologyDescription): string[] {
  return sorted(td.servers.values(), (s) => s.type !== 'Unknown');
}

export function primaryOf(td: TopologyDescription): string | null {
  for (const s of td.servers.values()) if (s.type === 'RSPrimary') return s.address;
  return null;
}

export function secondariesOf(td: TopologyDescription): string[] {
  return sorted(td.servers.values(), (s) => s.type === 'RSSecondary');
}

export function arbitersOf(td: TopologyDescription): string[] {
  return sorted(td.servers.values(), (s) => s.type === 'RSArbiter');
}

/** The server writes go to: the primary, the mongos, the standalone or the load balancer; null if none known. */
export function writableServer(td: TopologyDescription): ServerDescription | null {
  for (const s of td.servers.values()) {
    if (s.type === 'RSPrimary' || s.type === 'Standalone' || s.type === 'Mongos' || s.type === 'LoadBalancer') return s;
  }
  return null;
}

/**
 * PyMongo `address`: "(host, port) of the current standalone, primary, or mongos, or None";
 * it raises InvalidOperation "if the client is load-balancing among mongoses", because then
 * no single address is meaningful.
 */
export function addressOf(td: TopologyDescription): string | null {
  if (td.type === 'Sharded' && td.servers.size > 1) {
    throw new MongoInvalidOperationError(`address is not available: the client load-balances among ${td.servers.size} mongoses (${[...td.servers.keys()].sort().join(', ')})`);
  }
  return writableServer(td)?.address ?? null;
}

/** PyMongo `is_primary`: the current server accepts writes (standalone, mongos or primary). */
export function isPrimaryOf(td: TopologyDescription): boolean {
  return writableServer(td) !== null;
}

/** PyMongo `is_mongos`: the client is connected to mongos routers. */
export function isMongosOf(td: TopologyDescription): boolean {
  if (td.type === 'Sharded') return true;
  if (td.type !== 'Single') return false;
  for (const s of td.servers.values()) if (s.type === 'Mongos') return true;
  return false;
}

export function limitOf(td: TopologyDescription, field: 'maxBsonObjectSize' | 'maxMessageSizeBytes' | 'maxWriteBatchSize', fallback: number): number {
  return writableServer(td)?.[field] ?? fallback;
}
