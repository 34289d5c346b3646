import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { RunResult, RuntimeEvent } from '../../../client/runtime/api.js';
import { readySet, newRuntime, closeSync, insert, find, secondaryPreferred } from './helpers.js';

type Step =
  | { readonly kind: 'insert' | 'find' | 'findSecondary' | 'crashPrimary' | 'restartAll' | 'isolateClient' | 'heal' | 'stepDown'; readonly afterMs: number };

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'find', 'findSecondary', 'crashPrimary', 'restartAll', 'isolateClient', 'heal', 'stepDown'),
  afterMs: fc.integer({ min: 0, max: 4_000 }),
}) as fc.Arbitrary<Step>;

/** Pairs every "started" with exactly one end, keyed by `key`. */
function assertPaired(events: readonly RuntimeEvent[], start: string, ends: readonly string[], keyOf: (e: RuntimeEvent) => string): void {
  const open = new Set<string>();
  for (const e of events) {
    if (e.name === start) {
      assert.not.ok(open.has(keyOf(e)), `${start} twice for ${keyOf(e)}`);
      open.add(keyOf(e));
    } else if (ends.includes(e.name)) {
      assert.ok(open.delete(keyOf(e)), `${e.name} without ${start} for ${keyOf(e)}`);
    }
  }
  assert.is(open.size, 0, `${start} left open: ${[...open].join(', ')}`);
}

test('random workloads under random faults: every operation ends once; events pair; close leaves nothing behind', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(stepArb, { minLength: 5, maxLength: 25 }), (seed, steps) => {
      const { world, rs } = readySet(seed);
      const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&serverSelectionTimeoutMS=5000&heartbeatFrequencyMS=1000');
      const calls = new Map<number, number>();
      const results: RunResult[] = [];
      let next = 0;
      const issue = (op: Parameters<typeof h.runtime.run>[0]): void => {
        const id = next++;
        calls.set(id, 0);
        h.runtime.run(op, (r) => {
          calls.set(id, (calls.get(id) ?? 0) + 1);
          results.push(r);
        });
      };
      for (const step of steps) {
        world.scheduler.runFor(step.afterMs);
        switch (step.kind) {
          case 'insert': issue(insert('c', [{ x: next }])); break;
          case 'find': issue(find('c')); break;
          case 'findSecondary': issue(find('c', {}, { readPreference: secondaryPreferred })); break;
          case 'crashPrimary': { const p = rs.primary(); if (p !== null) rs.crash(p); break; }
          case 'restartAll': for (const host of rs.hosts) if (!rs.member(host).isRunning) rs.restart(host); break;
          case 'isolateClient': world.network.partition(['client'], [rs.hosts[0]!]); break;
          case 'heal': world.network.heal(); break;
          case 'stepDown': { const p = rs.primary(); if (p !== null) rs.stepDown(p, 5, { force: true }); break; }
        }
      }
      world.scheduler.runFor(20_000);
      world.network.heal();
      for (const host of rs.hosts) if (!rs.member(host).isRunning) rs.restart(host);
      world.scheduler.runFor(20_000);
      closeSync(h);
      for (const [id, n] of calls) assert.is(n, 1, `operation ${id} ended ${n} times`);
      for (const r of results) assert.ok(r.attempts >= 0 && r.attempts <= 2);
      assertPaired(h.events, 'commandStarted', ['commandSucceeded', 'commandFailed'], (e) => String(e['requestId']));
      assertPaired(h.events, 'connectionCreated', ['connectionClosed'], (e) => `${String(e['address'])}/${String(e['connectionId'])}`);
      assert.is(h.ports.pendingTimers(), 0, h.ports.pendingTimerLabels().join(', '));
      assert.is(h.ports.openConnections(), 0);
      assert.is(h.events[h.events.length - 1]!.name, 'topologyClosed');
    }),
    { numRuns: 12, seed: 20261122 },
  );
});

test.run();
