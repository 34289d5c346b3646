/**
 * Runs one scenario with its workload through the client runtime and checks the result: the
 * one function both `mongosim fuzz` (each generated case) and `mongosim run` (a scenario file,
 * e.g. a saved counterexample) use, so a saved counterexample replays to the same failure.
 */
import { runScenario, type ScenarioResult, type ScenarioRunOptions } from '../../sim/scenario/runner.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { workloadCollection, workloadDb } from '../../sim/scenario/workload.js';
import { checkHistory, type CheckFailure, type ClusterOutcome } from './checkers.js';
import { clientWorkload, type ClientWorkloadOptions } from './client-workload.js';
import { History } from './history.js';

export interface CheckedRun {
  readonly result: ScenarioResult;
  readonly history: History;
  readonly failures: readonly CheckFailure[];
}

/** Runs `scenario` with the client-runtime workload, then every checker. */
export function runChecked(scenario: Scenario, options: Omit<ScenarioRunOptions, 'workload'> & { readonly clients?: Omit<ClientWorkloadOptions, 'history'> } = {}): CheckedRun {
  const history = new History();
  const result = runScenario(scenario, { ...options, workload: clientWorkload({ ...options.clients, history }) });
  return { result, history, failures: checkHistory(history, clusterOutcome(result)) };
}

/** The cluster facts the checkers read, taken from the finished run. */
export function clusterOutcome(result: ScenarioResult): ClusterOutcome {
  const rs = result.rs;
  const ns = `${workloadDb}.${workloadCollection}`;
  const maxCopies = new Map<string, number>();
  for (const host of rs.hosts) {
    const member = rs.member(host);
    if (!member.isRunning) continue;
    for (const doc of member.documents(ns)) {
      const key = String(doc['_id']);
      const n = typeof doc['n'] === 'number' ? doc['n'] : 1;
      if (n > (maxCopies.get(key) ?? 0)) maxCopies.set(key, n);
    }
  }
  const primary = rs.primary();
  const finalPrimaryDocs = primary === null ? null : new Map(rs.member(primary).documents(ns).map((d) => [String(d['_id']), typeof d['n'] === 'number' ? d['n'] : 1]));
  return { lostWrites: result.lostWriteList, violations: result.violations, finalPrimaryDocs, maxCopies };
}
