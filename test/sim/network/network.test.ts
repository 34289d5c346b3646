import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { World } from '../../../sim/world.js';
import type { Message, SimSocket } from '../../../sim/network/network.js';
import { maxQueuedMessagesPerPipe } from '../../../sim/network/network.js';

interface Received {
  at: number;
  message: Message;
}

/** A world with an echo-less server at `a:27017` that records what it receives and keeps its sockets. */
function setup(seed = 1) {
  const world = new World({ seed, keepTraceLines: true });
  const serverGot: Received[] = [];
  const serverSockets: SimSocket[] = [];
  const serverClosed: string[] = [];
  world.network.listen('a:27017', (socket) => {
    serverSockets.push(socket);
    socket.onMessage((message) => serverGot.push({ at: world.nowMs, message }));
    socket.onClose((reason) => serverClosed.push(reason));
  });
  return { world, net: world.network, serverGot, serverSockets, serverClosed };
}

function client(world: World, from = 'client', to = 'a:27017') {
  const socket = world.network.connect(from, to);
  const got: Received[] = [];
  const closed: Array<{ at: number; reason: string }> = [];
  socket.onMessage((message) => got.push({ at: world.nowMs, message }));
  socket.onClose((reason) => closed.push({ at: world.nowMs, reason }));
  return { socket, got, closed };
}

const msg = (n: number): Message => ({ kind: 'request', requestId: n, db: 'admin', body: { ping: 1 } });

test('messages arrive after the link latency, and replies come back', () => {
  const { world, net, serverGot, serverSockets } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 5 }, jitterMs: 0 });
  const c = client(world);
  c.socket.send(msg(1));
  world.scheduler.runFor(4);
  assert.is(serverGot.length, 0);
  world.scheduler.runFor(1);
  assert.is(serverGot.length, 1);
  assert.is(serverGot[0]!.at, 5);
  assert.is(serverGot[0]!.message, c.socket === undefined ? undefined : serverGot[0]!.message, 'delivered by reference');
  assert.is(serverSockets[0]!.localHost, 'a:27017');
  assert.is(serverSockets[0]!.remoteAddress, 'client');
  serverSockets[0]!.send({ kind: 'reply', responseTo: 1, body: { ok: 1 } });
  world.scheduler.runFor(10);
  assert.is(c.got.length, 1);
  assert.is(c.got[0]!.at, 10);
});

test('property: latency distributions and jitter never reorder messages on one connection', () => {
  const distribution = fc.oneof(
    fc.record({ kind: fc.constant('constant' as const), ms: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('uniform' as const), minMs: fc.integer({ min: 0, max: 20 }), maxMs: fc.integer({ min: 20, max: 200 }) }),
    fc.record({ kind: fc.constant('normal' as const), meanMs: fc.integer({ min: 0, max: 50 }), stddevMs: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('exponential' as const), meanMs: fc.integer({ min: 0, max: 50 }) }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1_000_000 }),
      distribution,
      fc.integer({ min: 0, max: 100 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 60 }),
      (seed, latency, jitterMs, gaps) => {
        const { world, net, serverGot } = setup(seed);
        net.setDefaultLink({ latency, jitterMs });
        const c = client(world);
        let n = 0;
        for (const gap of gaps) {
          c.socket.send(msg(n++));
          world.scheduler.runFor(gap);
        }
        world.scheduler.runFor(1_000_000);
        assert.equal(
          serverGot.map((r) => r.message['requestId']),
          gaps.map((_, i) => i),
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('jitter does spread delivery times (so the order property is not vacuous)', () => {
  const { world, net, serverGot } = setup(5);
  net.setDefaultLink({ latency: { kind: 'constant', ms: 1 }, jitterMs: 50 });
  const c = client(world);
  for (let i = 0; i < 50; i++) {
    c.socket.send(msg(i));
    world.scheduler.runFor(10);
  }
  world.scheduler.runFor(1000);
  const delays = serverGot.map((r, i) => r.at - i * 10);
  assert.ok(new Set(delays).size > 5, `delays ${delays.join(',')} barely vary`);
});

test('drop rate 1 loses every message, drop rate 0.3 loses about 30%, and drops are traced', () => {
  const { world, net, serverGot } = setup(11);
  net.setLink('client', 'a:27017', { dropRate: 1 }, false);
  const c = client(world);
  world.scheduler.runFor(10); // the handshake is not subject to loss
  for (let i = 0; i < 20; i++) c.socket.send(msg(i));
  world.scheduler.runFor(100);
  assert.is(serverGot.length, 0);
  assert.ok(world.trace.lines().some((l) => / drop c1>\d+ loss$/.test(l)));

  net.setLink('client', 'a:27017', { dropRate: 0.3 }, false);
  for (let i = 0; i < 2000; i++) c.socket.send(msg(i));
  world.scheduler.runFor(100);
  assert.ok(serverGot.length > 1250 && serverGot.length < 1550, `${serverGot.length} of 2000 arrived`);
  const ids = serverGot.map((r) => r.message['requestId'] as number);
  assert.ok(ids.every((v, i) => i === 0 || v > ids[i - 1]!), 'survivors stay in order');
});

test('symmetric partition blocks both directions, including messages already in flight; heal restores', () => {
  const { world, net, serverGot, serverSockets } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 10 }, jitterMs: 0 });
  const c = client(world);
  world.scheduler.runFor(20);
  c.socket.send(msg(1)); // in flight when the partition starts
  world.scheduler.runFor(5);
  net.partition(['client'], ['a:27017']);
  assert.is(net.isBlocked('client', 'a:27017'), true);
  assert.is(net.isBlocked('a:27017', 'client'), true);
  c.socket.send(msg(2));
  serverSockets[0]!.send(msg(3));
  world.scheduler.runFor(100);
  assert.is(serverGot.length, 0);
  assert.is(c.got.length, 0);
  assert.is(c.socket.closed, false, 'a partition does not close connections');
  net.heal();
  c.socket.send(msg(4));
  serverSockets[0]!.send(msg(5));
  world.scheduler.runFor(100);
  assert.equal(serverGot.map((r) => r.message['requestId']), [4]);
  assert.equal(c.got.map((r) => r.message['requestId']), [5]);
  const lines = world.trace.lines();
  assert.ok(lines.includes('25 net.partition client|a:27017'));
  assert.ok(lines.includes('30 drop c1>1 partition'));
});

test('one-way partition blocks only from → to', () => {
  const { world, net, serverGot, serverSockets } = setup();
  const c = client(world);
  world.scheduler.runFor(20);
  net.partitionOneWay(['a:27017'], ['client']);
  c.socket.send(msg(1));
  serverSockets[0]!.send(msg(2));
  world.scheduler.runFor(50);
  assert.is(serverGot.length, 1);
  assert.is(c.got.length, 0);
});

test('isolating a host cuts it off from everyone but leaves other links alone', () => {
  const { world, net, serverGot } = setup();
  const got: string[] = [];
  net.listen('b:27017', (s) => s.onMessage(() => got.push('b')));
  const toA = client(world, 'client', 'a:27017');
  const toB = client(world, 'client', 'b:27017');
  const aToB = client(world, 'a:27017', 'b:27017');
  world.scheduler.runFor(20);
  net.isolate('a:27017');
  toA.socket.send(msg(1));
  toB.socket.send(msg(2));
  aToB.socket.send(msg(3));
  world.scheduler.runFor(50);
  assert.is(serverGot.length, 0);
  assert.equal(got, ['b']);
  const late = client(world, 'client', 'a:27017');
  world.scheduler.runFor(50);
  assert.is(late.closed.length, 0, 'a connect into an isolated host hangs rather than being refused');
  net.heal();
  toA.socket.send(msg(4));
  world.scheduler.runFor(50);
  assert.is(serverGot.length, 1);
});

test('partition arguments are validated', () => {
  const { net } = setup();
  assert.throws(() => net.partition([], ['a']), /non-empty/);
  assert.throws(() => net.partition(['a'], ['a', 'b']), /host a is on both sides/);
  assert.throws(() => net.isolate(''), /host ""/);
  assert.throws(() => net.clog('a', 'b', -1), /durationMs -1/);
});

test('clog holds messages sent during the clog and delivers them, in order, after it ends', () => {
  const { world, net, serverGot } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 2 }, jitterMs: 0 });
  const c = client(world);
  world.scheduler.runFor(10);
  net.clog('client', 'a:27017', 1000);
  for (let i = 0; i < 3; i++) {
    c.socket.send(msg(i));
    world.scheduler.runFor(100);
  }
  world.scheduler.runFor(600);
  assert.is(serverGot.length, 0);
  world.scheduler.runFor(400);
  assert.equal(serverGot.map((r) => [r.at, r.message['requestId']]), [
    [1012, 0],
    [1012, 1],
    [1012, 2],
  ]);
  c.socket.send(msg(3));
  world.scheduler.runFor(10);
  assert.is(serverGot[3]!.at, world.nowMs - 8, 'after the clog, normal latency again');
});

test('reset closes both ends with "reset" and discards what was in flight', () => {
  const { world, net, serverGot, serverClosed } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 10 }, jitterMs: 0 });
  const c = client(world);
  world.scheduler.runFor(20);
  c.socket.send(msg(1));
  assert.is(net.resetConnections('a:27017'), 1);
  assert.is(c.socket.closed, true);
  assert.equal(c.closed, [], 'close handlers run from an event, not inside resetConnections');
  world.scheduler.runFor(100);
  assert.equal(c.closed, [{ at: 20, reason: 'reset' }]);
  assert.equal(serverClosed, ['reset']);
  assert.is(serverGot.length, 0);
  c.socket.send(msg(2)); // ignored once closed
  world.scheduler.runFor(100);
  assert.is(serverGot.length, 0);
  assert.is(net.openConnections, 0);
});

test('resetConnections(host, peer) only touches connections between the two', () => {
  const { world, net } = setup();
  const one = client(world, 'x', 'a:27017');
  const two = client(world, 'y', 'a:27017');
  world.scheduler.runFor(10);
  assert.is(net.resetConnections('a:27017', 'x'), 1);
  world.scheduler.runFor(10);
  assert.is(one.closed[0]?.reason, 'reset');
  assert.is(two.socket.closed, false);
});

test('connecting where nobody listens is refused after a round trip', () => {
  const { world, net } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 3 }, jitterMs: 0 });
  const c = client(world, 'client', 'nobody:27017');
  c.socket.send(msg(1));
  world.scheduler.runFor(100);
  assert.equal(c.closed, [{ at: 6, reason: 'refused' }]);
  assert.is(c.socket.closed, true);
  assert.is(net.openConnections, 0);
});

test('unlisten (a crash) resets open connections to the address and later connects are refused', () => {
  const { world, net, serverClosed } = setup();
  const c = client(world);
  world.scheduler.runFor(10);
  net.unlisten('a:27017');
  world.scheduler.runFor(10);
  assert.equal(c.closed.map((x) => x.reason), ['reset']);
  assert.equal(serverClosed, ['reset']);
  const again = client(world);
  world.scheduler.runFor(10);
  assert.equal(again.closed.map((x) => x.reason), ['refused']);
  assert.throws(() => {
    net.listen('b:1', () => {});
    net.listen('b:1', () => {});
  }, /already in use/);
});

test('close delivers what was sent first, then the peer sees "closed"; the closer gets no callback', () => {
  const { world, net, serverGot, serverClosed, serverSockets } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 5 }, jitterMs: 0 });
  const c = client(world);
  c.socket.send(msg(1));
  c.socket.send(msg(2));
  c.socket.close();
  assert.is(c.socket.closed, true);
  world.scheduler.runFor(100);
  assert.is(serverGot.length, 2);
  assert.equal(serverClosed, ['closed']);
  assert.is(serverSockets[0]!.closed, true);
  assert.equal(c.closed, []);
  assert.is(net.openConnections, 0);
});

test('messages to a socket that already closed are dropped and traced', () => {
  const { world, net, serverSockets } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 5 }, jitterMs: 0 });
  const c = client(world);
  world.scheduler.runFor(10);
  serverSockets[0]!.send(msg(1));
  c.socket.close();
  world.scheduler.runFor(10);
  assert.is(c.got.length, 0);
  assert.ok(world.trace.lines().includes('15 drop c1<1 closed'));
});

test('a pipe holding too many undelivered messages resets the connection with "overflow"', () => {
  const { world, net } = setup();
  net.setDefaultLink({ latency: { kind: 'constant', ms: 1000 }, jitterMs: 0 });
  const c = client(world);
  for (let i = 0; i <= maxQueuedMessagesPerPipe; i++) c.socket.send(msg(i));
  world.scheduler.runFor(1);
  assert.equal(c.closed.map((x) => x.reason), ['overflow']);
});

test('bad link settings are rejected naming the field', () => {
  const { net } = setup();
  assert.throws(() => net.setDefaultLink({ dropRate: 2 }), /dropRate 2/);
  assert.throws(() => net.setDefaultLink({ jitterMs: 1.5 }), /jitterMs 1.5/);
  assert.throws(() => net.setLink('a', 'b', { latency: { kind: 'uniform', minMs: 5, maxMs: 1 } }), /latency.maxMs 1/);
  assert.throws(() => net.setLink('a', 'b', { latency: { kind: 'gamma' } as never }), /latency.kind "gamma"/);
  assert.throws(() => net.setLink('a', 'b', { latency: { kind: 'constant', ms: -1 } }), /latency.ms -1/);
  assert.throws(() => net.connect('', 'a'), /fromHost ""/);
});

test('per-link settings override the default only on that link', () => {
  const { world, net, serverGot } = setup();
  net.listen('b:27017', (s) => s.onMessage(() => serverGot.push({ at: world.nowMs, message: { to: 'b' } })));
  net.setDefaultLink({ latency: { kind: 'constant', ms: 1 }, jitterMs: 0 });
  net.setLink('client', 'b:27017', { latency: { kind: 'constant', ms: 50 } });
  const a = client(world, 'client', 'a:27017');
  const b = client(world, 'client', 'b:27017');
  world.scheduler.runFor(200);
  const t0 = world.nowMs;
  a.socket.send(msg(1));
  b.socket.send(msg(2));
  world.scheduler.runFor(200);
  assert.equal(serverGot.map((r) => r.at - t0), [1, 50]);
});

test.run();
