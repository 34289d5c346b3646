import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../../client/mongo-client.js';
import { MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from '../../../core/errors.js';
import { logOptionsFromEnvironment, resolveLoggerSettings, type LogMessage } from '../../../client/logging/logger.js';
import { documentText, truncateText } from '../../../client/logging/extended-json.js';
import { errorFields, hostPort } from '../../../client/logging/messages.js';
import { severityEnabled } from '../../../client/logging/severity.js';
import { fakeClientOptions, ok } from '../fake-runtime.js';

function loggingClient(extra: Record<string, unknown>) {
  const messages: LogMessage[] = [];
  const { options, holder } = fakeClientOptions(() => ok({}), { mongodbLogPath: { write: (m: LogMessage) => messages.push(m) }, ...extra });
  const client = new MongoClient('mongodb://a:27017/', options);
  return { client, runtime: holder.runtime!, messages };
}

const started = {
  name: 'commandStarted', commandName: 'find', databaseName: 'db', requestId: 7, operationId: 3, address: 'a:27017', connectionId: 2,
  serverConnectionId: 11, serviceId: undefined, command: { find: 'c', filter: { x: 'y'.repeat(2000) } },
};

test('command messages: the spec names and fields, the command as relaxed Extended JSON with $db, cut at 1000 + "..."', () => {
  const { runtime, messages } = loggingClient({ mongodbLogComponentSeverities: { command: 'debug' } });
  runtime.emit(started);
  assert.is(messages.length, 1);
  const m = messages[0]!;
  assert.is(m.c, 'command');
  assert.is(m.s, 'debug');
  assert.is(m.message, 'Command started');
  assert.equal({ ...m, t: undefined, command: undefined }, {
    t: undefined, c: 'command', s: 'debug', message: 'Command started', commandName: 'find', databaseName: 'db', requestId: 7, operationId: 3,
    driverConnectionId: 2, serverHost: 'a', serverPort: 27017, serverConnectionId: 11, command: undefined,
  });
  assert.ok('serviceId' in m === false, 'absent fields are left out, not null');
  const text = m['command'] as string;
  assert.is(text.length, 1003);
  assert.ok(text.startsWith('{"find":"c","filter":{"x":"yyy'));
  assert.ok(text.endsWith('...'));
});

test('mongodbLogMaxDocumentLength sets the cut; components and levels filter messages', () => {
  const { runtime, messages } = loggingClient({ mongodbLogComponentSeverities: { command: 'info', connection: 'debug' }, mongodbLogMaxDocumentLength: 20 });
  runtime.emit(started);
  runtime.emit({ name: 'connectionCheckOutStarted', address: 'a:27017' });
  assert.equal(messages.map((m) => m.message), ['Connection checkout started']);
  const { runtime: r2, messages: m2 } = loggingClient({ mongodbLogComponentSeverities: { default: 'debug' }, mongodbLogMaxDocumentLength: 20 });
  r2.emit(started);
  assert.is(m2[m2.length - 1]!['command'], '{"find":"c","filter"...');
});

test('nothing configured: no logger, nothing written', () => {
  const { runtime, messages } = loggingClient({});
  runtime.emit(started);
  assert.is(messages.length, 0);
});

test('a sensitive command is logged with an empty command and a redacted failure', () => {
  const { runtime, messages } = loggingClient({ mongodbLogComponentSeverities: { command: 'debug' } });
  runtime.emit({ ...started, commandName: 'saslStart', command: { saslStart: 1, payload: 'secret' } });
  runtime.emit({ ...started, name: 'commandFailed', commandName: 'saslStart', duration: 1, failure: new MongoServerError('', { code: 18, codeName: 'AuthenticationFailed' }) });
  assert.is(messages[0]!['command'], '{}');
  assert.equal(messages[1]!['failure'], { name: 'MongoServerError', code: 18, codeName: 'AuthenticationFailed' });
  assert.not.ok(JSON.stringify(messages).includes('secret'));
});

test('connection, topology and server selection messages', () => {
  const { runtime, messages } = loggingClient({ mongodbLogComponentSeverities: { default: 'debug' } });
  runtime.emit({ name: 'connectionPoolCreated', address: 'a:27017', options: { maxPoolSize: 5 } });
  runtime.emit({ name: 'connectionClosed', address: 'a:27017', connectionId: 1, reason: 'poolClosed', error: null });
  runtime.emit({ name: 'connectionCheckOutFailed', address: 'a:27017', reason: 'connectionError', durationMS: 3, error: new MongoNetworkError('reset') });
  runtime.emit({ name: 'serverSelectionWaiting', operation: 'insert', operationId: 1, selector: null, topology: undefined, remainingTimeMS: 500 });
  const [created, closed, failed, waiting] = messages.slice(-4);
  assert.equal({ ...created, t: 0 }, { t: 0, c: 'connection', s: 'debug', message: 'Connection pool created', serverHost: 'a', serverPort: 27017, maxPoolSize: 5 });
  assert.is(closed!['reason'], 'Connection pool was closed');
  assert.not.ok('error' in closed!);
  assert.is(failed!['reason'], 'An error occurred while trying to establish a new connection');
  assert.equal(failed!['error'], { name: 'MongoNetworkError', message: 'reset' });
  assert.is(waiting!.s, 'info');
  assert.is(waiting!.message, 'Waiting for suitable server to become available');
  assert.is(waiting!['remainingTimeMS'], 500);
  assert.is(messages[0]!.message, 'Starting topology monitoring');
  assert.is(messages[0]!['topologyId'], 1);
});

test('bad logger options name the bad part', () => {
  const bad = (o: Record<string, unknown>, re: RegExp) =>
    assert.throws(() => resolveLoggerSettings(o), (e: unknown) => e instanceof MongoInvalidArgumentError && re.test((e as Error).message));
  bad({ mongodbLogComponentSeverities: { commands: 'debug' } }, /mongodbLogComponentSeverities\.commands: unknown component/);
  bad({ mongodbLogComponentSeverities: { command: 'loud' } }, /mongodbLogComponentSeverities\.command: "loud" is not a severity level/);
  bad({ mongodbLogComponentSeverities: 'debug' }, /must be an object/);
  bad({ mongodbLogPath: '/tmp/x.log' }, /mongodbLogPath must be 'stderr', 'stdout'/);
  bad({ mongodbLogMaxDocumentLength: 0 }, /mongodbLogMaxDocumentLength must be a positive integer, got 0/);
  assert.throws(() => loggingClient({ mongodbLogComponentSeverities: { bogus: 'debug' } }), /bogus/);
});

test('environment variables: component beats ALL, invalid values are ignored', () => {
  assert.equal(logOptionsFromEnvironment({ MONGODB_LOG_ALL: 'info', MONGODB_LOG_COMMAND: 'DEBUG', MONGODB_LOG_CONNECTION: 'loud', MONGODB_LOG_PATH: 'STDOUT', MONGODB_LOG_MAX_DOCUMENT_LENGTH: 'x' }), {
    mongodbLogComponentSeverities: { default: 'info', command: 'debug' },
    mongodbLogPath: 'stdout',
  });
  const settings = resolveLoggerSettings(logOptionsFromEnvironment({ MONGODB_LOG_ALL: 'warn', MONGODB_LOG_MAX_DOCUMENT_LENGTH: '50' }));
  assert.equal(settings.severities, { command: 'warn', topology: 'warn', serverSelection: 'warn', connection: 'warn' });
  assert.is(settings.maxDocumentLength, 50);
  assert.is(settings.sink, 'stderr');
});

test('helpers: truncation keeps surrogate pairs whole, severities compare by code, host:port splits', () => {
  assert.is(truncateText('ab😀cd', 3), 'ab...');
  assert.is(truncateText('abc', 3), 'abc');
  assert.is(documentText({ n: 1.5, s: 'é' }, 100), '{"n":1.5,"s":"é"}');
  assert.ok(severityEnabled('debug', 'info'));
  assert.not.ok(severityEnabled('info', 'debug'));
  assert.not.ok(severityEnabled('off', 'emergency'));
  assert.equal(hostPort('[::1]:27018'), { serverHost: '::1', serverPort: 27018 });
  assert.equal(hostPort('/tmp/mongodb.sock'), { serverHost: '/tmp/mongodb.sock' });
  assert.equal(errorFields(new Error('mongodb://u:p@h/ down'), 1000), { name: 'Error', message: 'mongodb://<credentials>@h/ down' });
});

test.run();
