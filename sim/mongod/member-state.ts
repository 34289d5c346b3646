/** Replica set member states as replSetGetStatus reports them (`state` / `stateStr`). */
export const MemberState = {
  STARTUP: 0,
  PRIMARY: 1,
  SECONDARY: 2,
  RECOVERING: 3,
  STARTUP2: 5,
  UNKNOWN: 6,
  ARBITER: 7,
  DOWN: 8,
  ROLLBACK: 9,
  REMOVED: 10,
} as const;

export type MemberStateCode = (typeof MemberState)[keyof typeof MemberState];

const names: Record<number, string> = {
  0: 'STARTUP', 1: 'PRIMARY', 2: 'SECONDARY', 3: 'RECOVERING', 5: 'STARTUP2', 6: 'UNKNOWN', 7: 'ARBITER', 8: '(not reachable/healthy)', 9: 'ROLLBACK', 10: 'REMOVED',
};

export function stateName(state: number): string {
  return names[state] ?? 'UNKNOWN';
}
