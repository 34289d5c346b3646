/**
 * Issue 9, property: whatever sequence of reconfigs (any voters and non-voters among five
 * hosts), partitions and majority writes a scenario throws at a 4.4+ set, every reconfig the
 * primary accepts changes at most one voter, and no majority-acknowledged write is lost.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { MemberSpec } from '../../../sim/mongod/replset.js';
import { readySet } from './helpers.js';

const pool = ['a:27017', 'b:27017', 'c:27017', 'd:27017', 'e:27017'] as const;

type Step =
  | { readonly kind: 'reconfig'; readonly roles: readonly (0 | 1 | 2)[] } // per pool host: 0 absent, 1 non-voter, 2 voter
  | { readonly kind: 'partition'; readonly side: readonly boolean[] }
  | { readonly kind: 'heal' }
  | { readonly kind: 'write' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('reconfig' as const), roles: fc.array(fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>, { minLength: 5, maxLength: 5 }) }),
  fc.record({ kind: fc.constant('partition' as const), side: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }) }),
  fc.constant({ kind: 'heal' as const }),
  fc.constant({ kind: 'write' as const }),
);

function voterIds(config: { members: readonly { _id: number; votes: number }[] }): Set<number> {
  return new Set(config.members.filter((m) => m.votes > 0).map((m) => m._id));
}

test('random reconfig/partition/write sequences: accepted reconfigs change one voter at most, acknowledged writes survive', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.tuple(step, fc.integer({ min: 100, max: 20_000 })), { minLength: 1, maxLength: 12 }), (seed, steps) => {
      const { world, client, rs } = readySet(seed, { members: [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'c:27017' }] });
      const acknowledged: number[] = [];
      let nextId = 0;
      for (const [s, waitMs] of steps) {
        const primary = rs.primary();
        if (s.kind === 'reconfig' && primary !== null) {
          const members: MemberSpec[] = [];
          pool.forEach((host, i) => {
            // The primary stays a voter (a reconfig that drops it is refused for another reason).
            const role = host === primary ? 2 : s.roles[i];
            if (role === 2) members.push({ host });
            else if (role === 1) members.push({ host, votes: 0, priority: 0 });
          });
          if (members.filter((m) => m.votes !== 0).length <= 7) {
            const before = rs.member(primary).config;
            rs.reconfig(members, (reply) => {
              if (reply === null || reply['ok'] !== 1 || before === null) return;
              const after = rs.member(primary).config;
              if (after === null) return;
              const a = voterIds(before);
              const b = voterIds(after);
              const changed = [...a].filter((id) => !b.has(id)).length + [...b].filter((id) => !a.has(id)).length;
              assert.ok(changed <= 1, `an accepted reconfig changed ${changed} voters`);
            });
          }
        } else if (s.kind === 'partition') {
          const left = pool.filter((_, i) => s.side[i]);
          const right = pool.filter((_, i) => !s.side[i]);
          if (left.length > 0 && right.length > 0) world.network.partition(left, right);
        } else if (s.kind === 'heal') {
          world.network.heal();
        } else if (s.kind === 'write' && primary !== null) {
          const id = nextId++;
          client.command(primary, 'test', { insert: 'c', documents: [{ _id: id }], writeConcern: { w: 'majority', wtimeout: 5_000 } }, (o) => {
            if (o.ok && o.reply['ok'] === 1 && o.reply['writeConcernError'] === undefined) acknowledged.push(id);
          });
        }
        world.scheduler.runFor(waitMs);
      }
      world.network.heal();
      world.scheduler.runFor(60_000);
      assert.equal(rs.violations.filter((v) => v.invariant === 'committedNeverLost'), []);
      const primary = rs.waitForPrimary(120_000);
      assert.ok(primary !== null, 'a primary after healing');
      world.scheduler.runFor(5_000);
      const stored = new Set(rs.member(primary as string).documents('test.c').map((d) => d['_id']));
      for (const id of acknowledged) assert.ok(stored.has(id), `acknowledged write ${id} is on the primary`);
    }),
    { numRuns: 40, seed: 9 },
  );
});

test.run();
