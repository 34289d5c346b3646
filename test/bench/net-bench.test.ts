// Smoke run of bench/net.bench.ts in quick mode: both clients complete the workload against the
// served set and the results have the runner's shape. (Speed is judged by `npm run bench`, not here.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchmarks } from '../../bench/net.bench.js';

test('net benchmarks run both clients and report ops/s, ratio and the 1.0 goal', async () => {
  assert.equal(benchmarks.map((b) => b.name), ['net.insertOne.rs3', 'net.findOne.rs3']);
  for (const b of benchmarks) {
    const [r] = await b.run({ quick: true });
    assert.ok(r !== undefined);
    assert.is(r.name, b.name);
    assert.is(r.unit, 'ops/s');
    assert.is(r.goal, 1);
    assert.ok(r.mongosim > 0 && r.peer !== null && r.peer > 0, JSON.stringify(r));
    assert.is(r.ratio, r.mongosim / r.peer);
  }
});

test.run();
