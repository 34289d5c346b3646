/**
 * Issue 9: the core functions documented as "never throws" (or as throwing only their typed
 * error) keep that promise on hostile input: Proxies whose every trap throws, values of the
 * wrong type, own "__proto__"/"constructor" keys, NaN, infinite and negative numbers, control
 * characters. Each generator mixes valid fields with hostile ones so that runs get past the
 * first check and reach the deeper readers. Only the documented outcomes may occur:
 * MongoParseError (parseConnectionString), MongoInvalidArgumentError (formatConnectionString,
 * selectServer, and stepTopology for input it cannot read at all, such as a non-finite time), an
 * Unknown server with an error (a hello) or an ignored input with a warning (an application
 * error) — never any other exception.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MongoInvalidArgumentError, MongoParseError, MongoServerSelectionError } from '../../core/errors.js';
import { createTopology, stepTopology, type TopologyInput, type TopologyState } from '../../core/sdam/index.js';
import { readPreference, readSelector, selectServer, writeSelector } from '../../core/selection/index.js';
import { formatConnectionString, parseConnectionString } from '../../core/uri/index.js';
import { throwingProxy } from '../support/hostile.js';

/** Runs per function; the whole file stays within a few seconds. */
const numRuns = 10_000;

// ---- hostile values ---------------------------------------------------------------------------

const oddNumbers = fc.constantFrom(Number.NaN, -1, -0, 0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 31));
const oddStrings = fc.constantFrom('', '__proto__', 'constructor', 'a\0b:27017', 'a\u0007:1', '[::1', 'toString', 'x'.repeat(300));
const freshProxy = fc.constantFrom('object', 'array', 'function').map((kind) =>
  kind === 'array' ? throwingProxy<unknown[]>([]) : kind === 'function' ? throwingProxy(() => 0) : throwingProxy(),
);
const leaf = fc.oneof(
  oddNumbers,
  oddStrings,
  freshProxy,
  fc.constantFrom(null, undefined, true, false, 7n, -3n, Symbol.for('odd')),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
);
/** Field names the readers look for, plus the prototype keys. */
const someKey = (names: readonly string[]) => fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', ...names), fc.string({ maxLength: 6 }));
function hostileValue(names: readonly string[]): fc.Arbitrary<unknown> {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('object'), tie('array')),
    // fromEntries makes "__proto__" an own key, as JSON, BSON and YAML decoders do.
    object: fc.array(fc.tuple(someKey(names), tie('value')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
    array: fc.array(tie('value'), { maxLength: 4 }),
  }));
  return value;
}
/** A valid value most of the time, a hostile one otherwise. */
const orHostile = <T>(valid: fc.Arbitrary<T>, names: readonly string[] = []): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileValue(names) });
/** A record of mostly-valid fields, any of them absent, sometimes with prototype keys, sometimes wholly hostile. */
function hostileRecord(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const names = Object.keys(fields);
  const record = fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor'), leaf), { maxLength: 2 }))
    .map(([r, extra]) => Object.fromEntries([...Object.entries(r), ...extra]));
  return fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: hostileValue(names) });
}

function onlyTyped(fn: () => unknown, allowed: ReadonlyArray<new (...args: never[]) => Error>): void {
  try {
    fn();
  } catch (error) {
    if (allowed.some((cls) => error instanceof cls)) return;
    throw new Error(`undocumented exception: ${String(error)}`);
  }
}

// ---- SDAM ----------------------------------------------------------------------------------------

const processId = '000000000000000000000001';
function replicaSet(): TopologyState {
  const start = createTopology({ connectionString: parseConnectionString('mongodb://a:27017,b:27017/?replicaSet=rs') }, 0).state;
  const reply = { ok: 1, setName: 'rs', isWritablePrimary: true, hosts: ['a:27017', 'b:27017'], maxWireVersion: 21, topologyVersion: { processId, counter: 1 } };
  return stepTopology(start, { type: 'hello', address: 'a:27017', reply, roundTripTime: 5 }, 1).state;
}
const rsState = replicaSet();

/** `value` with a `type` field, reading nothing else of it (it may be a Proxy whose traps throw). */
function withType(type: string, value: unknown): TopologyInput {
  if (value === null || typeof value !== 'object') return value as TopologyInput;
  return new Proxy(value, { get: (target, key, receiver) => (key === 'type' ? type : Reflect.get(target, key, receiver)) }) as TopologyInput;
}

/** stepTopology's documented outcomes: a result, or MongoInvalidArgumentError for input it cannot read. */
function step(input: TopologyInput, now: number): ReturnType<typeof stepTopology> | null {
  try {
    return stepTopology(rsState, input, now);
  } catch (error) {
    assert.instance(error, MongoInvalidArgumentError);
    return null;
  }
}

const helloFields = {
  ok: orHostile(fc.constantFrom(1, 0, true)),
  setName: orHostile(fc.constantFrom('rs', 'other')),
  isWritablePrimary: orHostile(fc.boolean()),
  secondary: orHostile(fc.boolean()),
  hosts: orHostile(fc.array(fc.constantFrom('a:27017', 'b:27017', 'C:27017', 'd\0:27017'), { maxLength: 4 })),
  passives: orHostile(fc.array(fc.constantFrom('p:27017'), { maxLength: 2 })),
  me: orHostile(fc.constantFrom('a:27017', 'b:27017')),
  primary: orHostile(fc.constantFrom('a:27017', 'b:27017')),
  tags: orHostile(fc.dictionary(someKey(['dc']), fc.string({ maxLength: 3 }), { maxKeys: 3 })),
  minWireVersion: orHostile(fc.integer({ min: 0, max: 30 })),
  maxWireVersion: orHostile(fc.integer({ min: 0, max: 30 })),
  maxBsonObjectSize: orHostile(fc.integer({ min: -5, max: 20_000_000 })),
  maxWriteBatchSize: orHostile(fc.integer({ min: -5, max: 100_000 })),
  setVersion: orHostile(fc.nat(5)),
  electionId: orHostile(fc.constantFrom('7fffffff0000000000000001')),
  topologyVersion: orHostile(fc.record({ processId: orHostile(fc.constant(processId)), counter: orHostile(fc.nat(5)) })),
  lastWrite: orHostile(fc.record({ lastWriteDate: orHostile(fc.nat()), opTime: orHostile(fc.record({ ts: orHostile(fc.nat()), t: orHostile(fc.nat()) })) })),
  logicalSessionTimeoutMinutes: orHostile(fc.nat(60)),
};

test('a hostile hello never throws; an unusable reply is an Unknown server with an error', () => {
  fc.assert(
    fc.property(hostileRecord(helloFields), orHostile(fc.nat(100)), fc.oneof(fc.nat(1000), oddNumbers), (reply, roundTripTime, now) => {
      const r = step({ type: 'hello', address: 'b:27017', reply, roundTripTime } as TopologyInput, now);
      if (r === null) return;
      for (const server of r.state.description.servers.values()) {
        assert.ok(server.type === 'Unknown' || server.error === null, 'only Unknown servers carry an error');
        assert.not.ok(/[\0-\x1f\x7f]/.test(server.address), `control character in ${JSON.stringify(server.address)}`);
        for (const size of [server.maxBsonObjectSize, server.maxMessageSizeBytes, server.maxWriteBatchSize]) assert.ok(size === null || size > 0);
        assert.not.ok(Number.isNaN(server.lastUpdateTime));
      }
      const b = r.state.description.servers.get('b:27017');
      if (b !== undefined && b.type === 'Unknown' && b.error !== null) assert.ok(b.error.length > 0);
    }),
    { numRuns },
  );
});

const responseFields = {
  ok: orHostile(fc.constantFrom(0, 1)),
  code: orHostile(fc.constantFrom(91, 189, 10107, 11600, 13435, 2)),
  errmsg: orHostile(fc.constantFrom('not master', 'node is recovering', 'boom')),
  errorLabels: orHostile(fc.array(fc.constantFrom('SystemOverloadedError', 'RetryableWriteError'), { maxLength: 2 })),
  topologyVersion: orHostile(fc.record({ processId: fc.constant(processId), counter: fc.nat(3) })),
  writeConcernError: orHostile(fc.record({ code: fc.constantFrom(91, 64), errmsg: fc.string({ maxLength: 4 }) })),
};
const applicationErrorFields = {
  address: orHostile(fc.constantFrom('a:27017', 'A:27017', 'b:27017', 'z:1')),
  kind: orHostile(fc.constantFrom('network', 'timeout', 'command')),
  handshakeCompleted: orHostile(fc.boolean()),
  generation: orHostile(fc.nat(2)),
  response: hostileRecord(responseFields),
  errorLabels: orHostile(fc.array(fc.constantFrom('SystemOverloadedError'), { maxLength: 1 })),
  serviceId: orHostile(fc.constantFrom(null, '0000000000000000000000aa')),
  message: orHostile(fc.string({ maxLength: 5 })),
};

test('a hostile application error never throws; what it cannot read it ignores with a warning', () => {
  fc.assert(
    fc.property(hostileRecord(applicationErrorFields), fc.oneof(fc.nat(1000), oddNumbers), (input, now) => {
      const r = step(withType('applicationError', input), now);
      if (r === null || r.state === rsState) return;
      // Anything it did apply follows the rules: a changed server is Unknown with an error.
      for (const server of r.state.description.servers.values()) {
        const before = rsState.description.servers.get(server.address);
        if (before !== server) assert.ok(server.type === 'Unknown' && typeof server.error === 'string' && !Number.isNaN(server.lastUpdateTime));
      }
    }),
    { numRuns },
  );
});

// ---- selection ----------------------------------------------------------------------------------

const topologies = [rsState.description, createTopology({ connectionString: parseConnectionString('mongodb://m:27017') }, 0).state.description];
const readPreferenceFields = {
  mode: orHostile(fc.constantFrom('primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest')),
  tagSets: orHostile(fc.array(fc.dictionary(someKey(['dc']), fc.string({ maxLength: 3 }), { maxKeys: 2 }), { maxLength: 3 })),
  maxStalenessSeconds: orHostile(fc.constantFrom(null, 90, 120)),
  hedge: orHostile(fc.constant(null)),
};
const selectors = fc.oneof(
  fc.constantFrom(writeSelector, readSelector(), readSelector(readPreference({ mode: 'nearest', tags: [{ dc: 'ny' }, {}] }))),
  hostileRecord({ operation: orHostile(fc.constantFrom('read', 'write')), readPreference: hostileRecord(readPreferenceFields) }),
);
const validRandom = { int: (maxExclusive: number) => maxExclusive - 1 };
const requestFields = {
  topology: orHostile(fc.constantFrom(...topologies), ['servers', 'type', 'compatible']),
  selector: selectors,
  now: orHostile(fc.nat(60_000)),
  startTime: orHostile(fc.nat(1_000)),
  serverSelectionTimeoutMS: orHostile(fc.constantFrom(0, 100, 30_000)),
  localThresholdMS: orHostile(fc.constantFrom(0, 15, 35)),
  random: orHostile(fc.constant(validRandom), ['int']),
  operationCounts: orHostile(fc.constant(new Map([['a:27017', 2]]))),
  deprioritized: orHostile(fc.constant(new Set(['a:27017']))),
  serverSelector: orHostile(fc.constantFrom((servers: readonly unknown[]) => servers, () => { throw new Error('app selector'); })),
};

test('selectServer never throws on hostile requests; only MongoInvalidArgumentError and MongoServerSelectionError outcomes', () => {
  fc.assert(
    fc.property(hostileRecord(requestFields), (request) => {
      const outcome = selectServer(request as Parameters<typeof selectServer>[0]);
      assert.ok(['selected', 'wait', 'error'].includes(outcome.kind));
      if (outcome.kind === 'error') {
        assert.ok(outcome.error instanceof MongoInvalidArgumentError || outcome.error instanceof MongoServerSelectionError, String(outcome.error));
        assert.ok(outcome.error.message.length > 0);
      }
    }),
    { numRuns },
  );
});

// ---- connection strings -------------------------------------------------------------------------

const uriPieces = fc.constantFrom(
  'mongodb://', 'mongodb+srv://', 'a', 'b:27017', ',', '/', '?', '&', '=', 'u:p@', '%00', '%2F', '__proto__', 'constructor',
  'readPreferenceTags=', 'readPreferenceTags=__proto__:x', 'authMechanismProperties=constructor:y', 'readPreference=nearest',
  'replicaSet=rs', 'localThresholdMS=-1', 'maxStalenessSeconds=NaN', '\0', '[::1]',
);

test('parseConnectionString returns or throws MongoParseError, whatever it is given', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: uriPieces, maxLength: 12 }), hostileValue([])), (input) => {
      onlyTyped(() => parseConnectionString(input as string), [MongoParseError]);
    }),
    { numRuns },
  );
});

const hostFields = {
  type: orHostile(fc.constantFrom('ipv4', 'ip_literal', 'hostname', 'unix')),
  host: orHostile(fc.constantFrom('h', '::1', '/tmp/s.sock')),
  port: orHostile(fc.constantFrom(null, 1, 27017)),
};
const connectionStringFields = {
  scheme: orHostile(fc.constantFrom('mongodb', 'mongodb+srv')),
  hosts: orHostile(fc.array(hostileRecord(hostFields), { maxLength: 3 })),
  auth: orHostile(fc.constantFrom(null, { username: 'u', password: 'secret-pw', db: null })),
  database: orHostile(fc.constantFrom(null, 'db')),
  options: orHostile(fc.constantFrom({}, { readPreferenceTags: [{ dc: 'ny' }] }, { proxyPassword: 'secret-pw' }, { appname: 'x' }), ['readPreferenceTags', 'appname']),
  warnings: orHostile(fc.constant([])),
};

test('formatConnectionString returns or throws MongoInvalidArgumentError, and never shows the password by default', () => {
  fc.assert(
    fc.property(hostileRecord(connectionStringFields), fc.oneof(fc.constant(undefined), orHostile(fc.record({ redact: fc.boolean() }))), (cs, options) => {
      onlyTyped(() => {
        const text = formatConnectionString(cs as Parameters<typeof formatConnectionString>[0], options as undefined);
        const redact = (options as { redact?: unknown } | undefined)?.redact;
        if (redact !== false) assert.not.ok(text.includes('secret-pw'), text);
      }, [MongoInvalidArgumentError]);
    }),
    { numRuns },
  );
});

test.run();
