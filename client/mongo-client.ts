/**
 * MongoClient: the async façade over the client runtime (client/runtime). Construction returns
 * at once and starts monitoring (discovery happens in the background, as in PyMongo); every
 * operation is a promise settled by the runtime's callback; SDAM, CMAP and command monitoring
 * events are re-emitted under the Node driver's names (`client.on('commandStarted', ...)`).
 */
import { EventEmitter } from 'node:events';
import { MongoInvalidArgumentError } from '../core/errors.js';
import { isSensitiveCommand } from '../core/executor/index.js';
import type { TopologyDescription } from '../core/sdam/types.js';
import type { ReadPreference } from '../core/selection/read-preference.js';
import {
  addressOf,
  arbitersOf,
  defaultMaxBsonObjectSize,
  defaultMaxMessageSizeBytes,
  defaultMaxWriteBatchSize,
  isMongosOf,
  isPrimaryOf,
  knownNodes,
  limitOf,
  primaryOf,
  secondariesOf,
} from './attributes.js';
import type { ReadConcern, WriteConcern } from './concerns.js';
import { checkCommandDocument } from './bson-check.js';
import { Db } from './db.js';
import { ChangeStream, type ChangeStreamOptions } from './change-stream.js';
import { clientBulkWrite, type ClientBulkWriteModel, type ClientBulkWriteOptions, type ClientBulkWriteResult } from './operations/client-bulk-write.js';
import { inherit, pickInheritable } from './inheritance.js';
import { MongoTopologyClosedError } from './errors.js';
import { runOperation, type OperationSuccess } from './execute.js';
import type { InheritableOptions, InheritedOptions } from './inheritance.js';
import { ObjectIdFactory } from './object-id.js';
import { formatConnectionString } from '../core/uri/index.js';
import { inspectSymbol, resolveClientOptions, type MongoClientOptions, type ResolvedClientOptions, type RuntimeFactory } from './options.js';
import { defaultRuntimeFactory } from './runtime-factory.js';
import { ClientSession } from './session.js';
import type { ClientRuntimeApi, RunOperation, RuntimeEvent } from './runtime/api.js';
import type { Document } from './runtime/ports.js';
import { listDatabasesCommand } from './operations/read-commands.js';
import { MongoLogger, resolveLoggerSettings } from './logging/logger.js';

/** The database `db()` returns without a name and without one in the URI (Node driver default). */
export const defaultDatabaseName = 'test';

export class MongoClient extends EventEmitter {
  readonly options: ResolvedClientOptions;
  private readonly runtime: ClientRuntimeApi;
  private readonly settings: InheritedOptions;
  private readonly ids: ObjectIdFactory;
  private readonly unsubscribe: () => void;
  private closing: Promise<void> | null = null;
  /**
   * Events raised while the constructor runs (topologyOpening, serverOpening, ...) are held so
   * listeners attached right after construction see them; they are published before the next
   * event or at the next microtask, whichever comes first, so order is kept and the hold is
   * bounded by what one constructor emits.
   */
  private heldEvents: RuntimeEvent[] = [];
  /** logging.md: the log messages the options ask for, built from the same events; null when nothing is logged. */
  private readonly logger: MongoLogger | null;
  private constructing = true;

  constructor(uriOrHosts: string | readonly string[], options: MongoClientOptions = {}) {
    super();
    this.options = resolveClientOptions(uriOrHosts, options);
    const ports = options.ports;
    if (ports === undefined || ports === null || typeof ports !== 'object') {
      throw new MongoInvalidArgumentError('MongoClient options.ports is required: the clock, transport and random source (e.g. simPorts(world))');
    }
    const factory: RuntimeFactory = options.runtimeFactory ?? defaultRuntimeFactory;
    if (typeof factory !== 'function') throw new MongoInvalidArgumentError('MongoClient options.runtimeFactory must be a function');
    const logger = new MongoLogger(resolveLoggerSettings(options), () => ports.clock.now());
    this.logger = logger.enabled ? logger : null;
    this.runtime = factory(this.options.connectionString, ports);
    this.settings = Object.freeze({
      readPreference: this.options.readPreference,
      writeConcern: this.options.writeConcern,
      readConcern: this.options.readConcern,
    });
    this.ids = new ObjectIdFactory(ports.clock, ports.random);
    this.unsubscribe = this.runtime.subscribe((event) => this.forward(event));
    this.runtime.connect();
    this.constructing = false;
    queueMicrotask(() => this.releaseHeldEvents());
  }

  /** Monitoring already started in the constructor; kept for Node driver compatibility. */
  async connect(): Promise<this> {
    if (this.closing !== null) throw new MongoTopologyClosedError('the client is closed');
    return this;
  }

  /** driver-sessions.md "startSession": an explicit session (operations take it as `{session}`; transactions.md transactions). */
  startSession(): ClientSession {
    if (this.closing !== null) throw new MongoTopologyClosedError('the client is closed');
    const runtime = this.runtime;
    const acquire = runtime.acquireServerSession?.bind(runtime);
    const release = runtime.releaseServerSession?.bind(runtime);
    if (acquire === undefined || release === undefined) throw new MongoInvalidArgumentError('this client runtime has no server session pool (acquireServerSession)');
    return new ClientSession({ acquireServerSession: acquire, releaseServerSession: release, run: this.context.run, releasePinned: this.context.releasePinned });
  }

  /** Stops every monitor, pool and timer; later operations fail with MongoTopologyClosedError. */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = new Promise<void>((resolve) => {
        this.runtime.close(() => {
          this.unsubscribe();
          resolve();
        });
      });
    }
    return this.closing;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /**
   * What util.inspect and JSON.stringify show: the connection string redacted (issue 9: the
   * default inspect walked into the options and the runtime and printed the password).
   */
  toJSON(): { readonly uri: string; readonly closed: boolean } {
    return { uri: formatConnectionString(this.options.connectionString), closed: this.closed };
  }

  [inspectSymbol](_depth: number, options: unknown, inspect: unknown): string {
    const summary = this.toJSON();
    const body = typeof inspect === 'function' ? String(inspect(summary, options)) : JSON.stringify(summary);
    return `MongoClient ${body}`;
  }

  db(name?: string, options?: InheritableOptions): Db {
    const dbName = name ?? this.options.connectionString.database ?? defaultDatabaseName;
    return new Db(this.context, dbName, this.settings, options);
  }

  get readPreference(): ReadPreference {
    return this.settings.readPreference;
  }
  get writeConcern(): WriteConcern | undefined {
    return this.settings.writeConcern;
  }
  get readConcern(): ReadConcern | undefined {
    return this.settings.readConcern;
  }

  /**
   * enumerate-databases.md "listDatabases" (the Node driver's `db().admin().listDatabases()`):
   * the reply `{databases, totalSize, ...}`; a retryable read on the primary.
   */
  async listDatabases(options: { filter?: Document; nameOnly?: boolean; authorizedDatabases?: boolean; comment?: unknown } = {}): Promise<Document> {
    const { reply } = await this.context.run({ kind: 'read', databaseName: 'admin', command: listDatabasesCommand(options), readPreference: this.settings.readPreference });
    return reply;
  }

  /** The database names (enumerate-databases.md "listDatabaseNames": nameOnly). */
  async listDatabaseNames(options: { filter?: Document; authorizedDatabases?: boolean; comment?: unknown } = {}): Promise<string[]> {
    const reply = await this.listDatabases({ ...options, nameOnly: true });
    return Array.isArray(reply.databases) ? reply.databases.map((d: Document) => String(d.name)) : [];
  }

  /** change-streams.md: a change stream on the whole deployment (`aggregate: 1` on admin, `allChangesForCluster: true`). */
  watch<T extends Document = Document>(pipeline: readonly Document[] = [], options?: ChangeStreamOptions & InheritableOptions): ChangeStream<T> {
    const settings = inherit(this.settings, pickInheritable(options), 'watch options');
    return new ChangeStream<T>(this.context, { databaseName: 'admin', aggregate: 1, allChangesForCluster: true, readPreference: settings.readPreference, readConcern: settings.readConcern }, pipeline, options);
  }

  /** crud/bulk-write.md "MongoClient.bulkWrite": write models on any namespaces, in `bulkWrite` commands on admin (MongoDB 8.0+). */
  async bulkWrite(models: readonly ClientBulkWriteModel[], options: ClientBulkWriteOptions & InheritableOptions = {}): Promise<ClientBulkWriteResult> {
    const wc = inherit(this.settings, pickInheritable(options), 'bulkWrite options').writeConcern;
    return clientBulkWrite({ run: (op) => this.context.run(op), newObjectId: () => this.context.newObjectId(), maxWriteBatchSize: this.maxWriteBatchSize }, models, options, wc);
  }

  /** The current SDAM topology description. */
  get topologyDescription(): TopologyDescription {
    return this.runtime.description();
  }

  // ---- PyMongo attributes ---------------------------------------------------------------

  /** Servers the client has heard from ("host:port", sorted); empty before discovery. */
  get nodes(): string[] {
    return knownNodes(this.runtime.description());
  }
  get primary(): string | null {
    return primaryOf(this.runtime.description());
  }
  get secondaries(): string[] {
    return secondariesOf(this.runtime.description());
  }
  get arbiters(): string[] {
    return arbitersOf(this.runtime.description());
  }
  /** The standalone, primary or mongos in use, or null; throws when load-balancing among several mongoses. */
  get address(): string | null {
    return addressOf(this.runtime.description());
  }
  get isPrimary(): boolean {
    return isPrimaryOf(this.runtime.description());
  }
  get isMongos(): boolean {
    return isMongosOf(this.runtime.description());
  }
  get maxBsonObjectSize(): number {
    return limitOf(this.runtime.description(), 'maxBsonObjectSize', defaultMaxBsonObjectSize);
  }
  get maxMessageSizeBytes(): number {
    return limitOf(this.runtime.description(), 'maxMessageSizeBytes', defaultMaxMessageSizeBytes);
  }
  get maxWriteBatchSize(): number {
    return limitOf(this.runtime.description(), 'maxWriteBatchSize', defaultMaxWriteBatchSize);
  }
  get localThresholdMS(): number {
    return this.options.localThresholdMS;
  }
  get serverSelectionTimeoutMS(): number {
    return this.options.serverSelectionTimeoutMS;
  }
  get retryWrites(): boolean {
    return this.options.retryWrites;
  }
  get retryReads(): boolean {
    return this.options.retryReads;
  }

  // ---- internals -------------------------------------------------------------------------

  private readonly context = {
    run: (operation: RunOperation, onPinned?: (address: string, connectionId: number) => void): Promise<OperationSuccess> => {
      if (this.closing !== null) return Promise.reject(new MongoTopologyClosedError('the client is closed'));
      // What BSON cannot carry or the server would refuse fails here, naming the field, before anything is sent.
      try {
        checkCommandDocument(operation.command, { maxBsonObjectSize: this.maxBsonObjectSize });
      } catch (error) {
        return Promise.reject(error);
      }
      return runOperation(this.runtime, operation, onPinned);
    },
    newObjectId: (): unknown => this.ids.next(),
    maxWireVersionOf: (address: string): number | undefined => this.runtime.description().servers.get(address)?.maxWireVersion,
    releasePinned: (address: string, connectionId: number): void => this.runtime.releasePinned?.(address, connectionId),
  };

  private forward(event: RuntimeEvent): void {
    if (this.constructing) {
      this.heldEvents.push(event);
      return;
    }
    this.releaseHeldEvents();
    this.publish(event);
  }

  private releaseHeldEvents(): void {
    if (this.heldEvents.length === 0) return;
    const held = this.heldEvents;
    this.heldEvents = [];
    for (const event of held) this.publish(event);
  }

  private publish(event: RuntimeEvent): void {
    const safe = redactEvent(event);
    this.logger?.event(safe);
    // An 'error' event without listeners would throw from EventEmitter; runtime events are informational.
    if (safe.name === 'error' && this.listenerCount('error') === 0) return;
    this.emit(safe.name, safe);
  }
}

/**
 * command-logging-and-monitoring.md "Security": the executor already redacts sensitive
 * commands; this second check keeps the guarantee even for a runtime that did not.
 */
function redactEvent(event: RuntimeEvent): RuntimeEvent {
  if (event.name !== 'commandStarted' && event.name !== 'commandSucceeded' && event.name !== 'commandFailed') return event;
  const command = event.command as Document | undefined;
  const name = typeof event.commandName === 'string' ? event.commandName : null;
  const sensitive = (command !== undefined && command !== null && isSensitiveCommand(command)) || (name !== null && isSensitiveCommand({ [name]: 1 }));
  if (!sensitive) return event;
  const copy: Record<string, unknown> = { ...event };
  if ('command' in copy) copy.command = {};
  if ('reply' in copy) copy.reply = {};
  return copy as RuntimeEvent;
}
