/**
 * One simulated mongod process: its lifecycle (start, crash as with kill -9, clean shutdown,
 * restart), its identity (processId, topologyVersion, ObjectIds), its connections, and the
 * wiring of the components that make it a replica set member when started with a set name:
 *
 *   command-dispatch.ts  requests → fail points → handlers, error replies
 *   data-commands.ts     reads and writes as a member serves them
 *   awaitable-hello.ts   hellos parked until the topologyVersion changes
 *   heartbeats.ts        member-to-member heartbeats (who is up, primary, newer terms/configs)
 *   elections.ts         terms, votes, dry runs, priority takeover, step down, freeze
 *   catch-up.ts          a new primary's catch-up, drain and periodic no-op writes
 *   replication.ts       oplog fetching and applying, secondary delay, position reports
 *   oplog-server.ts      serving fetches as a sync source
 *   commit-point.ts      the majority commit point
 *   rollback.ts          finding the common point and truncating a diverged oplog
 *   oplog-writer.ts      local oplog writes and the journal
 *   write-concern-wait.ts  writes waiting for their write concern
 *   config-commands.ts   replSetInitiate / replSetReconfig argument validation
 *
 * The components share the process's durable state (durable-state.ts), its role (role.ts) and
 * its view of the other members (peer-view.ts); each gets only the parts and callbacks it uses.
 *
 * Everything happens in virtual time on the world's scheduler and every member-to-member
 * message travels over the simulated network, so partitions and clogs affect replication and
 * elections exactly as they affect clients. Timers are guarded by an incarnation number
 * (timers.ts): a crash makes every timer of the previous incarnation a no-op.
 */
import { ObjectId } from 'bson';
import type { SimRandom } from '../kernel/random.js';
import type { SimSocket } from '../network/network.js';
import { type Document, commandName, isRequest } from '../protocol.js';
import type { World } from '../world.js';
import { AwaitableHellos } from './awaitable-hello.js';
import { CatchUp, newCatchUpState } from './catch-up.js';
import { CommandDispatcher, type CommandHandlers } from './command-dispatch.js';
import { CommitPoint } from './commit-point.js';
import { type ReplSetConfig, configDocument } from './config.js';
import { initiateConfig, reconfigConfig } from './config-commands.js';
import type { ClientConnection } from './connection.js';
import { CursorRegistry } from './cursors.js';
import { ChangeStreams } from './change-streams.js';
import { valueKey } from './values.js';
import { DataCommands } from './data-commands.js';
import { type DurableState, lastDurableEntry, newDurableState } from './durable-state.js';
import { Elections } from './elections.js';
import { CommandError, ErrorCodes, errorReply } from './errors.js';
import { FailPoints } from './failpoints.js';
import { Heartbeats } from './heartbeats.js';
import { type CommonHelloFields, ghostHello, memberHello, simEpochMs, standaloneHello } from './hello.js';
import { MemberState, stateName } from './member-state.js';
import type { ReplicationObserver } from './observer.js';
import { type OpTime, type OplogEntry, type Oplog, compareOpTime, defaultMaxOplogEntries, formatOpTime, minOplogEntries, nullOpTime } from './oplog.js';
import { OplogServer } from './oplog-server.js';
import { OplogWriter } from './oplog-writer.js';
import { type PeerView, newPeerView } from './peer-view.js';
import type { Doc } from './query.js';
import { Replication } from './replication.js';
import { type RoleState, newRoleState } from './role.js';
import { type RollbackDeps, startRollback } from './rollback.js';
import { RpcChannel } from './rpc.js';
import { checkConfigCommitted, checkOplogCommitment, checkSingleVoterChange, oplogCommitmentApplies } from './safe-reconfig.js';
import { heartbeatIntervalMs, memberOf } from './set-settings.js';
import { replSetStatus } from './status.js';
import { Storage } from './storage.js';
import { IncarnationTimers } from './timers.js';
import type { MemberTransitions } from './transitions.js';
import { type ServerVersion, defaultServerVersion, isServerVersion, supportsAwaitableHello, supportsSafeReconfig } from './versions.js';
import { WriteConcernWaiters, maxWriteConcernWaiters } from './write-concern-wait.js';

// The timing defaults and bounds live with the component they govern; re-exported here, where
// they have always been importable from.
export { CloseConnection } from './connection.js';
export { journalCommitIntervalMs } from './oplog-writer.js';
export { noopWriterPeriodMs, catchUpCapMs } from './catch-up.js';
export {
  electionTimeoutOffsetFraction, priorityTakeoverFreshnessWindowMs, defaultStepDownSecs, defaultSecondaryCatchUpPeriodSecs,
} from './elections.js';
export { oplogFetchAwaitFraction, oplogFetchBatchLimit } from './oplog-server.js';
export { syncSourceRetryMs } from './replication.js';
export { maxAwaitingHellos } from './awaitable-hello.js';
export { rollbackCommonPointBatch } from './rollback.js';
export { maxWriteConcernWaiters };

export interface MongodOptions {
  /** "host:port" this process listens on. */
  readonly host: string;
  /** `--replSet` name; omit for a standalone. */
  readonly replSet?: string;
  readonly version?: ServerVersion;
  /** Extra delay before a secondary applies a fetched batch (replication lag), ms. Default 0. */
  readonly replicationLagMs?: number;
  readonly observer?: ReplicationObserver;
  /** Oplog entries held at most (the capped oplog's size, in entries). Default `defaultMaxOplogEntries`. */
  readonly maxOplogEntries?: number;
}

export class MongodProcess {
  readonly host: string;
  readonly replSet: string | undefined;
  readonly version: ServerVersion;
  readonly replicationLagMs: number;
  readonly maxOplogEntries: number;
  readonly failPoints = new FailPoints();
  private readonly world: World;
  private readonly random: SimRandom;
  private readonly observer: ReplicationObserver | undefined;
  private readonly durable: DurableState = newDurableState();
  private readonly timers: IncarnationTimers;

  // ---- volatile state (reset at each start) ----
  private running = false;
  private readonly role: RoleState = newRoleState();
  private processId: ObjectId = new ObjectId('000000000000000000000000');
  private processIdHex = '000000000000000000000000';
  private tvCounter = 0;
  private nextConnectionId = 1;
  private readonly connections = new Set<ClientConnection>();
  private storage = new Storage(() => this.stableCount());
  private readonly cursors = new CursorRegistry();
  private readonly changeStreams: ChangeStreams;
  private readonly peers = new Map<string, PeerView>();
  private objectIdCounter = 0;
  private objectIdUnique = '';
  private startedAtMs = 0;
  /** The commit point when the current config was installed (safe-reconfig.ts). */
  private lastCommittedInPreviousConfig: OpTime = nullOpTime;

  // ---- components ----
  private readonly commitPoint: CommitPoint;
  private readonly hellos: AwaitableHellos;
  private readonly writeConcern: WriteConcernWaiters;
  private readonly writer: OplogWriter;
  private readonly oplogServer: OplogServer;
  private readonly replication: Replication;
  private readonly catchUp: CatchUp;
  private readonly elections: Elections;
  private readonly heartbeats: Heartbeats;
  private readonly dispatcher: CommandDispatcher;
  private readonly rollbackDeps: RollbackDeps;

  constructor(world: World, options: MongodOptions) {
    if (typeof options?.host !== 'string' || !/^[^:\s]+:\d+$/.test(options.host)) {
      throw new TypeError(`MongodProcess: host ${JSON.stringify(options?.host)} must look like "name:27017"`);
    }
    if (options.version !== undefined && !isServerVersion(options.version)) {
      throw new TypeError(`MongodProcess: unsupported server version ${JSON.stringify(options.version)}`);
    }
    if (options.replicationLagMs !== undefined && !(options.replicationLagMs >= 0 && Number.isFinite(options.replicationLagMs))) {
      throw new RangeError(`MongodProcess: replicationLagMs ${options.replicationLagMs} must be a finite number >= 0`);
    }
    if (options.maxOplogEntries !== undefined && !(Number.isInteger(options.maxOplogEntries) && options.maxOplogEntries >= minOplogEntries)) {
      throw new RangeError(`MongodProcess: maxOplogEntries ${options.maxOplogEntries} must be an integer >= ${minOplogEntries}`);
    }
    this.world = world;
    this.host = options.host;
    this.maxOplogEntries = options.maxOplogEntries ?? defaultMaxOplogEntries;
    this.replSet = options.replSet;
    this.version = options.version ?? defaultServerVersion;
    this.replicationLagMs = options.replicationLagMs ?? 0;
    this.observer = options.observer;
    this.random = world.random(`mongod:${options.host}`);
    const timers = this.timers = new IncarnationTimers(world.scheduler);

    // The components: each gets the shared state it reads and callbacks for what it triggers elsewhere.
    const { host, durable, role, peers, observer } = this;
    const trace = this.world.trace;
    const replicaSet = this.replSet !== undefined;
    const clock = world.scheduler;
    const isRunning = (): boolean => this.running;
    const storage = (): Storage => this.storage;
    const transitions: MemberTransitions = {
      setState: (state, why) => this.setState(state, why),
      updateTerm: (term, why) => this.updateTerm(term, why),
      notifyTopologyVersion: () => this.notifyTopologyVersion(),
    };

    const commitPoint = new CommitPoint(host, observer);
    const hellos = new AwaitableHellos(timers, (conn, body) => this.helloReply(conn, body));
    const writeConcern = new WriteConcernWaiters({ durable, peers, timers, replicaSet, commitPoint: () => commitPoint.opTime });
    const oplogServer = new OplogServer({ durable, role, commitPoint, timers });
    const catchUpState = newCatchUpState();
    const writer = new OplogWriter({
      host, durable, timers, trace, replicaSet, clock, storage,
      onJournaled: () => {
        if (role.state === MemberState.PRIMARY) replication.advanceCommitPoint();
        writeConcern.check();
      },
      onAppended: () => oplogServer.wake(),
    });
    const replication: Replication = new Replication({
      host, durable, role, peers, commitPoint, timers, trace, observer, transitions, replicationLagMs: this.replicationLagMs,
      clock, isRunning, storage, catchUp: catchUpState,
      finishCatchUp: (why) => catchUp.finish(why),
      armElectionTimer: () => elections.armTimer(),
      startRollback: (source) => startRollback(this.rollbackDeps, source),
      wakeFetchers: () => oplogServer.wake(),
      checkWriteConcern: () => writeConcern.check(),
    });
    const heartbeats: Heartbeats = new Heartbeats({
      host, replSet: this.replSet, durable, role, peers, timers, transitions, replication, clock, isRunning,
      adoptConfig: (config, why) => this.adoptConfig(config, why),
      considerPriorityTakeover: (primary) => elections.considerPriorityTakeover(primary),
    });
    const catchUp: CatchUp = new CatchUp({
      host, durable, role, peers, timers, trace, transitions, replication, writer, heartbeats, clock, state: catchUpState,
    });
    const elections: Elections = new Elections({
      host, durable, role, peers, timers, trace, random: this.random, observer, transitions, catchUp, replication, writeConcern,
      clock, isRunning,
    });
    const data = new DataCommands({
      host, replSet: this.replSet, version: this.version, durable, role, cursors: this.cursors, failPoints: this.failPoints, trace,
      writer, writeConcern, storage, newObjectId: () => this.newObjectId(),
    });
    const handlers: CommandHandlers = {
      hello: (conn, requestId, body) => hellos.hello(conn, requestId, body, supportsAwaitableHello(this.version), { processIdHex: this.processIdHex, counter: this.tvCounter }),
      replSetInitiate: (body) => this.replSetInitiate(body),
      replSetGetStatus: () => this.replSetGetStatus(),
      replSetGetConfig: () => ({ config: configDocument(this.requireConfig()), ok: 1 }),
      replSetStepDown: (body, respond) => {
        this.requireConfig();
        elections.replSetStepDown(body, respond);
      },
      replSetFreeze: (body) => {
        this.requireConfig();
        return elections.replSetFreeze(body);
      },
      replSetReconfig: (body) => this.replSetReconfig(body),
      replSetStepUp: (body) => {
        this.requireConfig();
        return elections.replSetStepUp(body);
      },
    };
    // Change streams read majority-committed entries of this member's oplog (change-streams.ts).
    const changeStreams = new ChangeStreams({
      replicaSet, timers, oplog: () => durable.oplog, committedCount: () => commitPoint.index,
      checkCanRead: (body) => data.checkCanRead(body),
      lookup: (ns, id) => this.storage.collection(ns)?.docs.get(valueKey(id)),
    });
    this.changeStreams = changeStreams;
    const dispatcher = new CommandDispatcher({
      host, version: this.version, failPoints: this.failPoints, cursors: this.cursors, changeStreams, data, handlers, heartbeats, elections, replication, oplogServer, timers, trace,
      forgetConnection: (conn) => { this.connections.delete(conn); },
      topologyVersion: () => ({ processId: this.processId, counter: this.tvCounter }),
    });
    this.commitPoint = commitPoint;
    this.hellos = hellos;
    this.writeConcern = writeConcern;
    this.writer = writer;
    this.oplogServer = oplogServer;
    this.replication = replication;
    this.catchUp = catchUp;
    this.elections = elections;
    this.heartbeats = heartbeats;
    this.dispatcher = dispatcher;
    this.rollbackDeps = {
      host, durable, role, commitPoint, timers, trace, observer, transitions, replication,
      rebuildStorage: () => this.rebuildStorage(),
    };
  }

  // =============================================================================================
  // Introspection (for tests, the replica set wrapper and scenario reports)
  // =============================================================================================

  get isRunning(): boolean { return this.running; }
  get memberState(): number { return this.running ? this.role.state : MemberState.DOWN; }
  get memberStateName(): string { return stateName(this.memberState); }
  get isWritablePrimary(): boolean { return this.running && this.role.state === MemberState.PRIMARY && this.role.writable; }
  get term(): number { return this.durable.term; }
  get config(): ReplSetConfig | null { return this.durable.config; }
  get oplog(): Oplog { return this.durable.oplog; }
  get lastApplied(): OpTime { return this.durable.oplog.lastOpTime(); }
  get majorityCommitPoint(): OpTime { return this.commitPoint.opTime; }
  get topologyVersion(): { processId: string; counter: number } { return { processId: this.processIdHex, counter: this.tvCounter }; }
  get knownPrimary(): string | null { return this.role.primaryHost; }
  get syncSource(): string | null { return this.replication.syncSource; }
  /** Documents of a collection on this member (for tests). */
  documents(ns: string): Doc[] { return [...(this.storage.collection(ns)?.docs.values() ?? [])]; }

  // =============================================================================================
  // Lifecycle
  // =============================================================================================

  start(): void {
    if (this.running) throw new Error(`${this.host}: already running`);
    this.timers.next();
    this.running = true;
    this.startedAtMs = this.world.nowMs;
    this.processIdHex = this.randomHex(12);
    this.processId = ObjectId.createFromHexString(this.processIdHex);
    this.objectIdUnique = this.randomHex(5);
    this.tvCounter = 0;
    this.nextConnectionId = 1;
    this.failPoints.reset();
    // Data already equals the surviving oplog applied (a crash took back the lost tail).
    this.rebuildStorage();
    this.commitPoint.reset();
    const role = this.role;
    role.primaryHost = null;
    role.writable = false;
    role.electionTerm = null;
    this.elections.reset();
    this.catchUp.clear();
    this.replication.reset();
    role.rollingBack = false;
    role.stepDownUntilMs = 0;
    this.writer.reset();
    role.initialSyncDone = this.durable.oplog.length > 0;
    this.peers.clear();
    this.world.network.listen(this.host, (socket) => this.accept(socket));
    this.world.trace.record('mongod.start', `${this.host} pid=${this.processIdHex}`);
    this.notifyTopologyVersion();
    if (this.replSet === undefined) {
      role.state = MemberState.PRIMARY;
      role.writable = true;
      return;
    }
    role.state = MemberState.STARTUP;
    const config = this.durable.config;
    if (config !== null) this.adoptConfig(config, 'restart');
    this.timers.every(heartbeatIntervalMs(this.durable.config), 'mongod.tick', () => this.tick());
  }

  /** kill -9: connections reset, unjournaled writes gone, volatile state lost. */
  crash(): void {
    if (!this.running) return;
    this.world.trace.record('mongod.crash', this.host);
    const lost = this.durable.oplog.truncate(this.durable.durableCount);
    this.commitPoint.truncated(this.durable.oplog, this.durable.durableCount);
    if (lost.length > 0) {
      this.world.trace.record('mongod.lost', `${this.host} crash n=${lost.length} from=${formatOpTime(lost[0] as OplogEntry)}`);
      this.observer?.lost(this.host, lost, 'crash');
    }
    this.stop();
  }

  /** Clean shutdown: journal flushed, awaitable hellos answered with ShutdownInProgress, then gone. */
  shutdown(): void {
    if (!this.running) return;
    this.world.trace.record('mongod.shutdown', this.host);
    this.durable.durableCount = this.durable.oplog.length;
    if (this.role.state === MemberState.PRIMARY) {
      // A primary shutting down cleanly steps down and hands the election to a caught-up secondary.
      const target = this.elections.caughtUpElectableSecondary();
      this.elections.stepDownNow('shutting down');
      if (target !== null) target.channel.call('admin', { replSetStepUp: 1, skipDryRun: true }, () => undefined);
    }
    this.hellos.failAll(() => errorReply(ErrorCodes.ShutdownInProgress, 'The server is in quiesce mode and will shut down'));
    this.stop();
  }

  /** Shutdown (if running) then start: a new processId, the durable state kept. */
  restart(): void {
    if (this.running) this.shutdown();
    this.start();
  }

  private stop(): void {
    this.running = false;
    this.timers.next();
    this.world.network.unlisten(this.host);
    for (const peer of this.peers.values()) peer.channel.reset('process stopped');
    this.peers.clear();
    this.connections.clear();
    this.hellos.clear();
    this.oplogServer.clear();
    this.writeConcern.clear();
    this.cursors.clear();
    this.changeStreams.clear();
    this.role.state = MemberState.DOWN;
    this.role.writable = false;
    this.role.electionTerm = null;
  }

  /** Every heartbeatIntervalMillis: heartbeats, the primary's liveness check, a secondary's fetcher kick. */
  private tick(): void {
    if (this.durable.config === null) return;
    this.trimOplog();
    this.heartbeats.send();
    if (this.role.state === MemberState.PRIMARY) {
      this.elections.checkPrimaryLiveness(this.durable.config);
    } else if (this.role.state === MemberState.SECONDARY || this.role.state === MemberState.STARTUP2) {
      this.replication.maybeStartFetcher();
    }
  }

  /**
   * Brings the data back to "the oplog applied" after the oplog lost its tail (crash, rollback):
   * takes back the lost entries through the storage's undo records. Replaying the whole oplog
   * is the fallback, possible only while the oplog still holds its first entry.
   */
  private rebuildStorage(): void {
    const oplog = this.durable.oplog;
    if (!this.storage.revertTo(oplog.length) || this.storage.appliedCount !== oplog.length) {
      if (oplog.first !== 0) {
        throw new Error(`${this.host}: cannot take back oplog entries before ${this.storage.revertibleFrom} (they were majority-committed and journaled), and entries before ${oplog.first} are no longer held`);
      }
      this.storage = new Storage(() => this.stableCount());
      for (const entry of oplog.entries) this.storage.apply(entry);
    }
    this.cursors.clear();
    this.changeStreams.clear();
  }

  /** Entries [0, stableCount) are majority-committed and journaled here: never taken back. */
  private stableCount(): number {
    return Math.min(this.commitPoint.index, this.durable.durableCount);
  }

  /** Drops the oldest entries of the capped oplog, never one that is not yet stable. */
  private trimOplog(): void {
    const oplog = this.durable.oplog;
    if (oplog.length - oplog.first <= this.maxOplogEntries) return;
    if (oplog.trimFront(this.maxOplogEntries, this.stableCount()) > 0) {
      this.observer?.trimmed(this.host, (oplog.oldest() as OplogEntry).ts);
    }
  }

  // =============================================================================================
  // Identity: random ids, topologyVersion
  // =============================================================================================

  private randomHex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += this.random.int(256).toString(16).padStart(2, '0');
    return out;
  }

  /** ObjectId layout: 4-byte seconds, 5-byte per-process value, 3-byte counter. */
  private newObjectId(): ObjectId {
    const secs = Math.floor((simEpochMs + this.world.nowMs) / 1000);
    this.objectIdCounter = (this.objectIdCounter + 1) % 0x1000000;
    return ObjectId.createFromHexString(secs.toString(16).padStart(8, '0') + this.objectIdUnique + this.objectIdCounter.toString(16).padStart(6, '0'));
  }

  /** A hello-visible change: bump topologyVersion.counter and answer awaiting hellos. */
  private notifyTopologyVersion(): void {
    this.role.viewEpoch++;
    this.tvCounter++;
    this.observer?.topologyVersionChanged(this.host, this.processIdHex, this.tvCounter);
    this.hellos.answerAll();
  }

  // =============================================================================================
  // Member transitions (shared by the components through MemberTransitions)
  // =============================================================================================

  private setState(state: number, why: string): void {
    if (this.role.state === state) return;
    this.world.trace.record('rs.state', `${this.host} ${stateName(this.role.state)}>${stateName(state)} ${why}`);
    this.role.state = state;
    this.notifyTopologyVersion();
  }

  /** Adopts a higher term (persisted); a primary or candidate seeing one steps down. */
  private updateTerm(term: number, why: string): void {
    if (term <= this.durable.term) return;
    const from = this.durable.term;
    this.durable.term = term;
    this.role.viewEpoch++;
    this.observer?.termChanged(this.host, from, term);
    this.world.trace.record('rs.term', `${this.host} ${from}>${term} ${why}`);
    this.elections.abandon();
    if (this.role.state === MemberState.PRIMARY) this.elections.stepDownNow(`saw term ${term} (${why})`);
  }

  // =============================================================================================
  // Connections
  // =============================================================================================

  private accept(socket: SimSocket): void {
    const conn: ClientConnection = { id: this.nextConnectionId++, socket, appName: undefined, internal: false };
    this.connections.add(conn);
    const { timers, dispatcher } = this;
    const incarnation = timers.incarnation;
    socket.onMessage((message) => {
      if (timers.incarnation !== incarnation || !isRequest(message)) return;
      dispatcher.handleRequest(conn, message.requestId, message.db, message.body, message.bsonSizeBytes);
    });
    socket.onClose(() => {
      this.connections.delete(conn);
      this.hellos.dropConnection(conn);
    });
  }

  // =============================================================================================
  // hello
  // =============================================================================================

  /** The hello reply this node would send right now on `conn`. */
  helloReply(conn: { id: number } | null, body: Readonly<Document> = { hello: 1 }): Doc {
    const name = commandName(body);
    const common: CommonHelloFields = {
      version: this.version,
      legacy: name !== 'hello',
      helloOk: body['helloOk'] === true,
      processId: this.processId,
      counter: this.tvCounter,
      connectionId: conn?.id ?? 0,
      nowMs: this.world.nowMs,
    };
    if (this.replSet === undefined) return standaloneHello(common);
    const config = this.durable.config;
    const me = memberOf(config, this.host);
    const state = this.role.state;
    if (config === null || me === undefined || state === MemberState.STARTUP || state === MemberState.REMOVED) return ghostHello(common);
    const last = this.durable.oplog.last();
    return memberHello(common, {
      config,
      me,
      writablePrimary: state === MemberState.PRIMARY && this.role.writable,
      secondary: state === MemberState.SECONDARY,
      primaryHost: this.role.primaryHost,
      electionTerm: state === MemberState.PRIMARY ? this.role.electionTerm : null,
      lastApplied: { ts: last?.ts ?? 0, t: last?.t ?? -1, wallMs: last?.wallMs ?? 0 },
      majority: { ts: this.commitPoint.opTime.ts, t: this.commitPoint.opTime.t, wallMs: this.commitPoint.wallMs },
      operationTs: last?.ts ?? 0,
    });
  }

  // =============================================================================================
  // Replica set configuration
  // =============================================================================================

  private requireReplSet(): void {
    if (this.replSet === undefined) throw new CommandError(ErrorCodes.NoReplicationEnabled, 'This node was not started with replication enabled.');
  }

  private requireConfig(): ReplSetConfig {
    this.requireReplSet();
    const config = this.durable.config;
    if (config === null) throw new CommandError(ErrorCodes.NotYetInitialized, 'no replset config has been received');
    return config;
  }

  private replSetInitiate(body: Readonly<Document>): Doc {
    this.requireReplSet();
    if (this.durable.config !== null) throw new CommandError(ErrorCodes.AlreadyInitialized, 'already initialized');
    const config = initiateConfig(body, this.replSet as string, this.host);
    this.world.trace.record('rs.initiate', `${this.host} ${config._id} v${config.version} n=${config.members.length}`);
    this.writer.append('n', '', { msg: 'initiating set' }, undefined, undefined, -1);
    this.durable.durableCount = this.durable.oplog.length;
    this.role.initialSyncDone = true;
    this.adoptConfig(config, 'initiate');
    return { ok: 1 };
  }

  private replSetReconfig(body: Readonly<Document>): Doc {
    const current = this.requireConfig();
    const force = body['force'] === true;
    if (!(this.role.state === MemberState.PRIMARY && this.role.writable) && !force) {
      throw new CommandError(ErrorCodes.NotWritablePrimary, `replSetReconfig should only be run on a writable PRIMARY. Current state ${stateName(this.role.state)};`);
    }
    const safe = !force && supportsSafeReconfig(this.version);
    if (safe) {
      // safe-reconfig.ts: the current config must be committed before it is replaced.
      checkConfigCommitted(current, this.host, this.peers);
      if (oplogCommitmentApplies(current)) {
        checkOplogCommitment(current, this.configOplogCommitmentOpTime(), { host: this.host, durable: lastDurableEntry(this.durable) ?? nullOpTime }, this.peers);
      }
    }
    const next = reconfigConfig(body, current, this.durable.term, this.host);
    if (safe) checkSingleVoterChange(current, next);
    this.adoptConfig(next, 'reconfig');
    return { ok: 1 };
  }

  /**
   * What the current config must have committed before a safe reconfig: the newest write
   * committed under the previous config, or our first write as primary of this term if later
   * (the server's TopologyCoordinator::getConfigOplogCommitmentOpTime).
   */
  private configOplogCommitmentOpTime(): OpTime {
    const oplog = this.durable.oplog;
    const term = this.durable.term;
    let first: OpTime = nullOpTime;
    // Back from the newest entry to the first of our term (bounded by the oplog's length).
    for (let i = oplog.length - 1; i >= 0; i--) {
      const entry = oplog.at(i) as OplogEntry;
      if (entry.t !== term) break;
      first = entry;
    }
    const inPrevious = this.lastCommittedInPreviousConfig;
    return compareOpTime(first, inPrevious) > 0 ? { ts: first.ts, t: first.t } : inPrevious;
  }

  /** Installs `config` (newer than ours), recomputes peers and our state in it. */
  private adoptConfig(config: ReplSetConfig, why: string): void {
    const previous = this.durable.config;
    const role = this.role;
    this.durable.config = config;
    // Nothing commits under the previous config any more: remember how far it got (safe reconfig's oplog commitment).
    if (previous !== config) this.lastCommittedInPreviousConfig = this.commitPoint.opTime;
    role.viewEpoch++;
    if (previous !== config) this.world.trace.record('rs.config', `${this.host} v${config.version} ${why}`);
    const me = config.members.find((m) => m.host === this.host);
    for (const [host, peer] of this.peers) {
      const member = config.members.find((m) => m.host === host);
      if (member === undefined) {
        peer.channel.reset('removed from config');
        this.peers.delete(host);
      } else {
        peer.member = member;
      }
    }
    for (const member of config.members) {
      if (member.host === this.host || this.peers.has(member.host)) continue;
      this.peers.set(member.host, newPeerView(member, new RpcChannel(this.world.network, this.host, member.host), (peer) => this.heartbeats.replyHandler(peer)));
    }
    if (me === undefined) {
      if (role.state === MemberState.PRIMARY) this.elections.stepDownNow('removed from config');
      this.setState(MemberState.REMOVED, why);
      return;
    }
    if (me.arbiterOnly) {
      this.setState(MemberState.ARBITER, why);
    } else if (role.state === MemberState.STARTUP || role.state === MemberState.REMOVED || role.state === MemberState.ARBITER) {
      role.lastHeardFromPrimaryMs = this.world.nowMs;
      this.setState(role.initialSyncDone ? MemberState.SECONDARY : MemberState.STARTUP2, why);
    } else if (role.state === MemberState.PRIMARY && me.priority === 0) {
      this.elections.stepDownNow('no longer electable after reconfig');
    }
    if (previous !== null && previous !== config) this.notifyTopologyVersion();
    this.elections.armTimer();
    this.elections.electAloneIfSoleVoter('single voter');
    this.heartbeats.send();
  }

  // =============================================================================================
  // replSetGetStatus
  // =============================================================================================

  private replSetGetStatus(): Doc {
    const config = this.requireConfig();
    return replSetStatus(config, this.world.nowMs, {
      host: this.host,
      state: this.role.state,
      term: this.durable.term,
      startedAtMs: this.startedAtMs,
      lastApplied: this.lastApplied,
      durable: lastDurableEntry(this.durable) ?? nullOpTime,
      commitPoint: this.commitPoint.opTime,
      syncSource: this.replication.syncSource,
      electionTerm: this.role.electionTerm,
    }, this.peers);
  }

  // =============================================================================================
  // Admin actions (the replica set wrapper and scenarios call these directly)
  // =============================================================================================

  /**
   * replSetStepDown: wait up to `catchUpSecs` for an electable secondary to catch up, step down
   * for `secs`, then hand the election to the caught-up secondary (electionHandoff).
   */
  stepDown(secs: number, catchUpSecs: number, force: boolean, done: (error: Doc | null) => void): void {
    this.elections.stepDown(secs, catchUpSecs, force, done);
  }

  /** replSetFreeze: no candidacy for `secs` (0 unfreezes). */
  freeze(secs: number): void {
    this.elections.freeze(secs);
  }
}
