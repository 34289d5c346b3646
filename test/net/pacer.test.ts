// The wall-clock pacer: the world never runs ahead of wall time × speed, keeps running while
// started (timers fire on their own), stays continuous across a speed change, and runs nothing
// after stop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../sim/world.js';
import { RealTimePacer, checkSpeed } from '../../net/pacer.js';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('events run on their own at their virtual time, never before wall × speed', async () => {
  const world = new World({ seed: 1 });
  const pacer = new RealTimePacer(world, { speed: 10 });
  const ranAt: Array<[virtual: number, target: number]> = [];
  for (const t of [0, 50, 200, 400]) world.scheduler.at(t, `e${t}`, () => ranAt.push([world.nowMs, pacer.targetMs()]));
  pacer.start();
  const deadline = Date.now() + 5000;
  while (ranAt.length < 4 && Date.now() < deadline) await pause(5);
  pacer.stop();
  assert.equal(ranAt.map(([v]) => v), [0, 50, 200, 400]);
  for (const [virtual, target] of ranAt) assert.ok(virtual <= target, `event at virtual ${virtual} ran when the wall clock said ${target}`);
});

test('setSpeed keeps virtual time continuous; stop runs nothing more', async () => {
  const world = new World({ seed: 1 });
  const pacer = new RealTimePacer(world, { speed: 100 });
  pacer.start();
  await pause(30);
  pacer.catchUp();
  const before = world.nowMs;
  pacer.setSpeed(1);
  assert.ok(world.nowMs >= before);
  assert.ok(pacer.targetMs() - world.nowMs < 50, 'a speed change does not jump virtual time');
  pacer.stop();
  let ran = false;
  world.scheduler.at(world.nowMs + 1, 'late', () => { ran = true; });
  await pause(30);
  pacer.catchUp();
  assert.is(ran, false);
});

test('a simulator error stops the pacer and goes to onError', async () => {
  const world = new World({ seed: 1 });
  let seen: unknown = null;
  const pacer = new RealTimePacer(world, { onError: (e) => { seen = e; } });
  world.scheduler.at(0, 'boom', () => { throw new Error('simulated bug'); });
  pacer.start();
  const deadline = Date.now() + 2000;
  while (seen === null && Date.now() < deadline) await pause(5);
  assert.instance(seen, Error);
  assert.is(pacer.isRunning, false);
});

test('checkSpeed names a bad speed', () => {
  for (const bad of [0, -1, Number.NaN, 1e6, '2']) assert.throws(() => checkSpeed(bad), /speed .* must be a number in \[0.01, 1000\]/);
  assert.is(checkSpeed(2.5), 2.5);
});

test.run();
