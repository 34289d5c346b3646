/**
 * What the per-server drivers (monitor, pool) and the operation driver need from the runtime
 * that owns them. Every port callback goes through `input`, which queues the work and drains
 * the queue: machines are stepped one at a time, in order, never re-entrantly.
 */
import type { TopologyInput, TopologyState } from '../../core/sdam/index.js';
import type { RuntimePorts } from './ports.js';

export interface RuntimeContext {
  readonly ports: RuntimePorts;
  now(): number;
  /** Queues `work` and runs the queue unless it is already running (then `work` runs after the current item). */
  input(work: () => void): void;
  /** Publishes an SDAM, CMAP or command monitoring event (any `{name, ...}` object of the core). */
  emit(event: { readonly name: string }): void;
  /** A fresh wire requestId (unique for the runtime's lifetime); `count` reserves consecutive ids. */
  nextRequestId(count?: number): number;
  /** Applies one SDAM update (at once, in queue order) and carries out its actions. */
  updateTopology(input: TopologyInput): void;
  topology(): TopologyState;
}
