import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoNetworkError, MongoServerError } from '../../../core/errors.js';
import { assertExpectedError } from '../../../spec-tests/unified/expect-error.js';
import { assertExpectedEvents } from '../../../spec-tests/unified/expect-events.js';
import type { ObservedEvent } from '../../../spec-tests/unified/entities.js';
import { MissingFeature } from '../../../spec-tests/unified/missing-feature.js';
import type { MatchEntities } from '../../../spec-tests/unified/matcher.js';

const entities: MatchEntities = { bsonEntity: () => null, sessionLsid: () => null };
const ok = (expected: Record<string, unknown>, error: unknown): boolean => {
  try {
    assertExpectedError(expected, error, 'expectError', entities);
    return true;
  } catch (e) {
    if (e instanceof MissingFeature) throw e;
    return false;
  }
};

const server = new MongoServerError('Failing command via failCommand', { code: 91, codeName: 'ShutdownInProgress', errorLabels: ['RetryableWriteError'] });
const network = new MongoNetworkError('connection closed');

test('expectError: client vs server errors, codes, code names (case-insensitive), labels, message', () => {
  assert.ok(ok({ isError: true }, network));
  assert.ok(ok({ isClientError: true }, network));
  assert.not.ok(ok({ isClientError: true }, server));
  assert.ok(ok({ isClientError: false, errorCode: 91, errorCodeName: 'shutdowninprogress' }, server));
  assert.not.ok(ok({ errorCode: 91 }, network));
  assert.not.ok(ok({ errorCode: 92 }, server));
  assert.ok(ok({ errorLabelsContain: ['RetryableWriteError'], errorLabelsOmit: ['NoWritesPerformed'] }, server));
  assert.not.ok(ok({ errorLabelsContain: ['NoWritesPerformed'] }, server));
  assert.not.ok(ok({ errorLabelsOmit: ['RetryableWriteError'] }, server));
  assert.ok(ok({ errorContains: 'FAILCOMMAND' }, server));
  assert.not.ok(ok({ errorContains: 'nope' }, server));
  assert.not.ok(ok({ unknownAssertion: 1 }, server));
  assert.throws(() => ok({ errorResponse: { code: 91 } }, server), (e: Error) => e instanceof MissingFeature);
});

test('expectError.expectResult matches the partial result an error carries', () => {
  const withResult = Object.assign(new MongoServerError('bulk failed', { code: 11000 }), { result: { insertedCount: 1, deletedCount: 0 } });
  assert.ok(ok({ expectResult: { insertedCount: 1 } }, withResult));
  assert.not.ok(ok({ expectResult: { insertedCount: 2 } }, withResult));
  assert.not.ok(ok({ expectResult: { insertedCount: 1 } }, server));
});

const started = (commandName: string, command: Record<string, unknown>): ObservedEvent => ({ type: 'commandStartedEvent', kind: 'command', event: { commandName, command, databaseName: 'db', serviceId: undefined, serverConnectionId: 7 } });
const checkedOut: ObservedEvent = { type: 'connectionCheckedOutEvent', kind: 'cmap', event: {} };

test('expectEvents: order and count per event kind; ignoreExtraEvents; hasServerConnectionId / hasServiceId', () => {
  const observed = [started('insert', { insert: 'c', lsid: {} }), checkedOut, started('find', { find: 'c' })];
  const check = (events: Record<string, unknown>[], extra = false, eventType: 'command' | 'cmap' = 'command'): boolean => {
    try {
      assertExpectedEvents({ client: 'c', eventType, events, ignoreExtraEvents: extra }, observed, entities, 'expectEvents[0]');
      return true;
    } catch {
      return false;
    }
  };
  assert.ok(check([{ commandStartedEvent: { command: { insert: 'c' } } }, { commandStartedEvent: { commandName: 'find', hasServerConnectionId: true, hasServiceId: false } }]));
  assert.not.ok(check([{ commandStartedEvent: { commandName: 'find' } }, { commandStartedEvent: { commandName: 'insert' } }]));
  assert.not.ok(check([{ commandStartedEvent: { commandName: 'insert' } }]));
  assert.ok(check([{ commandStartedEvent: { commandName: 'insert' } }], true));
  assert.ok(check([{ connectionCheckedOutEvent: {} }], false, 'cmap'));
  assert.not.ok(check([{ commandStartedEvent: { commandName: 'insert', hasServiceId: true } }], true));
  assert.throws(() => assertExpectedEvents({ client: 'c', eventType: 'command', events: [{ poolClearedEvent: {} }], ignoreExtraEvents: false }, observed, entities, 'e'), /e\.events\[0\]: expected "a command event type .*got "poolClearedEvent" \(not allowed by eventType\)/);
});

test.run();
