// command-logging-and-monitoring/tests/README.md "Prose Tests" 1-3, on a simulated replica set:
// the logged command and reply are cut at the max document length (+ "..."), and a cut never
// splits a multi-byte code point.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../../client/mongo-client.js';
import type { LogMessage } from '../../../client/logging/logger.js';
import { readyTutorialSet, settle, simPorts, tutorialHosts, tutorialWorld } from '../../../harness/index.js';

const uri = `mongodb://${tutorialHosts.join(',')}/?replicaSet=foo`;
const ellipsis = '...'.length;

function loggedClient(seed: number, maxDocumentLength?: number) {
  const world = tutorialWorld(seed);
  readyTutorialSet(world);
  const messages: LogMessage[] = [];
  const client = new MongoClient(uri, {
    ports: simPorts(world),
    mongodbLogComponentSeverities: { command: 'debug' },
    mongodbLogPath: { write: (m) => messages.push(m) },
    ...(maxDocumentLength !== undefined ? { mongodbLogMaxDocumentLength: maxDocumentLength } : {}),
  });
  const last = (message: string, commandName: string): LogMessage => {
    const found = messages.filter((m) => m.message === message && m['commandName'] === commandName).at(-1);
    assert.ok(found, `no "${message}" message for ${commandName}`);
    return found!;
  };
  return { world, client, messages, last };
}

test('prose 1: default truncation limit (1000 + "...")', async () => {
  const { world, client, last } = loggedClient(21);
  const coll = client.db('logging').collection('prose');
  await settle(world, coll.insertMany(Array.from({ length: 100 }, () => ({ x: 'y' }))));
  assert.is((last('Command started', 'insert')['command'] as string).length, 1000 + ellipsis);
  assert.ok((last('Command succeeded', 'insert')['reply'] as string).length <= 1000 + ellipsis);
  await settle(world, coll.find({}).toArray());
  assert.is((last('Command succeeded', 'find')['reply'] as string).length, 1000 + ellipsis);
  await settle(world, client.close());
});

test('prose 2: an explicit limit of 5 cuts the command, the reply and the server error', async () => {
  const { world, client, last } = loggedClient(22, 5);
  const db = client.db('logging');
  await settle(world, db.runCommand({ hello: true }));
  assert.is(last('Command started', 'hello')['command'], '{"hel...');
  assert.is((last('Command succeeded', 'hello')['reply'] as string).length, 5 + ellipsis);
  await settle(world, db.runCommand({ notARealCommand: true }).then(() => assert.unreachable('notARealCommand succeeded'), () => undefined));
  const failure = last('Command failed', 'notARealCommand')['failure'] as Record<string, unknown>;
  assert.is((failure['message'] as string).length, 5 + ellipsis);
  assert.is(failure['codeName'], 'CommandNotFound');
  await settle(world, client.close());
});

test('prose 3: multi-byte code points are never split (a cut inside a surrogate pair rounds down)', async () => {
  const cuts: number[] = [];
  for (const max of [60, 61]) {
    const { world, client, last } = loggedClient(23, max);
    await settle(world, client.db('logging').collection('prose').insertOne({ _id: 1, s: '😀'.repeat(40) }));
    const command = last('Command started', 'insert')['command'] as string;
    assert.ok(command.endsWith('...'));
    const body = command.slice(0, -ellipsis);
    assert.ok(body.includes('😀'), `the cut falls inside the emoji run: ${body}`);
    assert.not.ok(/[\ud800-\udbff]$/.test(body), 'no lone high surrogate at the cut');
    cuts.push(max - body.length);
    await settle(world, client.close());
  }
  // One of two neighbouring limits lands in the middle of a pair and is rounded down by one.
  assert.equal([...cuts].sort(), [0, 1]);
});

test.run();
