/**
 * Seeded bugs for measuring the fuzzer's power (mongosim fuzz, harness/fuzz): each switch, when
 * a test turns it on, plants one known driver bug at one line of core/. All are off by default
 * and nothing but tests turns them on; a switch left on is a test bug (the fuzz tests restore
 * them in a finally block).
 */
export const bugs = {
  /** Executor: a retried write gets a fresh txnNumber (the server runs it again). */
  retryFreshTxnNumber: false,
  /** SDAM: a primary's electionId is ignored (a stale primary is taken). */
  sdamIgnoresElectionId: false,
  /** Server selection: a read with readPreference primary may go to a secondary. */
  primaryReadsFromSecondary: false,
};

export type CoreBug = keyof typeof bugs;
