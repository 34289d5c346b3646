/**
 * The member transitions every component may trigger. They have side effects across the whole
 * process (trace, observer, awaitable hellos, stepping down), so the process implements them
 * once and hands this narrow interface to the components.
 */
export interface MemberTransitions {
  /** Moves to `state` (no-op if already there) and publishes a new topologyVersion. */
  setState(state: number, why: string): void;
  /** Adopts a higher term (persisted); a primary seeing one steps down. */
  updateTerm(term: number, why: string): void;
  /** A hello-visible change: bump topologyVersion.counter and answer awaiting hellos. */
  notifyTopologyVersion(): void;
}
