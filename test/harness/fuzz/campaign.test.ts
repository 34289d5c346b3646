import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mergeCampaigns, runCampaign, shardRuns, shardSeed, campaignReport } from '../../../harness/fuzz/campaign.js';
import { caseScenario, fuzzCaseArb, fuzzTimings } from '../../../harness/fuzz/generate.js';
import { runChecked } from '../../../harness/fuzz/run-case.js';
import { parseScenario } from '../../../sim/scenario/parse.js';
import { formatScenario } from '../../../sim/scenario/scenario-yaml.js';

test('every generated case has a primary crash or isolation, ends with recover, and prints as a scenario that parses back equal', () => {
  for (const members of [3, 5] as const) {
    for (const c of fc.sample(fuzzCaseArb({ members }), { seed: 7, numRuns: 30 })) {
      const s = caseScenario(c, { members });
      assert.ok(s.timeline.some((e) => (e.action.kind === 'crash' || e.action.kind === 'isolate') && e.action.host === 'primary' && e.atMs >= fuzzTimings.failoverFromMs));
      assert.equal(s.timeline.at(-1)!.action, { kind: 'recover' });
      assert.is(s.replicaSet.members.length, members);
      const again = parseScenario(formatScenario(s), 'case.yml');
      assert.equal({ ...again, timeline: again.timeline.map((e) => ({ ...e, line: undefined })) }, s);
    }
  }
});

test('a case has at least one failover election and its client operations reach an outcome', () => {
  const cases = fc.sample(fuzzCaseArb({ members: 3 }), { seed: 11, numRuns: 20 });
  let failovers = 0;
  for (const c of cases) {
    const run = runChecked(caseScenario(c, { members: 3 }));
    if (run.result.primaries.some((p) => p.atMs > c.failover.atMs)) failovers++;
    assert.ok(run.history.ops.length >= 1);
    assert.equal(run.failures, [], `seed ${c.seed}`);
  }
  assert.ok(failovers >= 18, `${failovers} of 20 cases elected a new primary after the failover fault`);
});

test('a correct campaign finds nothing, is deterministic, and its shards add up', () => {
  const whole = runCampaign({ seed: 5, members: 3, runs: 12 });
  assert.is(whole.runs, 12);
  assert.is(whole.failure, null);
  const shards = [0, 1, 2].map((index) => runCampaign({ seed: 5, members: 3, runs: 12, shard: { index, count: 3 } }));
  assert.equal(shards.map((s) => s.runs), [4, 4, 4]);
  const merged = mergeCampaigns(shards.map((s) => campaignReport([s], 10)));
  assert.is(merged.runs, 12);
  assert.equal(merged.failures, []);
  assert.throws(() => mergeCampaigns([campaignReport([shards[0]!], 1), campaignReport([shards[0]!], 1)]), /shard 0\/3 appears twice/);
  assert.throws(() => mergeCampaigns([campaignReport([shards[0]!], 1), campaignReport([runCampaign({ seed: 6, members: 3, runs: 1 })], 1)]), /not from the campaign of seed 5/);
});

test('shards split the seed space and the runs', () => {
  const seeds = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((index) => shardSeed(42, { index, count: 8 })));
  assert.is(seeds.size, 8);
  assert.is(shardSeed(42, { index: 0, count: 8 }), 42);
  assert.is([0, 1, 2].map((index) => shardRuns(10, { index, count: 3 })).reduce((a, b) => a + b), 10);
  assert.throws(() => runCampaign({ seed: 1, members: 3, runs: 1, shard: { index: 3, count: 3 } }), /shard 3\/3/);
});

test.run();
