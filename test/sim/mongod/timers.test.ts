import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Scheduler } from '../../../sim/kernel/scheduler.js';
import { IncarnationTimers } from '../../../sim/mongod/timers.js';

test('after fires once at the right virtual time; a negative delay means now', () => {
  const scheduler = new Scheduler();
  const timers = new IncarnationTimers(scheduler);
  const fired: number[] = [];
  timers.after(250, 't', () => fired.push(scheduler.nowMs));
  timers.after(-5, 't', () => fired.push(scheduler.nowMs));
  scheduler.runFor(1000);
  assert.equal(fired, [0, 250]);
});

test('a new incarnation turns every pending timer of the previous one into a no-op', () => {
  const scheduler = new Scheduler();
  const timers = new IncarnationTimers(scheduler);
  const fired: string[] = [];
  timers.after(100, 't', () => fired.push('old after'));
  timers.every(50, 't', () => fired.push('old every'));
  const handle = timers.afterCancellable(100, 't', () => fired.push('old cancellable'));
  assert.ok(handle !== undefined);
  timers.next();
  timers.after(100, 't', () => fired.push('new after'));
  scheduler.runFor(1000);
  assert.equal(fired, ['new after']);
});

test('every repeats each period until the incarnation ends', () => {
  const scheduler = new Scheduler();
  const timers = new IncarnationTimers(scheduler);
  const at: number[] = [];
  timers.every(100, 't', () => at.push(scheduler.nowMs));
  scheduler.runFor(350);
  timers.next();
  scheduler.runFor(1000);
  assert.equal(at, [100, 200, 300]);
});

test('afterCancellable can be cancelled and reports the incarnation it belongs to', () => {
  const scheduler = new Scheduler();
  const timers = new IncarnationTimers(scheduler);
  const before = timers.incarnation;
  timers.next();
  assert.is(timers.incarnation, before + 1);
  let fired = 0;
  const h = timers.afterCancellable(10, 't', () => fired++);
  timers.afterCancellable(20, 't', () => fired++);
  timers.cancel(h);
  scheduler.runFor(100);
  assert.is(fired, 1);
});

test('a cancelled every series stops, also when cancelled from inside its own run', () => {
  const scheduler = new Scheduler();
  const timers = new IncarnationTimers(scheduler);
  const fired: number[] = [];
  const outer = timers.every(100, 't', () => fired.push(scheduler.nowMs));
  assert.is(outer.periodMs, 100);
  scheduler.runFor(250);
  outer.cancel();
  scheduler.runFor(1000);
  assert.equal(fired, [100, 200]);
  const inner: number[] = [];
  const series = timers.every(100, 't', () => {
    inner.push(scheduler.nowMs);
    if (inner.length === 2) series.cancel();
  });
  scheduler.runFor(1000);
  assert.equal(inner, [1350, 1450]);
});

test.run();
