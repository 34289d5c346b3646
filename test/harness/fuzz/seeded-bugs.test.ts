/**
 * Fuzzer power: each seeded bug (core/bugs.ts, sim/bugs.ts) is found within its stated run
 * budget, the counterexample shrinks to a few faults, and the YAML scenario it is written as
 * replays (parse + run) to the same failure. The same campaign with the bug off finds nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bugs, type CoreBug } from '../../../core/bugs.js';
import { simBugs, type SimBug } from '../../../sim/bugs.js';
import { runCampaign } from '../../../harness/fuzz/campaign.js';
import { runChecked } from '../../../harness/fuzz/run-case.js';
import { parseScenario } from '../../../sim/scenario/parse.js';
import type { CheckerName } from '../../../harness/fuzz/checkers.js';

/** Timeline entries of a shrunk counterexample: the failover, at most two more faults, recover. */
const maxShrunkEntries = 4;

interface SeededBug {
  readonly bug: CoreBug | SimBug;
  /** Runs within which the campaign must find it (measured: see the commit message). */
  readonly budget: number;
  readonly seed: number;
  readonly checker: CheckerName;
}

const seeded: readonly SeededBug[] = [
  { bug: 'retryFreshTxnNumber', budget: 50, seed: 4, checker: 'retriedWriteAtMostOnce' },
  { bug: 'sdamIgnoresElectionId', budget: 100, seed: 6, checker: 'clientRejectsStalePrimary' },
  { bug: 'primaryReadsFromSecondary', budget: 20, seed: 4, checker: 'sendsMatchReadPreference' },
  { bug: 'majorityAckEarly', budget: 200, seed: 3, checker: 'majorityWriteNeverLost' },
];

function withBug<T>(bug: CoreBug | SimBug, fn: () => T): T {
  const set = (on: boolean): void => {
    if (bug in bugs) bugs[bug as CoreBug] = on;
    else simBugs[bug as SimBug] = on;
  };
  set(true);
  try {
    return fn();
  } finally {
    set(false);
  }
}

for (const { bug, budget, seed, checker } of seeded) {
  test(`seeded bug ${bug}: found within ${budget} runs, shrunk to a few faults, and the YAML counterexample replays to ${checker}`, () => {
    const result = withBug(bug, () => runCampaign({ seed, members: 3, runs: budget, maxShrinkRuns: 150 }));
    const failure = result.failure;
    assert.ok(failure !== null, `${bug} not found in ${budget} runs`);
    assert.ok(result.runs <= budget);
    assert.ok(failure!.failures.some((f) => f.checker === checker), JSON.stringify(failure!.failures));
    assert.ok(failure!.faults <= maxShrunkEntries, `${failure!.faults} timeline entries:\n${failure!.scenarioYaml}`);
    // Cluster invariants and a client's SDAM state name hosts and terms; every other failure names operations.
    assert.ok(failure!.failures.every((f) => f.ops.length > 0 || ['onePrimaryPerTerm', 'clusterInvariants', 'clientRejectsStalePrimary'].includes(f.checker)), 'each failure names its operations');
    const replayed = withBug(bug, () => runChecked(parseScenario(failure!.scenarioYaml, `${failure!.scenarioName}.yml`)));
    assert.equal(replayed.failures, failure!.failures);
    // Without the bug, the counterexample and the campaign are clean.
    assert.equal(runChecked(parseScenario(failure!.scenarioYaml, 'x.yml')).failures, []);
    assert.is(runCampaign({ seed, members: 3, runs: result.runs }).failure, null);
  });
}

test.run();
