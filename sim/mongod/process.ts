/**
 * One simulated mongod process: lifecycle (start, crash as with kill -9, clean shutdown,
 * restart), the client-facing command surface, and — when started with a replica set name —
 * a replica set member: heartbeats, elections (protocol version 1: terms, one vote per term,
 * dry runs, up-to-date check), catch-up and drain, oplog fetching with a majority commit
 * point, periodic no-ops, secondary delay, and rollback.
 *
 * Everything happens in virtual time on the world's scheduler and every member-to-member
 * message travels over the simulated network, so partitions and clogs affect replication and
 * elections exactly as they affect clients. Timers are guarded by an incarnation number: a
 * crash makes every timer of the previous incarnation a no-op without having to track them.
 */
import { ObjectId } from 'bson';
import type { SimRandom } from '../kernel/random.js';
import type { TimerHandle } from '../kernel/scheduler.js';
import type { SimSocket } from '../network/network.js';
import { type Document, commandName, isRequest, reply } from '../protocol.js';
import type { World } from '../world.js';
import {
  type MemberConfig, type ReplSetConfig, configDocument, majorityVoteCount, parseReplSetConfig, writeMajorityCount,
} from './config.js';
import * as crud from './crud.js';
import { CursorRegistry } from './cursors.js';
import { replSetStatus } from './status.js';
import { CommandError, ErrorCodes, codeNameOf, errorReply, retryableWriteErrorCodes, withLegacyNames } from './errors.js';
import { type FailCommandData, FailPoints } from './failpoints.js';
import { type CommonHelloFields, ghostHello, memberHello, simEpochMs, standaloneHello } from './hello.js';
import { MemberState, stateName } from './member-state.js';
import { type WriteConcern, parseWriteConcern, writeConcernTimeoutError } from './write-concern.js';
import type { ReplicationObserver } from './observer.js';
import {
  type OpTime, type OplogEntry, Oplog, compareOpTime, formatOpTime, maxIncrementsPerSecond, nullOpTime,
} from './oplog.js';
import type { Doc } from './query.js';
import { RpcChannel } from './rpc.js';
import { Storage } from './storage.js';
import { isPlainObject } from './values.js';
import { type ServerVersion, defaultServerVersion, fullVersionString, isServerVersion, maxWireVersionOf, serverAddsRetryableWriteLabel, supportsAwaitableHello, supportsHelloCommand } from './versions.js';

// ---- timing defaults (server defaults unless noted) ------------------------------------------

/** Periodic no-op writer interval (server parameter periodicNoopIntervalSecs = 10). */
export const noopWriterPeriodMs = 10_000;
/** Journal group commit interval (storage.journal.commitIntervalMs default 100). */
export const journalCommitIntervalMs = 100;
/** randomizedElectionTimeoutOffsetLimitFraction: the election timeout gets up to +15%. */
export const electionTimeoutOffsetFraction = 0.15;
/** The oplog fetcher's awaitData wait on its sync source: half the election timeout. */
export const oplogFetchAwaitFraction = 0.5;
/** Entries per oplog fetch batch (simulator bound). */
export const oplogFetchBatchLimit = 1000;
/** After a failed fetch, wait this long before choosing a sync source again (simulator choice). */
export const syncSourceRetryMs = 1000;
/** A higher-priority member must be within this of the primary's last write to take over (priorityTakeoverFreshnessWindowSeconds). */
export const priorityTakeoverFreshnessWindowMs = 2000;
/** replSetStepDown defaults. */
export const defaultStepDownSecs = 60;
export const defaultSecondaryCatchUpPeriodSecs = 10;
/** Catch-up limit when catchUpTimeoutMillis is -1 ("infinite") — the server would rely on catch-up takeover (30 s). */
export const catchUpCapMs = 30_000;
/** Writes waiting for write concern per process (simulator bound). */
export const maxWriteConcernWaiters = 100_000;
/** Pending awaitable hellos per process (simulator bound). */
export const maxAwaitingHellos = 100_000;
/** Entries examined per common-point request during rollback. */
export const rollbackCommonPointBatch = 1000;

export interface MongodOptions {
  /** "host:port" this process listens on. */
  readonly host: string;
  /** `--replSet` name; omit for a standalone. */
  readonly replSet?: string;
  readonly version?: ServerVersion;
  /** Extra delay before a secondary applies a fetched batch (replication lag), ms. Default 0. */
  readonly replicationLagMs?: number;
  readonly observer?: ReplicationObserver;
}

interface ClientConnection {
  readonly id: number;
  readonly socket: SimSocket;
  appName: string | undefined;
  /** True for member-to-member connections (no fail points unless failInternalCommands). */
  internal: boolean;
}

interface PeerView {
  member: MemberConfig;
  readonly channel: RpcChannel;
  state: number;
  term: number;
  applied: OpTime;
  appliedWallMs: number;
  durable: OpTime;
  lastHeardMs: number;
  hbRequestId: number | null;
  hbSentMs: number;
  configVersion: number;
  priorityTakeoverAt: number | null;
  /** The last heartbeat reply object: an unchanged member keeps sending the same (cached) one. */
  lastHbReply: Readonly<Document> | null;
  /** The last heartbeat request object from this member, and our view epoch when we processed it. */
  lastHbRequest: Readonly<Document> | null;
  lastHbRequestEpoch: number;
  lastHbRequestFromPrimary: boolean;
  /** Preallocated heartbeat reply handler (one heartbeat is outstanding per peer at a time). */
  onHbReply: (reply: Readonly<Document> | null) => void;
}

interface WcWaiter {
  readonly opTime: OpTime;
  readonly wc: WriteConcern;
  readonly done: (wcError: Doc | null) => void;
  settled: boolean;
}

interface HelloWaiter {
  readonly conn: ClientConnection;
  readonly requestId: number;
  readonly body: Readonly<Document>;
  timer: ReturnType<World['scheduler']['after']> | null;
  settled: boolean;
}

interface FetchWaiter {
  readonly after: OpTime;
  readonly respond: () => void;
  settled: boolean;
}

interface Election {
  phase: 'dry' | 'real';
  readonly term: number;
  readonly granted: Set<string>;
  readonly responded: Set<string>;
}

/** Durable state: what survives a crash (the journaled oplog prefix, term, vote, config). */
interface DurableState {
  readonly oplog: Oplog;
  durableCount: number;
  term: number;
  lastVote: { term: number; host: string } | null;
  config: ReplSetConfig | null;
}

export class MongodProcess {
  readonly host: string;
  readonly replSet: string | undefined;
  readonly version: ServerVersion;
  readonly replicationLagMs: number;
  private readonly world: World;
  private readonly random: SimRandom;
  private readonly observer: ReplicationObserver | undefined;
  private readonly durable: DurableState = { oplog: new Oplog(), durableCount: 0, term: 0, lastVote: null, config: null };

  // ---- volatile state (reset at each start) ----
  private incarnation = 0;
  private running = false;
  private processId: ObjectId = new ObjectId('000000000000000000000000');
  private processIdHex = '000000000000000000000000';
  private tvCounter = 0;
  /** Bumped whenever our term, state, config or known primary changes (invalidates heartbeat fast paths). */
  private viewEpoch = 0;
  private nextConnectionId = 1;
  private readonly connections = new Set<ClientConnection>();
  private storage = new Storage();
  readonly failPoints = new FailPoints();
  private state: number = MemberState.STARTUP;
  private writable = false;
  private electionTerm: number | null = null;
  private primaryHost: string | null = null;
  private lastHeardFromPrimaryMs = 0;
  private electionTimerArmed = false;
  private electionOffsetMs = 0;
  private readonly peers = new Map<string, PeerView>();
  private commitPoint: OpTime = nullOpTime;
  private commitWallMs = 0;
  private commitIndex = 0;
  private wcWaiters: WcWaiter[] = [];
  private readonly helloWaiters = new Set<HelloWaiter>();
  private fetchWaiters: FetchWaiter[] = [];
  private readonly cursors = new CursorRegistry();
  private journalTimerArmed = false;
  private election: Election | null = null;
  private stepDownUntilMs = 0;
  private catchUp: { target: OpTime; source: string; deadlineMs: number } | null = null;
  private fetching = false;
  private abandonFetch: (() => void) | null = null;
  private fetchSource: string | null = null;
  private fetchRetryAtMs = 0;
  private applyBuffer: OplogEntry[] = [];
  private applyTimerArmed = false;
  private rollingBack = false;
  private initialSyncDone = false;
  private objectIdCounter = 0;
  private objectIdUnique = '';
  private lastTsSecs = 0;
  private lastTsInc = 0;
  private startedAtMs = 0;

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
    this.world = world;
    this.host = options.host;
    this.replSet = options.replSet;
    this.version = options.version ?? defaultServerVersion;
    this.replicationLagMs = options.replicationLagMs ?? 0;
    this.observer = options.observer;
    this.random = world.random(`mongod:${options.host}`);
  }

  // =============================================================================================
  // Introspection (for tests, the replica set wrapper and scenario reports)
  // =============================================================================================

  get isRunning(): boolean { return this.running; }
  get memberState(): number { return this.running ? this.state : MemberState.DOWN; }
  get memberStateName(): string { return stateName(this.memberState); }
  get isWritablePrimary(): boolean { return this.running && this.state === MemberState.PRIMARY && this.writable; }
  get term(): number { return this.durable.term; }
  get config(): ReplSetConfig | null { return this.durable.config; }
  get oplog(): Oplog { return this.durable.oplog; }
  get lastApplied(): OpTime { return this.durable.oplog.lastOpTime(); }
  get majorityCommitPoint(): OpTime { return this.commitPoint; }
  get topologyVersion(): { processId: string; counter: number } { return { processId: this.processIdHex, counter: this.tvCounter }; }
  get knownPrimary(): string | null { return this.primaryHost; }
  get syncSource(): string | null { return this.fetchSource; }
  /** Documents of a collection on this member (for tests). */
  documents(ns: string): Doc[] { return [...(this.storage.collection(ns)?.docs.values() ?? [])]; }

  // =============================================================================================
  // Lifecycle
  // =============================================================================================

  start(): void {
    if (this.running) throw new Error(`${this.host}: already running`);
    this.incarnation++;
    this.running = true;
    this.startedAtMs = this.world.nowMs;
    this.processIdHex = this.randomHex(12);
    this.processId = ObjectId.createFromHexString(this.processIdHex);
    this.objectIdUnique = this.randomHex(5);
    this.tvCounter = 0;
    this.nextConnectionId = 1;
    this.failPoints.reset();
    this.rebuildStorage();
    this.commitPoint = nullOpTime;
    this.commitWallMs = 0;
    this.commitIndex = 0;
    this.primaryHost = null;
    this.writable = false;
    this.electionTerm = null;
    this.election = null;
    this.catchUp = null;
    this.fetching = false;
    this.abandonFetch = null;
    this.fetchSource = null;
    this.applyBuffer = [];
    this.rollingBack = false;
    this.stepDownUntilMs = 0;
    this.journalTimerArmed = false;
    this.electionTimerArmed = false;
    this.applyTimerArmed = false;
    this.initialSyncDone = this.durable.oplog.length > 0;
    this.peers.clear();
    this.world.network.listen(this.host, (socket) => this.accept(socket));
    this.world.trace.record('mongod.start', `${this.host} pid=${this.processIdHex}`);
    this.notifyTopologyVersion();
    if (this.replSet === undefined) {
      this.state = MemberState.PRIMARY;
      this.writable = true;
      return;
    }
    this.state = MemberState.STARTUP;
    const config = this.durable.config;
    if (config !== null) this.adoptConfig(config, 'restart');
    this.every(this.heartbeatIntervalMs(), 'mongod.tick', () => this.tick());
  }

  /** kill -9: connections reset, unjournaled writes gone, volatile state lost. */
  crash(): void {
    if (!this.running) return;
    this.world.trace.record('mongod.crash', this.host);
    const lost = this.durable.oplog.truncate(this.durable.durableCount);
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
    if (this.state === MemberState.PRIMARY) {
      // A primary shutting down cleanly steps down and hands the election to a caught-up secondary.
      const target = this.caughtUpElectableSecondary();
      this.stepDownNow('shutting down');
      if (target !== null) target.channel.call('admin', { replSetStepUp: 1, skipDryRun: true }, () => undefined);
    }
    for (const waiter of [...this.helloWaiters]) {
      this.settleHelloWaiter(waiter, errorReply(ErrorCodes.ShutdownInProgress, 'The server is in quiesce mode and will shut down'));
    }
    this.stop();
  }

  /** Shutdown (if running) then start: a new processId, the durable state kept. */
  restart(): void {
    if (this.running) this.shutdown();
    this.start();
  }

  private stop(): void {
    this.running = false;
    this.incarnation++;
    this.world.network.unlisten(this.host);
    for (const peer of this.peers.values()) peer.channel.reset('process stopped');
    this.peers.clear();
    this.connections.clear();
    this.helloWaiters.clear();
    this.fetchWaiters = [];
    this.wcWaiters = [];
    this.cursors.clear();
    this.state = MemberState.DOWN;
    this.writable = false;
    this.electionTerm = null;
  }

  // =============================================================================================
  // Timers, randomness, ids
  // =============================================================================================

  private after(delayMs: number, label: string, fn: () => void): void {
    const incarnation = this.incarnation;
    this.world.scheduler.after(Math.max(0, delayMs), label, () => {
      if (this.incarnation === incarnation) fn();
    });
  }

  private every(periodMs: number, label: string, fn: () => void): void {
    const incarnation = this.incarnation;
    const run = (): void => {
      if (this.incarnation !== incarnation) return;
      fn();
      this.world.scheduler.after(periodMs, label, run);
    };
    this.world.scheduler.after(periodMs, label, run);
  }

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

  private settings(): ReplSetConfig['settings'] | null {
    return this.durable.config?.settings ?? null;
  }

  private heartbeatIntervalMs(): number {
    return this.settings()?.heartbeatIntervalMillis ?? 2000;
  }

  private electionTimeoutMs(): number {
    return this.settings()?.electionTimeoutMillis ?? 10_000;
  }

  private heartbeatTimeoutMs(): number {
    return (this.settings()?.heartbeatTimeoutSecs ?? 10) * 1000;
  }

  private myMember(): MemberConfig | undefined {
    return this.durable.config?.members.find((m) => m.host === this.host);
  }

  /** A hello-visible change: bump topologyVersion.counter and answer awaiting hellos. */
  private notifyTopologyVersion(): void {
    this.viewEpoch++;
    this.tvCounter++;
    this.observer?.topologyVersionChanged(this.host, this.processIdHex, this.tvCounter);
    if (this.helloWaiters.size === 0) return;
    for (const waiter of [...this.helloWaiters]) this.settleHelloWaiter(waiter, this.helloReply(waiter.conn, waiter.body));
  }

  private setState(state: number, why: string): void {
    if (this.state === state) return;
    this.world.trace.record('rs.state', `${this.host} ${stateName(this.state)}>${stateName(state)} ${why}`);
    this.state = state;
    this.notifyTopologyVersion();
  }

  /** Adopts a higher term (persisted); a primary or candidate seeing one steps down. */
  private updateTerm(term: number, why: string): void {
    if (term <= this.durable.term) return;
    const from = this.durable.term;
    this.durable.term = term;
    this.viewEpoch++;
    this.observer?.termChanged(this.host, from, term);
    this.world.trace.record('rs.term', `${this.host} ${from}>${term} ${why}`);
    if (this.election !== null) this.election = null;
    if (this.state === MemberState.PRIMARY) this.stepDownNow(`saw term ${term} (${why})`);
  }

  // =============================================================================================
  // Connections and command dispatch
  // =============================================================================================

  private accept(socket: SimSocket): void {
    const conn: ClientConnection = { id: this.nextConnectionId++, socket, appName: undefined, internal: false };
    this.connections.add(conn);
    const incarnation = this.incarnation;
    socket.onMessage((message) => {
      if (this.incarnation !== incarnation || !isRequest(message)) return;
      this.handleRequest(conn, message.requestId, message.db, message.body);
    });
    socket.onClose(() => {
      this.connections.delete(conn);
      for (const waiter of this.helloWaiters) if (waiter.conn === conn) this.dropHelloWaiter(waiter);
    });
  }

  private send(conn: ClientConnection, requestId: number, body: Readonly<Document>): void {
    if (!conn.socket.closed) conn.socket.send(reply(requestId, body));
  }

  private static readonly internalCommands = new Set([
    'replSetHeartbeat', 'replSetRequestVotes', 'replSetUpdatePosition', '_replFetch', '_replFindCommonPoint',
  ]);

  private handleRequest(conn: ClientConnection, requestId: number, db: string, body: Readonly<Document>): void {
    if (body['replSetHeartbeat'] !== undefined && commandName(body) === 'replSetHeartbeat') {
      // Hot path: an idle set exchanges a heartbeat per member pair every 2 s.
      conn.internal = true;
      let out: Doc;
      try {
        out = this.onHeartbeat(body);
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        out = errorReply(error.code, error.message);
      }
      this.send(conn, requestId, out);
      return;
    }
    const name = commandName(body);
    if (name === undefined) {
      this.send(conn, requestId, errorReply(ErrorCodes.FailedToParse, 'Empty command object'));
      return;
    }
    if (MongodProcess.internalCommands.has(name)) conn.internal = true;
    if (name === 'configureFailPoint' || conn.internal) {
      this.execute(conn, requestId, db, name, body, undefined);
      return;
    }
    const coll = body[name];
    const failData = this.failPoints.checkFailCommand({
      commandName: name,
      namespace: typeof coll === 'string' ? `${db}.${coll}` : `${db}.$cmd`,
      appName: this.appNameFor(conn, name, body),
      internal: conn.internal,
    });
    if (failData === undefined) {
      this.execute(conn, requestId, db, name, body, undefined);
      return;
    }
    this.world.trace.record('failpoint', `${this.host} failCommand ${name} c${conn.id}`);
    if (failData.blockConnection && failData.blockTimeMS > 0) {
      this.after(failData.blockTimeMS, 'mongod.failpoint.block', () => this.applyFailCommand(conn, requestId, db, name, body, failData));
      return;
    }
    this.applyFailCommand(conn, requestId, db, name, body, failData);
  }

  /** The appName a hello announces (client.application.name) is remembered for the connection. */
  private appNameFor(conn: ClientConnection, name: string, body: Readonly<Document>): string | undefined {
    if ((name === 'hello' || name === 'isMaster' || name === 'ismaster') && isPlainObject(body['client'])) {
      const app = (body['client'] as Doc)['application'];
      if (isPlainObject(app) && typeof app['name'] === 'string') conn.appName = app['name'];
    }
    return conn.appName;
  }

  private applyFailCommand(conn: ClientConnection, requestId: number, db: string, name: string, body: Readonly<Document>, data: FailCommandData): void {
    if (conn.socket.closed) return;
    if (data.closeConnection) {
      conn.socket.close();
      this.connections.delete(conn);
      return;
    }
    if (data.errorCode !== undefined) {
      const labels = data.errorLabels ?? this.automaticLabels(data.errorCode, body);
      const extra: Doc = {};
      if (labels.length > 0) extra['errorLabels'] = labels;
      if (data.errorExtraInfo !== undefined) Object.assign(extra, data.errorExtraInfo);
      this.send(conn, requestId, this.decorateError(errorReply(data.errorCode, "Failing command via 'failCommand' failpoint", extra)));
      return;
    }
    this.execute(conn, requestId, db, name, body, data);
  }

  /** Labels a server of this version adds by itself (retryable-writes.md: only ≥ 4.4, only for retryable writes). */
  private automaticLabels(code: number, body: Readonly<Document>): string[] {
    if (!serverAddsRetryableWriteLabel(this.version)) return [];
    if (!retryableWriteErrorCodes.has(code)) return [];
    const name = commandName(body);
    const isRetryableWrite = body['txnNumber'] !== undefined && body['autocommit'] === undefined;
    if (isRetryableWrite || name === 'commitTransaction' || name === 'abortTransaction') return ['RetryableWriteError'];
    return [];
  }

  /** State-change errors carry topologyVersion from 4.4 on (SDAM "topologyVersion in error responses"). */
  private decorateError(reply: Doc): Doc {
    const body = withLegacyNames(reply, maxWireVersionOf(this.version));
    const code = body['code'];
    if (supportsAwaitableHello(this.version) && typeof code === 'number' && stateChangeCodes.has(code)) {
      body['topologyVersion'] = { processId: this.processId, counter: this.tvCounter };
    }
    return body;
  }

  private execute(conn: ClientConnection, requestId: number, db: string, name: string, body: Readonly<Document>, failData: FailCommandData | undefined): void {
    const respond = (result: Doc): void => {
      if (failData?.writeConcernError !== undefined && result['ok'] === 1) {
        const wce = { ...failData.writeConcernError };
        if (typeof wce['code'] === 'number' && wce['codeName'] === undefined) wce['codeName'] = codeNameOf(wce['code']);
        result = { ...result, writeConcernError: wce };
        const labels = Array.isArray(wce['errorLabels']) ? [...(wce['errorLabels'] as string[])]
          : typeof wce['code'] === 'number' ? this.automaticLabels(wce['code'], body) : [];
        if (labels.length > 0) result['errorLabels'] = labels;
      }
      this.send(conn, requestId, result);
    };
    try {
      const immediate = this.runCommand(conn, requestId, db, name, body, respond);
      if (immediate !== undefined) respond(immediate);
    } catch (error) {
      if (error instanceof CloseConnection) {
        conn.socket.close();
        this.connections.delete(conn);
        return;
      }
      if (!(error instanceof CommandError)) {
        // A simulator bug must not take the whole world down: answer like a server assertion, and trace it.
        const message = error instanceof Error ? error.message : String(error);
        this.world.trace.record('mongod.internalError', `${this.host} ${name}: ${message}`);
        this.send(conn, requestId, errorReply(ErrorCodes.InternalError, message));
        return;
      }
      const extra: Doc = { ...error.extra };
      const labels = this.automaticLabels(error.code, body);
      if (labels.length > 0) extra['errorLabels'] = labels;
      this.send(conn, requestId, this.decorateError(errorReply(error.code, error.message, extra)));
    }
  }

  /** Runs a command; returns the reply, or undefined when `respond` will be called later. */
  private runCommand(conn: ClientConnection, requestId: number, db: string, name: string, body: Readonly<Document>, respond: (r: Doc) => void): Doc | undefined {
    switch (name) {
      case 'hello':
        if (!supportsHelloCommand(this.version)) throw new CommandError(ErrorCodes.CommandNotFound, "no such command: 'hello'");
        return this.helloCommand(conn, requestId, body);
      case 'isMaster': case 'ismaster': return this.helloCommand(conn, requestId, body);
      case 'ping': return { ok: 1 };
      case 'buildInfo': case 'buildinfo': return this.buildInfo();
      case 'configureFailPoint': return this.failPoints.configure(body);
      case 'endSessions': case 'killAllSessions': case 'killSessions': case 'refreshSessions': return { ok: 1 };
      case 'replSetInitiate': return this.replSetInitiate(body);
      case 'replSetGetStatus': return this.replSetGetStatus();
      case 'replSetGetConfig': return { config: configDocument(this.requireConfig()), ok: 1 };
      case 'replSetStepDown': this.replSetStepDown(body, respond); return undefined;
      case 'replSetFreeze': return this.replSetFreeze(body);
      case 'replSetReconfig': return this.replSetReconfig(body);
      case 'replSetStepUp': return this.replSetStepUp(body);
      case 'replSetHeartbeat': return this.onHeartbeat(body);
      case 'replSetRequestVotes': return this.onRequestVotes(body);
      case 'replSetUpdatePosition': return this.onUpdatePosition(body);
      case '_replFetch': this.onFetch(body, respond); return undefined;
      case '_replFindCommonPoint': return this.onFindCommonPoint(body);
      case 'find': return this.findCommand(db, body);
      case 'getMore': return this.cursors.getMore(body);
      case 'killCursors': return this.cursors.kill(body);
      case 'count': this.checkCanRead(body); return crud.countCommand(this.storage, db, body);
      case 'aggregate': this.checkCanRead(body); return this.cursors.open(crud.aggregateCommand(this.storage, db, body));
      case 'distinct': this.checkCanRead(body); return crud.distinctCommand(this.storage, db, body);
      case 'listCollections': this.checkCanRead(body); return crud.listCollectionsCommand(this.storage, db, body);
      case 'listDatabases': this.checkCanRead(body); return crud.listDatabasesCommand(this.storage, body);
      case 'listIndexes': this.checkCanRead(body); return crud.listIndexesCommand(this.storage, db, body);
      case 'insert': case 'update': case 'delete': case 'findAndModify': case 'findandmodify':
      case 'create': case 'drop': case 'dropDatabase':
        this.writeCommand(db, name, body, respond);
        return undefined;
      default:
        throw new CommandError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
    }
  }

  private buildInfo(): Doc {
    const full = fullVersionString(this.version);
    return {
      version: full,
      gitVersion: 'simulated',
      versionArray: [...full.split('.').map(Number), 0],
      bits: 64,
      debug: false,
      maxBsonObjectSize: 16 * 1024 * 1024,
      storageEngines: ['wiredTiger'],
      ok: 1,
    };
  }

  // =============================================================================================
  // hello
  // =============================================================================================

  private helloCommand(conn: ClientConnection, requestId: number, body: Readonly<Document>): Doc | undefined {
    const tv = body['topologyVersion'];
    const maxAwait = body['maxAwaitTimeMS'];
    if (tv !== undefined && maxAwait !== undefined && supportsAwaitableHello(this.version)) {
      if (typeof maxAwait !== 'number' || !Number.isInteger(maxAwait) || maxAwait < 0) {
        throw new CommandError(ErrorCodes.BadValue, 'maxAwaitTimeMS must be a non-negative integer');
      }
      if (!isPlainObject(tv)) throw new CommandError(ErrorCodes.TypeMismatch, "'topologyVersion' must be an object");
      const pid = tv['processId'];
      const pidHex = typeof pid === 'string' ? pid : (pid as { toHexString?: () => string } | undefined)?.toHexString?.();
      const counter = Number(tv['counter']);
      // Awaitable hello (server-monitoring.md): wait only when the client already has our current version.
      if (pidHex === this.processIdHex && counter === this.tvCounter && this.helloWaiters.size < maxAwaitingHellos) {
        const waiter: HelloWaiter = { conn, requestId, body, timer: null, settled: false };
        this.helloWaiters.add(waiter);
        const incarnation = this.incarnation;
        waiter.timer = this.world.scheduler.after(maxAwait, 'mongod.hello.await', () => {
          if (this.incarnation === incarnation) this.settleHelloWaiter(waiter, this.helloReply(conn, body));
        });
        return undefined;
      }
    }
    return this.helloReply(conn, body);
  }

  private settleHelloWaiter(waiter: HelloWaiter, body: Doc): void {
    if (waiter.settled) return;
    this.dropHelloWaiter(waiter);
    this.send(waiter.conn, waiter.requestId, body);
  }

  private dropHelloWaiter(waiter: HelloWaiter): void {
    waiter.settled = true;
    this.helloWaiters.delete(waiter);
    if (waiter.timer !== null) this.world.scheduler.cancel(waiter.timer);
    waiter.timer = null;
  }

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
    const me = this.myMember();
    if (config === null || me === undefined || this.state === MemberState.STARTUP || this.state === MemberState.REMOVED) return ghostHello(common);
    const last = this.durable.oplog.last();
    return memberHello(common, {
      config,
      me,
      writablePrimary: this.state === MemberState.PRIMARY && this.writable,
      secondary: this.state === MemberState.SECONDARY,
      primaryHost: this.primaryHost,
      electionTerm: this.state === MemberState.PRIMARY ? this.electionTerm : null,
      lastApplied: { ts: last?.ts ?? 0, t: last?.t ?? -1, wallMs: last?.wallMs ?? 0 },
      majority: { ts: this.commitPoint.ts, t: this.commitPoint.t, wallMs: this.commitWallMs },
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
    const raw = body['replSetInitiate'];
    const rawConfig = isPlainObject(raw) ? raw : { _id: this.replSet, version: 1, members: [{ _id: 0, host: this.host }] };
    const config = parseReplSetConfig(rawConfig, { version: 1, term: 0 });
    if (config._id !== this.replSet) {
      throw new CommandError(ErrorCodes.InvalidReplicaSetConfig, `Attempting to initiate a replica set with name ${config._id}, but command line reports ${this.replSet}; rejecting`);
    }
    if (!config.members.some((m) => m.host === this.host)) {
      throw new CommandError(ErrorCodes.NodeNotFound, `No host described in new configuration with {version: ${config.version}, term: ${config.term}} for replica set ${config._id} maps to this node`);
    }
    this.world.trace.record('rs.initiate', `${this.host} ${config._id} v${config.version} n=${config.members.length}`);
    this.appendLocal('n', '', { msg: 'initiating set' }, undefined, undefined, -1);
    this.durable.durableCount = this.durable.oplog.length;
    this.initialSyncDone = true;
    this.adoptConfig(config, 'initiate');
    return { ok: 1 };
  }

  /** Installs `config` (newer than ours), recomputes peers and our state in it. */
  private adoptConfig(config: ReplSetConfig, why: string): void {
    const previous = this.durable.config;
    this.durable.config = config;
    this.viewEpoch++;
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
      const peer: PeerView = {
        member,
        channel: new RpcChannel(this.world.network, this.host, member.host),
        state: MemberState.UNKNOWN,
        term: -1,
        applied: nullOpTime,
        appliedWallMs: 0,
        durable: nullOpTime,
        lastHeardMs: -Infinity,
        hbRequestId: null,
        hbSentMs: 0,
        configVersion: -1,
        priorityTakeoverAt: null,
        lastHbReply: null,
        lastHbRequest: null,
        lastHbRequestEpoch: -1,
        lastHbRequestFromPrimary: false,
        onHbReply: (res) => {
          if (peer.hbRequestId === null) return;
          peer.hbRequestId = null;
          if (res === null || res['ok'] !== 1) this.markDown(peer);
          else this.onHeartbeatResponse(peer, res);
        },
      };
      this.peers.set(member.host, peer);
    }
    if (me === undefined) {
      if (this.state === MemberState.PRIMARY) this.stepDownNow('removed from config');
      this.setState(MemberState.REMOVED, why);
      return;
    }
    if (me.arbiterOnly) {
      this.setState(MemberState.ARBITER, why);
    } else if (this.state === MemberState.STARTUP || this.state === MemberState.REMOVED || this.state === MemberState.ARBITER) {
      this.lastHeardFromPrimaryMs = this.world.nowMs;
      this.setState(this.initialSyncDone ? MemberState.SECONDARY : MemberState.STARTUP2, why);
    } else if (this.state === MemberState.PRIMARY && me.priority === 0) {
      this.stepDownNow('no longer electable after reconfig');
    }
    if (previous !== null && previous !== config) this.notifyTopologyVersion();
    this.armElectionTimer();
    // A lone voter need not wait for anyone: it elects itself at once, as the server does.
    if (this.canRunForElection() && this.votingPeers().length === 0) this.after(0, 'rs.selfElect', () => this.startElection('single voter', true));
    this.sendHeartbeats();
  }

  private replSetReconfig(body: Readonly<Document>): Doc {
    const current = this.requireConfig();
    if (!(this.state === MemberState.PRIMARY && this.writable) && body['force'] !== true) {
      throw new CommandError(ErrorCodes.NotWritablePrimary, `replSetReconfig should only be run on a writable PRIMARY. Current state ${stateName(this.state)};`);
    }
    const raw = body['replSetReconfig'];
    if (!isPlainObject(raw)) throw new CommandError(ErrorCodes.TypeMismatch, 'replSetReconfig argument must be a configuration object');
    const config = parseReplSetConfig(raw, { version: current.version + 1, term: this.durable.term });
    if (config._id !== current._id) {
      throw new CommandError(ErrorCodes.NewReplicaSetConfigurationIncompatible, `New and old configurations differ in replica set name; old was ${current._id}, and new is ${config._id}`);
    }
    if (config.version <= current.version) {
      throw new CommandError(ErrorCodes.NewReplicaSetConfigurationIncompatible, `New replica set configuration version must be greater than old, but ${config.version} is not greater than ${current.version} for replica set ${current._id}`);
    }
    if (!config.members.some((m) => m.host === this.host) && body['force'] !== true) {
      throw new CommandError(ErrorCodes.NodeNotFound, `No host described in new configuration with {version: ${config.version}, term: ${config.term}} for replica set ${config._id} maps to this node`);
    }
    const installed: ReplSetConfig = { ...config, term: this.durable.term };
    this.adoptConfig(installed, 'reconfig');
    return { ok: 1 };
  }

  // =============================================================================================
  // Heartbeats
  // =============================================================================================

  private tick(): void {
    if (this.durable.config === null) return;
    this.sendHeartbeats();
    const now = this.world.nowMs;
    if (this.state === MemberState.PRIMARY) {
      // Liveness: a primary that cannot see a majority of voters for an election timeout steps down.
      const cutoff = now - this.electionTimeoutMs();
      let seen = this.myMember()?.votes ?? 0;
      for (const peer of this.peers.values()) if (peer.member.votes > 0 && peer.lastHeardMs >= cutoff) seen++;
      if (seen < majorityVoteCount(this.durable.config)) this.stepDownNow('cannot see a majority of the set');
    } else if (this.state === MemberState.SECONDARY || this.state === MemberState.STARTUP2) {
      this.maybeStartFetcher();
    }
  }

  private sendHeartbeats(): void {
    const config = this.durable.config;
    if (config === null || !this.running) return;
    const now = this.world.nowMs;
    const timeout = this.heartbeatTimeoutMs();
    let request = this.hbRequestCache;
    if (request === null || request['config'] !== config || request['term'] !== this.durable.term || request['state'] !== this.state) {
      request = {
        replSetHeartbeat: config._id,
        configVersion: config.version,
        configTerm: config.term,
        from: this.host,
        term: this.durable.term,
        state: this.state,
        config,
      };
      this.hbRequestCache = request;
    }
    for (const peer of this.peers.values()) {
      if (peer.hbRequestId !== null) {
        if (now - peer.hbSentMs < timeout) continue;
        peer.channel.forget(peer.hbRequestId);
        peer.channel.reset('heartbeat timeout');
        peer.hbRequestId = null;
        this.markDown(peer);
      }
      peer.hbSentMs = now;
      peer.hbRequestId = peer.channel.call('admin', request, peer.onHbReply);
    }
  }

  private hbRequestCache: Doc | null = null;

  private markDown(peer: PeerView): void {
    if (peer.state === MemberState.DOWN) return;
    peer.state = MemberState.DOWN;
    if (this.primaryHost === peer.member.host && this.state !== MemberState.PRIMARY) {
      this.primaryHost = null;
      this.notifyTopologyVersion();
    }
  }

  private onHeartbeat(body: Readonly<Document>): Doc {
    if (this.replSet === undefined) throw new CommandError(ErrorCodes.NoReplicationEnabled, 'not running with --replSet');
    if (body['replSetHeartbeat'] !== this.replSet) {
      throw new CommandError(ErrorCodes.InvalidReplicaSetConfig, `Our set name of ${this.replSet} does not match name ${String(body['replSetHeartbeat'])} reported by remote node`);
    }
    const fromHost = String(body['from']);
    const from = this.peers.get(fromHost);
    if (from !== undefined && body === from.lastHbRequest && from.lastHbRequestEpoch === this.viewEpoch) {
      // Fast path (the idle steady state): the same request object as last time, and nothing changed on our side.
      if (from.lastHbRequestFromPrimary) {
        this.lastHeardFromPrimaryMs = this.world.nowMs;
        from.lastHeardMs = this.world.nowMs;
      }
      return this.heartbeatReply();
    }
    const config = body['config'];
    if (config !== this.durable.config) this.maybeAdoptConfig(config, 'heartbeat from', fromHost);
    const term = body['term'];
    if (typeof term === 'number' && term > this.durable.term) this.updateTerm(term, `heartbeat from ${fromHost}`);
    // A heartbeat from the primary of our term tells us who the primary is (and resets our election timer).
    const fromPrimary = from !== undefined && body['state'] === MemberState.PRIMARY && body['term'] === this.durable.term && this.state !== MemberState.PRIMARY;
    if (from !== undefined && fromPrimary) {
      this.lastHeardFromPrimaryMs = this.world.nowMs;
      from.state = MemberState.PRIMARY;
      from.term = this.durable.term;
      from.lastHeardMs = this.world.nowMs;
      if (this.primaryHost !== from.member.host) {
        this.primaryHost = from.member.host;
        this.notifyTopologyVersion();
        this.after(0, 'rs.fetch.kick', () => {
          this.redirectFetcher();
          this.maybeStartFetcher();
        });
      }
    }
    if (from !== undefined) {
      from.lastHbRequest = body;
      from.lastHbRequestEpoch = this.viewEpoch;
      from.lastHbRequestFromPrimary = fromPrimary;
    }
    return this.heartbeatReply();
  }

  private hbReplyCache: { doc: Doc; state: number; term: number; length: number; durableCount: number; config: ReplSetConfig | null; writable: boolean } | null = null;

  /** Heartbeat replies are rebuilt only when something they report changed (the idle hot path). */
  private heartbeatReply(): Doc {
    const c = this.hbReplyCache;
    if (c !== null && c.state === this.state && c.term === this.durable.term && c.length === this.durable.oplog.length
      && c.durableCount === this.durable.durableCount && c.config === this.durable.config && c.writable === this.writable) return c.doc;
    const doc = this.buildHeartbeatReply();
    this.hbReplyCache = { doc, state: this.state, term: this.durable.term, length: this.durable.oplog.length, durableCount: this.durable.durableCount, config: this.durable.config, writable: this.writable };
    return doc;
  }

  private buildHeartbeatReply(): Doc {
    const last = this.durable.oplog.last();
    const durableEntry = this.durable.oplog.at(this.durable.durableCount - 1);
    return {
      ok: 1,
      set: this.replSet,
      state: this.state,
      term: this.durable.term,
      configVersion: this.durable.config?.version ?? -2,
      config: this.durable.config,
      applied: last === undefined ? nullOpTime : { ts: last.ts, t: last.t },
      appliedWallMs: last?.wallMs ?? 0,
      durable: durableEntry === undefined ? nullOpTime : { ts: durableEntry.ts, t: durableEntry.t },
      writable: this.writable,
    };
  }

  /** Adopts a config seen in a heartbeat if it is newer; cheap when it is not (the usual case). */
  private maybeAdoptConfig(raw: unknown, via: string, host: string): void {
    if (raw === this.durable.config || !isPlainObject(raw)) return;
    const id = raw['_id'];
    const version = raw['version'];
    const term = raw['term'];
    if (typeof id !== 'string' || typeof version !== 'number' || typeof term !== 'number') return;
    if (!this.isNewerConfig({ _id: id, version, term } as ReplSetConfig)) return;
    const config = validConfig(raw);
    if (config !== null) this.adoptConfig(config, `${via} ${host}`);
  }

  private isNewerConfig(config: Pick<ReplSetConfig, '_id' | 'version' | 'term'>): boolean {
    const mine = this.durable.config;
    if (config === mine) return false;
    if (mine === null) return config._id === this.replSet;
    return config._id === mine._id && (config.term > mine.term || (config.term === mine.term && config.version > mine.version)
      || (config.version > mine.version));
  }

  private onHeartbeatResponse(peer: PeerView, res: Readonly<Document>): void {
    const now = this.world.nowMs;
    if (res === peer.lastHbReply && peer.state !== MemberState.DOWN) {
      // Fast path (the idle steady state): the member reports exactly what it reported last time.
      peer.lastHeardMs = now;
      if (peer.state === MemberState.PRIMARY && this.primaryHost === peer.member.host && this.state !== MemberState.PRIMARY) {
        this.lastHeardFromPrimaryMs = now;
        if (peer.priorityTakeoverAt === null && (this.myMember()?.priority ?? 0) > peer.member.priority) this.considerPriorityTakeover(peer);
        return;
      }
      if (peer.state !== MemberState.PRIMARY && this.primaryHost !== peer.member.host) return;
    }
    peer.lastHbReply = res;
    const config = res['config'];
    if (config !== this.durable.config) this.maybeAdoptConfig(config, 'heartbeat reply from', peer.member.host);
    if (!this.peers.has(peer.member.host)) return;
    peer.lastHeardMs = now;
    peer.state = Number(res['state']);
    peer.term = Number(res['term']);
    peer.configVersion = Number(res['configVersion']);
    const applied = res['applied'] as OpTime;
    if (compareOpTime(applied, peer.applied) > 0) {
      peer.applied = applied;
      peer.appliedWallMs = Number(res['appliedWallMs']);
    }
    const durable = res['durable'] as OpTime;
    let moved = false;
    if (compareOpTime(durable, peer.durable) > 0) {
      peer.durable = durable;
      moved = true;
    }
    if (peer.term > this.durable.term) this.updateTerm(peer.term, `heartbeat reply from ${peer.member.host}`);
    if (peer.state === MemberState.PRIMARY && peer.term >= this.durable.term) {
      if (this.state === MemberState.PRIMARY) {
        // Two primaries in the same term cannot happen (one vote per term); an older one steps down on seeing the newer term.
        return;
      }
      this.lastHeardFromPrimaryMs = now;
      if (this.primaryHost !== peer.member.host) {
        this.primaryHost = peer.member.host;
        this.notifyTopologyVersion();
        this.redirectFetcher();
      }
      this.considerPriorityTakeover(peer);
    } else if (this.primaryHost === peer.member.host && peer.state !== MemberState.PRIMARY && this.state !== MemberState.PRIMARY) {
      this.primaryHost = null;
      this.notifyTopologyVersion();
    }
    if (this.state === MemberState.PRIMARY) {
      if (moved) this.advanceCommitPoint();
    } else if (!this.fetching && (this.state === MemberState.SECONDARY || this.state === MemberState.STARTUP2)) this.maybeStartFetcher();
  }

  // =============================================================================================
  // Elections (protocol version 1)
  // =============================================================================================

  private votingPeers(): PeerView[] {
    const out: PeerView[] = [];
    for (const peer of this.peers.values()) if (peer.member.votes > 0) out.push(peer);
    return out;
  }

  private canRunForElection(): boolean {
    const me = this.myMember();
    return this.running && me !== undefined && me.priority > 0 && me.votes > 0 && !me.arbiterOnly
      && this.state === MemberState.SECONDARY && this.election === null && !this.rollingBack
      && this.world.nowMs >= this.stepDownUntilMs;
  }

  /** The election timer: fires electionTimeoutMillis (+ up to 15%) after we last heard from a primary. */
  private armElectionTimer(): void {
    if (this.electionTimerArmed) return;
    const me = this.myMember();
    if (me === undefined || me.priority === 0 || me.arbiterOnly) return;
    this.electionTimerArmed = true;
    this.electionOffsetMs = this.random.int(Math.floor(this.electionTimeoutMs() * electionTimeoutOffsetFraction) + 1);
    const due = Math.max(this.lastHeardFromPrimaryMs, this.stepDownUntilMs - this.electionTimeoutMs()) + this.electionTimeoutMs() + this.electionOffsetMs;
    this.after(due - this.world.nowMs, 'rs.electionTimeout', () => {
      this.electionTimerArmed = false;
      // A primary needs no election timer; stepping down re-arms it.
      if (this.state === MemberState.PRIMARY) return;
      const deadline = Math.max(this.lastHeardFromPrimaryMs, this.stepDownUntilMs - this.electionTimeoutMs()) + this.electionTimeoutMs() + this.electionOffsetMs;
      if (this.world.nowMs >= deadline) {
        this.lastHeardFromPrimaryMs = this.world.nowMs;
        this.startElection('election timeout', false);
      }
      this.armElectionTimer();
    });
  }

  private startElection(reason: string, skipDryRun: boolean): void {
    if (!this.canRunForElection()) return;
    const config = this.durable.config as ReplSetConfig;
    this.world.trace.record('rs.election', `${this.host} ${skipDryRun ? 'start' : 'dryrun'} term=${this.durable.term + 1} (${reason})`);
    const election: Election = { phase: skipDryRun ? 'real' : 'dry', term: this.durable.term + 1, granted: new Set([this.host]), responded: new Set() };
    this.election = election;
    if (skipDryRun) this.beginRealElection(election);
    else this.requestVotes(election, config);
  }

  private beginRealElection(election: Election): void {
    const from = this.durable.term;
    this.durable.term = election.term;
    this.viewEpoch++;
    this.durable.lastVote = { term: election.term, host: this.host };
    this.observer?.termChanged(this.host, from, election.term);
    election.phase = 'real';
    election.granted.clear();
    election.granted.add(this.host);
    election.responded.clear();
    this.world.trace.record('rs.election', `${this.host} run term=${election.term}`);
    this.requestVotes(election, this.durable.config as ReplSetConfig);
  }

  private requestVotes(election: Election, config: ReplSetConfig): void {
    const needed = majorityVoteCount(config);
    if (election.granted.size >= needed) {
      this.electionRoundWon(election);
      return;
    }
    const last = this.lastApplied;
    const request = {
      replSetRequestVotes: 1,
      setName: config._id,
      dryRun: election.phase === 'dry',
      term: election.term,
      candidate: this.host,
      configVersion: config.version,
      configTerm: config.term,
      lastAppliedOpTime: { ts: last.ts, t: last.t },
    };
    const phase = election.phase;
    for (const peer of this.votingPeers()) {
      peer.channel.call('admin', request, (res) => {
        if (this.election !== election || election.phase !== phase || res === null) return;
        const term = Number(res['term']);
        if (term > this.durable.term) {
          this.election = null;
          this.updateTerm(term, `vote reply from ${peer.member.host}`);
          return;
        }
        election.responded.add(peer.member.host);
        if (res['voteGranted'] === true) election.granted.add(peer.member.host);
        if (election.granted.size >= needed) this.electionRoundWon(election);
      });
    }
    // A round that does not reach a majority within an election timeout is lost.
    this.after(this.electionTimeoutMs(), 'rs.election.timeout', () => {
      if (this.election === election && election.phase === phase) {
        this.world.trace.record('rs.election', `${this.host} lost ${phase} term=${election.term}`);
        this.election = null;
      }
    });
  }

  private electionRoundWon(election: Election): void {
    if (election.phase === 'dry') {
      this.beginRealElection(election);
      return;
    }
    this.election = null;
    if (this.durable.term !== election.term || this.state !== MemberState.SECONDARY) return;
    this.becomePrimary();
  }

  private onRequestVotes(body: Readonly<Document>): Doc {
    const config = this.durable.config;
    if (typeof body['term'] !== 'number') throw new CommandError(ErrorCodes.BadValue, "'term' must be a number");
    const term = body['term'];
    const dryRun = body['dryRun'] === true;
    const candidate = String(body['candidate']);
    const deny = (reason: string): Doc => {
      this.world.trace.record('rs.vote', `${this.host} deny ${candidate} t${term}${dryRun ? ' dry' : ''}: ${reason}`);
      return { term: this.durable.term, voteGranted: false, reason, ok: 1 };
    };
    const theirs = opTimeField(body, 'lastAppliedOpTime');
    if (config === null) return deny('no config');
    if (!dryRun && term > this.durable.term) this.updateTerm(term, `vote request from ${candidate}`);
    if (body['setName'] !== config._id) return deny(`candidate's set name (${String(body['setName'])}) differs from mine (${config._id})`);
    if (term < this.durable.term) return deny(`candidate's term (${term}) is lower than mine (${this.durable.term})`);
    if (Number(body['configVersion']) < config.version && Number(body['configTerm']) <= config.term) {
      return deny(`candidate's config with {version: ${String(body['configVersion'])}} is older than mine with {version: ${config.version}}`);
    }
    if (compareOpTime(theirs, this.lastApplied) < 0) {
      return deny(`candidate's data is staler than mine. candidate's last applied OpTime: ${formatOpTime(theirs)}, my last applied OpTime: ${formatOpTime(this.lastApplied)}`);
    }
    if (dryRun) {
      if (this.state === MemberState.PRIMARY && term <= this.durable.term) return deny('I am primary in this term');
      return { term: this.durable.term, voteGranted: true, reason: '', ok: 1 };
    }
    const vote = this.durable.lastVote;
    if (vote !== null && vote.term >= term) {
      return deny(`already voted for another candidate (${vote.host}) this term (${vote.term})`);
    }
    this.durable.lastVote = { term, host: candidate };
    this.world.trace.record('rs.vote', `${this.host} grant ${candidate} t${term}`);
    // Granting a vote resets our own election timer, as hearing from a primary does.
    this.lastHeardFromPrimaryMs = this.world.nowMs;
    return { term: this.durable.term, voteGranted: true, reason: '', ok: 1 };
  }

  private becomePrimary(): void {
    const term = this.durable.term;
    this.electionTerm = term;
    this.primaryHost = this.host;
    this.writable = false;
    this.world.trace.record('rs.elected', `${this.host} term=${term}`);
    this.observer?.becamePrimary(this.host, term);
    this.setState(MemberState.PRIMARY, `won term ${term}`);
    for (const peer of this.peers.values()) peer.priorityTakeoverAt = null;
    this.fetchSource = null;
    // Catch-up: if a member we heard from recently has newer entries, fetch them before writing.
    const cutoff = this.world.nowMs - this.electionTimeoutMs();
    let target: OpTime = this.lastApplied;
    let source: string | null = null;
    for (const peer of this.peers.values()) {
      if (peer.lastHeardMs >= cutoff && peer.state !== MemberState.DOWN && !peer.member.arbiterOnly && compareOpTime(peer.applied, target) > 0) {
        target = peer.applied;
        source = peer.member.host;
      }
    }
    if (source === null) {
      this.finishCatchUp('already caught up');
      return;
    }
    const limit = this.settings()?.catchUpTimeoutMillis ?? -1;
    const limitMs = limit < 0 ? catchUpCapMs : limit;
    this.catchUp = { target, source, deadlineMs: this.world.nowMs + limitMs };
    this.world.trace.record('rs.catchup', `${this.host} from ${source} to ${formatOpTime(target)}`);
    this.after(limitMs, 'rs.catchup.timeout', () => {
      if (this.catchUp !== null && this.electionTerm === term) this.finishCatchUp('catch-up timeout');
    });
    this.maybeStartFetcher();
  }

  private finishCatchUp(why: string): void {
    this.catchUp = null;
    if (this.state !== MemberState.PRIMARY) return;
    const term = this.electionTerm;
    this.world.trace.record('rs.drain', `${this.host} ${why}`);
    // Drain mode: apply what was fetched, then write the new term's first entry and accept writes.
    this.after(0, 'rs.drain', () => {
      if (this.state !== MemberState.PRIMARY || this.electionTerm !== term) return;
      this.flushApplyBuffer(true);
      this.appendLocal('n', '', { msg: 'new primary' }, undefined, undefined);
      this.writable = true;
      this.world.trace.record('rs.writable', `${this.host} term=${String(term)}`);
      this.notifyTopologyVersion();
      // Tell the set at once (the server restarts heartbeats on a state change).
      for (const peer of this.peers.values()) {
        if (peer.hbRequestId !== null) {
          peer.channel.forget(peer.hbRequestId);
          peer.hbRequestId = null;
        }
      }
      this.sendHeartbeats();
      this.every(noopWriterPeriodMs, 'rs.noop', () => {
        if (this.state === MemberState.PRIMARY && this.electionTerm === term) this.maybeWriteNoop();
      });
    });
  }

  /** Periodic no-op writer: keeps lastWriteDate moving on an idle primary. */
  private maybeWriteNoop(): void {
    if (!this.writable) return;
    const last = this.durable.oplog.last();
    if (last !== undefined && this.world.nowMs - last.wallMs < noopWriterPeriodMs) return;
    this.appendLocal('n', '', { msg: 'periodic noop' }, undefined, undefined);
  }

  private considerPriorityTakeover(primary: PeerView): void {
    const me = this.myMember();
    if (me === undefined || me.priority <= primary.member.priority || !this.canRunForElection()) return;
    const fresh = this.lastApplied.ts >= primary.applied.ts - priorityTakeoverFreshnessWindowMs / 1000 * maxIncrementsPerSecond;
    if (!fresh || primary.priorityTakeoverAt !== null) return;
    // ReplSetConfig::getPriorityTakeoverDelay: (rank + 1) × electionTimeout, rank = members with a higher priority than us.
    const config = this.durable.config as ReplSetConfig;
    const rank = config.members.filter((m) => m.priority > me.priority).length;
    const delay = (rank + 1) * this.electionTimeoutMs() + this.random.int(Math.floor(this.electionTimeoutMs() * electionTimeoutOffsetFraction) + 1);
    primary.priorityTakeoverAt = this.world.nowMs + delay;
    this.after(delay, 'rs.priorityTakeover', () => {
      primary.priorityTakeoverAt = null;
      if (this.primaryHost !== primary.member.host || primary.state !== MemberState.PRIMARY) return;
      if (me.priority <= primary.member.priority) return;
      if (this.lastApplied.ts < primary.applied.ts - priorityTakeoverFreshnessWindowMs / 1000 * maxIncrementsPerSecond) return;
      this.startElection(`priority takeover of ${primary.member.host}`, false);
    });
  }

  /** Steps down from primary at once (a higher term, lost majority, stepDown, reconfig). */
  private stepDownNow(why: string): void {
    if (this.state !== MemberState.PRIMARY) return;
    this.writable = false;
    this.electionTerm = null;
    this.primaryHost = null;
    this.catchUp = null;
    this.lastHeardFromPrimaryMs = this.world.nowMs;
    const waiters = this.wcWaiters;
    this.wcWaiters = [];
    for (const w of waiters) {
      if (w.settled) continue;
      w.settled = true;
      w.done({ code: ErrorCodes.InterruptedDueToReplStateChange, codeName: 'InterruptedDueToReplStateChange', errmsg: 'operation was interrupted because a replica set state change happened' });
    }
    this.setState(MemberState.SECONDARY, `stepped down: ${why}`);
    this.armElectionTimer();
    this.maybeStartFetcher();
  }

  private replSetStepDown(body: Readonly<Document>, respond: (r: Doc) => void): void {
    this.requireConfig();
    if (!(this.state === MemberState.PRIMARY)) throw new CommandError(ErrorCodes.NotWritablePrimary, 'not primary so can\'t step down');
    const secsRaw = body['replSetStepDown'];
    if (typeof secsRaw !== 'number' && secsRaw !== true) throw new CommandError(ErrorCodes.TypeMismatch, "replSetStepDown's argument must be a number of seconds");
    const secs = typeof secsRaw === 'number' ? secsRaw : defaultStepDownSecs;
    const catchUpRaw = body['secondaryCatchUpPeriodSecs'];
    if (catchUpRaw !== undefined && typeof catchUpRaw !== 'number') throw new CommandError(ErrorCodes.TypeMismatch, "'secondaryCatchUpPeriodSecs' must be a number");
    const catchUpSecs = catchUpRaw ?? Math.min(defaultSecondaryCatchUpPeriodSecs, secs);
    if (!(secs >= 0)) throw new CommandError(ErrorCodes.BadValue, 'stepdown period must be a non-negative number');
    if (catchUpSecs > secs) throw new CommandError(ErrorCodes.BadValue, 'stepdown period must be longer than secondaryCatchUpPeriodSecs');
    this.stepDown(secs, catchUpSecs, body['force'] === true, (error) => respond(error ?? { ok: 1 }));
  }

  /**
   * replSetStepDown: wait up to `catchUpSecs` for an electable secondary to catch up, step down
   * for `secs`, then hand the election to the caught-up secondary (electionHandoff).
   */
  stepDown(secs: number, catchUpSecs: number, force: boolean, done: (error: Doc | null) => void): void {
    if (this.state !== MemberState.PRIMARY) {
      done(errorReply(ErrorCodes.NotWritablePrimary, 'not primary so can\'t step down'));
      return;
    }
    const term = this.electionTerm;
    const deadline = this.world.nowMs + catchUpSecs * 1000;
    const attempt = (): void => {
      if (this.state !== MemberState.PRIMARY || this.electionTerm !== term) {
        done(errorReply(ErrorCodes.PrimarySteppedDown, 'primary stepped down while waiting for replication'));
        return;
      }
      const target = this.caughtUpElectableSecondary();
      if (target !== null || force || this.world.nowMs >= deadline) {
        if (target === null && !force) {
          done(errorReply(ErrorCodes.ExceededTimeLimit, `No electable secondaries caught up as of ${new Date(simEpochMs + this.world.nowMs).toISOString()}. Please use the replSetStepDown command with the argument {force: true} to force node to step down.`));
          return;
        }
        this.stepDownUntilMs = this.world.nowMs + secs * 1000;
        this.stepDownNow(`replSetStepDown ${secs}s`);
        if (target !== null) target.channel.call('admin', { replSetStepUp: 1, skipDryRun: true }, () => undefined);
        done(null);
        return;
      }
      this.after(Math.min(100, deadline - this.world.nowMs), 'rs.stepdown.wait', attempt);
    };
    attempt();
  }

  private caughtUpElectableSecondary(): PeerView | null {
    const last = this.lastApplied;
    const cutoff = this.world.nowMs - this.electionTimeoutMs();
    let best: PeerView | null = null;
    for (const peer of this.peers.values()) {
      if (peer.member.priority <= 0 || peer.member.arbiterOnly || peer.state !== MemberState.SECONDARY || peer.lastHeardMs < cutoff) continue;
      if (compareOpTime(peer.applied, last) < 0) continue;
      if (best === null || peer.member.priority > best.member.priority) best = peer;
    }
    return best;
  }

  private replSetStepUp(body: Readonly<Document>): Doc {
    this.requireConfig();
    if (this.state !== MemberState.SECONDARY) throw new CommandError(ErrorCodes.NotSecondary, 'Node is not a secondary');
    const me = this.myMember();
    if (me === undefined || me.priority === 0) throw new CommandError(ErrorCodes.NodeNotElectable, 'Election failed: this node is not electable');
    this.stepDownUntilMs = 0;
    this.after(0, 'rs.stepUp', () => this.startElection('replSetStepUp', body['skipDryRun'] === true));
    return { ok: 1 };
  }

  private replSetFreeze(body: Readonly<Document>): Doc {
    this.requireConfig();
    const secs = body['replSetFreeze'];
    if (typeof secs !== 'number' || !(secs >= 0)) throw new CommandError(ErrorCodes.BadValue, 'replSetFreeze argument must be a non-negative number of seconds');
    if (this.state === MemberState.PRIMARY || this.election !== null) {
      throw new CommandError(ErrorCodes.NotSecondary, `cannot freeze node when primary or running for election. state: ${this.state === MemberState.PRIMARY ? 'Primary' : 'Running-Election'}`);
    }
    this.freeze(secs);
    return secs === 0 ? { info: 'unfreezing', ok: 1 } : { ok: 1 };
  }

  /** replSetFreeze: no candidacy for `secs` (0 unfreezes). */
  freeze(secs: number): void {
    this.stepDownUntilMs = secs === 0 ? 0 : this.world.nowMs + secs * 1000;
    this.world.trace.record('rs.freeze', `${this.host} ${secs}s`);
    // A lone electable voter unfreezing elects itself at once (server behaviour for single-node sets).
    if (secs === 0 && this.canRunForElection() && this.votingPeers().length === 0) this.after(0, 'rs.selfElect', () => this.startElection('unfrozen single voter', true));
  }

  // =============================================================================================
  // Replication: the primary's side
  // =============================================================================================

  /** Next oplog timestamp: wall seconds + increment, strictly after the last entry. */
  private nextTs(): number {
    const secs = Math.floor((simEpochMs + this.world.nowMs) / 1000);
    if (secs > this.lastTsSecs) {
      this.lastTsSecs = secs;
      this.lastTsInc = 1;
    } else {
      this.lastTsInc++;
      if (this.lastTsInc >= maxIncrementsPerSecond) throw new Error(`${this.host}: more than ${maxIncrementsPerSecond} oplog entries in one second`);
    }
    let ts = this.lastTsSecs * maxIncrementsPerSecond + this.lastTsInc;
    const last = this.durable.oplog.last();
    if (last !== undefined && ts <= last.ts) {
      ts = last.ts + 1;
      this.lastTsSecs = Math.floor(ts / maxIncrementsPerSecond);
      this.lastTsInc = ts % maxIncrementsPerSecond;
    }
    return ts;
  }

  private appendLocal(op: OplogEntry['op'], ns: string, o: Doc, o2: Doc | undefined, txn: OplogEntry['txn'], term = this.durable.term): OplogEntry {
    const entry: OplogEntry = txn === undefined
      ? (o2 === undefined ? { ts: this.nextTs(), t: term, op, ns, o, wallMs: this.world.nowMs } : { ts: this.nextTs(), t: term, op, ns, o, o2, wallMs: this.world.nowMs })
      : { ts: this.nextTs(), t: term, op, ns, o, ...(o2 === undefined ? {} : { o2 }), wallMs: this.world.nowMs, txn };
    this.durable.oplog.append(entry);
    this.storage.apply(entry);
    if (op !== 'n') this.world.trace.record('rs.write', `${this.host} ${op} ${ns} ${formatOpTime(entry)}`);
    if (this.replSet === undefined) {
      this.scheduleJournal();
      return entry;
    }
    this.scheduleJournal();
    this.wakeFetchWaiters();
    return entry;
  }

  private scheduleJournal(): void {
    if (this.journalTimerArmed) return;
    this.journalTimerArmed = true;
    this.after(journalCommitIntervalMs, 'mongod.journal', () => {
      this.journalTimerArmed = false;
      this.durable.durableCount = this.durable.oplog.length;
      if (this.state === MemberState.PRIMARY) this.advanceCommitPoint();
      this.checkWcWaiters();
    });
  }

  private onUpdatePosition(body: Readonly<Document>): Doc {
    const host = String(body['host']);
    const peer = this.peers.get(host);
    if (peer !== undefined) {
      const applied = opTimeField(body, 'applied');
      const durable = opTimeField(body, 'durable');
      if (compareOpTime(applied, peer.applied) > 0) {
        peer.applied = applied;
        peer.appliedWallMs = Number(body['appliedWallMs']);
      }
      if (compareOpTime(durable, peer.durable) > 0) peer.durable = durable;
      peer.lastHeardMs = this.world.nowMs;
      if (typeof body['term'] === 'number' && body['term'] > this.durable.term) this.updateTerm(body['term'], `position update from ${host}`);
      if (this.state === MemberState.PRIMARY) this.advanceCommitPoint();
      this.checkWcWaiters();
    }
    return { ok: 1 };
  }

  /** Majority commit point: the newest optime durable on a write-majority of voting data-bearing members, in our term. */
  private advanceCommitPoint(): void {
    const config = this.durable.config;
    if (config === null || this.state !== MemberState.PRIMARY) return;
    const positions: OpTime[] = [];
    const me = this.myMember();
    if (me !== undefined && me.votes > 0) {
      const d = this.durable.oplog.at(this.durable.durableCount - 1);
      positions.push(d === undefined ? nullOpTime : d);
    }
    for (const peer of this.peers.values()) if (peer.member.votes > 0 && !peer.member.arbiterOnly) positions.push(peer.durable);
    const needed = writeMajorityCount(config);
    if (positions.length < needed) return;
    positions.sort((a, b) => compareOpTime(b, a));
    const candidate = positions[needed - 1] as OpTime;
    if (candidate.t !== this.durable.term || compareOpTime(candidate, this.commitPoint) <= 0) return;
    const oplog = this.durable.oplog;
    const newIndex = oplog.countUpTo(candidate);
    const committed = oplog.slice(this.commitIndex, newIndex);
    this.commitIndex = newIndex;
    const lastCommitted = oplog.at(newIndex - 1) as OplogEntry;
    this.commitPoint = { ts: lastCommitted.ts, t: lastCommitted.t };
    this.commitWallMs = lastCommitted.wallMs;
    if (committed.length > 0) this.observer?.committed(this.host, committed);
    this.checkWcWaiters();
  }

  /** A secondary adopts the commit point its sync source reports, as far as its own oplog agrees. */
  private learnCommitPoint(point: OpTime, wallMs: number): void {
    if (compareOpTime(point, this.commitPoint) <= 0) return;
    const oplog = this.durable.oplog;
    const from = this.commitIndex;
    const index = oplog.indexOf(point);
    if (index < 0) {
      // Not in our oplog yet: advance only to our last entry if it is in the same term and older
      // (entries of one term all come from that term's primary, so ours are in its oplog).
      const last = oplog.last();
      if (last === undefined || last.t !== point.t || compareOpTime(last, this.commitPoint) <= 0 || compareOpTime(last, point) > 0) return;
      this.commitPoint = { ts: last.ts, t: last.t };
      this.commitWallMs = last.wallMs;
      this.commitIndex = oplog.length;
    } else {
      this.commitPoint = point;
      this.commitWallMs = wallMs;
      this.commitIndex = index + 1;
    }
    if (this.observer !== undefined && this.commitIndex > from) this.observer.committed(this.host, oplog.slice(from, this.commitIndex));
  }

  // =============================================================================================
  // Replication: serving fetches (any member can be a sync source)
  // =============================================================================================

  private fetchMetadata(): Doc {
    const last = this.durable.oplog.last();
    return {
      term: this.durable.term,
      isPrimary: this.state === MemberState.PRIMARY,
      lastApplied: last === undefined ? nullOpTime : { ts: last.ts, t: last.t },
      commitPoint: this.commitPoint,
      commitWallMs: this.commitWallMs,
    };
  }

  private onFetch(body: Readonly<Document>, respond: (r: Doc) => void): void {
    if (this.durable.config === null || !(this.state === MemberState.PRIMARY || this.state === MemberState.SECONDARY)) {
      throw new CommandError(ErrorCodes.NotPrimaryOrSecondary, 'node is not in primary or recovering state');
    }
    const after = opTimeField(body, 'after');
    const limit = Math.min(Number(body['limit']) || oplogFetchBatchLimit, oplogFetchBatchLimit);
    const answer = (): boolean => {
      const oplog = this.durable.oplog;
      const index = after.t === nullOpTime.t && after.ts === nullOpTime.ts ? -1 : oplog.indexOf(after);
      if (index < 0 && !(after.t === nullOpTime.t && after.ts === nullOpTime.ts)) {
        respond({ ok: 1, diverged: true, ...this.fetchMetadata() });
        return true;
      }
      if (index + 1 < oplog.length) {
        respond({ ok: 1, entries: oplog.slice(index + 1, index + 1 + limit), ...this.fetchMetadata() });
        return true;
      }
      return false;
    };
    if (answer()) return;
    let timer: TimerHandle | null = null;
    const waiter: FetchWaiter = {
      after,
      settled: false,
      respond: () => {
        if (waiter.settled) return;
        if (answer()) {
          waiter.settled = true;
          if (timer !== null) this.world.scheduler.cancel(timer);
        }
      },
    };
    this.fetchWaiters.push(waiter);
    const awaitMs = Number(body['maxAwaitTimeMS']) || this.electionTimeoutMs() * oplogFetchAwaitFraction;
    const incarnation = this.incarnation;
    timer = this.world.scheduler.after(awaitMs, 'rs.fetch.await', () => {
      if (waiter.settled || this.incarnation !== incarnation) return;
      waiter.settled = true;
      this.fetchWaiters = this.fetchWaiters.filter((w) => w !== waiter);
      respond({ ok: 1, entries: [], ...this.fetchMetadata() });
    });
  }

  private wakeFetchWaiters(): void {
    if (this.fetchWaiters.length === 0) return;
    const waiters = this.fetchWaiters;
    this.fetchWaiters = [];
    for (const w of waiters) {
      w.respond();
      if (!w.settled) this.fetchWaiters.push(w);
    }
  }

  private onFindCommonPoint(body: Readonly<Document>): Doc {
    const opTimes = body['opTimes'];
    if (!Array.isArray(opTimes)) throw new CommandError(ErrorCodes.BadValue, "'opTimes' must be an array of optimes");
    for (let i = 0; i < opTimes.length; i++) {
      if (this.durable.oplog.indexOf(opTimeField({ o: opTimes[i] }, 'o')) >= 0) return { ok: 1, index: i };
    }
    return { ok: 1, index: -1 };
  }

  // =============================================================================================
  // Replication: the fetching side (secondaries, and a new primary catching up)
  // =============================================================================================

  private chooseSyncSource(): PeerView | null {
    const mine = this.lastApplied;
    const cutoff = this.world.nowMs - this.electionTimeoutMs();
    if (this.catchUp !== null) return this.peers.get(this.catchUp.source) ?? null;
    if (this.primaryHost !== null && this.primaryHost !== this.host) {
      const primary = this.peers.get(this.primaryHost);
      if (primary !== undefined && primary.state === MemberState.PRIMARY) return primary;
    }
    let best: PeerView | null = null;
    for (const peer of this.peers.values()) {
      if (peer.member.arbiterOnly || peer.lastHeardMs < cutoff || peer.state === MemberState.DOWN) continue;
      if (!(peer.state === MemberState.PRIMARY || peer.state === MemberState.SECONDARY)) continue;
      if (compareOpTime(peer.applied, mine) <= 0) continue;
      if (best === null || compareOpTime(peer.applied, best.applied) > 0) best = peer;
    }
    return best;
  }

  private maybeStartFetcher(): void {
    if (!this.running || this.fetching || this.rollingBack) return;
    const fetchingState = this.state === MemberState.SECONDARY || this.state === MemberState.STARTUP2 || (this.state === MemberState.PRIMARY && this.catchUp !== null);
    if (!fetchingState || this.world.nowMs < this.fetchRetryAtMs) return;
    if (this.applyBuffer.length >= oplogFetchBatchLimit) return;
    const source = this.chooseSyncSource();
    if (source === null) {
      if (this.fetchSource !== null) this.fetchSource = null;
      return;
    }
    this.fetchSource = source.member.host;
    this.fetchFrom(source);
  }

  /** Abandons an in-flight fetch whose source is no longer the one we would choose (e.g. a new primary appeared). */
  private redirectFetcher(): void {
    if (!this.fetching || this.abandonFetch === null) return;
    const best = this.chooseSyncSource();
    if (best !== null && best.member.host !== this.fetchSource) {
      this.abandonFetch();
      this.maybeStartFetcher();
    }
  }

  private fetchFrom(source: PeerView): void {
    this.fetching = true;
    const pendingLast = this.applyBuffer[this.applyBuffer.length - 1];
    const after = pendingLast === undefined ? this.lastApplied : { ts: pendingLast.ts, t: pendingLast.t };
    const awaitMs = this.electionTimeoutMs() * oplogFetchAwaitFraction;
    const incarnation = this.incarnation;
    let done = false;
    let timeout: TimerHandle | null = null;
    const requestId = source.channel.call('local', { _replFetch: 1, after, limit: oplogFetchBatchLimit, maxAwaitTimeMS: awaitMs, term: this.durable.term }, (res) => {
      if (done || this.incarnation !== incarnation) return;
      done = true;
      if (timeout !== null) this.world.scheduler.cancel(timeout);
      this.fetching = false;
      this.abandonFetch = null;
      this.onFetchReply(source, after, res);
    });
    this.abandonFetch = () => {
      if (done) return;
      done = true;
      if (timeout !== null) this.world.scheduler.cancel(timeout);
      source.channel.forget(requestId);
      this.fetching = false;
      this.abandonFetch = null;
    };
    // The network may black-hole the request: give up after the await time plus a heartbeat timeout.
    timeout = this.world.scheduler.after(awaitMs + this.heartbeatTimeoutMs(), 'rs.fetch.timeout', () => {
      if (done || this.incarnation !== incarnation) return;
      done = true;
      source.channel.forget(requestId);
      this.fetching = false;
      this.abandonFetch = null;
      this.fetchRetryAtMs = this.world.nowMs + syncSourceRetryMs;
    });
  }

  private onFetchReply(source: PeerView, after: OpTime, res: Readonly<Document> | null): void {
    if (res === null || res['ok'] !== 1) {
      this.fetchRetryAtMs = this.world.nowMs + syncSourceRetryMs;
      this.after(syncSourceRetryMs, 'rs.fetch.retry', () => this.maybeStartFetcher());
      return;
    }
    const term = Number(res['term']);
    if (term > this.durable.term) this.updateTerm(term, `fetch reply from ${source.member.host}`);
    if (res['isPrimary'] === true && term >= this.durable.term && this.state !== MemberState.PRIMARY) {
      this.lastHeardFromPrimaryMs = this.world.nowMs;
      if (this.primaryHost !== source.member.host) {
        this.primaryHost = source.member.host;
        this.notifyTopologyVersion();
      }
    }
    if (res['diverged'] === true) {
      // Only a source that is ahead of us can make us roll back; one that is behind (it crashed and
      // lost its tail, say) is just not a usable sync source right now.
      if (compareOpTime(res['lastApplied'] as OpTime, this.lastApplied) <= 0) {
        this.fetchRetryAtMs = this.world.nowMs + syncSourceRetryMs;
        source.applied = res['lastApplied'] as OpTime;
        if (this.primaryHost === source.member.host && res['isPrimary'] !== true) {
          this.primaryHost = null;
          source.state = MemberState.UNKNOWN;
          this.notifyTopologyVersion();
        }
        this.after(syncSourceRetryMs, 'rs.fetch.retry', () => this.maybeStartFetcher());
        return;
      }
      if (this.state === MemberState.PRIMARY) {
        if (this.catchUp !== null) this.finishCatchUp('catch-up source diverged');
        return;
      }
      this.startRollback(source);
      return;
    }
    const entries = res['entries'] as OplogEntry[];
    const last = this.applyBuffer[this.applyBuffer.length - 1];
    const expected = last === undefined ? this.lastApplied : last;
    if (entries.length > 0 && compareOpTime(after, expected) === 0) {
      for (const e of entries) this.applyBuffer.push(e);
      this.scheduleApply();
    }
    if (this.state !== MemberState.PRIMARY) this.learnCommitPoint(res['commitPoint'] as OpTime, Number(res['commitWallMs']));
    if (entries.length === 0 && this.state === MemberState.STARTUP2) this.finishInitialSync();
    this.maybeStartFetcher();
  }

  private finishInitialSync(): void {
    this.initialSyncDone = true;
    if (this.state === MemberState.STARTUP2) {
      this.lastHeardFromPrimaryMs = this.world.nowMs;
      this.setState(MemberState.SECONDARY, 'initial sync done');
      this.armElectionTimer();
    }
  }

  private secondaryDelayMs(): number {
    return (this.myMember()?.secondaryDelaySecs ?? 0) * 1000;
  }

  private scheduleApply(): void {
    if (this.applyTimerArmed || this.applyBuffer.length === 0) return;
    const first = this.applyBuffer[0] as OplogEntry;
    const delay = this.state === MemberState.PRIMARY ? 0 : Math.max(this.replicationLagMs, first.wallMs + this.secondaryDelayMs() - this.world.nowMs);
    if (delay <= 0) {
      // No lag configured and nothing delayed: apply now (saves an event per batch on the idle path).
      this.flushApplyBuffer(false);
      return;
    }
    this.applyTimerArmed = true;
    this.after(delay, 'rs.apply', () => {
      this.applyTimerArmed = false;
      this.flushApplyBuffer(false);
    });
  }

  /** Applies buffered entries that are due (all of them when `all`), then reports our position. */
  private flushApplyBuffer(all: boolean): void {
    if (this.applyBuffer.length === 0) return;
    const now = this.world.nowMs;
    const delay = this.state === MemberState.PRIMARY ? 0 : this.secondaryDelayMs();
    const applied: OplogEntry[] = [];
    let i = 0;
    const oplog = this.durable.oplog;
    for (; i < this.applyBuffer.length; i++) {
      const e = this.applyBuffer[i] as OplogEntry;
      if (!all && e.wallMs + delay > now) break;
      const last = oplog.last();
      if (last !== undefined && !(e.ts > last.ts && e.t >= last.t)) continue;
      oplog.append(e);
      this.storage.apply(e);
      applied.push(e);
    }
    this.applyBuffer = this.applyBuffer.slice(i);
    if (applied.length > 0) {
      // Secondaries journal each applied batch before reporting it (durable = applied).
      this.durable.durableCount = oplog.length;
      this.observer?.applied(this.host, applied);
      this.wakeFetchWaiters();
      this.reportPosition();
      if (this.state === MemberState.STARTUP2) this.finishInitialSync();
      if (this.catchUp !== null && compareOpTime(this.lastApplied, this.catchUp.target) >= 0) this.finishCatchUp('caught up');
    }
    if (this.applyBuffer.length > 0) this.scheduleApply();
    else this.maybeStartFetcher();
  }

  private reportPosition(): void {
    if (this.state === MemberState.PRIMARY || this.primaryHost === null) return;
    const primary = this.peers.get(this.primaryHost);
    if (primary === undefined) return;
    const last = this.durable.oplog.last();
    if (last === undefined) return;
    const position = { ts: last.ts, t: last.t };
    primary.channel.call('admin', {
      replSetUpdatePosition: 1, host: this.host, applied: position, durable: position, appliedWallMs: last.wallMs, term: this.durable.term,
    }, () => undefined);
  }

  // =============================================================================================
  // Rollback
  // =============================================================================================

  private startRollback(source: PeerView): void {
    this.rollingBack = true;
    this.applyBuffer = [];
    this.setState(MemberState.ROLLBACK, `diverged from ${source.member.host}`);
    const oplog = this.durable.oplog;
    const incarnation = this.incarnation;
    const probe = (end: number): void => {
      const start = Math.max(0, end - rollbackCommonPointBatch);
      const opTimes: OpTime[] = [];
      for (let i = end - 1; i >= start; i--) {
        const e = oplog.at(i) as OplogEntry;
        opTimes.push({ ts: e.ts, t: e.t });
      }
      source.channel.call('local', { _replFindCommonPoint: 1, opTimes }, (res) => {
        if (this.incarnation !== incarnation) return;
        if (res === null || res['ok'] !== 1) {
          this.rollingBack = false;
          this.setState(MemberState.SECONDARY, 'rollback interrupted, will retry');
          this.fetchRetryAtMs = this.world.nowMs + syncSourceRetryMs;
          return;
        }
        const index = Number(res['index']);
        if (index < 0 && start > 0) {
          probe(start);
          return;
        }
        const keep = index < 0 ? 0 : end - index;
        this.finishRollback(keep, source.member.host);
      });
    };
    probe(oplog.length);
  }

  private finishRollback(keep: number, sourceHost: string): void {
    const removed = this.durable.oplog.truncate(keep);
    this.durable.durableCount = Math.min(this.durable.durableCount, keep);
    if (this.commitIndex > keep) {
      this.commitIndex = keep;
      const last = this.durable.oplog.last();
      this.commitPoint = last === undefined ? nullOpTime : { ts: last.ts, t: last.t };
      this.commitWallMs = last?.wallMs ?? 0;
    }
    this.rebuildStorage();
    this.world.trace.record('rs.rollback', `${this.host} n=${removed.length} to=${formatOpTime(this.lastApplied)} source=${sourceHost}`);
    if (removed.length > 0) this.observer?.lost(this.host, removed, 'rollback');
    this.rollingBack = false;
    this.setState(MemberState.SECONDARY, 'rollback done');
    this.maybeStartFetcher();
  }

  private rebuildStorage(): void {
    this.storage = new Storage();
    for (const entry of this.durable.oplog.entries) this.storage.apply(entry);
    this.cursors.clear();
  }

  // =============================================================================================
  // Data commands
  // =============================================================================================

  private readPreferenceAllowsSecondary(body: Readonly<Document>): boolean {
    const rp = body['$readPreference'];
    if (!isPlainObject(rp)) return false;
    const mode = rp['mode'];
    return typeof mode === 'string' && mode !== 'primary';
  }

  private checkCanRead(body: Readonly<Document>): void {
    if (this.replSet === undefined) return;
    if (this.state === MemberState.PRIMARY) return;
    if (this.state === MemberState.SECONDARY) {
      if (this.readPreferenceAllowsSecondary(body)) return;
      throw new CommandError(ErrorCodes.NotPrimaryNoSecondaryOk, 'not primary and secondaryOk=false');
    }
    throw new CommandError(ErrorCodes.NotPrimaryOrSecondary, 'node is not in primary or recovering state');
  }

  private findCommand(db: string, body: Readonly<Document>): Doc {
    this.checkCanRead(body);
    return this.cursors.open(crud.findCommand(this.storage, db, body));
  }

  private checkCanWrite(): void {
    if (this.replSet === undefined) return;
    if (this.state === MemberState.PRIMARY && this.writable) return;
    throw new CommandError(ErrorCodes.NotWritablePrimary, 'not primary');
  }

  private writeCommand(db: string, name: string, body: Readonly<Document>, respond: (r: Doc) => void): void {
    this.checkCanWrite();
    const wc = parseWriteConcern(body, { replicaSet: this.replSet !== undefined, maxWireVersion: maxWireVersionOf(this.version), config: this.durable.config });
    const retry = name === 'create' || name === 'drop' || name === 'dropDatabase' ? undefined : crud.retryContextFor(this.storage, body, this.replSet !== undefined);
    let primaryTxnFailpoint: ReturnType<FailPoints['checkPrimaryTransactionalWrite']>;
    if (retry !== undefined) {
      primaryTxnFailpoint = this.failPoints.checkPrimaryTransactionalWrite();
      if (primaryTxnFailpoint?.failBeforeCommitExceptionCode !== undefined) {
        this.world.trace.record('failpoint', `${this.host} onPrimaryTransactionalWrite failBeforeCommit`);
        throw new CommandError(primaryTxnFailpoint.failBeforeCommitExceptionCode, "Failing write for test due to 'onPrimaryTransactionalWrite' failpoint");
      }
    }
    const sink: crud.WriteSink = {
      write: (op, ns, o, o2, txn) => { this.appendLocal(op, ns, o, o2, txn); },
      newObjectId: () => this.newObjectId(),
    };
    let result: Doc;
    switch (name) {
      case 'insert': result = crud.insertCommand(this.storage, db, body, sink, retry); break;
      case 'update': result = crud.updateCommand(this.storage, db, body, sink, retry); break;
      case 'delete': result = crud.deleteCommand(this.storage, db, body, sink, retry); break;
      case 'create': result = crud.createCommand(this.storage, db, body, sink); break;
      case 'drop': result = crud.dropCommand(this.storage, db, body, sink, maxWireVersionOf(this.version) >= 21); break;
      case 'dropDatabase': {
        for (const ns of [...this.storage.collections.keys()]) {
          if (ns.startsWith(`${db}.`)) sink.write('c', `${db}.$cmd`, { drop: ns.slice(db.length + 1) }, undefined, undefined);
        }
        result = { ok: 1 };
        break;
      }
      default: result = crud.findAndModifyCommand(this.storage, db, body, sink, retry); break;
    }
    if (primaryTxnFailpoint !== undefined && primaryTxnFailpoint.closeConnection) {
      // The write is applied and recorded; the client only sees the connection drop.
      this.world.trace.record('failpoint', `${this.host} onPrimaryTransactionalWrite closeConnection`);
      throw new CloseConnection();
    }
    const opTime = this.lastApplied;
    this.waitForWriteConcern(opTime, wc, (wcError) => respond(wcError === null ? result : { ...result, writeConcernError: wcError }));
  }

  private waitForWriteConcern(opTime: OpTime, wc: WriteConcern, done: (wcError: Doc | null) => void): void {
    if (wc.w === 0 || this.replSet === undefined) {
      if (wc.j) this.whenDurable(opTime, () => done(null));
      else done(null);
      return;
    }
    const waiter: WcWaiter = { opTime, wc, done, settled: false };
    if (this.wcSatisfied(waiter)) {
      done(null);
      return;
    }
    if (this.wcWaiters.length >= maxWriteConcernWaiters) {
      done({ code: ErrorCodes.WriteConcernFailed, codeName: 'WriteConcernFailed', errmsg: 'too many writes waiting for write concern' });
      return;
    }
    this.wcWaiters.push(waiter);
    if (wc.wtimeout > 0) {
      this.after(wc.wtimeout, 'rs.wtimeout', () => {
        if (waiter.settled) return;
        waiter.settled = true;
        this.wcWaiters = this.wcWaiters.filter((w) => w !== waiter);
        done(writeConcernTimeoutError(wc));
      });
    }
  }

  private whenDurable(opTime: OpTime, fn: () => void): void {
    const check = (): void => {
      const d = this.durable.oplog.at(this.durable.durableCount - 1);
      if (d !== undefined && compareOpTime(d, opTime) >= 0) fn();
      else this.after(journalCommitIntervalMs, 'mongod.journal.wait', check);
    };
    check();
  }

  private wcSatisfied(waiter: WcWaiter): boolean {
    const { opTime, wc } = waiter;
    const myDurable = this.durable.oplog.at(this.durable.durableCount - 1);
    const selfDurable = myDurable !== undefined && compareOpTime(myDurable, opTime) >= 0;
    if (wc.w === 'majority') return compareOpTime(this.commitPoint, opTime) >= 0 && (!wc.j || selfDurable);
    let count = wc.j ? (selfDurable ? 1 : 0) : 1;
    if (count >= wc.w && (!wc.j || selfDurable)) return true;
    for (const peer of this.peers.values()) {
      if (peer.member.arbiterOnly) continue;
      if (compareOpTime(wc.j ? peer.durable : peer.applied, opTime) >= 0) count++;
    }
    return count >= wc.w && (!wc.j || selfDurable);
  }

  private checkWcWaiters(): void {
    if (this.wcWaiters.length === 0) return;
    const still: WcWaiter[] = [];
    const ready: WcWaiter[] = [];
    for (const w of this.wcWaiters) {
      if (w.settled) continue;
      if (this.wcSatisfied(w)) ready.push(w);
      else still.push(w);
    }
    this.wcWaiters = still;
    for (const w of ready) {
      w.settled = true;
      w.done(null);
    }
  }

  // =============================================================================================
  // replSetGetStatus
  // =============================================================================================

  private replSetGetStatus(): Doc {
    const config = this.requireConfig();
    return replSetStatus(config, this.world.nowMs, {
      host: this.host,
      state: this.state,
      term: this.durable.term,
      startedAtMs: this.startedAtMs,
      lastApplied: this.lastApplied,
      durable: this.durable.oplog.at(this.durable.durableCount - 1) ?? nullOpTime,
      commitPoint: this.commitPoint,
      syncSource: this.fetchSource,
      electionTerm: this.electionTerm,
    }, this.peers);
  }
}

/** Reads an `{ts, t}` optime field of an internal command, or throws BadValue naming the field. */
function opTimeField(body: Readonly<Document>, field: string): OpTime {
  const value = body[field];
  if (isPlainObject(value) && typeof value['ts'] === 'number' && typeof value['t'] === 'number') return value as unknown as OpTime;
  throw new CommandError(ErrorCodes.BadValue, `'${field}' must be an optime {ts, t}`);
}

/** A config carried by a heartbeat, re-validated before use (it may come from anyone who can connect). */
function validConfig(value: unknown): ReplSetConfig | null {
  if (!isPlainObject(value)) return null;
  try {
    return parseReplSetConfig(value, {});
  } catch {
    return null;
  }
}

/** Thrown by a command to close the client's connection without a reply (a simulated network error). */
export class CloseConnection extends Error {}

/** Error codes that say "this node's state changed" (SDAM: NotPrimary and NodeIsRecovering families). */
const stateChangeCodes: ReadonlySet<number> = new Set([
  ErrorCodes.NotWritablePrimary, ErrorCodes.NotPrimaryNoSecondaryOk, ErrorCodes.NotPrimaryOrSecondary,
  ErrorCodes.InterruptedAtShutdown, ErrorCodes.InterruptedDueToReplStateChange, ErrorCodes.PrimarySteppedDown,
  ErrorCodes.ShutdownInProgress,
]);
