import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SpecMismatch } from '../../../spec-tests/assert.js';
import { assertExpectedLogs, parseExpectedLogs, type ObservedLogMessage } from '../../../spec-tests/unified/expect-logs.js';
import type { MatchEntities } from '../../../spec-tests/unified/matcher.js';

const entities: MatchEntities = { bsonEntity: () => null, sessionLsid: () => null };
const msg = (message: string, extra: Record<string, unknown> = {}, level = 'debug', component = 'command'): ObservedLogMessage => ({ level, component, data: { message, ...extra } });
const want = (message: string, extra: Record<string, unknown> = {}, level = 'debug', component = 'command') => ({ level, component, data: { message, ...extra } });

function passes(expected: Record<string, unknown>, observed: ObservedLogMessage[]): boolean {
  try {
    assertExpectedLogs(parseExpectedLogs({ client: 'c', ...expected }, 'expectLogMessages[0]'), observed, entities, 'expectLogMessages[0]');
    return true;
  } catch (e) {
    if (e instanceof SpecMismatch) return false;
    throw e;
  }
}

const started = msg('Command started', { commandName: 'ping', requestId: 3 });
const succeeded = msg('Command succeeded', { commandName: 'ping', reply: '{"ok":1}' });

test('messages match in number and order; data is a root document (extra fields allowed); level and component are equal', () => {
  assert.ok(passes({ messages: [want('Command started'), want('Command succeeded')] }, [started, succeeded]));
  assert.not.ok(passes({ messages: [want('Command succeeded'), want('Command started')] }, [started, succeeded]));
  assert.not.ok(passes({ messages: [want('Command started')] }, [started, succeeded]), 'an extra message fails');
  assert.not.ok(passes({ messages: [want('Command started', {}, 'info')] }, [started]), 'level must be equal');
  assert.not.ok(passes({ messages: [want('Command started', {}, 'debug', 'connection')] }, [started]), 'component must be equal');
  assert.ok(passes({ messages: [] }, []));
  assert.not.ok(passes({ messages: [] }, [started]), 'an empty list asserts that nothing was logged');
});

test('ignoreExtraMessages allows a tail; ignoreMessages drops matching messages anywhere before matching', () => {
  assert.ok(passes({ messages: [want('Command started')], ignoreExtraMessages: true }, [started, succeeded]));
  assert.ok(passes({ messages: [want('Command succeeded')], ignoreMessages: [want('Command started')] }, [started, succeeded]));
  assert.not.ok(passes({ messages: [want('Command succeeded')], ignoreMessages: [want('Command started', { commandName: 'find' })] }, [started, succeeded]));
});

test('failureIsRedacted: a redacted failure has no message, an unredacted one has it, and a failure must be present', () => {
  const redacted = msg('Command failed', { failure: { name: 'MongoServerError', code: 18 } });
  const plain = msg('Command failed', { failure: { name: 'MongoNetworkError', message: 'closed' } });
  const expectFailed = (r: boolean) => ({ ...want('Command failed'), failureIsRedacted: r });
  assert.ok(passes({ messages: [expectFailed(true)] }, [redacted]));
  assert.not.ok(passes({ messages: [expectFailed(true)] }, [plain]));
  assert.ok(passes({ messages: [expectFailed(false)] }, [plain]));
  assert.not.ok(passes({ messages: [expectFailed(false)] }, [redacted]));
  assert.not.ok(passes({ messages: [expectFailed(false)] }, [msg('Command failed')]));
});

test('a malformed expectation names the bad part', () => {
  assert.throws(() => parseExpectedLogs({ client: 'c' }, 'expectLogMessages[0]'), /expectLogMessages\[0\]\.messages: is required/);
  assert.throws(() => parseExpectedLogs({ client: 'c', messages: [{ level: 'debug', component: 'command' }] }, 'e'), /e\.messages\[0\]\.data: must be an object/);
  assert.throws(() => parseExpectedLogs({ client: 'c', messages: [], extra: 1 }, 'e'), /e: unknown field 'extra'/);
  assert.throws(() => parseExpectedLogs({ client: 'c', messages: [], ignoreExtraMessages: 'yes' }, 'e'), /ignoreExtraMessages: must be a boolean/);
});

test.run();
