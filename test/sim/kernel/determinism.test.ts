import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { checkDeterminism, firstDifference } from '../../../sim/kernel/determinism.js';
import type { SimSocket } from '../../../sim/network/network.js';

/**
 * A network-heavy workload with no mongod: five hosts that each keep connections to the
 * others, send bursts on random timers over lossy jittery links, reconnect after resets, and
 * suffer a partition, a clog and a heal. Every random choice comes from the world's streams.
 */
function networkWorkload(seed: number, keepTraceLines: boolean, durationMs = 20_000): World {
  const world = new World({ seed, keepTraceLines });
  const net = world.network;
  const hosts = ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'];
  net.setDefaultLink({ latency: { kind: 'normal', meanMs: 5, stddevMs: 3 }, jitterMs: 4, dropRate: 0.02 });
  for (const h of hosts) {
    net.listen(h, (socket) => socket.onMessage((m) => socket.send({ kind: 'reply', body: { ok: 1, echo: m['n'] } })));
  }
  for (const h of hosts) {
    const rand = world.random(`host:${h}`);
    let socket: SimSocket | null = null;
    let n = 0;
    const open = (): void => {
      const peer = hosts[rand.int(hosts.length)] as string;
      const s = net.connect(h, peer === h ? 'nobody:1' : peer);
      s.onMessage(() => {});
      s.onClose(() => {
        if (socket === s) socket = null;
      });
      socket = s;
    };
    const tick = (): void => {
      if (socket === null || socket.closed || rand.chance(0.05)) {
        socket?.close();
        open();
      }
      const burst = 1 + rand.int(4);
      for (let i = 0; i < burst; i++) socket?.send({ kind: 'request', n: n++, body: { ping: 1 } });
      world.scheduler.after(rand.intBetween(1, 200), 'tick', tick);
    };
    world.scheduler.after(rand.int(100), 'tick', tick);
  }
  world.scheduler.at(5_000, 'partition', () => net.partition(['a:1', 'b:1'], ['c:1', 'd:1', 'e:1']));
  world.scheduler.at(8_000, 'clog', () => net.clog('c:1', 'd:1', 2_000));
  world.scheduler.at(10_000, 'heal', () => net.heal());
  world.scheduler.at(12_000, 'reset', () => net.resetConnections('e:1'));
  world.scheduler.at(14_000, 'isolate', () => net.isolate('d:1'));
  world.scheduler.runFor(durationMs);
  return world;
}

test('determinism: 100 seeds, each run twice, give identical trace hashes', () => {
  const hashes = new Set<string>();
  for (let seed = 0; seed < 100; seed++) {
    const first = networkWorkload(seed, false);
    const second = networkWorkload(seed, false);
    assert.is(second.trace.hash(), first.trace.hash(), `seed ${seed}`);
    assert.is(second.trace.count, first.trace.count, `seed ${seed}`);
    assert.ok(first.trace.count > 1000, `seed ${seed}: the workload should be busy (${first.trace.count} lines)`);
    hashes.add(first.trace.hash());
  }
  assert.is(hashes.size, 100, 'different seeds give different traces');
});

test('two different seeds differ, and the self-check names the first differing line', () => {
  const a = networkWorkload(1, true, 2_000).trace.lines();
  const b = networkWorkload(2, true, 2_000).trace.lines();
  const d = firstDifference(a, b);
  assert.ok(d !== undefined);
  assert.is(a.slice(0, d.line - 1).join('\n'), b.slice(0, d.line - 1).join('\n'));
  assert.is.not(d.first, d.second);
});

test('checkDeterminism passes a deterministic run and pinpoints a nondeterministic one', () => {
  const ok = checkDeterminism(() => networkWorkload(5, true, 3_000).trace);
  assert.is(ok.identical, true);
  assert.is(ok.difference, undefined);

  let call = 0;
  const bad = checkDeterminism(() => {
    const world = networkWorkload(5, true, 3_000);
    // A stray source of nondeterminism: something that differs between runs.
    world.trace.record('oops', `call=${call++}`);
    return world.trace;
  });
  assert.is(bad.identical, false);
  assert.is(bad.difference?.first?.endsWith('oops call=0'), true);
  assert.is(bad.difference?.second?.endsWith('oops call=1'), true);
});

test('firstDifference handles equal traces and a trace that is a prefix of the other', () => {
  assert.is(firstDifference(['a', 'b'], ['a', 'b']), undefined);
  assert.equal(firstDifference(['a'], ['a', 'b']), { line: 2, first: undefined, second: 'b' });
});

test.run();
