/**
 * Invariants of the pool state. The machine checks them after every step (a violation is a
 * bug in the machine, never the caller's fault) and the property tests check them too.
 */
import { maxWaitQueueLength, unlimitedPoolConnectionCap } from './constants.js';
import type { PoolState } from './types.js';

/** Every broken invariant, as a short sentence; empty when the state is sound. */
export function poolInvariantViolations(state: PoolState): string[] {
  const problems: string[] = [];
  const { options } = state;
  const limit = options.maxPoolSize > 0 ? options.maxPoolSize : unlimitedPoolConnectionCap;
  let pending = 0;
  let available = 0;
  const requestIds = new Set<number>();
  for (const [id, c] of state.connections) {
    if (c.id !== id) problems.push(`connection stored under id ${id} has id ${c.id}`);
    if (c.id < 1 || c.id >= state.nextConnectionId) problems.push(`connection id ${c.id} outside [1, ${state.nextConnectionId})`);
    if (c.state === 'pending') pending++;
    if (c.state === 'available') available++;
    if ((c.state === 'available') !== (c.availableSinceMs !== null)) problems.push(`connection ${c.id} is ${c.state} with availableSinceMs ${c.availableSinceMs}`);
    if (c.request !== null) {
      if (c.state !== 'pending') problems.push(`connection ${c.id} is ${c.state} but still holds request ${c.request.requestId}`);
      requestIds.add(c.request.requestId);
    }
  }
  // CMAP "Capped": totalConnectionCount never exceeds maxPoolSize.
  if (state.connections.size > limit) problems.push(`${state.connections.size} connections exceed the limit ${limit}`);
  // CMAP "Rate-limited": at most maxConnecting connections being established.
  if (pending > options.maxConnecting) problems.push(`${pending} pending connections exceed maxConnecting ${options.maxConnecting}`);
  if (state.waitQueue.length > maxWaitQueueLength) problems.push(`wait queue length ${state.waitQueue.length} exceeds ${maxWaitQueueLength}`);
  if (available !== state.available.length) problems.push(`${available} available connections but the available list has ${state.available.length}`);
  if (new Set(state.available).size !== state.available.length) problems.push('the available list has duplicates');
  for (const id of state.available) if (state.connections.get(id)?.state !== 'available') problems.push(`available list holds ${id}, which is not available`);
  for (const r of state.waitQueue) {
    if (requestIds.has(r.requestId)) problems.push(`request ${r.requestId} is both queued and served`);
    requestIds.add(r.requestId);
  }
  if (state.status !== 'ready' && state.waitQueue.length > 0) problems.push(`a ${state.status} pool has ${state.waitQueue.length} queued requests`);
  if (state.status === 'closed' && (pending > 0 || available > 0)) problems.push('a closed pool still has pending or available connections');
  // No request waits while it could be served: the front waits only when nothing is available
  // and a new connection would break maxPoolSize or maxConnecting.
  if (state.status === 'ready' && state.waitQueue.length > 0) {
    if (available > 0) problems.push('requests wait while connections are available');
    if (state.connections.size < limit && pending < options.maxConnecting) problems.push('requests wait while a connection could be created');
  }
  if (!options.loadBalanced && state.serviceGenerations.size > 0) problems.push('a non-load-balanced pool tracks service generations');
  for (const [serviceId, entry] of state.serviceGenerations) {
    if (entry.connectionCount < 1) problems.push(`service ${serviceId} is tracked with ${entry.connectionCount} connections`);
  }
  return problems;
}
