// Property tests: random operations driven by random input sequences (failures, replies,
// topology changes, stray and malformed inputs). The machine never throws, makes at most
// maxAttempts attempts, pairs every commandStarted, reports one outcome, always finishes when
// the runtime cooperates, and is deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { maxAttempts } from '../../../core/executor/constants.js';
import { MongoServerClosedError } from '../../../core/executor/pinned.js';
import { normalize, pinnedNowhere, run, scenarioArb, withoutServerFields } from './scenario.js';

const numRuns = 300;

/**
 * Structural equality as canonical JSON. Used instead of assert.equal so that a failing case
 * does not make uvu build a diff of a large trace for every shrinking step.
 */
function same(x: unknown, y: unknown): boolean {
  const json = (v: unknown) => JSON.stringify(v, (_k, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
  return json(x) === json(y);
}

test('random input sequences: never throws, bounded attempts, paired events, one outcome, always finishes', () => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      const trace = run(scenario);
      const sends = trace.actions.filter((x) => x.type === 'send');
      // retryable-*.md without CSOT: one attempt plus at most one retry.
      assert.ok(sends.length <= 2 && sends.length <= maxAttempts, `${sends.length} sends`);
      const outcomes = trace.actions.filter((x) => x.type === 'complete' || x.type === 'fail');
      assert.is(outcomes.length, 1, 'exactly one outcome');
      assert.is(trace.final.phase, 'done');
      // Nothing is sent after the outcome.
      const outcomeAt = trace.actions.findIndex((x) => x.type === 'complete' || x.type === 'fail');
      assert.not.ok(trace.actions.slice(outcomeAt).some((x) => x.type === 'send' || x.type === 'checkOut'));

      const started = trace.events.filter((e) => e.name === 'commandStarted');
      const finished = trace.events.filter((e) => e.name === 'commandSucceeded' || e.name === 'commandFailed');
      assert.is(started.length, sends.length);
      assert.ok(
        same(finished.map((e) => e.requestId), started.map((e) => e.requestId)),
        'every commandStarted has exactly one succeeded/failed with its requestId, in order',
      );
      assert.is(new Set(started.map((e) => e.requestId)).size, started.length, 'distinct requestIds per attempt');
      for (const e of finished) assert.ok(e.duration >= 0, 'durations are never negative');

      // Every send goes on the connection checked out for it, which is then checked in once.
      for (const send of sends) {
        const checkIns = trace.actions.filter((x) => x.type === 'checkIn' && x.connectionId === send.connectionId);
        assert.is(checkIns.length, 1, `connection ${send.connectionId} checked in once`);
      }
      // A retry always follows a retrying event and uses the same command (same lsid/txnNumber).
      const retrying = trace.events.filter((e) => e.name === 'retrying');
      assert.ok(retrying.length <= maxAttempts - 1);
      if (sends.length === 2) {
        const [first, second] = [sends[0]!.command, sends[1]!.command];
        // A retryable write resends the same transaction id; a read is rebuilt for the new server
        // (retryable-reads.md 3b), so only its lsid and $readPreference may differ.
        if ('txnNumber' in first) assert.ok(same(second, first), 'a retryable write resends the same command');
        else assert.ok(same(withoutServerFields(second), withoutServerFields(first)), 'a read retry sends an equivalent command');
      }
      // The command monitoring event shows exactly what was sent (sensitive commands aside).
      sends.forEach((send, i) => {
        const command = started[i]!.command;
        if (!('saslStart' in send.command)) assert.ok(same(command, send.command), 'commandStarted shows the command as sent');
      });
      // A write never carries a read preference.
      if (sends.some((x) => 'insert' in x.command || 'update' in x.command || 'delete' in x.command || 'findAndModify' in x.command)) {
        assert.not.ok(sends.some((x) => '$readPreference' in x.command), 'no $readPreference on a write');
      }
      // server-selection.md "Cursors": a pinned operation never selects, waits or retries.
      if (scenario.pinned !== null) {
        const checkOuts = trace.actions.filter((x) => x.type === 'checkOut');
        assert.ok(checkOuts.length <= 1, 'a pinned operation checks out at most once');
        for (const x of checkOuts) assert.is(x.address, scenario.pinned);
        assert.not.ok(trace.actions.some((x) => x.type === 'wakeAt' || x.type === 'requestImmediateCheck'), 'a pinned operation never waits for selection');
        assert.is(retrying.length, 0, 'a pinned operation is never retried');
        if (scenario.pinned === pinnedNowhere) {
          assert.is(checkOuts.length, 0);
          const fail = outcomes[0]!;
          assert.ok(fail.type === 'fail' && fail.error instanceof MongoServerClosedError && fail.error.message.includes(pinnedNowhere), 'a removed pinned server fails at once, naming it');
        }
      }
      if (retrying.length === 0) assert.ok(trace.actions.filter((x) => x.type === 'checkOut').length <= 1);
    }),
    { numRuns },
  );
});

test('random input sequences: the same inputs give the same outputs', () => {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      assert.ok(same(normalize(run(scenario)), normalize(run(scenario))), 'two runs of the same scenario differ');
    }),
    { numRuns: numRuns / 3 },
  );
});

test.run();
