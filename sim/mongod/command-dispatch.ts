/**
 * The command surface of a simulated mongod: every request on a connection goes through the
 * failCommand fail point (client connections only), then to its handler; errors become server
 * error replies with the labels and topologyVersion this server version would add.
 */
import { hasWriteStage } from './aggregate-write.js';
import { getnonceCommand } from './getnonce.js';
import type { ObjectId } from 'bson';
import type { Trace } from '../kernel/trace.js';
import { type Document, commandName } from '../protocol.js';
import { type ClientConnection, CloseConnection, sendReply } from './connection.js';
import type { CursorRegistry } from './cursors.js';
import { type ChangeStreams, isChangeStreamAggregate, resumableChangeStreamCodes } from './change-streams.js';
import type { DataCommands } from './data-commands.js';
import { CommandError, ErrorCodes, errorReply, retryableWriteErrorCodes, withLegacyNames } from './errors.js';
import type { FailCommandData, FailPoints } from './failpoints.js';
import type { Elections } from './elections.js';
import type { Heartbeats } from './heartbeats.js';
import type { OplogServer } from './oplog-server.js';
import type { Replication } from './replication.js';
import type { Doc } from './query.js';
import type { IncarnationTimers } from './timers.js';
import { isPlainObject } from './values.js';
import { checkRequestSize, opMsgOverheadBytes } from './wire-limits.js';
import { maxBsonObjectSizeBytes } from './hello.js';
import { type ServerVersion, fullVersionString, maxWireVersionOf, serverAddsRetryableWriteLabel, supportsAwaitableHello, supportsHelloCommand } from './versions.js';
import { isTransientTransactionError, Transactions, transactionOf, withoutTransactionFields } from './transactions.js';


/** Member-to-member commands: their connections are internal (failCommand skips them). */
const internalCommands: ReadonlySet<string> = new Set([
  'replSetHeartbeat', 'replSetRequestVotes', 'replSetUpdatePosition', '_replFetch', '_replFindCommonPoint',
]);

/**
 * The NotPrimary error family, which mongod (4.4+) answers with its current topologyVersion.
 * Shutdown errors (ShutdownInProgress, InterruptedAtShutdown) carry one only while the server
 * is in quiesce mode (mongo jstests notprimary_errors_return_topology_version.js and
 * quiesce_mode.js); a failCommand fail point does not quiesce, so its shutdown errors carry
 * none, and SDAM judges them fresh (the unified SDAM tests find-/insert-shutdown-error).
 */
const notPrimaryErrorCodes: ReadonlySet<number> = new Set([
  ErrorCodes.NotWritablePrimary, ErrorCodes.NotPrimaryNoSecondaryOk, ErrorCodes.NotPrimaryOrSecondary,
  ErrorCodes.InterruptedDueToReplStateChange, ErrorCodes.PrimarySteppedDown,
]);

/** Where each command goes. `respond` is for commands that answer later (they return undefined). */
export interface CommandHandlers {
  hello(conn: ClientConnection, requestId: number, body: Readonly<Document>): Doc | undefined;
  replSetInitiate(body: Readonly<Document>): Doc;
  replSetGetStatus(): Doc;
  replSetGetConfig(): Doc;
  replSetStepDown(body: Readonly<Document>, respond: (r: Doc) => void): void;
  replSetFreeze(body: Readonly<Document>): Doc;
  replSetReconfig(body: Readonly<Document>): Doc;
  replSetStepUp(body: Readonly<Document>): Doc;
}

export interface CommandDispatchDeps {
  readonly host: string;
  readonly version: ServerVersion;
  readonly failPoints: FailPoints;
  readonly cursors: CursorRegistry;
  readonly data: DataCommands;
  /** Change stream cursors (replica set members); absent: $changeStream is an unknown stage. */
  readonly changeStreams?: ChangeStreams;
  readonly handlers: CommandHandlers;
  // The member-to-member commands go straight to their component.
  /** Heartbeats also skip the general path (and its fail point check): they are the idle hot path. */
  readonly heartbeats: Pick<Heartbeats, 'onHeartbeat'>;
  readonly elections: Pick<Elections, 'onRequestVotes'>;
  readonly replication: Pick<Replication, 'onUpdatePosition'>;
  readonly oplogServer: Pick<OplogServer, 'onFetch' | 'onFindCommonPoint'>;
  readonly timers: IncarnationTimers;
  readonly trace: Trace;
  /** The connection is gone (closed by a fail point or a CloseConnection). */
  forgetConnection(conn: ClientConnection): void;
  /** Our topologyVersion, for state-change errors. */
  topologyVersion(): { processId: ObjectId; counter: number };
}

export class CommandDispatcher {
  constructor(private readonly deps: CommandDispatchDeps) {}
  /** This server's transactions (transactions.ts): a restart of the process makes a new dispatcher. */
  private readonly transactions = new Transactions();

  /** `bsonSizeBytes`: the request's BSON size when its sender serialized it (client traffic; see wire-limits.ts). */
  handleRequest(conn: ClientConnection, requestId: number, db: string, body: Readonly<Document>, bsonSizeBytes?: number): void {
    if (bsonSizeBytes !== undefined && !this.withinSizeLimits(conn, requestId, body, bsonSizeBytes)) return;
    if (body['replSetHeartbeat'] !== undefined && commandName(body) === 'replSetHeartbeat') {
      // Hot path: an idle set exchanges a heartbeat per member pair every 2 s.
      conn.internal = true;
      let out: Doc;
      try {
        out = this.deps.heartbeats.onHeartbeat(body);
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        out = errorReply(error.code, error.message);
      }
      sendReply(conn, requestId, out);
      return;
    }
    const name = commandName(body);
    if (name === undefined) {
      sendReply(conn, requestId, errorReply(ErrorCodes.FailedToParse, 'Empty command object'));
      return;
    }
    if (internalCommands.has(name)) conn.internal = true;
    if (name === 'configureFailPoint' || conn.internal) {
      this.execute(conn, requestId, db, name, body, undefined);
      return;
    }
    const coll = body[name];
    const failData = this.deps.failPoints.checkFailCommand({
      commandName: name,
      namespace: typeof coll === 'string' ? `${db}.${coll}` : `${db}.$cmd`,
      appName: this.appNameFor(conn, name, body),
      internal: conn.internal,
    });
    if (failData === undefined) {
      this.execute(conn, requestId, db, name, body, undefined);
      return;
    }
    this.deps.trace.record('failpoint', `${this.deps.host} failCommand ${name} c${conn.id}`);
    if (failData.blockConnection && failData.blockTimeMS > 0) {
      this.deps.timers.after(failData.blockTimeMS, 'mongod.failpoint.block', () => this.applyFailCommand(conn, requestId, db, name, body, failData));
      return;
    }
    this.applyFailCommand(conn, requestId, db, name, body, failData);
  }

  /** False (and the request answered or the connection closed) when the request breaks a size limit. */
  private withinSizeLimits(conn: ClientConnection, requestId: number, body: Readonly<Document>, bsonSizeBytes: number): boolean {
    const verdict = checkRequestSize(bsonSizeBytes, body);
    if (verdict.kind === 'ok') return true;
    if (verdict.kind === 'close') {
      this.deps.trace.record('mongod.badMessage', `${this.deps.host} c${conn.id} ${bsonSizeBytes + opMsgOverheadBytes} bytes`);
      conn.socket.close();
      this.deps.forgetConnection(conn);
      return false;
    }
    sendReply(conn, requestId, errorReply(verdict.error.code, verdict.error.message));
    return false;
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
      this.deps.forgetConnection(conn);
      return;
    }
    if (data.errorCode !== undefined) {
      const labels = data.errorLabels ?? this.automaticLabels(data.errorCode, body);
      const extra: Doc = {};
      if (labels.length > 0) extra['errorLabels'] = labels;
      if (data.errorExtraInfo !== undefined) Object.assign(extra, data.errorExtraInfo);
      sendReply(conn, requestId, this.decorateError(errorReply(data.errorCode, "Failing command via 'failCommand' failpoint", extra)));
      return;
    }
    this.execute(conn, requestId, db, name, body, data);
  }

  /** Labels a server of this version adds by itself (retryable-writes.md: only ≥ 4.4, only for retryable writes). */
  private automaticLabels(code: number, body: Readonly<Document>): string[] {
    const name = commandName(body);
    // transactions.md "Transient Transaction Error": a transaction's transient failures are labelled.
    if (body['autocommit'] === false && isTransientTransactionError(code, name === 'commitTransaction' || name === 'abortTransaction')) return ['TransientTransactionError'];
    if (!serverAddsRetryableWriteLabel(this.deps.version)) return [];
    // change-streams.md "Resumable Error": from 4.4 the server labels a change stream getMore's resumable errors.
    if (name === 'getMore' && this.deps.changeStreams?.owns(body['getMore']) === true && resumableChangeStreamCodes.has(code)) return ['ResumableChangeStreamError'];
    if (!retryableWriteErrorCodes.has(code)) return [];
    const isRetryableWrite = body['txnNumber'] !== undefined && body['autocommit'] === undefined;
    if (isRetryableWrite || name === 'commitTransaction' || name === 'abortTransaction') return ['RetryableWriteError'];
    return [];
  }

  /** NotPrimary errors carry topologyVersion from 4.4 on (SDAM "topologyVersion in error responses"). */
  private decorateError(reply: Doc): Doc {
    const body = withLegacyNames(reply, maxWireVersionOf(this.deps.version));
    const code = body['code'];
    if (supportsAwaitableHello(this.deps.version) && typeof code === 'number' && notPrimaryErrorCodes.has(code)) {
      body['topologyVersion'] = this.deps.topologyVersion();
    }
    return body;
  }

  private execute(conn: ClientConnection, requestId: number, db: string, name: string, body: Readonly<Document>, failData: FailCommandData | undefined): void {
    const respond = (result: Doc): void => {
      if (failData?.writeConcernError !== undefined && result['ok'] === 1) {
        // failCommand appends data.writeConcernError verbatim (no codeName is added).
        const wce = { ...failData.writeConcernError };
        result = { ...result, writeConcernError: wce };
        const labels = Array.isArray(wce['errorLabels']) ? [...(wce['errorLabels'] as string[])]
          : typeof wce['code'] === 'number' ? this.automaticLabels(wce['code'], body) : [];
        if (labels.length > 0) result['errorLabels'] = labels;
      }
      sendReply(conn, requestId, result);
    };
    try {
      // transactions.md "Server Commands": the transaction table answers commit/abort and admits statements.
      const txn = transactionOf(body);
      if (name === 'commitTransaction' || name === 'abortTransaction') {
        if (txn === null) throw new CommandError(ErrorCodes.InvalidOptions, `${name} must be run within a transaction`);
        if (name === 'commitTransaction') this.transactions.commit(txn.lsid, txn.txnNumber);
        else this.transactions.abort(txn.lsid, txn.txnNumber);
        respond({ ok: 1 });
        return;
      }
      if (txn !== null) this.transactions.statement(txn.lsid, txn.txnNumber, txn.start);
      const immediate = this.runCommand(conn, requestId, db, name, txn === null ? body : withoutTransactionFields(body), respond);
      if (immediate !== undefined) respond(immediate);
    } catch (error) {
      if (error instanceof CloseConnection) {
        conn.socket.close();
        this.deps.forgetConnection(conn);
        return;
      }
      if (!(error instanceof CommandError)) {
        // A simulator bug must not take the whole world down: answer like a server assertion, and trace it.
        const message = error instanceof Error ? error.message : String(error);
        this.deps.trace.record('mongod.internalError', `${this.deps.host} ${name}: ${message}`);
        sendReply(conn, requestId, errorReply(ErrorCodes.InternalError, message));
        return;
      }
      const extra: Doc = { ...error.extra };
      const labels = this.automaticLabels(error.code, body);
      if (labels.length > 0) extra['errorLabels'] = labels;
      sendReply(conn, requestId, this.decorateError(errorReply(error.code, error.message, extra)));
    }
  }

  /** Runs a command; returns the reply, or undefined when `respond` will be called later. */
  private runCommand(conn: ClientConnection, requestId: number, db: string, name: string, body: Readonly<Document>, respond: (r: Doc) => void): Doc | undefined {
    const { handlers, data, cursors } = this.deps;
    switch (name) {
      case 'hello':
        if (!supportsHelloCommand(this.deps.version)) throw new CommandError(ErrorCodes.CommandNotFound, "no such command: 'hello'");
        return handlers.hello(conn, requestId, body);
      case 'isMaster': case 'ismaster': return handlers.hello(conn, requestId, body);
      case 'ping': return { ok: 1 };
      case 'getnonce': return getnonceCommand(this.deps.version, conn.id, requestId);
      case 'buildInfo': case 'buildinfo': return this.buildInfo();
      case 'configureFailPoint': return this.deps.failPoints.configure(body);
      case 'endSessions': case 'killAllSessions': case 'killSessions': case 'refreshSessions': return { ok: 1 };
      case 'replSetInitiate': return handlers.replSetInitiate(body);
      case 'replSetGetStatus': return handlers.replSetGetStatus();
      case 'replSetGetConfig': return handlers.replSetGetConfig();
      case 'replSetStepDown': handlers.replSetStepDown(body, respond); return undefined;
      case 'replSetFreeze': return handlers.replSetFreeze(body);
      case 'replSetReconfig': return handlers.replSetReconfig(body);
      case 'replSetStepUp': return handlers.replSetStepUp(body);
      case 'replSetHeartbeat': return this.deps.heartbeats.onHeartbeat(body);
      case 'replSetRequestVotes': return this.deps.elections.onRequestVotes(body);
      case 'replSetUpdatePosition': return this.deps.replication.onUpdatePosition(body);
      case '_replFetch': this.deps.oplogServer.onFetch(body, respond); return undefined;
      case '_replFindCommonPoint': return this.deps.oplogServer.onFindCommonPoint(body);
      case 'find': return data.find(db, body);
      case 'getMore':
        if (this.deps.changeStreams?.owns(body['getMore']) === true) return this.deps.changeStreams.getMore(body, respond);
        return cursors.getMore(body);
      case 'killCursors':
        if (this.ownsAllCursors(body)) return this.deps.changeStreams!.kill(body);
        return cursors.kill(body);
      case 'aggregate':
        if (this.deps.changeStreams !== undefined && isChangeStreamAggregate(body)) return this.deps.changeStreams.open(db, body);
        // $out / $merge make an aggregate a write (primary only, through the oplog, write concern).
        if (hasWriteStage(body)) {
          data.write(db, name, body, respond);
          return undefined;
        }
        return data.read(db, name, body);
      case 'count': case 'distinct': case 'listCollections': case 'listDatabases': case 'listIndexes':
        return data.read(db, name, body);
      case 'insert': case 'update': case 'delete': case 'findAndModify': case 'findandmodify': case 'bulkWrite':
      case 'create': case 'drop': case 'dropDatabase':
        data.write(db, name, body, respond);
        return undefined;
      default:
        throw new CommandError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
    }
  }

  /** killCursors naming only change stream cursors goes to them (mixed lists go to the registry, which reports ours not found). */
  private ownsAllCursors(body: Readonly<Document>): boolean {
    const ids = body['cursors'];
    const streams = this.deps.changeStreams;
    return streams !== undefined && Array.isArray(ids) && ids.length > 0 && ids.every((id) => streams.owns(id));
  }

  private buildInfo(): Doc {
    const full = fullVersionString(this.deps.version);
    return {
      version: full,
      gitVersion: 'simulated',
      versionArray: [...full.split('.').map(Number), 0],
      bits: 64,
      debug: false,
      maxBsonObjectSize: maxBsonObjectSizeBytes,
      storageEngines: ['wiredTiger'],
      ok: 1,
    };
  }
}
