/** Trace.observe: the lines of chosen kinds reach a listener whether or not lines are kept, and the hash is unchanged. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Trace, messageLineKind } from '../../../sim/kernel/trace.js';

function play(trace: Trace, clock: { nowMs: number }): void {
  clock.nowMs = 5;
  trace.record('rs.state', 'a:27017 SECONDARY>PRIMARY won term 1');
  trace.record('send', 'noise');
  clock.nowMs = 9;
  trace.begin('mongod.crash');
  trace.text(' a:27017 line\nbreak ');
  trace.int(42);
  trace.end();
  trace.message(messageLineKind('rs.state', '>'), 1, 2, 'x', 'y');
}

test('observed kinds are delivered as whole lines, others are not, and the hash is the same as without an observer', () => {
  const clock = { nowMs: 0 };
  const seen: string[] = [];
  const observed = new Trace(clock);
  observed.observe(['rs.state', 'mongod.crash'], (line) => seen.push(line));
  play(observed, clock);
  assert.equal(seen, ['5 rs.state a:27017 SECONDARY>PRIMARY won term 1', '9 mongod.crash a:27017 line\\nbreak 42']);
  assert.equal(observed.lines(), [], 'observing does not keep lines');
  const plain = new Trace({ nowMs: 0 });
  const clock2 = { nowMs: 0 };
  const plain2 = new Trace(clock2, { keepLines: true });
  play(plain2, clock2);
  assert.is(observed.hash(), plain2.hash());
  assert.equal(plain2.lines().filter((l) => / (rs\.state|mongod\.crash) /.test(l) && !l.includes('c1')), seen, 'the same text as a kept line');
  assert.is(plain.count, 0);
});

test('one observer per trace', () => {
  const trace = new Trace({ nowMs: 0 });
  trace.observe(['a'], () => undefined);
  assert.throws(() => trace.observe(['b'], () => undefined), /already has an observer/);
});

test.run();
