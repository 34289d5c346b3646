/**
 * The entity map (unified-test-format.md "Entity Map"): every entity a test creates, by id,
 * with a clear error for a duplicate id, a missing entity or one of the wrong type. Client
 * entities record the events their `observeEvents` asks for (command, CMAP, SDAM), minus
 * `ignoreCommandMonitoringEvents`, the runner's own configureFailPoint commands and (unless
 * `observeSensitiveCommands`) sensitive commands.
 */
import { MongoClient } from '../../client/mongo-client.js';
import type { Collection } from '../../client/collection.js';
import type { Db } from '../../client/db.js';
import type { FindCursor } from '../../client/cursor.js';
import { GridFSBucket } from '../../client/gridfs.js';
import type { TopologyDescription } from '../../core/sdam/types.js';
import { isSensitiveCommand } from '../../core/executor/index.js';
import { simPorts } from '../../harness/sim-ports.js';
import type { SimCluster } from './cluster.js';
import { MissingFeature } from './missing-feature.js';
import type { Doc } from './schema.js';
import { inheritableOptions } from './options.js';
import type { ObservedLogMessage } from './expect-logs.js';
import type { LogMessage, LogSink } from '../../client/logging/logger.js';
import { isLogComponent, parseSeverity, type SeveritySetting } from '../../client/logging/severity.js';

export class EntityError extends Error {
  override readonly name = 'EntityError';
}

/** unified-test-format.md "observeEvents" names → the Node driver's event names the client emits. */
export const eventNames: Readonly<Record<string, { readonly node: string; readonly kind: 'command' | 'cmap' | 'sdam' }>> = {
  commandStartedEvent: { node: 'commandStarted', kind: 'command' },
  commandSucceededEvent: { node: 'commandSucceeded', kind: 'command' },
  commandFailedEvent: { node: 'commandFailed', kind: 'command' },
  poolCreatedEvent: { node: 'connectionPoolCreated', kind: 'cmap' },
  poolReadyEvent: { node: 'connectionPoolReady', kind: 'cmap' },
  poolClearedEvent: { node: 'connectionPoolCleared', kind: 'cmap' },
  poolClosedEvent: { node: 'connectionPoolClosed', kind: 'cmap' },
  connectionCreatedEvent: { node: 'connectionCreated', kind: 'cmap' },
  connectionReadyEvent: { node: 'connectionReady', kind: 'cmap' },
  connectionClosedEvent: { node: 'connectionClosed', kind: 'cmap' },
  connectionCheckOutStartedEvent: { node: 'connectionCheckOutStarted', kind: 'cmap' },
  connectionCheckOutFailedEvent: { node: 'connectionCheckOutFailed', kind: 'cmap' },
  connectionCheckedOutEvent: { node: 'connectionCheckedOut', kind: 'cmap' },
  connectionCheckedInEvent: { node: 'connectionCheckedIn', kind: 'cmap' },
  serverDescriptionChangedEvent: { node: 'serverDescriptionChanged', kind: 'sdam' },
  topologyDescriptionChangedEvent: { node: 'topologyDescriptionChanged', kind: 'sdam' },
  serverHeartbeatStartedEvent: { node: 'serverHeartbeatStarted', kind: 'sdam' },
  serverHeartbeatSucceededEvent: { node: 'serverHeartbeatSucceeded', kind: 'sdam' },
  serverHeartbeatFailedEvent: { node: 'serverHeartbeatFailed', kind: 'sdam' },
  topologyOpeningEvent: { node: 'topologyOpening', kind: 'sdam' },
  topologyClosedEvent: { node: 'topologyClosed', kind: 'sdam' },
  serverOpeningEvent: { node: 'serverOpening', kind: 'sdam' },
  serverClosedEvent: { node: 'serverClosed', kind: 'sdam' },
};

const nodeToUnified: ReadonlyMap<string, string> = new Map(Object.entries(eventNames).map(([u, { node }]) => [node, u]));

/** One observed event: the unified type name and the driver's event object. */
export interface ObservedEvent {
  readonly type: string;
  readonly kind: 'command' | 'cmap' | 'sdam';
  readonly event: Readonly<Record<string, unknown>>;
}

/** Bound on events one client records in one test (a runaway loop must fail, not eat memory). */
export const maxObservedEvents = 100_000;

export class ClientEntity {
  readonly events: ObservedEvent[] = [];
  /** Every commandStarted (observed or not), for assertSame/DifferentLsidOnLastTwoCommands. */
  readonly startedCommands: Doc[] = [];
  private listening = true;
  /** Request ids of the runner's own configureFailPoint commands, whose events are never recorded. */
  readonly hiddenRequestIds = new Set<number>();
  hideNextConfigureFailPoint = 0;
  /** Connections checked out of this client's pools and not yet checked in. */
  checkedOut = 0;
  /** Conditions waited on (waitForEvent): each returns true once satisfied and is then dropped. */
  private waiters: (() => boolean)[] = [];

  constructor(
    readonly id: string,
    readonly client: MongoClient,
    private readonly observe: ReadonlySet<string>,
    private readonly ignoreCommands: ReadonlySet<string>,
    private readonly observeSensitive: boolean,
  ) {
    const names = new Set<string>(['commandStarted', 'commandSucceeded', 'commandFailed']);
    for (const type of observe) names.add(eventNames[type]!.node);
    for (const name of names) client.on(name, (event: Record<string, unknown>) => this.record(name, event));
    // assertNumberConnectionsCheckedOut counts from the CMAP events, observed or not.
    client.on('connectionCheckedOut', () => this.checkedOut++);
    client.on('connectionCheckedIn', () => this.checkedOut--);
  }

  /** Log messages collected for observeLogMessages (expectLogMessages). */
  readonly logMessages: ObservedLogMessage[] = [];
  /** Request ids of the runner's own configureFailPoint commands, whose log messages are dropped too. */
  private readonly hiddenLogRequestIds = new Set<unknown>();

  recordLog(message: ObservedLogMessage): void {
    if (!this.listening) return;
    const data = message.data;
    if (message.component === 'command') {
      // The logger writes before the event listeners run, so the configureFailPoint to hide is still counted.
      if (data['message'] === 'Command started' && data['commandName'] === 'configureFailPoint' && this.hideNextConfigureFailPoint > 0) this.hiddenLogRequestIds.add(data['requestId']);
      if (this.hiddenLogRequestIds.has(data['requestId'])) return;
    }
    if (this.logMessages.length >= maxObservedEvents) throw new Error(`client ${this.id} logged more than ${maxObservedEvents} messages`);
    this.logMessages.push(message);
  }

  addWaiter(check: () => boolean): void {
    this.waiters.push(check);
  }

  stopListening(): void {
    this.listening = false;
  }

  private record(nodeName: string, event: Record<string, unknown>): void {
    if (!this.listening) return;
    const type = nodeToUnified.get(nodeName)!;
    const kind = eventNames[type]!.kind;
    if (kind === 'command') {
      const commandName = String(event['commandName']);
      const requestId = event['requestId'] as number;
      if (nodeName === 'commandStarted') {
        if (commandName === 'configureFailPoint' && this.hideNextConfigureFailPoint > 0) {
          this.hideNextConfigureFailPoint--;
          this.hiddenRequestIds.add(requestId);
        }
        if (!this.hiddenRequestIds.has(requestId)) this.startedCommands.push((event['command'] ?? {}) as Doc);
      }
      if (this.hiddenRequestIds.has(requestId)) return;
      if (this.ignoreCommands.has(commandName)) return;
      if (!this.observeSensitive && isSensitiveEvent(commandName, event)) return;
    }
    if (!this.observe.has(type)) return;
    if (this.events.length >= maxObservedEvents) throw new Error(`client ${this.id} observed more than ${maxObservedEvents} events`);
    this.events.push({ type, kind, event });
    if (this.waiters.length > 0) this.waiters = this.waiters.filter((check) => !check());
  }
}

/**
 * command-logging-and-monitoring/tests/README.md: "Drivers MUST run the logging tests with their
 * max document length setting ... set to a large value e.g. 10,000" (a whole hello reply must parse).
 */
export const logTestMaxDocumentLength = 10_000;

/**
 * unified-test-format.md "observeLogMessages": component → minimum level, passed to the client's
 * logger as mongodbLogComponentSeverities (which checks the names and levels).
 */
function observedLogComponents(value: unknown, where: string): Record<string, SeveritySetting> | null {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EntityError(`${where}: must be an object of component: level`);
  const out: Record<string, SeveritySetting> = {};
  for (const [component, level] of Object.entries(value as Doc)) {
    if (!isLogComponent(component)) throw new EntityError(`${where}.${component}: unknown log component`);
    const parsed = parseSeverity(level);
    if (parsed === null) throw new EntityError(`${where}.${component}: ${JSON.stringify(level)} is not a log severity level`);
    out[component] = parsed;
  }
  return out;
}

/** The client's log sink: each message as {level, component, data}, kept on the entity. */
class LogCollector implements LogSink {
  entity: ClientEntity | null = null;

  write(message: LogMessage): void {
    const { t: _t, c, s, ...data } = message;
    this.entity?.recordLog({ level: s, component: c, data });
  }
}

/** hello/isMaster count as sensitive only with speculativeAuthenticate, seen as a redacted (empty) command or reply. */
function isSensitiveEvent(commandName: string, event: Record<string, unknown>): boolean {
  const lower = commandName.toLowerCase();
  if (lower === 'hello' || lower === 'ismaster') {
    const doc = (event['command'] ?? event['reply']) as Doc | undefined;
    return doc !== undefined && Object.keys(doc).length === 0;
  }
  return isSensitiveCommand({ [commandName]: 1 });
}

export type Entity =
  | { readonly type: 'client'; readonly value: ClientEntity }
  | { readonly type: 'database'; readonly value: Db; readonly client: ClientEntity }
  | { readonly type: 'collection'; readonly value: Collection; readonly client: ClientEntity }
  | { readonly type: 'cursor'; readonly value: FindCursor }
  | { readonly type: 'bson'; readonly value: unknown }
  | { readonly type: 'events'; readonly value: Doc[] }
  | { readonly type: 'thread'; readonly value: ThreadEntity }
  | { readonly type: 'bucket'; readonly value: GridFSBucket }
  | { readonly type: 'topologyDescription'; readonly value: TopologyDescription };

/**
 * A thread entity (unified-test-format.md "thread"): its operations run one after another,
 * concurrently with the test's own, in the same virtual time; the first failure is kept for
 * waitForThread.
 */
export class ThreadEntity {
  /** The tail of this thread's operations; settles when the last one scheduled is done. */
  tail: Promise<void> = Promise.resolve();
  error: unknown = undefined;
  failed = false;
  scheduled = 0;

  run(task: () => Promise<void>): void {
    this.scheduled++;
    this.tail = this.tail.then(async () => {
      if (this.failed) return;
      try {
        await task();
      } catch (error) {
        this.failed = true;
        this.error = error;
      }
    });
  }
}

/** Bound on entities per test. */
export const maxEntities = 1_000;

export class EntityMap {
  private readonly entities = new Map<string, Entity>();

  set(id: string, entity: Entity): void {
    if (this.entities.has(id)) throw new EntityError(`entity '${id}' is already defined`);
    if (this.entities.size >= maxEntities) throw new EntityError(`more than ${maxEntities} entities`);
    this.entities.set(id, entity);
  }

  get(id: string): Entity {
    const e = this.entities.get(id);
    if (e === undefined) throw new EntityError(`no entity '${id}' (defined: ${[...this.entities.keys()].join(', ') || 'none'})`);
    return e;
  }

  getAs<T extends Entity['type']>(id: string, type: T): Extract<Entity, { type: T }> {
    const e = this.get(id);
    if (e.type !== type) throw new EntityError(`entity '${id}' is a ${e.type}, not a ${type}`);
    return e as Extract<Entity, { type: T }>;
  }

  has(id: string): boolean {
    return this.entities.has(id);
  }

  clients(): ClientEntity[] {
    return [...this.entities.values()].filter((e): e is Extract<Entity, { type: 'client' }> => e.type === 'client').map((e) => e.value);
  }
}

const clientKeys = new Set(['id', 'uriOptions', 'useMultipleMongoses', 'observeEvents', 'ignoreCommandMonitoringEvents', 'observeSensitiveCommands', 'storeEventsAsEntities', 'observeLogMessages', 'serverApi', 'awaitMinPoolSizeMS', 'autoEncryptOpts']);

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new EntityError(`${where} must be an array of strings`);
  return value as string[];
}

/** URI options as query string values (booleans and numbers as text). */
function uriQuery(options: Readonly<Record<string, unknown>>): string {
  return Object.entries(options)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))}`)
    .join('&');
}

let clientSerial = 0;

/** createEntities: one `{type: spec}` object. */
export function createEntity(map: EntityMap, cluster: SimCluster, raw: Doc, where: string): void {
  const keys = Object.keys(raw);
  if (keys.length !== 1) throw new EntityError(`${where}: must have exactly one key (the entity type), got ${JSON.stringify(keys)}`);
  const type = keys[0]!;
  const spec = raw[type] as Doc;
  if (spec === null || typeof spec !== 'object') throw new EntityError(`${where}.${type}: must be an object`);
  const id = spec['id'];
  if (typeof id !== 'string') throw new EntityError(`${where}.${type}.id: must be a string`);
  switch (type) {
    case 'client': {
      for (const key of Object.keys(spec)) if (!clientKeys.has(key)) throw new EntityError(`${where}.client: unknown field '${key}'`);
      if (spec['serverApi'] !== undefined) throw new MissingFeature('the Stable API (serverApi)');
      if (spec['autoEncryptOpts'] !== undefined) throw new MissingFeature('client-side field level encryption');
      if (spec['storeEventsAsEntities'] !== undefined) throw new MissingFeature('storeEventsAsEntities');
      if (spec['awaitMinPoolSizeMS'] !== undefined) throw new MissingFeature('awaitMinPoolSizeMS');
      const observe = stringList(spec['observeEvents'], `${where}.client.observeEvents`);
      for (const name of observe) if (eventNames[name] === undefined) throw new EntityError(`${where}.client.observeEvents: unknown event type '${name}'`);
      const ignore = stringList(spec['ignoreCommandMonitoringEvents'], `${where}.client.ignoreCommandMonitoringEvents`);
      const uriOptions = (spec['uriOptions'] ?? {}) as Doc;
      if (typeof uriOptions !== 'object' || uriOptions === null || Array.isArray(uriOptions)) throw new EntityError(`${where}.client.uriOptions: must be an object`);
      for (const key of ['username', 'password', 'authMechanism', 'authSource', 'authMechanismProperties']) {
        if (key in uriOptions) throw new MissingFeature('authentication (the simulated servers have no auth)');
      }
      if ('timeoutMS' in uriOptions) throw new MissingFeature('client-side operation timeouts (timeoutMS)');
      // "useMultipleMongoses": false pins a sharded cluster's client to one mongos; otherwise it gets every one.
      const hosts = cluster.plan.topology === 'sharded' && spec['useMultipleMongoses'] === false ? cluster.hosts.slice(0, 1) : cluster.hosts;
      const query = uriQuery({ ...cluster.uriOptions, ...uriOptions });
      const uri = `mongodb://${hosts.join(',')}/${query ? `?${query}` : ''}`;
      const logs = observedLogComponents(spec['observeLogMessages'], `${where}.client.observeLogMessages`);
      const collector = new LogCollector();
      const client = new MongoClient(uri, {
        ports: simPorts(cluster.world, { clientHost: `client-${++clientSerial}` }),
        ...(logs === null ? {} : { mongodbLogComponentSeverities: { default: 'off', ...logs }, mongodbLogPath: collector, mongodbLogMaxDocumentLength: logTestMaxDocumentLength }),
      });
      const entity = new ClientEntity(id, client, new Set(observe), new Set(ignore), spec['observeSensitiveCommands'] === true);
      collector.entity = entity;
      map.set(id, { type: 'client', value: entity });
      return;
    }
    case 'database': {
      const client = map.getAs(String(spec['client']), 'client').value;
      if (typeof spec['databaseName'] !== 'string') throw new EntityError(`${where}.database.databaseName: must be a string`);
      const db = client.client.db(spec['databaseName'], inheritableOptions(spec['databaseOptions'], `${where}.database.databaseOptions`));
      map.set(id, { type: 'database', value: db, client });
      return;
    }
    case 'collection': {
      const dbEntity = map.getAs(String(spec['database']), 'database');
      if (typeof spec['collectionName'] !== 'string') throw new EntityError(`${where}.collection.collectionName: must be a string`);
      const coll = dbEntity.value.collection(spec['collectionName'], inheritableOptions(spec['collectionOptions'], `${where}.collection.collectionOptions`));
      map.set(id, { type: 'collection', value: coll, client: dbEntity.client });
      return;
    }
    case 'session':
      throw new MissingFeature('explicit sessions (session entities)');
    case 'bucket': {
      const dbEntity = map.getAs(String(spec['database']), 'database');
      const options = (spec['bucketOptions'] ?? {}) as Doc;
      for (const key of Object.keys(options)) if (key !== 'bucketName') throw new MissingFeature(`the GridFS bucket option ${key}`);
      const bucketName = options['bucketName'];
      map.set(id, { type: 'bucket', value: new GridFSBucket(dbEntity.value, bucketName === undefined ? {} : { bucketName: String(bucketName) }) });
      return;
    }
    case 'thread':
      map.set(id, { type: 'thread', value: new ThreadEntity() });
      return;
    case 'clientEncryption':
      throw new MissingFeature('client-side field level encryption');
    default:
      throw new EntityError(`${where}: unknown entity type '${type}'`);
  }
}

/** When the test ends: stop recording (the clients are dropped with their world). */
export function stopEntities(map: EntityMap): void {
  for (const c of map.clients()) c.stopListening();
}
