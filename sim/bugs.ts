/**
 * Seeded bugs for measuring the fuzzer's power (see core/bugs.ts): each switch plants one known
 * server bug at one line of sim/. Off by default; only tests turn them on.
 */
export const simBugs = {
  /** mongod: w:majority is acknowledged once the primary has applied the write (before a majority has). */
  majorityAckEarly: false,
};

export type SimBug = keyof typeof simBugs;
