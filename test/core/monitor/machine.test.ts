import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMonitor, monitorRoundTripTimes, stepMonitor, type MonitorOptionsInput } from '../../../core/monitor/index.js';
import { MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from '../../../core/errors.js';
import { Harness, tv1, tv2 } from './harness.js';
import type { CheckFailureInput, HelloInput } from '../../../core/sdam/index.js';

const startup = suite('monitor: first check');

startup('the first check starts at once on a new connection, as a regular hello', () => {
  const h = new Harness({}, 1000);
  assert.equal(h.actions, [
    {
      type: 'check',
      checkId: 1,
      mode: 'poll',
      reason: 'initial',
      newConnection: true,
      topologyVersion: null,
      maxAwaitTimeMS: null,
      exhaustAllowed: false,
      socketTimeoutMS: 30_000,
    },
  ]);
  assert.equal(h.events, [{ name: 'serverHeartbeatStarted', connectionId: 'a:27017', awaited: false }]);
  assert.is(h.state.phase, 'checking');
});

startup('connectTimeoutMS=0 means no socket timeout on checks', () => {
  const h = new Harness({ connectTimeoutMS: 0 });
  assert.is(h.check().socketTimeoutMS, null);
});

startup.run();

const interval = suite('monitor: heartbeat interval');

interval('after a success the next check is heartbeatFrequencyMS after the check ended', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 1000);
  h.succeed(50);
  assert.equal(h.events, [{ name: 'serverHeartbeatSucceeded', connectionId: 'a:27017', duration: 50, reply: { ok: 1 }, awaited: false }]);
  assert.equal(h.actionTypes(), ['serverSucceeded', 'wakeAt']);
  assert.is(h.wakeAt(), 11_050);
  h.at(11_049, { type: 'timerFired' });
  assert.equal(h.actions, [], 'nothing is due a millisecond early');
  h.at(11_050, { type: 'timerFired' });
  const c = h.check();
  assert.equal([c.reason, c.mode, c.newConnection, c.checkId], ['scheduled', 'poll', false, 2]);
  assert.ok(h.actions.some((a) => a.type === 'clearWake'), 'the timer is disarmed while checking');
});

interval('a configured heartbeatFrequencyMS is used, counted from the end of a slow check', () => {
  const h = new Harness({ serverMonitoringMode: 'poll', heartbeatFrequencyMS: 2000 }, 0);
  h.succeed(3000);
  assert.is(h.wakeAt(), 5000);
  h.at(5000, { type: 'timerFired' });
  assert.is(h.check().reason, 'scheduled');
});

interval('a late timer still starts the due check (at the late time)', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  h.at(12_345, { type: 'timerFired' });
  assert.is(h.check().reason, 'scheduled');
  assert.is(h.state.check?.startedAtMs, 12_345);
});

interval('any input runs what is due, not only timerFired', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  h.at(10_010, { type: 'rttPingFailed', pingId: 99 });
  assert.is(h.check().reason, 'scheduled');
});

interval.run();

const minimum = suite('monitor: immediate checks and the 500 ms minimum');

minimum('a request soon after a check waits until 500 ms after it ended; more requests coalesce', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 1000).succeed(50); // ended at 1050
  h.at(1100, { type: 'requestCheck' });
  assert.equal(h.actions, [{ type: 'wakeAt', atMs: 1550 }]);
  h.at(1200, { type: 'requestCheck' });
  assert.equal(h.actions, [], 'a second request changes nothing');
  h.at(1549, { type: 'timerFired' });
  assert.equal(h.actions, []);
  h.at(1550, { type: 'timerFired' });
  assert.is(h.check().reason, 'requested');
});

minimum('a request long after the last check starts one at once', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  h.at(4000, { type: 'requestCheck' });
  assert.is(h.check().reason, 'requested');
  assert.is(h.state.check?.startedAtMs, 4000);
});

minimum('a request while a check is in progress is ignored', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0);
  h.at(5, { type: 'requestCheck' });
  assert.equal(h.actions, []);
  h.succeed(5);
  assert.is(h.wakeAt(), 10_010, 'the ignored request does not shorten the next sleep');
});

minimum('a request after a failure also respects the minimum (and streaming does not bypass it)', () => {
  const h = new Harness({ serverMonitoringMode: 'stream' }, 0).fail(20); // unknown server: no retry
  assert.is(h.wakeAt(), 10_020);
  h.at(100, { type: 'requestCheck' });
  assert.is(h.wakeAt(), 520);
  h.at(520, { type: 'timerFired' });
  const c = h.check();
  assert.equal([c.reason, c.newConnection, c.mode], ['requested', true, 'poll']);
});

minimum.run();

const retry = suite('monitor: retry once after a network error');

retry('a network error on a known server: mark Unknown, then check again at once on a new connection', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  h.at(10_010, { type: 'timerFired' });
  h.fail(30, 'network', 'connection reset');
  assert.equal(h.actionTypes(), ['closeConnection', 'serverFailed', 'check']);
  assert.equal(h.actions[1], { type: 'serverFailed', address: 'a:27017', kind: 'network', message: 'connection reset' });
  const c = h.check();
  assert.equal([c.reason, c.newConnection, c.mode], ['retry', true, 'poll']);
  assert.is(h.state.check?.startedAtMs, 10_040, 'no sleep before the retry');
  assert.equal(h.eventNames(), ['serverHeartbeatFailed', 'serverHeartbeatStarted']);
  assert.equal(h.plainEvents()[0], { name: 'serverHeartbeatFailed', connectionId: 'a:27017', duration: 30, failure: { error: 'MongoNetworkError', message: 'connection reset' }, awaited: false });
});

retry('the retry happens once: a second network error in a row waits heartbeatFrequencyMS', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10).at(10_010, { type: 'timerFired' }).fail(30);
  assert.is(h.check().reason, 'retry');
  h.fail(40);
  assert.equal(h.actionTypes(), ['closeConnection', 'serverFailed', 'wakeAt']);
  assert.is(h.wakeAt(), 10_080 + 10_000);
});

retry('no retry for a server that was never known', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).fail(30);
  assert.equal(h.actionTypes(), ['closeConnection', 'serverFailed', 'wakeAt']);
  assert.is(h.wakeAt(), 10_030);
});

retry('no retry after a command error, even on a known server', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10).at(10_010, { type: 'timerFired' });
  h.fail(5, 'command', 'ShutdownInProgress');
  assert.equal(h.actionTypes(), ['closeConnection', 'serverFailed', 'wakeAt']);
});

retry('an ok:0 reply is a command error carrying errmsg', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10).at(10_010, { type: 'timerFired' });
  h.succeed(5, { ok: 0, errmsg: 'node is shutting down', code: 91, codeName: 'ShutdownInProgress', errorLabels: ['X', 3] });
  assert.equal(h.actions[1], { type: 'serverFailed', address: 'a:27017', kind: 'command', message: 'node is shutting down' });
  const failure = h.events[0]?.name === 'serverHeartbeatFailed' ? h.events[0].failure : null;
  if (!(failure instanceof MongoServerError)) throw new Error(`expected a MongoServerError, got ${String(failure)}`);
  assert.equal([failure.message, failure.code, failure.codeName, failure.errorLabels], ['node is shutting down', 91, 'ShutdownInProgress', ['X']]);
  assert.ok(!h.actions.some((a) => a.type === 'check'));
  h.at(h.now, { type: 'requestCheck' });
  h.at(h.now + 500, { type: 'timerFired' });
  h.succeed(5, { ok: false });
  assert.equal(h.actions[1], { type: 'serverFailed', address: 'a:27017', kind: 'command', message: 'hello replied ok: 0' });
  assert.equal(h.plainEvents()[0], { name: 'serverHeartbeatFailed', connectionId: 'a:27017', duration: 5, failure: { error: 'MongoServerError', message: 'hello replied ok: 0' }, awaited: false });
});

retry('a network timeout retries too (SDAM interrupts in-use connections for kind timeout)', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10).at(10_010, { type: 'timerFired' });
  h.fail(30_000, 'timeout', 'timed out');
  assert.equal(h.actions[1], { type: 'serverFailed', address: 'a:27017', kind: 'timeout', message: 'timed out' });
  assert.instance(h.events[0]?.name === 'serverHeartbeatFailed' ? h.events[0].failure : null, MongoNetworkError);
  assert.is(h.check().reason, 'retry');
});

retry('failure messages never carry credentials and are bounded', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0);
  h.fail(1, 'network', `connect to mongodb://alice:s3cret@a:27017 failed ${'x'.repeat(5000)}`);
  const failed = h.actions.find((a) => a.type === 'serverFailed');
  assert.ok(failed && failed.type === 'serverFailed');
  assert.not.match(failed.message, 's3cret');
  assert.match(failed.message, 'mongodb://<credentials>@a:27017');
  assert.ok(failed.message.length <= 1001);
  const event = h.events.find((e) => e.name === 'serverHeartbeatFailed');
  assert.ok(event && event.name === 'serverHeartbeatFailed');
  assert.not.match(event.failure.message, 's3cret');
  assert.not.match(JSON.stringify(h.state), 's3cret');
});

retry.run();

const modes = suite('monitor: streaming versus polling');

/** Runs the handshake with a reply that does (or not) carry topologyVersion. */
function afterHandshake(options: Partial<MonitorOptionsInput>, withTopologyVersion: boolean): Harness {
  return new Harness(options, 0).succeed(10, withTopologyVersion ? { ok: 1, topologyVersion: tv1 } : { ok: 1 });
}

modes('stream mode + topologyVersion: an awaitable hello follows at once, with the RTT monitor', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  assert.equal(h.actionTypes(), ['serverSucceeded', 'startRttMonitor', 'check', 'rttPing']);
  assert.equal(h.check(), {
    type: 'check',
    checkId: 2,
    mode: 'stream',
    reason: 'streaming',
    newConnection: false,
    topologyVersion: tv1,
    maxAwaitTimeMS: 10_000,
    exhaustAllowed: true,
    socketTimeoutMS: 40_000,
  });
  assert.equal(h.eventNames(), ['serverHeartbeatSucceeded', 'serverHeartbeatStarted']);
  assert.equal(h.events[1], { name: 'serverHeartbeatStarted', connectionId: 'a:27017', awaited: true });
});

modes('stream mode without topologyVersion (server < 4.4): poll, no RTT monitor', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, false);
  assert.equal(h.actionTypes(), ['serverSucceeded', 'wakeAt']);
  assert.is(h.state.rttMonitor.running, false);
});

modes('poll mode never streams nor starts the RTT monitor, even with topologyVersion', () => {
  const h = afterHandshake({ serverMonitoringMode: 'poll' }, true);
  assert.equal(h.actionTypes(), ['serverSucceeded', 'wakeAt']);
  h.at(10_010, { type: 'timerFired' });
  assert.equal([h.check().mode, h.check().topologyVersion, h.check().maxAwaitTimeMS], ['poll', null, null]);
});

modes('auto mode streams outside FaaS and polls on FaaS', () => {
  assert.is(afterHandshake({ serverMonitoringMode: 'auto', isFaaS: false }, true).check().mode, 'stream');
  assert.is(afterHandshake({}, true).check().mode, 'stream', 'auto is the default');
  const faas = afterHandshake({ serverMonitoringMode: 'auto', isFaaS: true }, true);
  assert.equal(faas.actionTypes(), ['serverSucceeded', 'wakeAt']);
  assert.is(faas.state.streamingEnabled, false);
});

modes('each awaited reply is followed at once by the next awaitable hello with the new topologyVersion', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream', heartbeatFrequencyMS: 1000 }, true);
  h.succeed(1000, { ok: 1, topologyVersion: tv2 });
  assert.equal(h.events[0], { name: 'serverHeartbeatSucceeded', connectionId: 'a:27017', duration: 1000, reply: { ok: 1, topologyVersion: tv2 }, awaited: true });
  const c = h.check();
  assert.equal([c.mode, c.reason, c.topologyVersion, c.maxAwaitTimeMS, c.socketTimeoutMS], ['stream', 'streaming', tv2, 1000, 31_000]);
});

modes('exhaust: with moreToCome no new request is sent, and a started event announces the wait', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  const streamId = h.checkId();
  h.succeed(10_000, { ok: 1, topologyVersion: tv2 }, { moreToCome: true });
  assert.ok(!h.actions.some((a) => a.type === 'check'));
  assert.equal(h.eventNames(), ['serverHeartbeatSucceeded', 'serverHeartbeatStarted']);
  assert.is(h.checkId(), streamId, 'the same stream continues');
  h.succeed(300, { ok: 1, topologyVersion: tv2 }, { moreToCome: true });
  assert.equal(h.events[0], { name: 'serverHeartbeatSucceeded', connectionId: 'a:27017', duration: 300, reply: { ok: 1, topologyVersion: tv2 }, awaited: true });
  // The stream ends (no moreToCome): a new awaitable hello goes out.
  h.succeed(10_000, { ok: 1, topologyVersion: tv2 });
  assert.equal([h.check().mode, h.check().checkId], ['stream', streamId + 1]);
});

modes('moreToCome on a regular hello is meaningless and ignored', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10, { ok: 1 }, { moreToCome: true });
  assert.equal(h.actionTypes(), ['serverSucceeded', 'wakeAt']);
  // While streaming, a handshake reply flagged moreToCome still needs the awaitable hello to be sent.
  const s = new Harness({ serverMonitoringMode: 'stream' }, 0).succeed(10, { ok: 1, topologyVersion: tv1 }, { moreToCome: true });
  assert.equal([s.check().mode, s.check().checkId], ['stream', 2]);
});

modes('a malformed topologyVersion counts as absent: poll', () => {
  assert.equal(new Harness({}, 0).succeed(10, { ok: 1, topologyVersion: 'x' }).actionTypes(), ['serverSucceeded', 'wakeAt']);
  assert.equal(new Harness({}, 0).succeed(10, { ok: 1, topologyVersion: { counter: 1 } }).actionTypes(), ['serverSucceeded', 'wakeAt']);
});

modes('a server that stops reporting topologyVersion moves back to polling and the RTT monitor stops', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  h.succeed(10_000, { ok: 1 });
  assert.equal(h.actionTypes().filter((t) => t !== 'wakeAt' && t !== 'clearWake'), ['serverSucceeded', 'stopRttMonitor']);
  assert.is(h.state.phase, 'sleeping');
});

modes.run();

const fallback = suite('monitor: streaming to polling fallback on error');

fallback('a network error while streaming: close, mark Unknown, stop the RTT monitor, retry with a handshake', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  h.fail(2000, 'network');
  assert.equal(h.actionTypes().filter((t) => t !== 'wakeAt' && t !== 'clearWake'), ['closeConnection', 'serverFailed', 'stopRttMonitor', 'check']);
  assert.equal(h.plainEvents()[0], { name: 'serverHeartbeatFailed', connectionId: 'a:27017', duration: 2000, failure: { error: 'MongoNetworkError', message: 'connection reset' }, awaited: true });
  const c = h.check();
  assert.equal([c.mode, c.newConnection, c.reason, c.topologyVersion, c.maxAwaitTimeMS], ['poll', true, 'retry', null, null]);
  assert.equal(monitorRoundTripTimes(h.state), { roundTripTime: null, minRoundTripTime: null }, 'RTT is cleared');
  // The handshake says the server streams again: streaming and the RTT monitor resume.
  h.succeed(15, { ok: 1, topologyVersion: tv2 });
  assert.ok(h.actions.some((a) => a.type === 'startRttMonitor'));
  assert.is(h.check().mode, 'stream');
});

fallback('a command error while streaming waits heartbeatFrequencyMS before the next (regular) check', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  h.fail(100, 'command', 'NotWritablePrimary');
  assert.ok(!h.actions.some((a) => a.type === 'check'));
  assert.is(h.wakeAt(), 10 + 100 + 10_000);
  h.at(10_110, { type: 'timerFired' });
  const c = h.check();
  assert.equal([c.mode, c.newConnection, c.reason], ['poll', true, 'scheduled']);
});

fallback.run();

const rttSuite = suite('monitor: RTT average, minimum and RTT monitor');

rttSuite('polling: every regular check adds an RTT sample (EWMA alpha 0.2, the first sample is the average)', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  assert.equal(h.actions[0], { type: 'serverSucceeded', address: 'a:27017', reply: { ok: 1 }, roundTripTime: 10, minRoundTripTime: 0 });
  h.at(10_010, { type: 'timerFired' }).succeed(20);
  assert.equal(h.actions[0], { type: 'serverSucceeded', address: 'a:27017', reply: { ok: 1 }, roundTripTime: 12, minRoundTripTime: 10 });
  h.at(20_030, { type: 'timerFired' }).after(0, { type: 'checkSucceeded', checkId: h.checkId(), reply: { ok: 1 }, durationMS: 2 });
  assert.equal(h.actions[0], { type: 'serverSucceeded', address: 'a:27017', reply: { ok: 1 }, roundTripTime: 0.2 * 2 + 0.8 * 12, minRoundTripTime: 2 });
  assert.equal(h.events[0], { name: 'serverHeartbeatSucceeded', connectionId: 'a:27017', duration: 2, reply: { ok: 1 }, awaited: false });
});

rttSuite('streaming: the RTT comes from the handshake and the RTT monitor, never from awaited replies', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream', heartbeatFrequencyMS: 1000 }, true);
  h.succeed(900, { ok: 1, topologyVersion: tv1 });
  assert.equal(h.actions[0], { type: 'serverSucceeded', address: 'a:27017', reply: { ok: 1, topologyVersion: tv1 }, roundTripTime: 10, minRoundTripTime: 0 });
});

rttSuite('the RTT monitor pings at once, then every heartbeatFrequencyMS after each ping ends', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream', heartbeatFrequencyMS: 1000 }, true); // now = 10
  assert.ok(h.actions.some((a) => a.type === 'rttPing' && a.pingId === 1 && a.newConnection));
  h.at(14, { type: 'rttPingSucceeded', pingId: 1 });
  assert.equal(h.actions, [{ type: 'wakeAt', atMs: 1014 }]);
  assert.equal(h.events, [], 'RTT pings publish no events');
  assert.equal(monitorRoundTripTimes(h.state), { roundTripTime: 0.2 * 4 + 0.8 * 10, minRoundTripTime: 4 });
  h.at(1014, { type: 'timerFired' });
  assert.equal(h.actions, [{ type: 'rttPing', pingId: 2, newConnection: false }, { type: 'clearWake' }]);
  // A failed ping closes its connection but keeps the average; the next ping reconnects.
  const before = monitorRoundTripTimes(h.state);
  h.at(1020, { type: 'rttPingFailed', pingId: 2 });
  assert.equal(h.actions, [{ type: 'closeRttConnection' }, { type: 'wakeAt', atMs: 2020 }]);
  assert.equal(h.events, []);
  assert.equal(monitorRoundTripTimes(h.state), before);
  h.at(2020, { type: 'timerFired' });
  assert.ok(h.actions.some((a) => a.type === 'rttPing' && a.pingId === 3 && a.newConnection));
  h.at(2025, { type: 'rttPingSucceeded', pingId: 3, durationMS: 1 });
  assert.is(monitorRoundTripTimes(h.state).minRoundTripTime, 1);
});

rttSuite('stale RTT reports are ignored', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  const rttBefore = h.state.rttStats;
  h.after(3, { type: 'rttPingSucceeded', pingId: 42 });
  assert.equal(h.actions, []);
  assert.is(h.state.rttStats, rttBefore);
});

rttSuite('the check timer and the RTT timer share one wakeAt: the earliest deadline', () => {
  // Stream mode with a server that does not stream: sleeping 10 s; no RTT monitor, so one deadline.
  const h = afterHandshake({ serverMonitoringMode: 'stream', heartbeatFrequencyMS: 1000 }, true);
  h.at(15, { type: 'rttPingSucceeded', pingId: 1 });
  assert.is(h.wakeAt(), 1015);
  // The stream stops reporting topologyVersion: polling, RTT monitor stopped, wake at the check.
  h.succeed(100, { ok: 1 });
  assert.equal(h.actions.filter((a) => a.type === 'wakeAt'), [{ type: 'wakeAt', atMs: 115 + 1000 }]);
});

rttSuite.run();

const closing = suite('monitor: cancel and close');

closing('cancelCheck (application network error) interrupts the check, closes the connection and sleeps without retry', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10).at(10_010, { type: 'timerFired' });
  const id = h.checkId();
  h.at(10_020, { type: 'cancelCheck' });
  assert.equal(h.actions, [{ type: 'cancelCheck', checkId: id }, { type: 'closeConnection' }, { type: 'wakeAt', atMs: 20_020 }]);
  assert.equal(h.plainEvents(), [
    { name: 'serverHeartbeatFailed', connectionId: 'a:27017', duration: 10, failure: { error: 'MongoNetworkError', message: 'check cancelled: the server was marked Unknown after an application network error' }, awaited: false },
  ]);
  assert.equal(monitorRoundTripTimes(h.state), { roundTripTime: null, minRoundTripTime: null });
  // The cancelled check's late reply is ignored.
  h.at(10_030, { type: 'checkSucceeded', checkId: id, reply: { ok: 1 } });
  assert.equal(h.actions, []);
  assert.equal(h.events, []);
  // A request wakes it no sooner than 500 ms after the cancellation; the check reconnects.
  h.at(10_040, { type: 'requestCheck' });
  assert.is(h.wakeAt(), 10_520);
  h.at(10_520, { type: 'timerFired' });
  assert.equal([h.check().newConnection, h.check().reason], [true, 'requested']);
});

closing('cancelCheck while sleeping closes the connection and keeps the schedule', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  h.at(500, { type: 'cancelCheck' });
  assert.equal(h.actions, [{ type: 'closeConnection' }]);
  h.at(600, { type: 'cancelCheck' });
  assert.equal(h.actions, [], 'nothing left to close');
  h.at(10_010, { type: 'timerFired' });
  assert.is(h.check().newConnection, true);
});

closing('cancelling a stream check stops the RTT monitor and clears the RTT', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  h.after(5, { type: 'cancelCheck' });
  assert.equal(h.actionTypes(), ['cancelCheck', 'closeConnection', 'stopRttMonitor', 'wakeAt']);
  assert.is(h.events[0]?.name, 'serverHeartbeatFailed');
  assert.is(h.state.rttMonitor.running, false);
});

closing('close cancels the check, the connection, the RTT monitor and the timer; later inputs do nothing but say so', () => {
  const h = afterHandshake({ serverMonitoringMode: 'stream' }, true);
  h.after(2, { type: 'rttPingSucceeded', pingId: 1 }); // arms the RTT timer
  const id = h.checkId();
  h.after(3, { type: 'close' });
  assert.equal(h.actions, [{ type: 'cancelCheck', checkId: id }, { type: 'closeConnection' }, { type: 'stopRttMonitor' }, { type: 'clearWake' }]);
  assert.equal(h.plainEvents(), [{ name: 'serverHeartbeatFailed', connectionId: 'a:27017', duration: 5, failure: { error: 'MongoNetworkError', message: 'check cancelled: the monitor was closed' }, awaited: true }]);
  assert.is(h.state.phase, 'closed');
  for (const input of [
    { type: 'timerFired' },
    { type: 'requestCheck' },
    { type: 'checkSucceeded', checkId: id, reply: { ok: 1 } },
    { type: 'rttPingSucceeded', pingId: 2 },
    { type: 'close' },
  ] as const) {
    h.after(100_000, input);
    assert.equal(h.actions, [], input.type);
    // core/machine.ts rule (b): ignored, with an inputIgnored event naming the input and the phase.
    assert.equal(h.events, [{ name: 'inputIgnored', machine: 'monitor', input: input.type, state: 'closed', reason: 'the monitor is closed' }], input.type);
  }
});

closing('close while sleeping closes the connection and disarms the timer, with no events', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10).after(1, { type: 'close' });
  assert.equal(h.actions, [{ type: 'closeConnection' }, { type: 'clearWake' }]);
  assert.equal(h.events, []);
});

closing('close during the first handshake cancels it', () => {
  const h = new Harness({}, 0).after(1, { type: 'close' });
  assert.equal(h.actionTypes(), ['cancelCheck', 'closeConnection']);
});

closing.run();

const inputs = suite('monitor: bad input');

inputs('bad now and malformed inputs are rejected naming the bad part; state is untouched', () => {
  const h = new Harness({}, 100);
  const s = h.state;
  const bad = (fn: () => unknown, pattern: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof MongoInvalidArgumentError && pattern.test((e as Error).message), String(pattern));
  // An earlier now is not malformed: core/machine.ts clamps it and reports it (test/core/machine-contract.test.ts).
  assert.equal(stepMonitor(s, { type: 'timerFired' }, 99).events, [{ name: 'clockWentBackwards', machine: 'monitor', nowMs: 99, lastNowMs: 100 }]);
  bad(() => stepMonitor(s, { type: 'timerFired' }, Number.NaN), /now must be a finite/);
  bad(() => createMonitor({ address: 'a:1' }, Number.POSITIVE_INFINITY), /now must be a finite/);
  bad(() => stepMonitor(s, { type: 'explode' } as never, 100), /unknown monitor input type explode/);
  bad(() => stepMonitor(s, null as never, 100), /monitor input/);
  bad(() => stepMonitor(s, { type: 'checkSucceeded', checkId: 1, reply: { ok: 1 }, durationMS: -1 }, 100), /checkSucceeded\.durationMS/);
  bad(() => stepMonitor(s, { type: 'checkSucceeded', checkId: 1.5, reply: { ok: 1 } }, 100), /checkSucceeded\.checkId/);
  bad(() => stepMonitor(s, { type: 'checkSucceeded', checkId: 1, reply: null as never }, 100), /checkSucceeded\.reply/);
  bad(() => stepMonitor(s, { type: 'checkSucceeded', checkId: 1, reply: {}, moreToCome: 'yes' as never }, 100), /moreToCome/);
  bad(() => stepMonitor(s, { type: 'checkFailed', checkId: 1, failure: { kind: 'cancelled' as never, message: 'x' } }, 100), /failure\.kind/);
  bad(() => stepMonitor(s, { type: 'checkFailed', checkId: 1, failure: { kind: 'network', message: 5 as never } }, 100), /failure\.message/);
  bad(() => stepMonitor(s, { type: 'rttPingSucceeded', pingId: 1, durationMS: Number.NaN }, 100), /rttPingSucceeded\.durationMS/);
  bad(() => stepMonitor(s, { type: 'rttPingFailed', pingId: 'one' as never }, 100), /rttPingFailed\.pingId/);
  assert.is(h.state, s);
  assert.is(s.phase, 'checking');
});

inputs('a reply for a check that is not in flight is ignored', () => {
  const h = new Harness({}, 0);
  h.at(5, { type: 'checkSucceeded', checkId: 7, reply: { ok: 1 } });
  assert.equal(h.actions, []);
  h.at(6, { type: 'checkFailed', checkId: 7, failure: { kind: 'network', message: 'x' } });
  assert.equal(h.actions, []);
  assert.is(h.state.phase, 'checking');
});

inputs('steps never mutate the state they are given', () => {
  const h = new Harness({ serverMonitoringMode: 'stream' }, 0);
  const s0 = h.state;
  const snapshot = JSON.stringify(s0);
  stepMonitor(s0, { type: 'checkSucceeded', checkId: 1, reply: { ok: 1, topologyVersion: tv1 } }, 10);
  assert.is(JSON.stringify(s0), snapshot);
});

inputs.run();

const sdamShape = suite('monitor: outcome actions fit core/sdam inputs');

sdamShape('serverSucceeded / serverFailed carry exactly HelloInput / CheckFailureInput', () => {
  const h = new Harness({ serverMonitoringMode: 'poll' }, 0).succeed(10);
  const ok = h.actions.find((a) => a.type === 'serverSucceeded');
  assert.ok(ok && ok.type === 'serverSucceeded');
  const { type: _ok, ...helloInput } = ok;
  const asHelloInput: HelloInput = helloInput;
  assert.equal(asHelloInput, { address: 'a:27017', reply: { ok: 1 }, roundTripTime: 10, minRoundTripTime: 0 });
  h.at(10_010, { type: 'timerFired' }).fail(5, 'timeout', 'socket timed out');
  const failed = h.actions.find((a) => a.type === 'serverFailed');
  assert.ok(failed && failed.type === 'serverFailed');
  const { type: _failed, ...failureInput } = failed;
  const asFailureInput: CheckFailureInput = failureInput;
  assert.equal(asFailureInput, { address: 'a:27017', kind: 'timeout', message: 'socket timed out' });
});

sdamShape.run();
