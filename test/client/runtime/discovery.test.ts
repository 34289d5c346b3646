import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readySet, newRuntime, closeSync, runSync, insert, find, secondaryPreferred } from './helpers.js';

test('discovers a 3-member set from one seed; description() reflects it', () => {
  const { world, primary } = readySet(1);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  // SDAM "Client construction": the seed only, Unknown, before any I/O.
  assert.is(h.runtime.description().type, 'ReplicaSetNoPrimary');
  assert.equal([...h.runtime.description().servers.values()].map((s) => `${s.address}=${s.type}`), ['a:27017=Unknown']);
  h.runtime.connect();
  world.scheduler.runFor(500);
  const d = h.runtime.description();
  assert.is(d.type, 'ReplicaSetWithPrimary');
  assert.is(d.setName, 'rs0');
  assert.equal([...d.servers.keys()].sort(), ['a:27017', 'b:27017', 'c:27017']);
  for (const s of d.servers.values()) {
    assert.is(s.type, s.address === primary ? 'RSPrimary' : 'RSSecondary', s.address);
    assert.ok(s.roundTripTime !== null && s.roundTripTime >= 0);
  }
  closeSync(h);
});

test('an insert goes to the primary; a secondaryPreferred read to a secondary', () => {
  const { world, primary } = readySet(2);
  const h = newRuntime(world, 'mongodb://b:27017/?replicaSet=rs0');
  // Issued at once: waits for discovery, then succeeds.
  const r = runSync(h, insert('c', [{ _id: 1 }, { _id: 2 }]));
  assert.ok(r.ok, r.ok ? '' : String(r.error));
  if (!r.ok) return;
  assert.is(r.address, primary);
  assert.is(r.reply['n'], 2);
  assert.is(r.attempts, 1);
  world.scheduler.runFor(2000); // let the secondaries replicate
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const read = runSync(h, find('c', {}, { readPreference: secondaryPreferred }));
    assert.ok(read.ok, read.ok ? '' : String(read.error));
    if (!read.ok) return;
    assert.is.not(read.address, primary);
    const batch = (read.reply['cursor'] as { firstBatch: unknown[] }).firstBatch;
    assert.is(batch.length, 2);
    seen.add(read.address);
  }
  assert.ok(seen.size >= 1);
  const primaryRead = runSync(h, find('c'));
  assert.ok(primaryRead.ok);
  assert.is(primaryRead.address, primary);
  closeSync(h);
});

test('a seed list works like a connection string', async () => {
  const { world, primary } = readySet(3);
  const { simPorts } = await import('../../../harness/sim-ports.js');
  const { ClientRuntime } = await import('../../../client/runtime/runtime.js');
  const runtime = new ClientRuntime({ hosts: ['c:27017'], options: { replicaSet: 'rs0' } }, { ports: simPorts(world) });
  runtime.connect();
  world.scheduler.runFor(1000);
  assert.is(runtime.description().servers.size, 3);
  assert.is([...runtime.description().servers.values()].find((s) => s.type === 'RSPrimary')?.address, primary);
  let closed = false;
  runtime.close(() => { closed = true; });
  world.scheduler.runFor(2000);
  assert.ok(closed);
  assert.throws(() => new ClientRuntime({ hosts: [] }, { ports: simPorts(world, { clientHost: 'x' }) }), /non-empty array/);
  assert.throws(() => new ClientRuntime({ hosts: ['a:1/x'] }, { ports: simPorts(world, { clientHost: 'y' }) }), /seed host/);
});

test.run();
