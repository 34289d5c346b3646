/**
 * The volatile role of a replica set member: what it is in the set right now, whom it follows,
 * and when it last heard from a primary. Reset at each start; the transitions with side effects
 * (state changes, terms) live in process.ts, the components read and update the plain fields.
 */
import { MemberState } from './member-state.js';

export interface RoleState {
  state: number;
  /** A primary accepts writes only after catch-up and drain. */
  writable: boolean;
  /** The term we won, while primary. */
  electionTerm: number | null;
  primaryHost: string | null;
  /** Drives the election timer; granting a vote resets it too. */
  lastHeardFromPrimaryMs: number;
  /** No candidacy before this time (replSetStepDown / replSetFreeze). */
  stepDownUntilMs: number;
  /** Bumped whenever our term, state, config or known primary changes (invalidates heartbeat fast paths). */
  viewEpoch: number;
  /** The oplog holds data (initiated here, restarted with data, or initial sync finished). */
  initialSyncDone: boolean;
  rollingBack: boolean;
}

export function newRoleState(): RoleState {
  return {
    state: MemberState.STARTUP,
    writable: false,
    electionTerm: null,
    primaryHost: null,
    lastHeardFromPrimaryMs: 0,
    stepDownUntilMs: 0,
    viewEpoch: 0,
    initialSyncDone: false,
    rollingBack: false,
  };
}
