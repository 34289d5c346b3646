import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultHeartbeatFrequencyMS, isStreamingEnabled, minHeartbeatFrequencyMS, resolveMonitorOptions } from '../../../core/monitor/index.js';
import { MongoInvalidArgumentError } from '../../../core/errors.js';

test('defaults: 10 s heartbeat, auto mode, not FaaS, 30 s connect timeout', () => {
  assert.equal(resolveMonitorOptions({ address: 'a:1' }), {
    address: 'a:1',
    heartbeatFrequencyMS: defaultHeartbeatFrequencyMS,
    serverMonitoringMode: 'auto',
    isFaaS: false,
    connectTimeoutMS: 30_000,
  });
  assert.is(defaultHeartbeatFrequencyMS, 10_000);
  assert.is(minHeartbeatFrequencyMS, 500);
});

test('heartbeatFrequencyMS below 500 ms or not finite is rejected naming the option', () => {
  assert.is(resolveMonitorOptions({ address: 'a:1', heartbeatFrequencyMS: 500 }).heartbeatFrequencyMS, 500);
  for (const bad of [499, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 3e9]) {
    assert.throws(
      () => resolveMonitorOptions({ address: 'a:1', heartbeatFrequencyMS: bad }),
      (e: unknown) => e instanceof MongoInvalidArgumentError && (e as Error).message.startsWith('heartbeatFrequencyMS'),
      String(bad),
    );
  }
});

test('other bad options are rejected naming the option', () => {
  assert.throws(() => resolveMonitorOptions({ address: '' }), /address/);
  assert.throws(() => resolveMonitorOptions({ address: 'a:1', serverMonitoringMode: 'push' as never }), /serverMonitoringMode.*push/);
  assert.throws(() => resolveMonitorOptions({ address: 'a:1', isFaaS: 'yes' as never }), /isFaaS/);
  assert.throws(() => resolveMonitorOptions({ address: 'a:1', connectTimeoutMS: -5 }), /connectTimeoutMS.*-5/);
  assert.throws(() => resolveMonitorOptions(null as never), /monitor options/);
  assert.is(resolveMonitorOptions({ address: 'a:1', connectTimeoutMS: 0 }).connectTimeoutMS, 0);
});

test('serverMonitoringMode: stream always, poll never, auto unless FaaS', () => {
  assert.is(isStreamingEnabled({ serverMonitoringMode: 'stream', isFaaS: false }), true);
  assert.is(isStreamingEnabled({ serverMonitoringMode: 'stream', isFaaS: true }), true);
  assert.is(isStreamingEnabled({ serverMonitoringMode: 'poll', isFaaS: false }), false);
  assert.is(isStreamingEnabled({ serverMonitoringMode: 'poll', isFaaS: true }), false);
  assert.is(isStreamingEnabled({ serverMonitoringMode: 'auto', isFaaS: false }), true);
  assert.is(isStreamingEnabled({ serverMonitoringMode: 'auto', isFaaS: true }), false);
});

test.run();
