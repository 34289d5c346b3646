/**
 * A simulated mongos: answers hello as a router (`msg: "isdbgrid"`), supports fail points like
 * a real mongos (`configureFailPoint` / `failCommand` act on the router itself), and routes every
 * other command to one replica-set shard: to its primary, or to a secondary when the command's
 * `$readPreference` allows. Like a real router it waits (up to `findHostTimeoutMs`) for a
 * shard primary during a failover, then fails with FailedToSatisfyReadPreference.
 *
 * In load-balanced mode (`loadBalanced: true`) a hello that says `loadBalanced: true` gets a
 * `serviceId` (the router's process id), as behind a real load balancer.
 */
import { ObjectId } from 'bson';
import type { SimRandom } from '../kernel/random.js';
import type { TimerHandle } from '../kernel/scheduler.js';
import type { SimSocket } from '../network/network.js';
import { type Document, commandName, isRequest, reply } from '../protocol.js';
import type { World } from '../world.js';
import { CommandError, ErrorCodes, errorReply, retryableWriteErrorCodes } from '../mongod/errors.js';
import { FailPoints } from '../mongod/failpoints.js';
import { maxBsonObjectSizeBytes, maxMessageSizeBytes, maxWriteBatchSize, logicalSessionTimeoutMinutes, simEpochMs } from '../mongod/hello.js';
import { RpcChannel } from '../mongod/rpc.js';
import { isTransientTransactionError, Transactions, transactionOf, withoutTransactionFields } from '../mongod/transactions.js';
import { isPlainObject } from '../mongod/values.js';
import { type ServerVersion, defaultServerVersion, fullVersionString, maxWireVersionOf, minWireVersion, serverAddsRetryableWriteLabel, supportsAwaitableHello, supportsHelloCommand } from '../mongod/versions.js';

/** How long a router waits for a shard primary before failing an operation (defaultFindReplicaSetHostTimeoutMS 20 s). */
export const findHostTimeoutMs = 20_000;
/** Re-discovery interval while waiting for a shard primary. */
export const shardRediscoveryIntervalMs = 500;
/** A shard request that gets no answer in this long fails with NetworkTimeout. */
export const shardRequestTimeoutMs = 30_000;
/** Pending awaitable hellos per router (simulator bound). */
export const maxAwaitingHellosPerRouter = 100_000;

export interface MongosOptions {
  readonly host: string;
  /** The shard's replica set name and member hosts (seed list). */
  readonly shard: { readonly name: string; readonly hosts: readonly string[] };
  readonly version?: ServerVersion;
  /** Serve clients behind a load balancer: hello with `loadBalanced: true` gets a `serviceId`. */
  readonly loadBalanced?: boolean;
}

interface RouterConnection {
  readonly id: number;
  readonly socket: SimSocket;
  appName: string | undefined;
  loadBalanced: boolean;
}

const notPrimaryCodes: ReadonlySet<number> = new Set([
  ErrorCodes.NotWritablePrimary, ErrorCodes.NotPrimaryNoSecondaryOk, ErrorCodes.NotPrimaryOrSecondary,
  ErrorCodes.InterruptedDueToReplStateChange, ErrorCodes.PrimarySteppedDown,
]);

export class MongosProcess {
  readonly host: string;
  readonly version: ServerVersion;
  readonly failPoints = new FailPoints();
  /** Transactions routed through this router (sim/mongod/transactions.ts). */
  private readonly transactions = new Transactions();
  private readonly random: SimRandom;
  private running = false;
  private incarnation = 0;
  private processIdHex = '000000000000000000000000';
  private processId = new ObjectId('000000000000000000000000');
  private nextConnectionId = 1;
  private readonly channels = new Map<string, RpcChannel>();
  private shardPrimary: string | null = null;
  private readonly helloWaiters = new Set<{ conn: RouterConnection; requestId: number; body: Readonly<Document>; timer: TimerHandle }>();

  constructor(private readonly world: World, readonly options: MongosOptions) {
    if (typeof options?.host !== 'string' || !/^[^:\s]+:\d+$/.test(options.host)) throw new TypeError(`MongosProcess: host ${JSON.stringify(options?.host)} must look like "name:27017"`);
    if (!options.shard || options.shard.hosts.length === 0) throw new TypeError('MongosProcess: shard.hosts must list at least one member');
    this.host = options.host;
    this.version = options.version ?? defaultServerVersion;
    this.random = world.random(`mongos:${options.host}`);
  }

  get isRunning(): boolean { return this.running; }
  /** The router's process id (also its serviceId behind a load balancer). */
  get serviceId(): string { return this.processIdHex; }

  start(): void {
    if (this.running) throw new Error(`${this.host}: already running`);
    this.running = true;
    this.incarnation++;
    let hex = '';
    for (let i = 0; i < 12; i++) hex += this.random.int(256).toString(16).padStart(2, '0');
    this.processIdHex = hex;
    this.processId = ObjectId.createFromHexString(hex);
    this.nextConnectionId = 1;
    this.shardPrimary = null;
    this.failPoints.reset();
    this.world.network.listen(this.host, (socket) => this.accept(socket));
    this.world.trace.record('mongos.start', `${this.host} pid=${hex}`);
  }

  crash(): void {
    if (!this.running) return;
    this.world.trace.record('mongos.crash', this.host);
    this.stop();
  }

  shutdown(): void {
    if (!this.running) return;
    this.world.trace.record('mongos.shutdown', this.host);
    for (const w of [...this.helloWaiters]) {
      this.world.scheduler.cancel(w.timer);
      this.send(w.conn, w.requestId, errorReply(ErrorCodes.ShutdownInProgress, 'The server is in quiesce mode and will shut down'));
    }
    this.stop();
  }

  restart(): void {
    if (this.running) this.shutdown();
    this.start();
  }

  private stop(): void {
    this.running = false;
    this.incarnation++;
    this.helloWaiters.clear();
    for (const c of this.channels.values()) c.reset('router stopped');
    this.channels.clear();
    this.world.network.unlisten(this.host);
  }

  private accept(socket: SimSocket): void {
    const conn: RouterConnection = { id: this.nextConnectionId++, socket, appName: undefined, loadBalanced: false };
    const incarnation = this.incarnation;
    socket.onMessage((message) => {
      if (this.incarnation !== incarnation || !isRequest(message)) return;
      this.handle(conn, message.requestId, message.db, message.body);
    });
    socket.onClose(() => {
      for (const w of this.helloWaiters) {
        if (w.conn === conn) {
          this.world.scheduler.cancel(w.timer);
          this.helloWaiters.delete(w);
        }
      }
    });
  }

  private send(conn: RouterConnection, requestId: number, body: Readonly<Document>): void {
    if (!conn.socket.closed) conn.socket.send(reply(requestId, body));
  }

  private labelsFor(code: number, body: Readonly<Document>): string[] {
    const name = commandName(body);
    const isCommitOrAbort = name === 'commitTransaction' || name === 'abortTransaction';
    // transactions.md "Transient Transaction Error": the server labels a transaction's transient failures.
    if (body['autocommit'] === false && isTransientTransactionError(code, isCommitOrAbort)) return ['TransientTransactionError'];
    if (!serverAddsRetryableWriteLabel(this.version) || !retryableWriteErrorCodes.has(code)) return [];
    return (body['txnNumber'] !== undefined && body['autocommit'] === undefined) || isCommitOrAbort ? ['RetryableWriteError'] : [];
  }

  private handle(conn: RouterConnection, requestId: number, db: string, body: Readonly<Document>): void {
    const name = commandName(body);
    if (name === undefined) {
      this.send(conn, requestId, errorReply(ErrorCodes.FailedToParse, 'Empty command object'));
      return;
    }
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
      const client = body['client'];
      if (isPlainObject(client) && isPlainObject(client['application']) && typeof client['application']['name'] === 'string') {
        conn.appName = client['application']['name'];
      }
      if (body['loadBalanced'] === true) conn.loadBalanced = true;
    }
    if (name !== 'configureFailPoint') {
      const coll = body[name];
      const fail = this.failPoints.checkFailCommand({
        commandName: name, namespace: typeof coll === 'string' ? `${db}.${coll}` : `${db}.$cmd`, appName: conn.appName, internal: false,
      });
      if (fail !== undefined) {
        this.world.trace.record('failpoint', `${this.host} failCommand ${name} c${conn.id}`);
        const act = (): void => {
          if (fail.closeConnection) {
            conn.socket.close();
            return;
          }
          if (fail.errorCode !== undefined) {
            const labels = fail.errorLabels ?? this.labelsFor(fail.errorCode, body);
            this.send(conn, requestId, errorReply(fail.errorCode, "Failing command via 'failCommand' failpoint", labels.length > 0 ? { errorLabels: labels } : {}));
            return;
          }
          this.dispatch(conn, requestId, db, name, body, (r) => {
            if (fail.writeConcernError !== undefined && r['ok'] === 1) {
              const wce = fail.writeConcernError;
              const labels = Array.isArray(wce['errorLabels']) ? wce['errorLabels'] : typeof wce['code'] === 'number' ? this.labelsFor(wce['code'], body) : [];
              this.send(conn, requestId, { ...r, writeConcernError: wce, ...(labels.length > 0 ? { errorLabels: labels } : {}) });
            } else {
              this.send(conn, requestId, r);
            }
          });
        };
        if (fail.blockConnection && fail.blockTimeMS > 0) {
          const incarnation = this.incarnation;
          this.world.scheduler.after(fail.blockTimeMS, 'mongos.failpoint.block', () => { if (this.incarnation === incarnation) act(); });
        } else act();
        return;
      }
    }
    this.dispatch(conn, requestId, db, name, body, (r) => this.send(conn, requestId, r));
  }

  private dispatch(conn: RouterConnection, requestId: number, db: string, name: string, body: Readonly<Document>, respond: (r: Document) => void): void {
    try {
      switch (name) {
        case 'hello': case 'isMaster': case 'ismaster': {
          if (name === 'hello' && !supportsHelloCommand(this.version)) throw new CommandError(ErrorCodes.CommandNotFound, "no such command: 'hello'");
          const tv = body['topologyVersion'];
          const maxAwait = body['maxAwaitTimeMS'];
          if (isPlainObject(tv) && typeof maxAwait === 'number' && supportsAwaitableHello(this.version)) {
            const pid = tv['processId'] as { toHexString?: () => string } | string | undefined;
            const pidHex = typeof pid === 'string' ? pid : pid?.toHexString?.();
            if (pidHex === this.processIdHex && Number(tv['counter']) === 0 && this.helloWaiters.size < maxAwaitingHellosPerRouter) {
              // A router's topology version never changes while it runs: the await always ends at the timeout.
              const incarnation = this.incarnation;
              const waiter = {
                conn, requestId, body,
                timer: this.world.scheduler.after(maxAwait, 'mongos.hello.await', () => {
                  if (this.incarnation !== incarnation) return;
                  this.helloWaiters.delete(waiter);
                  respond(this.helloReply(conn, body));
                }),
              };
              this.helloWaiters.add(waiter);
              return;
            }
          }
          respond(this.helloReply(conn, body));
          return;
        }
        case 'ping': respond({ ok: 1 }); return;
        case 'buildInfo': case 'buildinfo': respond({ version: fullVersionString(this.version), versionArray: [...fullVersionString(this.version).split('.').map(Number), 0], ok: 1 }); return;
        case 'configureFailPoint': respond(this.failPoints.configure(body)); return;
        case 'endSessions': case 'killAllSessions': respond({ ok: 1 }); return;
        case 'commitTransaction': case 'abortTransaction': {
          const txn = transactionOf(body);
          if (txn === null) throw new CommandError(ErrorCodes.InvalidOptions, `${name} must be run within a transaction`);
          if (name === 'commitTransaction') this.transactions.commit(txn.lsid, txn.txnNumber);
          else this.transactions.abort(txn.lsid, txn.txnNumber);
          respond({ ok: 1 });
          return;
        }
        default: {
          const txn = transactionOf(body);
          if (txn === null) {
            this.route(db, body, respond);
            return;
          }
          this.transactions.statement(txn.lsid, txn.txnNumber, txn.start);
          this.route(db, withoutTransactionFields(body), respond);
          return;
        }
      }
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      const labels = this.labelsFor(error.code, body);
      respond(errorReply(error.code, error.message, labels.length > 0 ? { errorLabels: labels } : {}));
    }
  }

  helloReply(conn: { id: number; loadBalanced?: boolean } | null, body: Readonly<Document> = { hello: 1 }): Document {
    const legacy = commandName(body) !== 'hello';
    const out: Document = legacy ? { ismaster: true } : { isWritablePrimary: true };
    out['msg'] = 'isdbgrid';
    if (supportsAwaitableHello(this.version)) out['topologyVersion'] = { processId: this.processId, counter: 0 };
    out['maxBsonObjectSize'] = maxBsonObjectSizeBytes;
    out['maxMessageSizeBytes'] = maxMessageSizeBytes;
    out['maxWriteBatchSize'] = maxWriteBatchSize;
    out['localTime'] = new Date(simEpochMs + this.world.nowMs);
    out['logicalSessionTimeoutMinutes'] = logicalSessionTimeoutMinutes;
    out['connectionId'] = conn?.id ?? 0;
    out['minWireVersion'] = minWireVersion;
    out['maxWireVersion'] = maxWireVersionOf(this.version);
    out['readOnly'] = false;
    if (this.options.loadBalanced === true && (conn?.loadBalanced === true || body['loadBalanced'] === true)) out['serviceId'] = this.processId;
    if (legacy && body['helloOk'] === true && supportsHelloCommand(this.version)) out['helloOk'] = true;
    out['ok'] = 1;
    return out;
  }

  private channel(host: string): RpcChannel {
    let c = this.channels.get(host);
    if (c === undefined) {
      c = new RpcChannel(this.world.network, this.host, host);
      this.channels.set(host, c);
    }
    return c;
  }

  private wantsSecondary(body: Readonly<Document>): boolean {
    const rp = body['$readPreference'];
    return isPlainObject(rp) && typeof rp['mode'] === 'string' && rp['mode'] !== 'primary' && rp['mode'] !== 'primaryPreferred';
  }

  /** Asks every shard member for hello; calls back with the primary and a secondary (if any). */
  private discover(done: (primary: string | null, secondary: string | null) => void): void {
    const hosts = this.options.shard.hosts;
    let pending = hosts.length;
    let primary: string | null = null;
    let secondary: string | null = null;
    const incarnation = this.incarnation;
    for (const host of hosts) {
      // Legacy isMaster: every shard version answers it (hello needs 4.4.2+).
      this.channel(host).call('admin', { isMaster: 1 }, (r) => {
        if (this.incarnation !== incarnation) return;
        if (r !== null && r['ismaster'] === true && r['setName'] === this.options.shard.name) primary = host;
        if (r !== null && r['secondary'] === true && secondary === null) secondary = host;
        if (--pending === 0) done(primary, secondary);
      });
    }
  }

  private route(db: string, body: Readonly<Document>, respond: (r: Document) => void): void {
    const deadline = this.world.nowMs + findHostTimeoutMs;
    const wantsSecondary = this.wantsSecondary(body);
    const incarnation = this.incarnation;
    const attempt = (): void => {
      if (this.incarnation !== incarnation) return;
      const target = wantsSecondary ? null : this.shardPrimary;
      if (target !== null) {
        this.forward(target, db, body, respond, attempt, deadline);
        return;
      }
      this.discover((primary, secondary) => {
        this.shardPrimary = primary;
        const chosen = wantsSecondary ? (secondary ?? primary) : primary;
        if (chosen !== null) {
          this.forward(chosen, db, body, respond, attempt, deadline);
        } else if (this.world.nowMs < deadline) {
          this.world.scheduler.after(Math.min(shardRediscoveryIntervalMs, deadline - this.world.nowMs), 'mongos.rediscover', attempt);
        } else {
          respond(errorReply(ErrorCodes.FailedToSatisfyReadPreference, `Could not find host matching read preference { mode: "${wantsSecondary ? 'secondary' : 'primary'}" } for set ${this.options.shard.name}`));
        }
      });
    };
    attempt();
  }

  private forward(host: string, db: string, body: Readonly<Document>, respond: (r: Document) => void, retry: () => void, deadline: number): void {
    const channel = this.channel(host);
    let done = false;
    const incarnation = this.incarnation;
    const id = channel.call(db, body, (r, failure) => {
      if (done || this.incarnation !== incarnation) return;
      done = true;
      this.world.scheduler.cancel(timer);
      if (r === null) {
        if (this.shardPrimary === host) this.shardPrimary = null;
        if (failure === 'refused' && this.world.nowMs < deadline) {
          // Nothing was delivered (nobody listening): safe to find the primary again and resend.
          this.world.scheduler.after(shardRediscoveryIntervalMs, 'mongos.retry', retry);
          return;
        }
        const labels = this.labelsFor(ErrorCodes.HostUnreachable, body);
        respond(errorReply(ErrorCodes.HostUnreachable, `Connection to ${host} failed: ${failure ?? 'closed'}`, labels.length > 0 ? { errorLabels: labels } : {}));
        return;
      }
      const code = r['code'];
      if (r['ok'] !== 1 && typeof code === 'number' && notPrimaryCodes.has(code)) {
        // The shard primary moved before the command ran there: find it again (the command was not executed).
        if (this.shardPrimary === host) this.shardPrimary = null;
        if (code !== ErrorCodes.InterruptedDueToReplStateChange && code !== ErrorCodes.PrimarySteppedDown && this.world.nowMs < deadline) {
          this.world.scheduler.after(shardRediscoveryIntervalMs, 'mongos.retry', retry);
          return;
        }
      }
      respond(r as Document);
    });
    const timer = this.world.scheduler.after(shardRequestTimeoutMs, 'mongos.shard.timeout', () => {
      if (done || this.incarnation !== incarnation) return;
      done = true;
      channel.forget(id);
      channel.reset('timeout');
      if (this.shardPrimary === host) this.shardPrimary = null;
      respond(errorReply(ErrorCodes.NetworkTimeout, `Request to ${host} timed out`, this.labelsFor(ErrorCodes.NetworkTimeout, body).length > 0 ? { errorLabels: ['RetryableWriteError'] } : {}));
    });
  }
}
