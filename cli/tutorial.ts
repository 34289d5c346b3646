/**
 * The PyMongo high-availability tutorial as a script: the MongoClient façade against simulated
 * mongods and mongoses in seeded worlds, recorded as a timeline of cluster events (starts,
 * crashes, elections, state changes), client events (discovery, server and topology changes),
 * operations with the address each went to, errors, retries, and the checks the tutorial
 * makes. Everything runs in virtual time, so the same seed gives the same timeline.
 * `cli/tutorial-command.ts` prints it as the main job.
 */
import { MongoClient } from '../client/mongo-client.js';
import type { Collection } from '../client/collection.js';
import type { RuntimeEvent } from '../client/runtime/api.js';
import type { ServerDescription, TopologyDescription } from '../core/sdam/types.js';
import { simPorts } from '../harness/sim-ports.js';
import { settle } from '../harness/settle.js';
import { readyTutorialSet, setClientLatency, tutorialHosts, tutorialReplicaSet, tutorialWorld } from '../harness/tutorial-world.js';
import type { ReplicaSetSim, MemberSpec } from '../sim/mongod/replset.js';
import { MongosProcess } from '../sim/mongos/mongos.js';
import { World } from '../sim/world.js';

/** Virtual time one awaited operation may take before the tutorial gives up on it. */
export const operationLimitMs = 120_000;
/** Virtual time a "wait until" step may take. */
export const waitLimitMs = 60_000;
/** Timeline entries kept at most (a bound; the tutorial makes a few hundred). */
export const maxTimelineEntries = 100_000;

export type TimelineKind = 'section' | 'cluster' | 'client' | 'op' | 'error' | 'retry' | 'check';

export interface TimelineEntry {
  /** The tutorial item (1-9) this entry belongs to. */
  readonly item: number;
  /** Virtual time in the item's world, ms. */
  readonly atMs: number;
  readonly kind: TimelineKind;
  readonly text: string;
  /** The server an operation (or a retry, or an error) went to, when there is one. */
  readonly address?: string | null;
  readonly ok?: boolean;
  /** The client an entry is about (client, op, error and retry entries). */
  readonly client?: string;
  /** Op entries: when the operation started (virtual ms; `atMs` is when it ended). */
  readonly startMs?: number;
  /** Op entries: each command the operation sent, in order (a retry is the second). */
  readonly attempts?: readonly OperationAttempt[];
  /** Cluster entries: the process and its new state (PRIMARY, SECONDARY, STARTUP, DOWN, UP). */
  readonly host?: string;
  readonly role?: 'mongod' | 'mongos';
  readonly state?: string;
  /** Cluster entries for an election: the term won. */
  readonly term?: number;
  /** Client entries: the client's new topology type, or a server's new type in its view. */
  readonly topologyType?: string;
  readonly server?: string;
  readonly serverType?: string;
  /** Section entries: the number of the simulated world the item runs in (items 1-5 share one). */
  readonly world?: number;
}

export interface OperationAttempt {
  readonly startMs: number;
  readonly endMs: number;
  readonly address: string;
  readonly ok: boolean;
}

export interface TutorialResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly checks: number;
  readonly failed: readonly string[];
  readonly timeline: readonly TimelineEntry[];
}

// ---- timeline ------------------------------------------------------------------------------

/** Cluster trace kinds shown on the timeline, with how to word them. */
const clusterLineKinds: ReadonlyMap<string, (detail: string) => string | null> = new Map([
  ['mongod.start', (d: string) => `${d.split(' ')[0]} started`],
  ['mongod.crash', (d: string) => `${d} crashed (kill -9)`],
  ['mongod.shutdown', (d: string) => `${d} shut down`],
  ['mongos.start', (d: string) => `${d.split(' ')[0]} (mongos) started`],
  ['mongos.crash', (d: string) => `${d} (mongos) crashed`],
  ['rs.elected', (d: string) => `${d.replace(' term=', ' elected primary, term ')}`],
  ['rs.state', (d: string) => {
    const [host, change] = d.split(' ');
    if (change === undefined) return null;
    const [from, to] = change.split('>');
    // STARTUP noise is not what the tutorial is about.
    if (to === 'STARTUP' || to === 'STARTUP2' || from === to) return null;
    return `${host} ${from} → ${to}`;
  }],
]);

/** What a cluster trace line says about a process's state, for the picture (cli/picture). */
function clusterFacts(kind: string, detail: string): Partial<TimelineEntry> {
  const host = detail.split(' ')[0] ?? '';
  switch (kind) {
    case 'mongod.start':
      return { host, role: 'mongod', state: 'STARTUP' };
    case 'mongod.crash':
    case 'mongod.shutdown':
      return { host, role: 'mongod', state: 'DOWN' };
    case 'mongos.start':
      return { host, role: 'mongos', state: 'UP' };
    case 'mongos.crash':
    case 'mongos.shutdown':
      return { host, role: 'mongos', state: 'DOWN' };
    case 'rs.elected':
      return { host, role: 'mongod', term: Number(/term=(\d+)/.exec(detail)?.[1]) };
    case 'rs.state':
      return { host, role: 'mongod', state: (detail.split(' ')[1] ?? '').split('>')[1] ?? '' };
    default:
      return {};
  }
}

class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly failed: string[] = [];
  checks = 0;
  item = 0;
  private world: World | null = null;
  private traceIndex = 0;
  private worlds = 0;

  /** A new item in its own world (or continuing the previous one). */
  section(item: number, title: string, world: World): void {
    if (this.world !== world) {
      this.harvest();
      this.world = world;
      this.traceIndex = 0;
      this.worlds++;
    }
    this.item = item;
    this.add('section', `${item}. ${title}`, { world: this.worlds });
  }

  add(kind: TimelineKind, text: string, extra: Partial<TimelineEntry> = {}): void {
    if (this.entries.length >= maxTimelineEntries) throw new Error(`the tutorial made more than ${maxTimelineEntries} timeline entries`);
    this.entries.push({ item: this.item, atMs: this.world?.nowMs ?? 0, kind, text, ...extra });
  }

  check(holds: boolean, text: string): void {
    this.harvest();
    this.checks++;
    if (!holds) this.failed.push(`${this.item}. ${text}`);
    this.add('check', `${holds ? 'ok' : 'FAILED'}: ${text}`, { ok: holds });
  }

  /** Moves new cluster trace lines onto the timeline, at their virtual time. */
  harvest(): void {
    const world = this.world;
    if (world === null) return;
    const lines = world.trace.lines();
    for (; this.traceIndex < lines.length; this.traceIndex++) {
      const line = lines[this.traceIndex] as string;
      const first = line.indexOf(' ');
      const second = line.indexOf(' ', first + 1);
      if (first < 0 || second < 0) continue;
      const kind = line.slice(first + 1, second);
      const describe = clusterLineKinds.get(kind);
      if (describe === undefined) continue;
      const text = describe(line.slice(second + 1));
      if (text === null) continue;
      this.insertAt(Number(line.slice(0, first)), { item: this.item, atMs: Number(line.slice(0, first)), kind: 'cluster', text, ...clusterFacts(kind, line.slice(second + 1)) });
    }
  }

  /** Cluster lines are harvested after the fact: place them before later entries of the same item. */
  private insertAt(atMs: number, entry: TimelineEntry): void {
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1] as TimelineEntry).item === entry.item && (this.entries[i - 1] as TimelineEntry).atMs > atMs && (this.entries[i - 1] as TimelineEntry).kind !== 'section') i--;
    this.entries.splice(i, 0, entry);
  }
}

// ---- clients -------------------------------------------------------------------------------

interface NamedClient {
  readonly name: string;
  readonly client: MongoClient;
  /** Addresses of the commands the operation in progress sent (one per attempt). */
  attempts: string[];
  /** The same commands with their times and outcomes, for the picture. */
  attemptLog: { startMs: number; endMs: number; address: string; ok: boolean }[];
}

function describeServerChange(prev: ServerDescription, next: ServerDescription): string | null {
  if (prev.type === next.type) return null;
  const why = next.type === 'Unknown' && next.error !== null ? ` (${next.error})` : '';
  return `${next.address} ${prev.type} → ${next.type}${why}`;
}

function describeTopologyChange(prev: TopologyDescription, next: TopologyDescription): string | null {
  return prev.type === next.type ? null : `topology ${prev.type} → ${next.type}`;
}

class Cast {
  private readonly clients: NamedClient[] = [];

  constructor(
    private readonly timeline: Timeline,
    private readonly world: World,
  ) {}

  /** A MongoClient named `name`, connecting from simulated host `name`, narrated on the timeline. */
  client(name: string, uri: string): NamedClient {
    const client = new MongoClient(uri, { ports: simPorts(this.world, { clientHost: name }) });
    const named: NamedClient = { name, client, attempts: [], attemptLog: [] };
    client.on('serverDescriptionChanged', (e: RuntimeEvent) => {
      const next = e.newDescription as ServerDescription;
      const text = describeServerChange(e.previousDescription as ServerDescription, next);
      if (text !== null) this.timeline.add('client', `[${name}] ${text}`, { client: name, server: next.address, serverType: next.type });
    });
    client.on('topologyDescriptionChanged', (e: RuntimeEvent) => {
      const next = e.newDescription as TopologyDescription;
      const text = describeTopologyChange(e.previousDescription as TopologyDescription, next);
      if (text !== null) this.timeline.add('client', `[${name}] ${text}`, { client: name, topologyType: next.type });
    });
    client.on('commandStarted', (e: RuntimeEvent) => {
      named.attempts.push(String(e.address));
      named.attemptLog.push({ startMs: this.world.nowMs, endMs: this.world.nowMs, address: String(e.address), ok: false });
    });
    const ended = (ok: boolean): void => {
      const last = named.attemptLog.at(-1);
      if (last !== undefined) Object.assign(last, { endMs: this.world.nowMs, ok });
    };
    client.on('commandSucceeded', () => ended(true));
    client.on('commandFailed', (e: RuntimeEvent) => {
      ended(false);
      const failure = e.failure as Error;
      this.timeline.add('error', `[${name}] ${String(e.commandName)} on ${String(e.address)} failed: ${failure.name}: ${failure.message}`, { address: String(e.address), client: name });
    });
    client.on('retrying', (e: RuntimeEvent) => {
      const previous = e.previousError as Error;
      this.timeline.add('retry', `[${name}] retrying (attempt ${String(e.attempt)}) after ${previous.name}; selecting a server again`, { client: name });
    });
    this.clients.push(named);
    this.timeline.add('client', `[${name}] new MongoClient('${uri}')`, { client: name, topologyType: 'Unknown' });
    return named;
  }

  /** Runs one operation in virtual time; records where it went, and its outcome. */
  async op<T>(who: NamedClient, label: string, start: () => Promise<T>, alreadyStarted = false): Promise<{ ok: true; value: T; address: string | null } | { ok: false; error: Error; address: string | null }> {
    if (!alreadyStarted) {
      who.attempts = [];
      who.attemptLog = [];
    }
    const startMs = this.world.nowMs;
    const promise = start();
    try {
      const value = await settle(this.world, promise, operationLimitMs);
      const address = who.attempts.at(-1) ?? null;
      const tries = who.attempts.length > 1 ? ` after ${who.attempts.length} attempts` : '';
      this.timeline.harvest();
      this.timeline.add('op', `[${who.name}] ${label} → ${address ?? '(no server)'} ok${tries}`, { address, ok: true, client: who.name, startMs, attempts: [...who.attemptLog] });
      return { ok: true, value, address };
    } catch (error) {
      const address = who.attempts.at(-1) ?? null;
      const e = error as Error;
      this.timeline.harvest();
      this.timeline.add('op', `[${who.name}] ${label} → ${address ?? '(no server)'} threw ${e.name}: ${firstLine(e.message)}`, { address, ok: false, client: who.name, startMs, attempts: [...who.attemptLog] });
      return { ok: false, error: e, address };
    }
  }

  /** Runs the world until `predicate` holds; false when `limitMs` passed first. */
  waitFor(predicate: () => boolean, limitMs = waitLimitMs): boolean {
    const held = this.world.scheduler.runUntil(predicate, limitMs);
    this.timeline.harvest();
    return held;
  }

  async closeAll(): Promise<void> {
    for (const c of this.clients) await settle(this.world, c.client.close(), operationLimitMs);
    this.clients.length = 0;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

async function readFrom(cast: Cast, who: NamedClient, coll: Collection, label: string): Promise<string | null> {
  const r = await cast.op(who, label, () => coll.findOne({}));
  return r.ok ? r.address : null;
}

function newWorld(seed: number): World {
  return tutorialWorld(seed, { keepTraceLines: true });
}

const latency = setClientLatency;

function readySet(world: World, members: readonly MemberSpec[]): ReplicaSetSim {
  return readyTutorialSet(world, members, waitLimitMs).rs;
}

// ---- the tutorial --------------------------------------------------------------------------

/** Items 1-5: one replica set through initiation, discovery, failover, rejoin and read preferences. */
async function failoverStory(t: Timeline, seed: number): Promise<void> {
  const world = newWorld(seed);
  const rs = tutorialReplicaSet(world);
  const cast = new Cast(t, world);

  t.section(1, 'Three mongods start uninitialized; a directConnection client runs replSetInitiate', world);
  rs.start();
  const direct = cast.client('direct', 'mongodb://localhost:27017/?directConnection=true');
  const config = { _id: 'foo', members: tutorialHosts.map((host, i) => ({ _id: i, host })) };
  const initiated = await cast.op(direct, `runCommand({replSetInitiate: {_id: 'foo', members: [3 hosts]}})`, () => direct.client.db('admin').runCommand({ replSetInitiate: config }));
  t.check(initiated.ok && initiated.value.ok === 1, 'replSetInitiate answered ok: 1');
  const online = cast.waitFor(() => rs.primary() !== null && tutorialHosts.every((h) => ['PRIMARY', 'SECONDARY'].includes(rs.member(h).memberStateName)));
  t.check(online, `the set came online: primary ${rs.primary() ?? 'none'}, every member PRIMARY or SECONDARY`);
  await cast.closeAll();

  t.section(2, "Connecting with mongodb://localhost:27017/?replicaSet=foo", world);
  const app = cast.client('app', 'mongodb://localhost:27017/?replicaSet=foo');
  t.check(app.client.nodes.length === 0, `nodes right after construction: [${app.client.nodes.join(', ')}] (empty: discovery runs in the background)`);
  const coll = app.client.db('test').collection('test');
  const first = await cast.op(app, "insertOne({x: 1}) issued at once", () => coll.insertOne({ x: 1 }));
  t.check(first.ok, 'the insert waited for discovery and succeeded');
  cast.waitFor(() => app.client.nodes.length === 3, 5_000);
  t.check(app.client.nodes.length === 3, `after a short wait nodes = [${app.client.nodes.join(', ')}]`);
  t.check(app.client.address === rs.primary(), `address = ${app.client.address ?? 'null'} (the primary)`);

  t.section(3, 'The primary is killed', world);
  const noRetry = cast.client('noretry', 'mongodb://localhost:27017/?replicaSet=foo&retryReads=false');
  const noRetryColl = noRetry.client.db('test').collection('test');
  await cast.op(noRetry, 'findOne({}) (warms up a pooled connection)', () => noRetryColl.findOne({}));
  const oldPrimary = rs.primary() as string;
  rs.crash(oldPrimary);
  t.harvest();
  // Both issued at the same instant, while the client still believes in the dead primary.
  noRetry.attempts = [];
  app.attempts = [];
  noRetry.attemptLog = [];
  app.attemptLog = [];
  const readPromise = noRetryColl.findOne({});
  const writePromise = coll.insertOne({ x: 2 });
  const read = await cast.op(noRetry, 'findOne({}) with retryReads=false', () => readPromise, true);
  t.check(!read.ok && read.error.name === 'MongoNetworkError', `the read failed once with ${read.ok ? 'no error' : read.error.name}`);
  const write = await cast.op(app, 'insertOne({x: 2}) issued during the failover (retryWrites default)', () => writePromise, true);
  t.check(write.ok && write.address !== oldPrimary, `the write succeeded on ${write.address ?? 'no server'} after the election, without an error`);
  const again = await cast.op(noRetry, 'findOne({}) again', () => noRetryColl.findOne({}));
  const newPrimary = rs.primary();
  t.check(again.ok && noRetry.client.address === newPrimary && newPrimary !== oldPrimary, `the same call now succeeds; address = ${noRetry.client.address ?? 'null'} (the new primary)`);

  t.section(4, 'The old primary restarts and rejoins as a secondary', world);
  rs.restart(oldPrimary);
  const rejoined = cast.waitFor(() => rs.member(oldPrimary).memberStateName === 'SECONDARY' && app.client.secondaries.includes(oldPrimary));
  t.check(rejoined, `${oldPrimary} is ${rs.member(oldPrimary).memberStateName}; the client lists secondaries [${app.client.secondaries.join(', ')}]`);

  t.section(5, 'readPreference secondaryPreferred and secondary', world);
  // A short selection timeout: with two members down the primary steps down ~10 s later, and
  // 'secondary' must fail before that rather than wait for it.
  const reader = cast.client('reader', 'mongodb://localhost:27017/?replicaSet=foo&readPreference=secondaryPreferred&serverSelectionTimeoutMS=2000');
  const readerColl = reader.client.db('test').collection('test');
  cast.waitFor(() => reader.client.secondaries.length === 2, 5_000);
  const spColl = readerColl;
  const primary = rs.primary() as string;
  const spReads: (string | null)[] = [];
  for (let i = 0; i < 4; i++) spReads.push(await readFrom(cast, reader, spColl, 'findOne({}) secondaryPreferred'));
  t.check(spReads.every((a) => a !== null && a !== primary), `secondaryPreferred reads went to secondaries: ${[...new Set(spReads)].join(', ')}`);
  for (const h of tutorialHosts) if (h !== primary) rs.crash(h);
  t.harvest();
  cast.waitFor(() => reader.client.secondaries.length === 0, 5_000);
  const fallback = await readFrom(cast, reader, spColl, 'findOne({}) secondaryPreferred, no secondary up');
  t.check(fallback === primary, `with no secondary up it read from the primary (${fallback ?? 'no server'})`);
  const secondaryOnly = await cast.op(reader, "findOne({}) readPreference 'secondary'", () => readerColl.withOptions({ readPreference: 'secondary' }).findOne({}));
  t.check(!secondaryOnly.ok && secondaryOnly.error.name === 'MongoServerSelectionError', `'secondary' failed with ${secondaryOnly.ok ? 'no error' : secondaryOnly.error.name}`);
  await cast.closeAll();
  t.harvest();
}

async function tagSets(t: Timeline, seed: number): Promise<void> {
  const world = newWorld(seed);
  t.section(6, "Tag sets [{dc: 'ny'}, {dc: 'sf'}], then a final {}", world);
  const rs = readySet(world, [
    { host: 'localhost:27017', priority: 2, tags: { dc: 'la' } },
    { host: 'localhost:27018', tags: { dc: 'ny' } },
    { host: 'localhost:27019', tags: { dc: 'sf' } },
  ]);
  const cast = new Cast(t, world);
  cast.waitFor(() => rs.primary() === 'localhost:27017');
  const app = cast.client('app', 'mongodb://localhost:27017/?replicaSet=foo&serverSelectionTimeoutMS=2000');
  const db = app.client.db('test');
  await cast.op(app, 'insertOne({x: 1}, {w: 3})', () => db.collection('test').insertOne({ x: 1 }, { writeConcern: { w: 3 } }));
  const tagged = db.collection('test', { readPreference: { mode: 'secondary', tags: [{ dc: 'ny' }, { dc: 'sf' }] } });
  t.check((await readFrom(cast, app, tagged, 'findOne secondary [ny, sf]')) === 'localhost:27018', 'read from the ny member');
  rs.crash('localhost:27018');
  t.harvest();
  cast.waitFor(() => !app.client.secondaries.includes('localhost:27018'), 5_000);
  t.check((await readFrom(cast, app, tagged, 'findOne secondary [ny, sf], ny down')) === 'localhost:27019', 'fell back to the sf member');
  rs.crash('localhost:27019');
  t.harvest();
  cast.waitFor(() => app.client.secondaries.length === 0, 5_000);
  const none = await cast.op(app, 'findOne secondary [ny, sf], both down', () => tagged.findOne({}));
  t.check(!none.ok && none.error.name === 'MongoServerSelectionError', `then failed with ${none.ok ? 'no error' : none.error.name}`);
  const anyMember = db.collection('test', { readPreference: { mode: 'nearest', tags: [{ dc: 'ny' }, { dc: 'sf' }, {}] } });
  t.check((await readFrom(cast, app, anyMember, 'findOne nearest [ny, sf, {}]')) === 'localhost:27017', 'a final {} fell back to any member (localhost:27017)');
  await cast.closeAll();
  t.harvest();
}

async function spreadOf(cast: Cast, who: NamedClient, coll: Collection, n: number, label: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const address = await readFrom(cast, who, coll, label);
    if (address !== null) counts.set(address, (counts.get(address) ?? 0) + 1);
  }
  return counts;
}

function showCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([a, n]) => `${a}: ${n}`).join(', ');
}

async function latencyWindow(t: Timeline, seed: number): Promise<void> {
  const world = newWorld(seed);
  t.section(7, 'localThresholdMS=35 with members at 10, 40 and 80 ms round trip', world);
  readySet(world, tutorialHosts.map((host) => ({ host })));
  latency(world, 'app', 'localhost:27017', 5);
  latency(world, 'app', 'localhost:27018', 20);
  latency(world, 'app', 'localhost:27019', 40);
  const cast = new Cast(t, world);
  const app = cast.client('app', 'mongodb://localhost:27017/?replicaSet=foo&readPreference=nearest&localThresholdMS=35');
  world.scheduler.runFor(30_000);
  const rtts = [...app.client.topologyDescription.servers.values()].map((s) => `${s.address} ${String(s.roundTripTime)} ms`).join(', ');
  t.add('client', `[app] average round trips: ${rtts}`);
  const counts = await spreadOf(cast, app, app.client.db('test').collection('test'), 20, 'findOne nearest');
  t.check((counts.get('localhost:27019') ?? 0) === 0 && (counts.get('localhost:27017') ?? 0) > 0 && (counts.get('localhost:27018') ?? 0) > 0, `reads spread within 35 ms of the nearest: ${showCounts(counts)}`);
  await cast.closeAll();
  t.harvest();
}

async function mongoses(t: Timeline, seed: number): Promise<void> {
  const world = newWorld(seed);
  t.section(8, 'Three mongoses at 20, 35 and 40 ms round trip (default localThresholdMS 15)', world);
  readySet(world, tutorialHosts.map((host) => ({ host })));
  const routers = ['m1:27017', 'm2:27017', 'm3:27017'];
  for (const host of routers) new MongosProcess(world, { host, shard: { name: 'foo', hosts: [...tutorialHosts] } }).start();
  latency(world, 'app', 'm1:27017', 10);
  latency(world, 'app', 'm2:27017', 17, 18);
  latency(world, 'app', 'm3:27017', 20);
  const cast = new Cast(t, world);
  const app = cast.client('app', 'mongodb://m1:27017,m2:27017,m3:27017/');
  world.scheduler.runFor(30_000);
  const coll = app.client.db('test').collection('test');
  const counts = new Map<string, number>();
  for (let i = 0; i < 20; i++) {
    const r = await cast.op(app, `insertOne({i: ${i}})`, () => coll.insertOne({ i }));
    if (r.ok && r.address !== null) counts.set(r.address, (counts.get(r.address) ?? 0) + 1);
  }
  // What server selection promises (server-selection.md, "Selecting servers within the latency
  // window"): m1 and m2 (20 and 35 ms, within 15 ms of the nearest) are both eligible and chosen
  // at random, m3 (40 ms) never. How evenly 20 random picks split is chance, not a promise.
  const inWindow = ['m1:27017', 'm2:27017'];
  t.check(
    inWindow.every((h) => (counts.get(h) ?? 0) > 0) && (counts.get('m3:27017') ?? 0) === 0,
    `m1:27017 and m2:27017 (in the latency window) were both used, m3:27017 (outside it) never: ${showCounts(counts)}`,
  );
  let addressError = '';
  try {
    void app.client.address;
  } catch (error) {
    addressError = (error as Error).name;
  }
  t.check(addressError === 'MongoInvalidOperationError', `address throws ${addressError || 'nothing'} while load-balancing among mongoses`);
  await cast.closeAll();
  t.harvest();
}

async function maxStaleness(t: Timeline, seed: number): Promise<void> {
  const world = newWorld(seed);
  t.section(9, 'maxStalenessSeconds=90 with a secondary 120 s behind (secondaryDelaySecs)', world);
  const rs = readySet(world, [
    { host: 'localhost:27017' },
    { host: 'localhost:27018' },
    { host: 'localhost:27019', priority: 0, secondaryDelaySecs: 120 },
  ]);
  world.scheduler.runFor(200_000);
  const cast = new Cast(t, world);
  const app = cast.client('app', 'mongodb://localhost:27017/?replicaSet=foo&readPreference=secondary&maxStalenessSeconds=90');
  world.scheduler.runFor(30_000);
  const primaryWrite = [...app.client.topologyDescription.servers.values()].find((s) => s.type === 'RSPrimary')?.lastWriteDate ?? 0;
  const lags = [...app.client.topologyDescription.servers.values()].filter((s) => s.type === 'RSSecondary').map((s) => `${s.address} ${Math.round((primaryWrite - (s.lastWriteDate ?? 0)) / 1000)} s`);
  t.add('client', `[app] secondaries' last writes behind the primary: ${lags.join(', ')}`);
  const counts = await spreadOf(cast, app, app.client.db('test').collection('test'), 10, 'findOne secondary maxStalenessSeconds=90');
  const fresh = tutorialHosts.find((h) => h !== 'localhost:27019' && h !== rs.primary()) as string;
  t.check(counts.size === 1 && counts.has(fresh), `every read went to the fresh secondary: ${showCounts(counts)}`);
  await cast.closeAll();
  t.harvest();
}

/** The tutorial's parts, each in its own world, by the first item it plays. */
const parts: ReadonlyArray<readonly [firstItem: number, play: (t: Timeline, seed: number) => Promise<void>]> = [
  [1, failoverStory],
  [6, tagSets],
  [7, latencyWindow],
  [8, mongoses],
  [9, maxStaleness],
];

export interface TutorialOptions {
  /** Play only the parts starting at these items (1, 6, 7, 8, 9); default: all (for tests over many seeds). */
  readonly items?: readonly number[];
}

/** Runs the whole tutorial (or the chosen parts) with `seed`; deterministic. */
export async function runTutorial(seed: number, options: TutorialOptions = {}): Promise<TutorialResult> {
  const t = new Timeline();
  for (const [item, play] of parts) {
    if (options.items === undefined || options.items.includes(item)) await play(t, seed);
  }
  return { seed, ok: t.failed.length === 0, checks: t.checks, failed: [...t.failed], timeline: t.entries };
}
