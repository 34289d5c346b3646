/**
 * Property tests of the SDAM topology machine over random sequences of hello replies
 * (primaries, secondaries, arbiters, ghosts, hidden members, mongoses, standalones, garbage),
 * failed checks and application errors:
 *   - it never throws, whatever the input;
 *   - there is never more than one RSPrimary, and the TopologyType agrees with the servers;
 *   - the (electionId, setVersion) maximum never goes backwards under one ordering rule;
 *   - the same inputs give the same outputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseConnectionString } from '../../../core/uri/parse.js';
import {
  createTopology,
  electionIdFirstWireVersion,
  stepTopology,
  type ApplicationErrorInput,
  type MonitoringMode,
  type TopologyResult,
  type TopologyState,
} from '../../../core/sdam/index.js';

const numRuns = 10_000;
const addresses = ['a:27017', 'b:27017', 'c:27017', 'd:27017', 'E:27017'] as const;
const uris = ['mongodb://a,b', 'mongodb://a/?replicaSet=rs', 'mongodb://a', 'mongodb://a/?directConnection=true', 'mongodb://a,b,c/?replicaSet=rs', 'mongodb://a/?directConnection=true&replicaSet=rs'];
const electionIds = [null, '000000000000000000000001', '000000000000000000000002', '7fffffffffffffffffffffff', 'ffffffffffffffffffffffff'];

type Step =
  | { readonly kind: 'hello'; readonly address: string; readonly reply: unknown }
  | { readonly kind: 'fail'; readonly address: string; readonly timeout: boolean }
  | { readonly kind: 'appError'; readonly address: string; readonly error: ApplicationErrorInput };

const hostsArb = fc.subarray([...addresses]);
const memberFields = (wire: fc.Arbitrary<number>) =>
  fc.record(
    {
      setName: fc.constantFrom('rs', 'rs', 'other'),
      hosts: hostsArb,
      passives: hostsArb,
      arbiters: hostsArb,
      primary: fc.option(fc.constantFrom(...addresses), { nil: undefined }),
      me: fc.option(fc.constantFrom(...addresses), { nil: undefined }),
      setVersion: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      electionId: fc.constantFrom(...electionIds).map((e) => e ?? undefined),
      maxWireVersion: wire,
      minWireVersion: fc.constantFrom(0, 0, 0, 30),
      logicalSessionTimeoutMinutes: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
      topologyVersion: fc.option(fc.record({ processId: fc.constantFrom('000000000000000000000001', '000000000000000000000002'), counter: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }),
    },
    { requiredKeys: ['setName', 'maxWireVersion'] },
  );

/** Well-formed replies of every server type. */
const validReplyArb = (wire: fc.Arbitrary<number>): fc.Arbitrary<unknown> =>
  fc.oneof(
    memberFields(wire).map((m) => ({ ok: 1, isWritablePrimary: true, ...m })),
    memberFields(wire).map((m) => ({ ok: 1, ismaster: true, ...m })),
    memberFields(wire).map((m) => ({ ok: 1, isWritablePrimary: false, secondary: true, ...m })),
    memberFields(wire).map((m) => ({ ok: 1, isWritablePrimary: false, arbiterOnly: true, ...m })),
    memberFields(wire).map((m) => ({ ok: 1, isWritablePrimary: false, secondary: true, hidden: true, ...m })),
    memberFields(wire).map((m) => ({ ok: 1, isWritablePrimary: false, ...m })),
    fc.constant({ ok: 1, isreplicaset: true, isWritablePrimary: false, maxWireVersion: 21 }),
    fc.constant({ ok: 1, msg: 'isdbgrid', isWritablePrimary: true, maxWireVersion: 21 }),
    fc.constant({ ok: 1, isWritablePrimary: true, maxWireVersion: 21 }),
    fc.constant({ ok: 0, errmsg: 'boom' }),
  );

/** Replies of any shape: random JSON-ish values and valid replies with one field replaced by junk. */
const garbageReplyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.tuple(validReplyArb(fc.constant(21)), fc.constantFrom('ok', 'setName', 'hosts', 'electionId', 'setVersion', 'topologyVersion', 'me', 'primary', 'tags', 'lastWrite', 'isWritablePrimary', 'maxWireVersion'), fc.anything({ maxDepth: 1 })).map(
    ([reply, key, junk]) => ({ ...(reply as object), [key]: junk }),
  ),
  fc.constant({ ok: 1, setName: 'rs', isWritablePrimary: true, hosts: Array.from({ length: 5000 }, (_, i) => `h${i}:27017`) }),
  fc.constant({ ok: 1, setName: 'rs', secondary: true, hosts: ['a:27017', 'A:27017', 'a', 'not a host:99999'] }),
);

const appErrorArb: fc.Arbitrary<ApplicationErrorInput> = fc.record({
  address: fc.constantFrom(...addresses),
  kind: fc.constantFrom('network' as const, 'timeout' as const, 'command' as const),
  handshakeCompleted: fc.boolean(),
  generation: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  response: fc.oneof(
    fc.record({ ok: fc.constant(0), code: fc.constantFrom(91, 189, 10107, 11600, 13435, 1), errmsg: fc.constantFrom('not master', 'node is recovering', 'x') }),
    fc.anything({ maxDepth: 1 }),
  ),
  errorLabels: fc.constantFrom([], ['SystemOverloadedError']),
});

const stepArb = (reply: fc.Arbitrary<unknown>): fc.Arbitrary<Step> =>
  fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('hello' as const), address: fc.constantFrom(...addresses), reply }), weight: 8 },
    // Addresses a monitor should never report: must be ignored, never thrown on.
    { arbitrary: fc.record({ kind: fc.constant('hello' as const), address: fc.string({ maxLength: 12 }), reply }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('fail' as const), address: fc.constantFrom(...addresses), timeout: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('appError' as const), address: fc.constantFrom(...addresses), error: appErrorArb }), weight: 1 },
  );

const modeArb = fc.constantFrom<MonitoringMode>('multiThreaded', 'singleThreaded');

function run(uri: string, mode: MonitoringMode, steps: readonly Step[], observe: (r: TopologyResult, s: Step | null) => void): TopologyResult[] {
  const results: TopologyResult[] = [];
  let now = 0;
  let result = createTopology({ connectionString: parseConnectionString(uri), monitoringMode: mode }, now);
  results.push(result);
  observe(result, null);
  for (const s of steps) {
    now += 7;
    const state: TopologyState = result.state;
    if (s.kind === 'hello') result = stepTopology(state, { type: 'hello', address: s.address, reply: s.reply, roundTripTime: 3 }, now);
    else if (s.kind === 'fail') result = stepTopology(state, { type: 'checkFailure', address: s.address, kind: s.timeout ? 'timeout' : 'network', message: 'x' }, now);
    else result = stepTopology(state, { type: 'applicationError', ...s.error }, now);
    results.push(result);
    observe(result, s);
  }
  return results;
}

function checkInvariants(result: TopologyResult): void {
  const td = result.state.description;
  let primaries = 0;
  for (const [address, server] of td.servers) {
    if (server.address !== address) throw new Error(`server keyed ${address} has address ${server.address}`);
    if (server.type === 'RSPrimary') primaries++;
  }
  if (primaries > 1) throw new Error(`${primaries} RSPrimary servers`);
  if (td.type === 'ReplicaSetWithPrimary' && primaries !== 1) throw new Error('ReplicaSetWithPrimary without a primary');
  if (td.type === 'ReplicaSetNoPrimary' && primaries !== 0) throw new Error('ReplicaSetNoPrimary with a primary');
  if (td.type === 'Single' && td.servers.size !== 1) throw new Error('Single topology without exactly one server');
  const poolKeys = [...result.state.pools.keys()].sort().join();
  const serverKeys = [...td.servers.keys()].sort().join();
  if (poolKeys !== serverKeys) throw new Error(`pools ${poolKeys} != servers ${serverKeys}`);
}

/** Orders nullable values with null lowest. */
function cmp(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

test('any input: no exception, at most one RSPrimary, type consistent with servers', () => {
  fc.assert(
    fc.property(fc.constantFrom(...uris), modeArb, fc.array(stepArb(fc.oneof(validReplyArb(fc.constantFrom(9, 16, 17, 21)), garbageReplyArb)), { maxLength: 25 }), (uri, mode, steps) => {
      run(uri, mode, steps, (r) => checkInvariants(r));
    }),
    { numRuns },
  );
});

test('MongoDB 6.0+ primaries: (maxElectionId, maxSetVersion) never decreases and the primary holds it', () => {
  fc.assert(
    fc.property(fc.constantFrom(...uris), modeArb, fc.array(stepArb(validReplyArb(fc.constantFrom(17, 21))), { maxLength: 25 }), (uri, mode, steps) => {
      let prev: { e: string | null; v: number | null } = { e: null, v: null };
      run(uri, mode, steps, (r) => {
        const td = r.state.description;
        const order = cmp(td.maxElectionId, prev.e) || cmp(td.maxSetVersion, prev.v);
        if (order < 0) throw new Error(`max tuple went from ${JSON.stringify(prev)} to ${JSON.stringify({ e: td.maxElectionId, v: td.maxSetVersion })}`);
        // A primary is trusted only with the greatest tuple seen; a stale one is marked Unknown.
        if (td.type === 'ReplicaSetWithPrimary') {
          for (const server of td.servers.values()) {
            if (server.type === 'RSPrimary' && (server.electionId !== td.maxElectionId || server.setVersion !== td.maxSetVersion)) {
              throw new Error(`primary ${server.address} has (${server.electionId}, ${server.setVersion}), max is (${td.maxElectionId}, ${td.maxSetVersion})`);
            }
          }
        }
        prev = { e: td.maxElectionId, v: td.maxSetVersion };
      });
    }),
    { numRuns },
  );
});

test('pre-6.0 primaries: maxSetVersion never decreases, nor (maxSetVersion, maxElectionId)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...uris), modeArb, fc.array(stepArb(validReplyArb(fc.constantFrom(9, electionIdFirstWireVersion - 1))), { maxLength: 25 }), (uri, mode, steps) => {
      let prev: { e: string | null; v: number | null } = { e: null, v: null };
      run(uri, mode, steps, (r) => {
        const td = r.state.description;
        if (cmp(td.maxSetVersion, prev.v) < 0) throw new Error(`maxSetVersion went from ${prev.v} to ${td.maxSetVersion}`);
        if ((cmp(td.maxSetVersion, prev.v) || cmp(td.maxElectionId, prev.e)) < 0) throw new Error(`max tuple went backwards from ${JSON.stringify(prev)}`);
        prev = { e: td.maxElectionId, v: td.maxSetVersion };
      });
    }),
    { numRuns },
  );
});

/** A stable rendering of everything a run produced (states, actions, events, warnings). */
function snapshot(results: readonly TopologyResult[]): string {
  return JSON.stringify(results, (_k, v: unknown) => {
    if (v instanceof Map) return [...v.entries()];
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  });
}

test('determinism: the same inputs give equal outputs', () => {
  fc.assert(
    fc.property(fc.constantFrom(...uris), modeArb, fc.array(stepArb(fc.oneof(validReplyArb(fc.constantFrom(9, 21)), garbageReplyArb)), { maxLength: 15 }), (uri, mode, steps) => {
      const first = snapshot(run(uri, mode, steps, () => {}));
      const second = snapshot(run(uri, mode, steps, () => {}));
      assert.is(first, second);
    }),
    { numRuns },
  );
});

test.run();
