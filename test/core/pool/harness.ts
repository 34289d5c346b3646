/**
 * A small driver for the pool machine in tests: keeps the state and a `now`, records the
 * actions and events of the last step, and offers shorthands for the usual inputs.
 */
import { createPool, stepPool, type PoolEvent, type PoolAction, type PoolInput, type PoolOptionsInput, type PoolState } from '../../../core/pool/index.js';

export const address = 'db1.example.com:27017';

export class PoolHarness {
  state: PoolState;
  now: number;
  actions: readonly PoolAction[];
  events: readonly PoolEvent[];
  /** Every event since creation, in order. */
  readonly allEvents: PoolEvent[] = [];
  private nextRequestId = 1;

  constructor(options: PoolOptionsInput = {}, startMs = 0) {
    const step = createPool({ ...options, address }, startMs);
    this.state = step.state;
    this.now = startMs;
    this.actions = step.actions;
    this.events = step.events;
    this.allEvents.push(...step.events);
  }

  /** Applies `input` at absolute time `atMs` (defaults to the current time). */
  at(atMs: number, input: PoolInput): this {
    const step = stepPool(this.state, input, atMs);
    this.state = step.state;
    this.now = atMs;
    this.actions = step.actions;
    this.events = step.events;
    this.allEvents.push(...step.events);
    return this;
  }

  step(input: PoolInput): this {
    return this.at(this.now, input);
  }

  /** Starts a checkOut and returns its request id. */
  checkOut(deadlineMs?: number): number {
    const requestId = this.nextRequestId++;
    this.step(deadlineMs === undefined ? { type: 'checkOut', requestId } : { type: 'checkOut', requestId, deadlineMs });
    return requestId;
  }

  /** Ready pool, one checkOut, handshake done: returns the checked-out connection id. */
  checkOutEstablished(): number {
    const requestId = this.checkOut();
    const id = this.establishIds()[0];
    if (id === undefined) {
      const delivered = this.deliveredTo(requestId);
      if (delivered === undefined) throw new Error('checkOut neither created nor delivered a connection');
      return delivered;
    }
    this.step({ type: 'established', connectionId: id });
    const delivered = this.deliveredTo(requestId);
    if (delivered === undefined) throw new Error(`connection ${id} was not delivered to request ${requestId}`);
    return delivered;
  }

  establishIds(): number[] {
    return this.actions.flatMap((a) => (a.type === 'establish' ? [a.connectionId] : []));
  }

  deliveredTo(requestId: number): number | undefined {
    for (const a of this.actions) if (a.type === 'deliver' && a.requestId === requestId) return a.connectionId;
    return undefined;
  }

  failureOf(requestId: number): Error | undefined {
    for (const a of this.actions) if (a.type === 'failRequest' && a.requestId === requestId) return a.error;
    return undefined;
  }

  wakeAt(): number | undefined {
    for (const a of this.actions) if (a.type === 'wakeAt') return a.atMs;
    return undefined;
  }

  actionTypes(): string[] {
    return this.actions.map((a) => a.type);
  }

  eventNames(): string[] {
    return this.events.map((e) => e.name);
  }

  closedReasons(): Array<[number, string]> {
    return this.events.flatMap((e) => (e.name === 'connectionClosed' ? [[e.connectionId, e.reason] as [number, string]] : []));
  }
}
