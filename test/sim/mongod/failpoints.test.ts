import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { SimClient } from '../../../sim/mongod/client.js';
import type { ServerVersion } from '../../../sim/mongod/versions.js';
import { readySet, run } from './helpers.js';

function server(version: ServerVersion = '8.0', replSet = true): { world: World; client: SimClient; host: string } {
  if (replSet) {
    const { world, client, primary } = readySet(51, { version });
    return { world, client, host: primary };
  }
  const world = new World({ seed: 52 });
  new MongodProcess(world, { host: 's:27017', version }).start();
  return { world, client: new SimClient(world), host: 's:27017' };
}

const retryableInsert = (id: number): Record<string, unknown> => ({ insert: 'c', documents: [{ _id: id }], lsid: { id: 'L' }, txnNumber: id });

test('mode {times: n} fails n matching commands then turns off; other commands unaffected', () => {
  const { client, host } = server();
  const r = run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 2 }, data: { failCommands: ['insert'], errorCode: 11600 } });
  assert.is(r['ok'], 1);
  assert.is(run(client, host, 'test', { find: 'c' })['ok'], 1, 'find is not in failCommands');
  const e1 = run(client, host, 'test', { insert: 'c', documents: [{ _id: 1 }] });
  assert.is(e1['code'], 11600);
  assert.is(e1['codeName'], 'InterruptedAtShutdown');
  assert.is(e1['errmsg'], "Failing command via 'failCommand' failpoint");
  assert.is(run(client, host, 'test', { insert: 'c', documents: [{ _id: 1 }] })['code'], 11600);
  assert.is(run(client, host, 'test', { insert: 'c', documents: [{ _id: 1 }] })['ok'], 1);
});

test('mode {skip: n} lets n through then always fails; alwaysOn; off', () => {
  const { client, host } = server();
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { skip: 1 }, data: { failCommands: ['ping'], errorCode: 2 } });
  assert.is(run(client, host, 'admin', { ping: 1 })['ok'], 1);
  assert.is(run(client, host, 'admin', { ping: 1 })['code'], 2);
  assert.is(run(client, host, 'admin', { ping: 1 })['code'], 2);
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'off' });
  assert.is(run(client, host, 'admin', { ping: 1 })['ok'], 1);
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['ping'], errorCode: 2 } });
  for (let i = 0; i < 3; i++) assert.is(run(client, host, 'admin', { ping: 1 })['code'], 2);
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'off' });
  assert.is(run(client, host, 'admin', { ping: 1 })['ok'], 1);
});

test('RetryableWriteError label: added by 4.4+ servers for retryable writes, never by 4.2; errorLabels overrides', () => {
  for (const [version, expectLabel] of [['8.0', true], ['4.4', true], ['4.2', false]] as const) {
    const { client, host } = server(version);
    run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 91 } });
    const r = run(client, host, 'test', retryableInsert(1));
    assert.is(r['code'], 91);
    assert.equal(r['errorLabels'], expectLabel ? ['RetryableWriteError'] : undefined, version);
  }
  const { client, host } = server('8.0');
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 91 } });
  assert.is(run(client, host, 'test', { insert: 'c', documents: [{ _id: 5 }] })['errorLabels'], undefined, 'not a retryable write (no txnNumber)');
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 91, errorLabels: [] } });
  assert.is(run(client, host, 'test', retryableInsert(2))['errorLabels'], undefined, 'an empty errorLabels suppresses the label');
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 2, errorLabels: ['Custom'] } });
  assert.equal(run(client, host, 'test', retryableInsert(3))['errorLabels'], ['Custom']);
});

test('closeConnection: no reply, the client sees a network error, the command is not executed', () => {
  const { client, host, world } = server();
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], closeConnection: true } });
  const outcome = client.commandSync(host, 'test', { insert: 'c', documents: [{ _id: 1 }] });
  assert.is(outcome.ok, false);
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 0);
  void world;
});

test('blockConnection + blockTimeMS delays the reply in virtual time; the command then runs', () => {
  const { client, host, world } = server();
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], blockConnection: true, blockTimeMS: 1500 } });
  const sent = world.nowMs;
  const r = run(client, host, 'test', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 1 } });
  assert.is(r['ok'], 1);
  assert.ok(world.nowMs - sent >= 1500 && world.nowMs - sent < 1600, `took ${world.nowMs - sent}`);
  const bad = run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['insert'], blockConnection: true } });
  assert.is(bad['ok'], 0, 'blockConnection needs blockTimeMS');
});

test('writeConcernError: the write is applied and the reply carries the writeConcernError', () => {
  const { client, host } = server();
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } } });
  const r = run(client, host, 'test', retryableInsert(7));
  assert.is(r['ok'], 1);
  assert.is(r['n'], 1);
  const wce = r['writeConcernError'] as Record<string, unknown>;
  assert.is(wce['code'], 91);
  assert.is(wce['errmsg'], 'Replication is being shut down');
  // A real failCommand appends data.writeConcernError verbatim: no codeName is added.
  assert.equal(Object.keys(wce).sort(), ['code', 'errmsg']);
  assert.equal(r['errorLabels'], ['RetryableWriteError']);
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 1);
});

test('appName filtering: only connections that announced the appName are affected (monitoring included)', () => {
  const { client, host, world } = server();
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['hello'], errorCode: 91, appName: 'app1' } });
  const monitor = new SimClient(world, 'monitor');
  assert.is(run(monitor, host, 'admin', { hello: 1, client: { application: { name: 'app1' } } })['code'], 91, 'hello itself counts (monitoring connection)');
  assert.is(run(monitor, host, 'admin', { hello: 1 })['code'], 91, 'the connection keeps its appName');
  const other = new SimClient(world, 'other');
  assert.is(run(other, host, 'admin', { hello: 1, client: { application: { name: 'app2' } } })['ok'], 1);
  assert.is(run(client, host, 'admin', { hello: 1 })['ok'], 1);
});

test('bad configureFailPoint input gets a clear error', () => {
  const { client, host } = server();
  assert.is(run(client, host, 'admin', { configureFailPoint: 'noSuchFailPoint', mode: 'alwaysOn' })['ok'], 0);
  assert.is(run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: { times: -1 }, data: { failCommands: ['ping'] } })['ok'], 0);
  assert.is(run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: {} })['ok'], 0);
  assert.is(run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'sometimes', data: { failCommands: ['ping'] } })['ok'], 0);
});

test('onPrimaryTransactionalWrite: the write applies, the connection drops, and the retry returns the stored result', () => {
  const { client, host } = server();
  run(client, host, 'admin', { configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 1 } });
  const body = { insert: 'c', documents: [{ _id: 1 }], lsid: { id: 'S' }, txnNumber: 1 };
  const first = client.commandSync(host, 'test', body);
  assert.is(first.ok, false);
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 1);
  assert.equal(run(client, host, 'test', body), { n: 1, ok: 1 });
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 1);
  // unified-test-format.md "onPrimaryTransactionalWrite": closeConnection defaults to true, so
  // with failBeforeCommitExceptionCode alone the write is not committed and the connection drops.
  run(client, host, 'admin', { configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 1 }, data: { failBeforeCommitExceptionCode: 1 } });
  const dropped = client.commandSync(host, 'test', { insert: 'c', documents: [{ _id: 2 }], lsid: { id: 'S' }, txnNumber: 2 });
  assert.is(dropped.ok, false);
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 1);
  // With closeConnection: false the exception code comes back as the reply.
  run(client, host, 'admin', { configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 1 }, data: { closeConnection: false, failBeforeCommitExceptionCode: 1 } });
  const failed = run(client, host, 'test', { insert: 'c', documents: [{ _id: 2 }], lsid: { id: 'S' }, txnNumber: 3 });
  assert.is(failed['code'], 1);
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 1);
});

test('onPrimaryTransactionalWrite fires only for writes that execute: a retry of an applied write is answered from the record', () => {
  const { client, host } = server();
  run(client, host, 'admin', { configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 2 } });
  const body = { insert: 'c', documents: [{ _id: 1 }], lsid: { id: 'S' }, txnNumber: 1 };
  assert.is(client.commandSync(host, 'test', body).ok, false);
  // The fail point still has one activation left, but the retry executes nothing.
  assert.equal(run(client, host, 'test', body), { n: 1, ok: 1 });
  assert.is(client.commandSync(host, 'test', { ...body, documents: [{ _id: 2 }], txnNumber: 2 }).ok, false);
  assert.is(run(client, host, 'test', { count: 'c' })['n'], 2);
});

test('fail points work on a standalone too, and reset on restart', () => {
  const world = new World({ seed: 53 });
  const p = new MongodProcess(world, { host: 's:27017' });
  p.start();
  const client = new SimClient(world);
  run(client, 's:27017', 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['ping'], errorCode: 2 } });
  assert.is(run(client, 's:27017', 'admin', { ping: 1 })['code'], 2);
  p.restart();
  assert.is(run(client, 's:27017', 'admin', { ping: 1 })['ok'], 1);
});

test('failCommands naming hello or ismaster also fails isMaster: one command under three names', () => {
  const { client, host } = server();
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['hello', 'ismaster'], errorCode: 2 } });
  assert.is(run(client, host, 'admin', { isMaster: 1 })['code'], 2);
  assert.is(run(client, host, 'admin', { hello: 1 })['code'], 2);
  assert.is(run(client, host, 'admin', { ping: 1 })['ok'], 1, 'other commands are not hello');
  run(client, host, 'admin', { configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['ping'], errorCode: 2 } });
  assert.is(run(client, host, 'admin', { isMaster: 1 })['ok'], 1, 'a list without any hello spelling leaves hello alone');
});

test.run();
