import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../../sim/scenario/parse.js';
import { runScenario } from '../../../sim/scenario/runner.js';

/** A 3-member set with client writes, a primary crash and restart, an isolation and a heal. */
const faulty = parseScenario(
  `name: determinism
duration: 45s
topology:
  replicaSet:
    members:
      - { host: a:27017 }
      - { host: b:27017 }
      - { host: c:27017 }
network:
  latency: { kind: normal, meanMs: 2, stddevMs: 1 }
  jitterMs: 2
workload: { writesPerSecond: 5, w: 1 }
timeline:
  - { at: 14s, crash: primary }
  - { at: 24s, restart: a:27017 }
  - { at: 24s, restart: b:27017 }
  - { at: 24s, restart: c:27017 }
  - { at: 30s, isolate: primary }
  - { at: 38s, heal: true }
`,
  'determinism.yml',
);

test('determinism: a 3-member set with faults, 100 seeds each run twice, gives identical trace hashes', () => {
  const hashes = new Set<string>();
  let elections = 0;
  for (let seed = 0; seed < 100; seed++) {
    const first = runScenario(faulty, { seed });
    const second = runScenario(faulty, { seed });
    assert.is(second.traceHash, first.traceHash, `seed ${seed}`);
    assert.is(second.traceLines, first.traceLines, `seed ${seed}`);
    assert.equal(second.primaries, first.primaries, `seed ${seed}`);
    elections += first.elections;
    hashes.add(first.traceHash);
  }
  assert.ok(elections >= 200, `the faults should cause elections (${elections} in 100 runs)`);
  assert.is(hashes.size, 100, 'different seeds give different traces');
});

test.run();
