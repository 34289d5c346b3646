import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../sim/world.js';
import { simPorts, settle, settleAll } from '../../harness/index.js';
import { MongodProcess } from '../../sim/mongod/process.js';

test('clock: virtual now, timers fire at their time, clearTimer cancels, past times fire at once', () => {
  const world = new World({ seed: 1 });
  const { clock, pendingTimers, pendingTimerLabels } = simPorts(world);
  const fired: string[] = [];
  clock.setTimer(100, 'a', () => fired.push(`a@${clock.now()}`));
  const b = clock.setTimer(50, 'b', () => fired.push(`b@${clock.now()}`));
  assert.is(pendingTimers(), 2);
  assert.equal(pendingTimerLabels().sort(), ['a', 'b']);
  clock.clearTimer(b);
  clock.clearTimer(b); // twice is harmless
  assert.is(pendingTimers(), 1);
  world.scheduler.runFor(200);
  assert.equal(fired, ['a@100']);
  assert.is(pendingTimers(), 0);
  clock.setTimer(10, 'past', () => fired.push(`past@${clock.now()}`));
  world.scheduler.runFor(0);
  assert.equal(fired, ['a@100', 'past@200']);
  assert.throws(() => clock.setTimer(Number.NaN, 'bad', () => undefined), /atMs must be a finite number/);
});

test('transport: request/reply with a simulated mongod; refused, peer reset and own close', () => {
  const world = new World({ seed: 2 });
  const server = new MongodProcess(world, { host: 'm:27017' });
  server.start();
  const ports = simPorts(world, { clientHost: 'app' });
  const replies: Array<[number, unknown]> = [];
  const closes: string[] = [];
  const c = ports.transport.connect('m:27017', { onReply: (id, body) => replies.push([id, body['ok']]), onClose: (r) => closes.push(r) });
  assert.is(c.address, 'm:27017');
  assert.is(ports.openConnections(), 1);
  c.send(7, 'admin', { ping: 1 });
  world.scheduler.runFor(100);
  assert.equal(replies, [[7, 1]]);
  // Our own close is reported as 'closed', later, never re-entrantly.
  c.close();
  assert.equal(closes, []);
  assert.ok(c.closed);
  assert.is(ports.openConnections(), 0);
  world.scheduler.runFor(1);
  assert.equal(closes, ['closed']);
  c.send(8, 'admin', { ping: 1 }); // ignored once closed
  world.scheduler.runFor(100);
  assert.is(replies.length, 1);

  const refusedCloses: string[] = [];
  ports.transport.connect('nobody:1', { onReply: () => undefined, onClose: (r) => refusedCloses.push(r) });
  world.scheduler.runFor(100);
  assert.equal(refusedCloses, ['refused']);
  assert.is(ports.openConnections(), 0);

  const resetCloses: string[] = [];
  const d = ports.transport.connect('m:27017', { onReply: () => undefined, onClose: (r) => resetCloses.push(r) });
  world.scheduler.runFor(10);
  server.crash();
  world.scheduler.runFor(10);
  assert.equal(resetCloses, ['reset']);
  assert.ok(d.closed);
  assert.is(ports.openConnections(), 0);
  assert.throws(() => simPorts(world, { clientHost: 'bad host' }), /clientHost/);
});

test('random: the world stream client:<host>, deterministic per seed', () => {
  const a = simPorts(new World({ seed: 3 }), { clientHost: 'x' }).random;
  const b = simPorts(new World({ seed: 3 }), { clientHost: 'x' }).random;
  const c = simPorts(new World({ seed: 3 }), { clientHost: 'y' }).random;
  const draw = (r: { int(n: number): number }) => Array.from({ length: 8 }, () => r.int(1000));
  const da = draw(a);
  assert.equal(da, draw(b));
  assert.not.equal(da, draw(c));
});

test('settle: awaits a promise in virtual time', async () => {
  const world = new World({ seed: 4 });
  const { clock } = simPorts(world);
  const sleep = (ms: number) => new Promise<number>((resolve) => clock.setTimer(clock.now() + ms, 'sleep', () => resolve(clock.now())));
  assert.is(await settle(world, sleep(5000)), 5000);
  // An async chain that awaits several timers, each started after the previous one resolved.
  const chain = (async () => {
    const t1 = await sleep(100);
    const t2 = await sleep(100);
    return [t1, t2];
  })();
  assert.equal(await settle(world, chain), [5100, 5200]);
  assert.equal(await settleAll(world, [sleep(10), sleep(20)]), [5210, 5220]);
  // Rejections pass through.
  const failing = sleep(10).then(() => { throw new Error('boom'); });
  try {
    await settle(world, failing);
    assert.unreachable('should reject');
  } catch (error) {
    assert.match(String(error), /boom/);
  }
});

test('settle: a promise that never settles fails with the limit, or when nothing is left', async () => {
  const world = new World({ seed: 5 });
  const { clock } = simPorts(world);
  const never = new Promise<void>(() => undefined);
  clock.setTimer(1_000_000, 'far', () => undefined);
  const t0 = world.nowMs;
  try {
    await settle(world, never, 1000);
    assert.unreachable('should fail');
  } catch (error) {
    assert.match(String(error), /still pending after 1000 ms/);
  }
  assert.is(world.nowMs - t0, 1000);
  const empty = new World({ seed: 6 });
  try {
    await settle(empty, never, 1000);
    assert.unreachable('should fail');
  } catch (error) {
    assert.match(String(error), /nothing is left to run/);
  }
  try {
    await settle(world, never, -1);
    assert.unreachable('should fail');
  } catch (error) {
    assert.match(String(error), /limitMs/);
  }
});

test.run();
