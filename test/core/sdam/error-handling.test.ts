import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  commandErrorOf,
  isNotWritablePrimary,
  isRecovering,
  isShutdown,
  poolGeneration,
  type ApplicationErrorInput,
  type MonitoringMode,
  type TopologyState,
} from '../../../core/sdam/index.js';
import { applyApplicationError, hello, markScanned, primary, topology } from './helpers.js';
import { throwingProxy } from '../../support/hostile.js';
// The handler stepTopology dispatches application errors to: it never throws, whatever it is given.
import { applyApplicationError as applicationErrorHandler } from '../../../core/sdam/error-handling.js';
import { stepTopology } from '../../../core/sdam/index.js';
import { MongoInvalidArgumentError } from '../../../core/errors.js';

const tv = (counter: number) => ({ processId: '000000000000000000000001', counter });

function withPrimary(mode: MonitoringMode = 'multiThreaded'): TopologyState {
  return hello(topology('mongodb://a/?replicaSet=rs', { monitoringMode: mode }).state, 'a:27017', primary(['a:27017'], { topologyVersion: tv(1) })).state;
}

const command = (response: unknown, extra: Partial<ApplicationErrorInput> = {}): ApplicationErrorInput => ({ address: 'a:27017', kind: 'command', handshakeCompleted: true, response, ...extra });

test('error classification: codes first, messages only without a code', () => {
  assert.ok(isRecovering('', 189));
  assert.not.ok(isRecovering('node is recovering', 1));
  assert.ok(isRecovering('node is recovering', null));
  assert.ok(isRecovering('not master or secondary', null));
  assert.ok(isNotWritablePrimary('', 10107));
  assert.ok(isNotWritablePrimary('not master', null));
  assert.not.ok(isNotWritablePrimary('not master or secondary', null));
  assert.not.ok(isNotWritablePrimary('not master', 1));
  assert.ok(isShutdown(91) && isShutdown(11600));
  assert.not.ok(isShutdown(189) || isShutdown(null));
});

test('commandErrorOf reads ok:0 errors and writeConcernError, never writeErrors', () => {
  assert.equal(commandErrorOf({ ok: 0, code: 91, errmsg: 'x', errorLabels: ['L', 3] }), { code: 91, message: 'x', topologyVersion: null, errorLabels: ['L'] });
  assert.is(commandErrorOf({ ok: 1, writeConcernError: { code: 91, errmsg: 'shutdown' } })?.code, 91);
  assert.is(commandErrorOf({ ok: 1, writeErrors: [{ code: 10107, errmsg: 'not master' }] }), null);
  for (const junk of [null, 5, 'x', [], { ok: 1 }]) assert.is(commandErrorOf(junk), null);
  assert.is(commandErrorOf({ ok: 0, code: 'x', errmsg: 5, topologyVersion: 'bad' })?.code, null);
});

test('"not writable primary" marks Unknown, keeps the pool, requests a check', () => {
  const r = applyApplicationError(withPrimary(), command({ ok: 0, code: 10107, errmsg: 'not primary', topologyVersion: tv(2) }), 5);
  const sd = r.state.description.servers.get('a:27017');
  assert.is(sd?.type, 'Unknown');
  assert.ok(sd?.error?.includes('not primary'));
  assert.equal(sd?.topologyVersion, tv(2));
  assert.is(r.state.description.type, 'ReplicaSetNoPrimary');
  assert.equal(r.actions, [{ type: 'requestImmediateCheck', address: 'a:27017' }]);
  assert.is(poolGeneration(r.state, 'a:27017'), 0);
});

test('"node is shutting down" also clears the pool', () => {
  const r = applyApplicationError(withPrimary(), command({ ok: 0, code: 91, errmsg: 'shutting down' }), 5);
  assert.equal(r.actions, [
    { type: 'clearPool', address: 'a:27017', serviceId: null, generation: 1, interruptInUseConnections: false },
    { type: 'requestImmediateCheck', address: 'a:27017' },
  ]);
  const wce = applyApplicationError(withPrimary(), command({ ok: 1, writeConcernError: { code: 11600, errmsg: 'interrupted at shutdown' } }), 5);
  assert.is(poolGeneration(wce.state, 'a:27017'), 1);
});

test('single-threaded clients mark the topology stale for not-writable-primary and shutdown, not recovering', () => {
  const nwp = applyApplicationError(withPrimary('singleThreaded'), command({ ok: 0, errmsg: 'not master' }), 5);
  assert.is(nwp.state.description.stale, true);
  assert.not.ok(nwp.actions.some((a) => a.type === 'requestImmediateCheck'));
  const scanned = markScanned(nwp.state, 6);
  assert.is(scanned.state.description.stale, false);
  assert.equal(scanned.events.map((e) => e.name), ['topologyDescriptionChanged']);
  assert.is(markScanned(scanned.state, 7).events.length, 0);
  const recovering = applyApplicationError(withPrimary('singleThreaded'), command({ ok: 0, errmsg: 'node is recovering' }), 5);
  assert.is(recovering.state.description.stale, false);
  assert.is(recovering.state.description.servers.get('a:27017')?.type, 'Unknown');
});

test('stale errors change nothing: older generation, or topologyVersion not newer', () => {
  const s = withPrimary();
  const cleared = applyApplicationError(s, { address: 'a:27017', kind: 'network', handshakeCompleted: true }, 5).state;
  assert.is(poolGeneration(cleared, 'a:27017'), 1);
  const rediscovered = hello(cleared, 'a:27017', primary(['a:27017'], { topologyVersion: tv(1) })).state;
  const stale = applyApplicationError(rediscovered, { address: 'a:27017', kind: 'network', handshakeCompleted: true, generation: 0 }, 6);
  assert.ok(stale.state === rediscovered);
  for (const counter of [0, 1]) {
    const r = applyApplicationError(s, command({ ok: 0, code: 10107, topologyVersion: tv(counter) }), 5);
    assert.ok(r.state === s, `counter ${counter}`);
  }
});

test('network errors mark Unknown, clear the pool and cancel the check; timeouts only before the handshake', () => {
  const s = withPrimary();
  const net = applyApplicationError(s, { address: 'a:27017', kind: 'network', handshakeCompleted: true, message: 'reset' }, 5);
  assert.ok(net.state.description.servers.get('a:27017')?.error?.includes('reset'));
  assert.equal(net.actions, [
    { type: 'clearPool', address: 'a:27017', serviceId: null, generation: 1, interruptInUseConnections: false },
    { type: 'cancelCheck', address: 'a:27017' },
  ]);
  const lateTimeout = applyApplicationError(s, { address: 'a:27017', kind: 'timeout', handshakeCompleted: true }, 5);
  assert.ok(lateTimeout.state === s);
  const earlyTimeout = applyApplicationError(s, { address: 'a:27017', kind: 'timeout', handshakeCompleted: false }, 5);
  assert.is(earlyTimeout.state.description.servers.get('a:27017')?.type, 'Unknown');
  const overloaded = applyApplicationError(s, { address: 'a:27017', kind: 'timeout', handshakeCompleted: false, errorLabels: ['SystemOverloadedError'] }, 5);
  assert.ok(overloaded.state === s);
});

test('handshake command errors (e.g. authentication) mark Unknown and clear; after the handshake they are ignored', () => {
  const s = withPrimary();
  const auth = applyApplicationError(s, command({ ok: 0, code: 18, errmsg: 'auth failed' }, { handshakeCompleted: false }), 5);
  assert.is(auth.state.description.servers.get('a:27017')?.type, 'Unknown');
  assert.is(poolGeneration(auth.state, 'a:27017'), 1);
  const later = applyApplicationError(s, command({ ok: 0, code: 18, errmsg: 'auth failed' }), 5);
  assert.ok(later.state === s);
  const writeErrors = applyApplicationError(s, command({ ok: 1, writeErrors: [{ code: 10107, errmsg: 'not master' }] }), 5);
  assert.ok(writeErrors.state === s);
});

test('load-balanced mode keeps the LoadBalancer and clears per service', () => {
  const s = topology('mongodb://a/?loadBalanced=true').state;
  const serviceId = '0000000000000000000000aa';
  const r = applyApplicationError(s, command({ ok: 0, code: 91, errmsg: 'shutdown' }, { serviceId }), 5);
  assert.is(r.state.description.servers.get('a:27017')?.type, 'LoadBalancer');
  assert.equal(r.actions[0], { type: 'clearPool', address: 'a:27017', serviceId, generation: 1, interruptInUseConnections: false });
  assert.is(poolGeneration(r.state, 'a:27017', serviceId), 1);
  assert.is(poolGeneration(r.state, 'a:27017'), 0);
  const stale = applyApplicationError(r.state, { address: 'a:27017', kind: 'network', handshakeCompleted: true, serviceId, generation: 0 }, 6);
  assert.ok(stale.state === r.state);
  const net = applyApplicationError(r.state, { address: 'a:27017', kind: 'network', handshakeCompleted: true, serviceId }, 6);
  assert.is(poolGeneration(net.state, 'a:27017', serviceId), 2);
  assert.is(net.events.length, 0);
  const noService = applyApplicationError(r.state, { address: 'a:27017', kind: 'network', handshakeCompleted: true }, 6);
  assert.ok(noService.state === r.state);
});

test('errors for unknown or invalid addresses are ignored', () => {
  const s = withPrimary();
  assert.ok(applyApplicationError(s, { address: 'z:1', kind: 'network', handshakeCompleted: true }, 5).state === s);
  const bad = applyApplicationError(s, { address: '', kind: 'network', handshakeCompleted: true }, 5);
  assert.ok(bad.state === s);
  assert.is(bad.warnings.length, 1);
});

// Issue 9: applyApplicationError is documented never to throw, but a response or input whose
// getters throw escaped as an exception, and a NaN generation or time was used as if valid.
test('hostile application errors never throw: unreadable input is ignored with a warning naming the part', () => {
  const s = withPrimary();
  const ignoredWith = (input: unknown, now: number, part: RegExp): void => {
    const r = applicationErrorHandler(s, input as ApplicationErrorInput, now);
    assert.ok(r.state === s, `state unchanged for ${part}`);
    assert.equal([r.actions.length, r.events.length], [0, 0]);
    assert.is(r.warnings.length, 1, `one warning for ${part}`);
    assert.match(r.warnings[0]!, part);
  };
  ignoredWith(throwingProxy(), 5, /could not be read/);
  ignoredWith(null, 5, /must be an object/);
  ignoredWith('network', 5, /must be an object/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: true, generation: Number.NaN }, 5, /generation/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: true, generation: -1 }, 5, /generation/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: true, generation: 0.5 }, 5, /generation/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: true }, Number.NaN, /now/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: true }, Number.POSITIVE_INFINITY, /now/);
  ignoredWith({ address: 'a:27017', kind: 'lightning', handshakeCompleted: true }, 5, /kind/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: 'yes' }, 5, /handshakeCompleted/);
  ignoredWith({ address: 'a:27017', kind: 'network', handshakeCompleted: true, errorLabels: throwingProxy([]) }, 5, /could not be read/);
  // A response that cannot be read is treated like one that is not a document: not a state change.
  const unreadable = applicationErrorHandler(s, command(throwingProxy({ ok: 0, code: 91 })), 5);
  assert.ok(unreadable.state === s);
  assert.equal(commandErrorOf(throwingProxy({ ok: 0 })), null);
  assert.equal(commandErrorOf({ ok: 0, code: 91, errmsg: 'x', errorLabels: throwingProxy(['L']) }), null);
  // The same error with a readable response still marks the server Unknown (the checks do not over-reach).
  assert.is(applyApplicationError(s, command({ ok: 0, code: 91, errmsg: 'shutdown' }), 5).state.description.servers.get('a:27017')?.type, 'Unknown');
  // Through the machine's one entry point, an input it cannot read at all is the typed error.
  for (const [input, now] of [[throwingProxy(), 5], [null, 5], ['network', 5], [{ type: 'applicationError', address: 'a:27017', kind: 'network', handshakeCompleted: true, generation: 0 }, Number.NaN]] as const) {
    assert.throws(() => stepTopology(s, input as never, now), (e: unknown) => e instanceof MongoInvalidArgumentError);
  }
});

test.run();
