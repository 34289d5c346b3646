import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxStalenessProblem, stalenessBasis, stalenessMs } from '../../../core/selection/index.js';
import { server, topology } from './helpers.js';

// max-staleness.md "Estimating Staleness: Example With a Primary", second row of the table:
// (S.lastUpdateTime - S.lastWriteDate) - (P.lastUpdateTime - P.lastWriteDate) + heartbeatFrequencyMS
test('with a primary: the P/S formula', () => {
  const p = server('p:27017', { type: 'RSPrimary', lastUpdateTime: 60_000, lastWriteDate: 10_000 });
  const s = server('s:27017', { type: 'RSSecondary', lastUpdateTime: 70_000, lastWriteDate: 5_000 });
  const t = topology('ReplicaSetWithPrimary', [p, s]);
  assert.is(stalenessMs(s, stalenessBasis(t)), 25_000);
  assert.is(stalenessMs(p, stalenessBasis(t)), 0, 'non-secondaries have zero staleness');
});

// max-staleness.md "Estimating Staleness: Example With No Primary": SMax.lastWriteDate - S.lastWriteDate + heartbeat.
test('without a primary: the SMax formula', () => {
  const s1 = server('a:27017', { type: 'RSSecondary', lastUpdateTime: 1, lastWriteDate: 20_000 });
  const s2 = server('b:27017', { type: 'RSSecondary', lastUpdateTime: 1, lastWriteDate: 5_000 });
  const t = topology('ReplicaSetNoPrimary', [s1, s2]);
  const basis = stalenessBasis(t);
  assert.is(stalenessMs(s1, basis), 10_000);
  assert.is(stalenessMs(s2, basis), 25_000);
});

test('a secondary without lastWriteDate has unknown staleness; a primary without one falls back to SMax', () => {
  const p = server('p:27017', { type: 'RSPrimary', lastUpdateTime: 10 });
  const s1 = server('a:27017', { type: 'RSSecondary', lastUpdateTime: 10, lastWriteDate: 100 });
  const s2 = server('b:27017', { type: 'RSSecondary', lastUpdateTime: 10 });
  const basis = stalenessBasis(topology('ReplicaSetWithPrimary', [p, s1, s2], { heartbeatFrequencyMS: 500 }));
  assert.is(stalenessMs(s2, basis), null);
  assert.is(stalenessMs(s1, basis), 500);
});

test('limits apply only to replica sets: 90 s minimum and heartbeat + idle write period', () => {
  const rs = topology('ReplicaSetNoPrimary', []);
  assert.match(maxStalenessProblem(89, rs) ?? '', /below the smallest allowed value of 90/);
  assert.is(maxStalenessProblem(90, rs), null);
  assert.is(maxStalenessProblem(null, rs), null);
  const slow = topology('ReplicaSetWithPrimary', [], { heartbeatFrequencyMS: 120_000 });
  assert.match(maxStalenessProblem(129, slow) ?? '', /heartbeatFrequencyMS 120000 \+ idleWritePeriodMS 10000 = 130 seconds/);
  assert.is(maxStalenessProblem(130, slow), null);
  assert.is(maxStalenessProblem(1, topology('Sharded', [])), null);
  assert.is(maxStalenessProblem(1, topology('Single', [])), null);
});

test.run();
