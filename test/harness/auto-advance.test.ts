// Driver-style code on the simulator: a plain `await coll.insertOne(...)` works because
// simPorts(world) advances virtual time by itself while a client operation is pending; with
// `autoAdvance: false` such an await fails loudly instead of hanging. Every await of the
// simulated client here is bounded in real time, so a regression fails instead of hanging.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from '../../client/mongo-client.js';
import { readyTutorialSet, settle, simPorts, tutorialHosts, tutorialWorld } from '../../harness/index.js';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const uri = `mongodb://${tutorialHosts.join(',')}/?replicaSet=foo`;
/** Real time a plain await may take here before the test calls it a hang (ms of wall time). */
const hangAfterRealMs = 10_000;

/** `promise`, or a rejection when it is still pending after `realMs` of wall time. */
function withinRealMs<T>(promise: Promise<T>, what: string, realMs: number = hangAfterRealMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${realMs} ms of real time (virtual time did not move)`)), realMs);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

function readyWorld(seed: number) {
  const world = tutorialWorld(seed);
  const { rs, primary } = readyTutorialSet(world);
  assert.ok(primary !== null, 'no primary');
  return { world, rs, primary: primary! };
}

test('plain await: insertOne and findOne on a simulated replica set', async () => {
  const { world } = readyWorld(11);
  const client = new MongoClient(uri, { ports: simPorts(world) });
  const coll = client.db('app').collection('items');
  const t0 = world.nowMs;
  const inserted = await withinRealMs(coll.insertOne({ _id: 1, name: 'a' }), 'insertOne');
  assert.is(inserted.acknowledged, true);
  assert.is(inserted.insertedId, 1);
  const found = await withinRealMs(coll.findOne({ _id: 1 }), 'findOne');
  assert.equal(found, { _id: 1, name: 'a' });
  assert.ok(world.nowMs > t0, 'virtual time moved while the operations ran');
  await withinRealMs(client.close(), 'close');
});

/** An async test body as a new user writes it: plain awaits throughout, a failover in the middle. */
async function failoverBody(seed: number): Promise<string[]> {
  const { world, rs, primary } = readyWorld(seed);
  const log: string[] = [];
  const client = new MongoClient(uri, { ports: simPorts(world) });
  client.on('commandStarted', (e) => {
    if (e.commandName === 'insert') log.push(`${world.nowMs} insert -> ${String(e.address)}`);
  });
  const coll = client.db('app').collection('items');
  await withinRealMs(coll.insertOne({ _id: 1 }), 'first insert');
  log.push(`${world.nowMs} primary ${String(client.primary)}`);
  rs.crash(primary);
  const second = await withinRealMs(coll.insertOne({ _id: 2 }), 'insert during the failover');
  assert.is(second.insertedId, 2);
  log.push(`${world.nowMs} new primary ${String(client.primary)}`);
  assert.ok(client.primary !== null && client.primary !== primary, `a new primary was found (was ${primary}, now ${String(client.primary)})`);
  const docs = await withinRealMs(coll.find({}).toArray(), 'find');
  log.push(`${world.nowMs} found ${JSON.stringify(docs)}`);
  await withinRealMs(client.close(), 'close');
  assert.equal(rs.violations, []);
  return log;
}

test('plain await: a failover in an async body (crash the primary, the retried write succeeds), deterministic', async () => {
  const first = await failoverBody(12);
  const inserts = first.filter((line) => line.includes(' insert -> '));
  assert.ok(inserts.length >= 3, `the second insert was retried on the new primary:\n${first.join('\n')}`);
  assert.ok(first.some((line) => line.endsWith('found [{"_id":1},{"_id":2}]')), first.join('\n'));
  assert.equal(await failoverBody(12), first, 'same seed, same log');
});

test('plain await mixes with settle', async () => {
  const { world } = readyWorld(13);
  const client = new MongoClient(uri, { ports: simPorts(world) });
  const coll = client.db('app').collection('items');
  await settle(world, coll.insertOne({ _id: 1 }));
  await withinRealMs(coll.insertOne({ _id: 2 }), 'plain insert after settle');
  // A plain await and a settle on different promises at once: settle drives, the other completes too.
  const plain = coll.insertOne({ _id: 3 });
  assert.is((await settle(world, coll.insertOne({ _id: 4 }))).insertedId, 4);
  assert.is((await withinRealMs(plain, 'plain insert started before settle')).insertedId, 3);
  assert.is(await withinRealMs(coll.countDocuments({}), 'countDocuments'), 4);
  await settle(world, client.close());
});

test('plain await: an operation that cannot succeed fails in virtual time with its real error', async () => {
  const world = tutorialWorld(14); // nothing started: every connection is refused
  const client = new MongoClient(`${uri}&serverSelectionTimeoutMS=2000`, { ports: simPorts(world) });
  const t0 = world.nowMs;
  try {
    await withinRealMs(client.db('app').collection('items').insertOne({ _id: 1 }), 'insert with no servers');
    assert.unreachable('the insert should fail');
  } catch (error) {
    assert.is((error as Error).name, 'MongoServerSelectionError', String(error));
  }
  assert.ok(world.nowMs - t0 >= 2000, `failed after serverSelectionTimeoutMS of virtual time (${world.nowMs - t0} ms)`);
  await withinRealMs(client.close(), 'close');
});

test('virtual time stands still while no operation is pending', async () => {
  const { world } = readyWorld(15);
  const client = new MongoClient(uri, { ports: simPorts(world) });
  await withinRealMs(client.db('app').collection('items').insertOne({ _id: 1 }), 'insert');
  const idleFrom = world.nowMs;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(world.nowMs, idleFrom, 'real time passing with nothing awaited on the client does not move virtual time');
  await withinRealMs(client.close(), 'close');
});

test('simPorts rejects a bad autoAdvance or stallGraceMs, naming it', () => {
  const world = tutorialWorld(16);
  assert.throws(() => simPorts(world, { autoAdvance: 'yes' as unknown as boolean }), /autoAdvance/);
  assert.throws(() => simPorts(world, { autoAdvance: false, stallGraceMs: -1 }), /stallGraceMs/);
});

/** Runs an ES module script (importing the built package from dist/) in a child node process. */
function runScript(source: string, realLimitMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-async-'));
  const file = path.join(dir, 'script.mjs');
  fs.writeFileSync(file, source.replaceAll('DIST/', `${pathToUrl(distRoot)}/`));
  const started = Date.now();
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: realLimitMs, killSignal: 'SIGKILL' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, wallMs: Date.now() - started };
}

function pathToUrl(p: string): string {
  return new URL(`file://${p}`).href;
}

const scriptPrelude = `
import { MongoClient } from 'DIST/client/index.js';
import { readyTutorialSet, simPorts, tutorialWorld } from 'DIST/harness/index.js';
const world = tutorialWorld(21);
const { rs, primary } = readyTutorialSet(world);
`;

test('after client.close() nothing keeps the process alive (a child process exits by itself)', () => {
  const r = runScript(
    `${scriptPrelude}
const client = new MongoClient('${uri}', { ports: simPorts(world) });
const coll = client.db('app').collection('items');
await coll.insertOne({ _id: 1 });
rs.crash(primary);
await coll.insertOne({ _id: 2 });
console.log('count', await coll.countDocuments({}));
await client.close();
console.log('closed at', world.nowMs > 0);
`,
    60_000,
  );
  assert.is(r.signal, null, `the process was killed after ${r.wallMs} ms: it did not exit by itself\n${r.stderr}`);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'count 2\nclosed at true\n');
});

test('a client left open does not keep the process alive either once nothing is pending', () => {
  const r = runScript(
    `${scriptPrelude}
const client = new MongoClient('${uri}', { ports: simPorts(world) });
await client.db('app').collection('items').insertOne({ _id: 1 });
console.log('inserted');
`,
    60_000,
  );
  assert.is(r.signal, null, `the process was killed after ${r.wallMs} ms\n${r.stderr}`);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'inserted\n');
});

test('autoAdvance: false: a plain await fails at once with an error that says what to do', () => {
  const r = runScript(
    `${scriptPrelude}
const client = new MongoClient('${uri}', { ports: simPorts(world, { autoAdvance: false, stallGraceMs: 100 }) });
await client.db('app').collection('items').insertOne({ _id: 1 });
console.log('not reached');
`,
    60_000,
  );
  assert.is(r.signal, null, `the process hung until killed after ${r.wallMs} ms\n${r.stderr}`);
  assert.is.not(r.status, 0);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /nothing advances its virtual time/);
  assert.match(r.stderr, /settle\(world, promise\)/);
  assert.match(r.stderr, /autoAdvance/);
});

test('autoAdvance: false: settle and driving the scheduler yourself still work, with no false alarm', async () => {
  const { world } = readyWorld(17);
  const ports = simPorts(world, { autoAdvance: false, stallGraceMs: 20 });
  const client = new MongoClient(uri, { ports });
  const coll = client.db('app').collection('items');
  assert.is((await settle(world, coll.insertOne({ _id: 1 }))).insertedId, 1);
  // Nothing advances on its own: a pending operation stays pending while real time passes...
  let done = false;
  const pending = coll.insertOne({ _id: 2 }).then(() => { done = true; });
  const frozenAt = world.nowMs;
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(world.nowMs, frozenAt);
  assert.is(done, false);
  // ...until the caller drives the scheduler (here by hand, one step per macrotask).
  for (let i = 0; !done && i < 100_000; i++) {
    world.scheduler.step();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await pending;
  assert.ok(done);
  await settle(world, client.close());
  // Longer than stallGraceMs with nothing pending: no alarm (an uncaught error would fail this run).
  await new Promise((resolve) => setTimeout(resolve, 60));
});

test.run();
