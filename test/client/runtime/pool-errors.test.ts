/** Handshake errors of application connections: backpressure labels, and background (minPoolSize) errors reaching SDAM. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { newRuntime, closeSync, runSync, insert } from './helpers.js';

const host = 's:27017';

function standalone(seed: number, failHello: Record<string, unknown>): { world: World } {
  const world = new World({ seed });
  new MongodProcess(world, { host, version: '8.0' }).start();
  const admin = new SimClient(world, 'setup');
  const r = admin.commandSync(host, 'admin', { configureFailPoint: 'failCommand', ...failHello });
  if (!r.ok || (r.reply as Record<string, unknown>)['ok'] !== 1) throw new Error('failpoint not set');
  return { world };
}

test('a network error during the handshake is labelled SystemOverloadedError + RetryableError and leaves SDAM and the pool alone', () => {
  // The monitor's handshake (appName matches too) is let through with skip: 1.
  const { world } = standalone(81, { mode: { skip: 1 }, data: { failCommands: ['hello', 'isMaster'], appName: 'bp', closeConnection: true } });
  const h = newRuntime(world, `mongodb://${host}/?appname=bp&retryWrites=false&serverMonitoringMode=poll&heartbeatFrequencyMS=1000000`);
  const r = runSync(h, insert('c', [{ _id: 1 }]));
  if (r.ok) return assert.unreachable('the handshake fails');
  assert.equal((r.error as { errorLabels?: string[] }).errorLabels, ['SystemOverloadedError', 'RetryableError']);
  assert.ok((r.error as { hasErrorLabel(l: string): boolean }).hasErrorLabel('SystemOverloadedError'));
  assert.not.ok(h.events.some((e) => e.name === 'connectionPoolCleared'), 'pool not cleared');
  assert.is(h.runtime.description().servers.get(host)!.type, 'Standalone', 'server not marked Unknown');
  closeSync(h);
});

test('a server error on a background (minPoolSize) handshake marks the server Unknown and clears the pool', () => {
  const { world } = standalone(82, { mode: { skip: 1 }, data: { failCommands: ['hello', 'isMaster'], appName: 'mp', errorCode: 91 } });
  const h = newRuntime(world, `mongodb://${host}/?appname=mp&minPoolSize=2&serverMonitoringMode=poll&heartbeatFrequencyMS=10000`);
  h.runtime.connect();
  world.scheduler.runFor(2000);
  assert.ok(h.events.some((e) => e.name === 'connectionPoolCleared'), 'pool cleared');
  assert.ok(h.events.some((e) => e.name === 'serverDescriptionChanged' && (e['newDescription'] as { type: string }).type === 'Unknown'), 'server marked Unknown');
  closeSync(h);
});

test.run();
