/**
 * Runner for the SDAM spec suites (server-discovery-and-monitoring/tests/README.md): single,
 * rs, sharded, load-balanced, errors and monitoring. Each file is one unit; it passes when
 * every phase's outcome matches.
 *
 * The tests are single-threaded in spirit (they expect PossiblePrimary), so the topology runs
 * in 'singleThreaded' monitoring mode. Test JSON uses extended JSON; it is decoded here with
 * bson's EJSON (ObjectIds stay ObjectId instances in the hellos, exercising the core's
 * shape-based readers, and become hex strings in expectations).
 */
import { EJSON } from 'bson';
import { assertMatches, SpecMismatch } from '../assert.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';
import { parseConnectionString } from '../../core/uri/parse.js';
import {
  createTopology,
  poolGeneration,
  stepTopology,
  type ApplicationErrorInput,
  type ServerDescription,
  type TopologyDescription,
  type TopologyEvent,
  type TopologyResult,
  type TopologyState,
} from '../../core/sdam/index.js';

/** The topologyId the monitoring tests show ("42"). */
const specTopologyId = 42;
/** Virtual ms between two inputs; the outcomes do not depend on time. */
const stepMs = 10;
/** RTT reported with every successful hello; the tests do not check it. */
const specRoundTripTimeMs = 5;

type Doc = Record<string, unknown>;

interface Phase {
  readonly description?: string;
  readonly responses?: ReadonlyArray<readonly [string, Doc]>;
  readonly applicationErrors?: readonly Doc[];
  readonly outcome: Doc;
}

function sdamSuite(name: string, folder: string): SpecSuite {
  return {
    name: `sdam/${name}`,
    dir: `server-discovery-and-monitoring/tests/${folder}`,
    recursive: false,
    cases(file: SpecFile): SpecCase[] {
      const doc = file.json as Doc;
      if (typeof doc !== 'object' || doc === null || typeof doc.uri !== 'string' || !Array.isArray(doc.phases)) {
        throw new Error(`${file.relPath}: not an SDAM test file (needs "uri" and "phases")`);
      }
      return [
        {
          id: file.relPath,
          file: file.relPath,
          description: typeof doc.description === 'string' ? doc.description : file.relPath,
          run: () => runFile(doc),
        },
      ];
    },
  };
}

export const suites: SpecSuite[] = [
  sdamSuite('single', 'single'),
  sdamSuite('rs', 'rs'),
  sdamSuite('sharded', 'sharded'),
  sdamSuite('load-balanced', 'load-balanced'),
  sdamSuite('errors', 'errors'),
  sdamSuite('monitoring', 'monitoring'),
];

function runFile(raw: Doc): void {
  const test = EJSON.deserialize(raw, { relaxed: true }) as { uri: string; phases: Phase[] };
  let now = 0;
  const created = createTopology({ connectionString: parseConnectionString(test.uri), topologyId: specTopologyId, monitoringMode: 'singleThreaded' }, now);
  let state: TopologyState = created.state;
  let events: TopologyEvent[] = created.events.filter(isSpecEvent);
  const step = (result: TopologyResult): void => {
    state = result.state;
    // Time only moves forward here and no input arrives after close, so the machines' own
    // notices (inputIgnored, clockWentBackwards) would be a bug: let the event check see them.
    for (const event of result.events) {
      if (!isSpecEvent(event)) throw new Error(`unexpected ${event.name} from the topology: ${JSON.stringify(event)}`);
      events.push(event);
    }
  };

  test.phases.forEach((phase, i) => {
    const where = `phases[${i}]${phase.description ? ` (${phase.description})` : ''}`;
    for (const [address, reply] of phase.responses ?? []) {
      now += stepMs;
      // README "Test Phases": the empty response {} simulates a network error.
      if (Object.keys(reply).length === 0) step(stepTopology(state, { type: 'checkFailure', address, kind: 'network', message: 'simulated network error' }, now));
      else step(stepTopology(state, { type: 'hello', address, reply, roundTripTime: specRoundTripTimeMs }, now));
    }
    for (const error of phase.applicationErrors ?? []) {
      now += stepMs;
      step(stepTopology(state, { type: 'applicationError', ...toApplicationError(error) }, now));
    }
    try {
      if (Array.isArray(phase.outcome.events)) checkEvents(events, phase.outcome.events as Doc[]);
      else checkTopology(state, phase.outcome);
    } catch (error) {
      if (error instanceof SpecMismatch) throw new SpecMismatch(`${where}.${error.path}`, error.expected, error.actual);
      throw error;
    }
    events = [];
  });
}

function isSpecEvent(event: TopologyResult['events'][number]): event is TopologyEvent {
  return event.name !== 'inputIgnored' && event.name !== 'clockWentBackwards';
}

function toApplicationError(error: Doc): ApplicationErrorInput {
  const kind = error.type as 'network' | 'timeout' | 'command';
  const handshakeCompleted = error.when === 'afterHandshakeCompletes';
  // CMAP "Backpressure-enabled": the pool labels network errors and timeouts during connection
  // establishment with SystemOverloadedError (the errors README asks runners to add it).
  const errorLabels = !handshakeCompleted && kind !== 'command' ? ['SystemOverloadedError', 'RetryableError'] : [];
  return {
    address: String(error.address),
    kind,
    handshakeCompleted,
    ...(typeof error.generation === 'number' ? { generation: error.generation } : {}),
    response: error.response,
    errorLabels,
    message: `simulated ${kind} error`,
  };
}

/** Non-monitoring outcome: the TopologyDescription fields the file names. */
function checkTopology(state: TopologyState, outcome: Doc): void {
  const td = state.description;
  const expected = toPlain(outcome) as Doc;
  const actual: Doc = {
    topologyType: td.type,
    setName: td.setName,
    logicalSessionTimeoutMinutes: td.logicalSessionTimeoutMinutes,
    maxSetVersion: td.maxSetVersion,
    maxElectionId: td.maxElectionId,
    compatible: td.compatible,
  };
  for (const key of Object.keys(expected)) {
    if (key === 'servers') continue;
    if (!(key in actual)) throw new SpecMismatch(key, expected[key], undefined, 'outcome field the runner does not know');
    assertMatches(actual[key], expected[key], key);
  }
  const servers = (expected.servers ?? {}) as Record<string, Doc>;
  assertMatches([...td.servers.keys()].sort(), Object.keys(servers).sort(), 'servers.<addresses>');
  for (const [address, want] of Object.entries(servers)) {
    const sd = td.servers.get(address);
    if (sd === undefined) throw new SpecMismatch(`servers.${address}`, want, undefined);
    checkServer(state, sd, want, `servers.${address}`);
  }
}

function checkServer(state: TopologyState, sd: ServerDescription, want: Doc, path: string): void {
  // load-balancers.md: a LoadBalancer description is known only by address; its wire range is unknown.
  const lb = sd.type === 'LoadBalancer';
  const actual: Doc = {
    type: sd.type,
    setName: sd.setName,
    setVersion: sd.setVersion,
    electionId: sd.electionId,
    logicalSessionTimeoutMinutes: sd.logicalSessionTimeoutMinutes,
    minWireVersion: lb ? null : sd.minWireVersion,
    maxWireVersion: lb ? null : sd.maxWireVersion,
    topologyVersion: sd.topologyVersion,
    pool: { generation: poolGeneration(state, sd.address) },
  };
  for (const key of Object.keys(want)) {
    const at = `${path}.${key}`;
    if (key === 'error') {
      // README: "a substring of the message on the ServerDescription.error".
      if (typeof sd.error !== 'string' || !sd.error.includes(String(want.error))) throw new SpecMismatch(at, want.error, sd.error, 'substring');
      continue;
    }
    if (!(key in actual)) throw new SpecMismatch(at, want[key], undefined, 'server field the runner does not know');
    assertMatches(actual[key], want[key], at);
  }
}

/** Monitoring outcome: the events published since the previous phase, in order. */
function checkEvents(events: readonly TopologyEvent[], expectedRaw: readonly Doc[]): void {
  const expected = expectedRaw.map((e) => normalizeExpectedEvent(toPlain(e) as Doc));
  const actual = events.map(renderEvent);
  assertMatches(actual.length, expected.length, 'events.length');
  expected.forEach((want, i) => assertMatches(actual[i], want, `events[${i}]`, { allowExtraKeys: true }));
}

const eventNames: Record<TopologyEvent['name'], string> = {
  topologyOpening: 'topology_opening_event',
  topologyClosed: 'topology_closed_event',
  topologyDescriptionChanged: 'topology_description_changed_event',
  serverOpening: 'server_opening_event',
  serverClosed: 'server_closed_event',
  serverDescriptionChanged: 'server_description_changed_event',
};

function renderEvent(event: TopologyEvent): Doc {
  const body: Doc = { topologyId: String(event.topologyId) };
  if ('address' in event) body.address = event.address;
  if (event.name === 'topologyDescriptionChanged') {
    body.previousDescription = renderTopology(event.previousDescription);
    body.newDescription = renderTopology(event.newDescription);
  }
  if (event.name === 'serverDescriptionChanged') {
    body.previousDescription = renderServer(event.previousDescription);
    body.newDescription = renderServer(event.newDescription);
  }
  return { [eventNames[event.name]]: body };
}

function renderTopology(td: TopologyDescription): Doc {
  // The spec does not order a topology's servers; compare them sorted by address.
  const servers = [...td.servers.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)).map(renderServer);
  return { topologyType: td.type, setName: td.setName, servers };
}

function renderServer(sd: ServerDescription): Doc {
  return { address: sd.address, type: sd.type, arbiters: sd.arbiters, hosts: sd.hosts, passives: sd.passives, primary: sd.primary, setName: sd.setName };
}

function normalizeExpectedEvent(event: Doc): Doc {
  const [name, body] = Object.entries(event)[0] ?? ['', {}];
  const copy = { ...(body as Doc) };
  for (const key of ['previousDescription', 'newDescription']) {
    const td = copy[key] as Doc | undefined;
    if (td && Array.isArray(td.servers)) {
      copy[key] = { ...td, servers: [...(td.servers as Doc[])].sort((a, b) => String(a.address).localeCompare(String(b.address))) };
    }
  }
  return { [name]: copy };
}

/** Expectations in our representation: ObjectIds as 24 lower-case hex digits. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    const hex = (value as { _bsontype?: unknown; toHexString?: () => string })._bsontype === 'ObjectId' ? (value as { toHexString(): string }).toHexString() : null;
    if (hex !== null) return hex.toLowerCase();
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
