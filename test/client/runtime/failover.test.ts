import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoNetworkError } from '../../../core/errors.js';
import type { RunResult } from '../../../client/runtime/api.js';
import { readySet, newRuntime, closeSync, runSync, insert, find } from './helpers.js';

test('a retryable write started as the primary crashes succeeds after the election, retried once', () => {
  const { world, rs, primary } = readySet(11);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(h, insert('c', [{ _id: 0 }])).ok);
  let result: RunResult | null = null;
  h.runtime.run(insert('c', [{ _id: 1 }]), (r) => { result = r; });
  rs.crash(primary);
  world.scheduler.runUntil(() => result !== null, 60_000);
  const r = result as RunResult | null;
  assert.ok(r !== null, 'the write finished');
  if (r === null || !r.ok) return assert.unreachable(r === null ? 'no result' : String(r.error));
  assert.is(r.attempts, 2);
  assert.is.not(r.address, primary);
  assert.is(rs.primary(), r.address);
  const retries = h.events.filter((e) => e.name === 'retrying');
  assert.is(retries.length, 1);
  // The retry carried the same lsid and txnNumber (retryable-writes.md).
  const started = h.events.filter((e) => e.name === 'commandStarted' && (e['command'] as Record<string, unknown>)['insert'] === 'c').slice(-2);
  assert.is(started.length, 2);
  const [first, second] = started.map((e) => e['command'] as Record<string, unknown>);
  assert.equal(first!['lsid'], second!['lsid']);
  assert.is(first!['txnNumber'], second!['txnNumber']);
  closeSync(h);
});

test('a read with retryReads=false fails once with MongoNetworkError, then succeeds on the new primary', () => {
  const { world, rs, primary } = readySet(12);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&retryReads=false');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  let result: RunResult | null = null;
  h.runtime.run(find('c'), (r) => { result = r; });
  rs.crash(primary);
  world.scheduler.runUntil(() => result !== null, 60_000);
  const r = result as RunResult | null;
  if (r === null || r.ok) return assert.unreachable('the read should fail');
  assert.instance(r.error, MongoNetworkError);
  assert.is(r.attempts, 1);
  assert.is(r.address, primary);
  const again = runSync(h, find('c'));
  if (!again.ok) return assert.unreachable(String(again.error));
  assert.is(again.address, rs.primary());
  assert.is.not(again.address, primary);
  closeSync(h);
});

test('per-operation retry override: retryWrites=false fails the write on the crash', () => {
  const { world, rs, primary } = readySet(13);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(h, insert('c', [{ _id: 0 }])).ok);
  let result: RunResult | null = null;
  h.runtime.run({ ...insert('c', [{ _id: 1 }]), retryWrites: false }, (r) => { result = r; });
  rs.crash(primary);
  world.scheduler.runUntil(() => result !== null, 60_000);
  const r = result as RunResult | null;
  if (r === null || r.ok) return assert.unreachable('the write should fail');
  assert.instance(r.error, MongoNetworkError);
  assert.is(r.attempts, 1);
  closeSync(h);
});

test('the old primary restarts and rejoins as a secondary', () => {
  const { world, rs, primary } = readySet(14);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  h.runtime.connect();
  world.scheduler.runFor(1000);
  rs.crash(primary);
  const next = rs.waitForPrimary(60_000);
  assert.ok(next !== null && next !== primary);
  world.scheduler.runFor(12_000);
  assert.is(h.runtime.description().servers.get(primary)?.type, 'Unknown');
  rs.restart(primary);
  world.scheduler.runFor(25_000);
  assert.is(h.runtime.description().servers.get(primary)?.type, 'RSSecondary');
  assert.is(h.runtime.description().servers.get(next!)?.type, 'RSPrimary');
  closeSync(h);
});

test.run();
