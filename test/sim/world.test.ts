import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../sim/world.js';

test('a world starts at virtual time 0 with its own clock, trace and network', () => {
  const w = new World({ seed: 3 });
  assert.is(w.seed, 3);
  assert.is(w.nowMs, 0);
  assert.is(w.scheduler.nowMs, 0);
  assert.is(w.trace.keepsLines, false);
  assert.is(w.network.openConnections, 0);
  w.scheduler.runFor(1234);
  assert.is(w.nowMs, 1234);
});

test('the trace is stamped with the world clock', () => {
  const w = new World({ seed: 3, keepTraceLines: true });
  w.scheduler.after(250, 'x', () => w.trace.record('hello', 'world'));
  w.scheduler.runFor(1000);
  assert.equal(w.trace.lines(), ['250 hello world']);
});

test('worlds do not share state: the same seed gives the same draws in each', () => {
  const a = new World({ seed: 9 });
  const b = new World({ seed: 9 });
  const drawsA = [a.random('x').int(1000), a.random('x').int(1000)];
  b.random('y').int(5);
  const drawsB = [b.random('x').int(1000), b.random('x').int(1000)];
  assert.equal(drawsA, drawsB);
});

test('bad options are rejected', () => {
  assert.throws(() => new World(undefined as never), /options/);
  assert.throws(() => new World({ seed: -4 }), /seed -4/);
  assert.throws(() => new World({ seed: 2 ** 60 }), /seed/);
});

test.run();
