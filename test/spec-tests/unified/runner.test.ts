import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUnifiedFile, UnifiedSchemaError } from '../../../spec-tests/unified/schema.js';
import { compareVersions, planCluster } from '../../../spec-tests/unified/requirements.js';
import { MissingFeature } from '../../../spec-tests/unified/missing-feature.js';
import { runUnifiedTest } from '../../../spec-tests/unified/runner.js';
import { SpecMismatch } from '../../../spec-tests/assert.js';

/** A small file in the unified format: one insert, its events, and the outcome. */
function file(overrides: { expectEvents?: unknown; outcome?: unknown; operations?: unknown[]; runOnRequirements?: unknown } = {}): unknown {
  return {
    description: 'runner self-test',
    schemaVersion: '1.9',
    ...(overrides.runOnRequirements !== undefined ? { runOnRequirements: overrides.runOnRequirements } : {}),
    createEntities: [
      { client: { id: 'client0', observeEvents: ['commandStartedEvent', 'commandSucceededEvent'] } },
      { database: { id: 'database0', client: 'client0', databaseName: 'db' } },
      { collection: { id: 'collection0', database: 'database0', collectionName: 'coll' } },
    ],
    initialData: [{ collectionName: 'coll', databaseName: 'db', documents: [{ _id: 1, x: 11 }] }],
    tests: [
      {
        description: 'insert',
        operations: overrides.operations ?? [
          { name: 'insertOne', object: 'collection0', arguments: { document: { _id: 2, x: 22 } }, expectResult: { insertedId: 2 } },
        ],
        expectEvents: overrides.expectEvents ?? [
          {
            client: 'client0',
            events: [
              { commandStartedEvent: { command: { insert: 'coll', documents: [{ _id: 2, x: 22 }], lsid: { $$type: 'object' } }, commandName: 'insert', databaseName: 'db' } },
              { commandSucceededEvent: { reply: { ok: 1, n: 1 }, commandName: 'insert' } },
            ],
          },
        ],
        outcome: overrides.outcome ?? [{ collectionName: 'coll', databaseName: 'db', documents: [{ _id: 1, x: 11 }, { _id: 2, x: 22 }] }],
      },
    ],
  };
}

async function run(json: unknown, seed = 1): Promise<void> {
  const parsed = parseUnifiedFile(json);
  await runUnifiedTest(parsed, parsed.tests[0]!, { seed });
}

async function failure(json: unknown): Promise<Error> {
  try {
    await run(json);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the test passed but should have failed');
}

test('a passing test passes on a fresh replica set, whatever the seed', async () => {
  await run(file(), 1);
  await run(file(), 2);
});

test('a wrong expected event, result or outcome fails naming the path', async () => {
  const badEvent = await failure(file({ expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: { command: { insert: 'other' } } }, { commandSucceededEvent: {} }] }] }));
  assert.instance(badEvent, SpecMismatch);
  assert.match(badEvent.message, /expectEvents\[0\]\.events\[0\]\.commandStartedEvent\.command\.insert/);
  const extraEvent = await failure(file({ expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: {} }] }] }));
  assert.match(extraEvent.message, /events\.length: expected 1, got 2/);
  const badResult = await failure(file({ operations: [{ name: 'insertOne', object: 'collection0', arguments: { document: { _id: 2 } }, expectResult: { insertedId: 3 } }] }));
  assert.match(badResult.message, /expectResult\.insertedId: expected 3, got 2/);
  const badOutcome = await failure(file({ outcome: [{ collectionName: 'coll', databaseName: 'db', documents: [{ _id: 1, x: 11 }] }] }));
  assert.match(badOutcome.message, /outcome\[0\]\.documents\.length: expected 1, got 2/);
});

test('expectError: a server error through a fail point, and an error that did not happen', async () => {
  const failPoint = { name: 'failPoint', object: 'testRunner', arguments: { client: 'client0', failPoint: { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 2 } } } };
  const insert = { name: 'insertOne', object: 'collection0', arguments: { document: { _id: 2 } } };
  await run(file({
    operations: [failPoint, { ...insert, expectError: { isClientError: false, errorCode: 2, errorLabelsOmit: ['RetryableWriteError'] } }],
    // The runner's own configureFailPoint is never observed.
    expectEvents: [{ client: 'client0', events: [{ commandStartedEvent: { commandName: 'insert' } }] }],
    outcome: [{ collectionName: 'coll', databaseName: 'db', documents: [{ _id: 1, x: 11 }] }],
  }));
  const noError = await failure(file({ operations: [{ ...insert, expectError: { isError: true } }] }));
  assert.match(noError.message, /expectError: expected "an error"/);
});

test('threads run operations concurrently; waitForThread reports their failure; topology descriptions are recorded', async () => {
  const thread = (n: number, id: number, expectResult: unknown) => ({
    name: 'runOnThread', object: 'testRunner',
    arguments: { thread: `thread${n}`, operation: { name: 'insertOne', object: 'collection0', arguments: { document: { _id: id } }, expectResult } },
  });
  const create = { name: 'createEntities', object: 'testRunner', arguments: { entities: [{ thread: { id: 'thread0' } }, { thread: { id: 'thread1' } }] } };
  const topology = [
    { name: 'recordTopologyDescription', object: 'testRunner', arguments: { client: 'client0', id: 'td' } },
    { name: 'assertTopologyType', object: 'testRunner', arguments: { topologyDescription: 'td', topologyType: 'ReplicaSetWithPrimary' } },
  ];
  const wait = (n: number) => ({ name: 'waitForThread', object: 'testRunner', arguments: { thread: `thread${n}` } });
  await run(file({
    operations: [create, thread(0, 2, { insertedId: 2 }), thread(1, 3, { insertedId: 3 }), wait(0), wait(1), ...topology],
    expectEvents: [],
    outcome: [{ collectionName: 'coll', databaseName: 'db', documents: [{ _id: 1, x: 11 }, { _id: 2 }, { _id: 3 }] }],
  }));
  const failed = await failure(file({ operations: [create, thread(0, 2, { insertedId: 4 }), wait(0)], expectEvents: [] }));
  assert.match(failed.message, /expectResult\.insertedId: expected 4, got 2/);
  const ping = { name: 'runCommand', object: 'database0', arguments: { command: { ping: 1 }, commandName: 'ping' } };
  const wrongType = await failure(file({ operations: [ping, { ...topology[0] }, { ...topology[1], arguments: { topologyDescription: 'td', topologyType: 'Single' } }], expectEvents: [] }));
  assert.match(wrongType.message, /topologyType: expected "Single", got "ReplicaSetWithPrimary"/);
});

test('assertNumberConnectionsCheckedOut counts connections out of the pools now', async () => {
  const insert = { name: 'insertOne', object: 'collection0', arguments: { document: { _id: 2, x: 22 } } };
  const count = (connections: number) => ({ name: 'assertNumberConnectionsCheckedOut', object: 'testRunner', arguments: { client: 'client0', connections } });
  await run(file({ operations: [insert, count(0)] }));
  const wrong = await failure(file({ operations: [insert, count(1)] }));
  assert.match(wrong.message, /connections: expected 1, got 0/);
});

test('schema errors name the bad field', () => {
  assert.throws(() => parseUnifiedFile({ description: 'x', schemaVersion: '1.0', tests: [{ description: 't', operations: [{ object: 'c' }] }] }), (e: Error) => e instanceof UnifiedSchemaError && /tests\[0\]\.operations\[0\]\.name: must be a string/.test(e.message));
  assert.throws(() => parseUnifiedFile({ description: 'x', schemaVersion: '2.0', tests: [] }), /schemaVersion: 2\.0 is not supported/);
  assert.throws(() => parseUnifiedFile({ description: 'x', schemaVersion: '1.0', tests: [], bogus: 1 }), /unknown field 'bogus'/);
  assert.throws(() => parseUnifiedFile({ description: 'x', schemaVersion: '1.0', runOnRequirements: [{ topologies: ['mainframe'] }], tests: [] }), /runOnRequirements\[0\]\.topologies\[0\]: unknown topology/);
});

test('requirements pick a topology and the newest version inside the range, or name the missing feature', () => {
  assert.equal(planCluster(undefined, undefined), { topology: 'replicaset', version: '8.0' });
  assert.equal(planCluster([{ minServerVersion: '4.0', topologies: ['single', 'replicaset'] }], [{ maxServerVersion: '4.4.99' }]), { topology: 'replicaset', version: '4.4' });
  assert.equal(planCluster([{ topologies: ['sharded'] }], undefined), { topology: 'sharded', version: '8.0' });
  assert.equal(planCluster([{ topologies: ['load-balanced'] }], undefined), { topology: 'load-balanced', version: '8.0' });
  assert.throws(() => planCluster([{ auth: true }], undefined), (e: Error) => e instanceof MissingFeature && /authentication/.test(e.message));
  assert.throws(() => planCluster([{ maxServerVersion: '3.6' }], undefined), (e: Error) => e instanceof MissingFeature && /server version <= 3\.6/.test(e.message));
  assert.ok(compareVersions('4.0.10', '4.0.9') > 0);
  assert.ok(compareVersions('4.2', '4.2.0') === 0);
});

test('a test on a standalone and on a sharded cluster', async () => {
  await run(file({ runOnRequirements: [{ topologies: ['single'] }] }));
  await run(file({ runOnRequirements: [{ topologies: ['sharded'] }] }));
});

test.run();
