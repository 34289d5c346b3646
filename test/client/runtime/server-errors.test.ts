import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunResult } from '../../../client/runtime/api.js';
import { readySet, newRuntime, closeSync, runSync, insert } from './helpers.js';

function failPoint(mode: unknown, data: Record<string, unknown>) {
  return { kind: 'command' as const, databaseName: 'admin', command: { configureFailPoint: 'failCommand', mode, data } };
}

test('a retryable server error: the write is retried once with the same txnNumber', () => {
  const { world, primary } = readySet(81);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(h, failPoint({ times: 1 }, { failCommands: ['insert'], errorCode: 91, errorLabels: ['RetryableWriteError'] })).ok);
  const r = runSync(h, insert('c', [{ _id: 1 }]));
  if (!r.ok) return assert.unreachable(String(r.error));
  assert.is(r.attempts, 2);
  assert.is(r.address, primary);
  const failedInsert = h.events.find((e) => e.name === 'commandFailed' && e['commandName'] === 'insert');
  assert.is((failedInsert?.['failure'] as { code?: number } | undefined)?.code, 91);
  const inserts = h.events.filter((e) => e.name === 'commandStarted' && e['commandName'] === 'insert').map((e) => e['command'] as Record<string, unknown>);
  assert.is(inserts.length, 2);
  assert.is(inserts[0]!['txnNumber'], inserts[1]!['txnNumber']);
  assert.is(h.events.filter((e) => e.name === 'retrying').length, 1);
  closeSync(h);
});

test('a failed connection handshake fails the check-out and closes the connection as an error', () => {
  const { world } = readySet(82);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&retryWrites=false');
  assert.ok(runSync(h, failPoint({ times: 1 }, { failCommands: ['isMaster'], errorCode: 11600 })).ok);
  const results: RunResult[] = [];
  // Two at once: the second needs a new connection, whose handshake hits the fail point.
  for (let i = 0; i < 2; i++) h.runtime.run(insert('c', [{ _id: i }]), (r) => results.push(r));
  world.scheduler.runUntil(() => results.length === 2, 30_000);
  assert.is(results.length, 2);
  const failed = results.filter((r) => !r.ok);
  assert.is(failed.length, 1);
  assert.is((failed[0] as { error: { code?: number } }).error.code, 11600);
  assert.ok(h.events.some((e) => e.name === 'connectionCheckOutFailed' && e['reason'] === 'connectionError'));
  assert.ok(h.events.some((e) => e.name === 'connectionClosed' && e['reason'] === 'error'));
  world.scheduler.runFor(5_000);
  assert.ok(runSync(h, insert('c', [{ _id: 9 }])).ok, 'recovers once the monitor sees the server again');
  closeSync(h);
  assert.is(h.ports.openConnections(), 0);
});

test('a monitor check that times out clears the pool and interrupts in-use connections', () => {
  const { world, primary } = readySet(83);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&connectTimeoutMS=1000&heartbeatFrequencyMS=500&serverMonitoringMode=poll&retryReads=false');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  // The primary stops answering anyone (its replies are held back) for a while.
  world.network.clog(primary, 'client', 5_000, false);
  let result: RunResult | null = null;
  h.runtime.run({ kind: 'read', databaseName: 'test', command: { find: 'c', filter: {} } }, (r) => { result = r; });
  world.scheduler.runUntil(() => result !== null, 10_000);
  const r = result as RunResult | null;
  if (r === null || r.ok) return assert.unreachable('the read must be interrupted');
  assert.ok(h.events.some((e) => e.name === 'connectionPoolCleared' && e['interruptInUseConnections'] === true));
  assert.match(r.error.message, /interrupted due to server monitor timeout/);
  closeSync(h);
});

test.run();
