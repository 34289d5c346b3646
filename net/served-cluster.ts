/**
 * A simulated cluster served to real drivers: each simulated mongod (and mongos) listens on a
 * real loopback TCP port and speaks the wire protocol, the world runs paced to the real clock,
 * and the cluster can be crashed, restarted, stepped down, partitioned and healed while it
 * runs — from code (this class, for test suites' before/after hooks) or from any client with
 * the admin command `{mongosim: '<action>', ...}`.
 *
 *   const rs = await ServedCluster.start({ members: 3, seed: 1 });
 *   const client = new MongoClient(rs.uri);  // mongodb://127.0.0.1:p1,...,/?replicaSet=rs0
 *   ...
 *   rs.crash(rs.primary()!);
 *   await rs.stop();
 */
import * as net from 'node:net';
import { ReplicaSetSim } from '../sim/mongod/replset.js';
import { MongosProcess } from '../sim/mongos/mongos.js';
import { type ServerVersion, defaultServerVersion, isServerVersion } from '../sim/mongod/versions.js';
import type { Document } from '../sim/protocol.js';
import { World } from '../sim/world.js';
import { RealTimePacer, checkSpeed } from './pacer.js';
import { WireBridge } from './wire-bridge.js';

/** The simulated host every real client connection comes from (link settings and partitions name it). */
export const servedClientHost = 'wire-client';
/** Most members and routers one served cluster may have. */
export const maxServedMembers = 50;
export const maxServedRouters = 16;
/** Real connections accepted per served process before new ones are refused. */
export const maxConnectionsPerServer = 10_000;
/** Virtual time allowed for the first election at start-up (run unpaced, so it costs no wall time). */
export const startupPrimaryWaitMs = 120_000;
/** Virtual time run after the first primary so secondaries catch up before clients arrive. */
export const startupSettleMs = 3_000;
/** Served clusters default to snappy failovers: elections and heartbeats in hundreds of ms. */
export const defaultServedElectionTimeoutMillis = 1_000;
export const defaultServedHeartbeatIntervalMillis = 250;

export interface ServeOptions {
  /** Replica set members. Default 3. */
  readonly members?: number;
  /** mongos routers in front of the set (a one-shard sharded cluster). Default 0. */
  readonly mongos?: number;
  readonly setName?: string;
  readonly version?: ServerVersion;
  readonly seed?: number;
  /** Virtual ms per wall ms. Default 1. */
  readonly speed?: number;
  /** Address to listen on. Default 127.0.0.1 (loopback only). */
  readonly bind?: string;
  /** Host name the members announce (hello `hosts`, `me`). Default: the bind address (127.0.0.1 for a wildcard bind). */
  readonly advertiseHost?: string;
  /** First port (the others follow it); 0 or absent: ephemeral ports chosen by the OS. */
  readonly port?: number;
  readonly electionTimeoutMillis?: number;
  readonly heartbeatIntervalMillis?: number;
  /** One-way simulated latency added between real clients and servers, ms. Default 0 (the real socket has its own). */
  readonly clientLatencyMs?: number;
  /** Called if the simulator throws (a simulator bug); the world stops. Default: printed to stderr. */
  readonly onError?: (error: unknown) => void;
}

interface Listener {
  readonly server: net.Server;
  readonly port: number;
  address: string;
}

function positiveInt(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} ${String(value)} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

async function listenOn(bind: string, port: number): Promise<net.Server> {
  const server = net.createServer({ noDelay: true });
  server.maxConnections = maxConnectionsPerServer;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: bind, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export class ServedCluster {
  readonly world: World;
  readonly replicaSet: ReplicaSetSim;
  readonly routers: readonly MongosProcess[];
  readonly pacer: RealTimePacer;
  /** Member addresses ("127.0.0.1:port"), in member order. */
  readonly hosts: readonly string[];
  /** mongos addresses, in order. */
  readonly mongosHosts: readonly string[];
  private readonly bridges = new Set<WireBridge>();
  private stopped = false;

  private constructor(
    private readonly listeners: readonly Listener[],
    world: World,
    replicaSet: ReplicaSetSim,
    routers: MongosProcess[],
    pacer: RealTimePacer,
    hosts: string[],
    mongosHosts: string[],
  ) {
    this.world = world;
    this.replicaSet = replicaSet;
    this.routers = routers;
    this.pacer = pacer;
    this.hosts = hosts;
    this.mongosHosts = mongosHosts;
  }

  /** Builds, initiates (in virtual time, so instantly) and serves the cluster. */
  static async start(options: ServeOptions = {}): Promise<ServedCluster> {
    const members = positiveInt(options.members ?? 3, 'members', 1, maxServedMembers);
    const routers = positiveInt(options.mongos ?? 0, 'mongos', 0, maxServedRouters);
    const seed = options.seed ?? 1;
    const speed = checkSpeed(options.speed ?? 1);
    const version = options.version ?? defaultServerVersion;
    if (!isServerVersion(version)) throw new RangeError(`version ${JSON.stringify(version)} is not a simulated server version`);
    const bind = options.bind ?? '127.0.0.1';
    if (typeof bind !== 'string' || net.isIP(bind) === 0 && bind !== 'localhost') throw new RangeError(`bind ${JSON.stringify(bind)} must be an IP address or localhost`);
    const wildcard = bind === '0.0.0.0' || bind === '::';
    const advertise = options.advertiseHost ?? (wildcard ? '127.0.0.1' : bind === 'localhost' ? '127.0.0.1' : bind);
    const firstPort = positiveInt(options.port ?? 0, 'port', 0, 65535);
    if (firstPort !== 0 && firstPort + members + routers - 1 > 65535) throw new RangeError(`port ${firstPort}: ${members + routers} consecutive ports do not fit below 65536`);
    const setName = options.setName ?? 'rs0';
    const clientLatencyMs = positiveInt(options.clientLatencyMs ?? 0, 'clientLatencyMs', 0, 60_000);
    const electionTimeoutMillis = positiveInt(options.electionTimeoutMillis ?? defaultServedElectionTimeoutMillis, 'electionTimeoutMillis', 1, 86_400_000);
    const heartbeatIntervalMillis = positiveInt(options.heartbeatIntervalMillis ?? defaultServedHeartbeatIntervalMillis, 'heartbeatIntervalMillis', 1, 86_400_000);

    // Ports first, so the members are named by addresses clients can reach.
    const listeners: Listener[] = [];
    try {
      for (let i = 0; i < members + routers; i++) {
        const server = await listenOn(bind, firstPort === 0 ? 0 : firstPort + i);
        const port = (server.address() as net.AddressInfo).port;
        listeners.push({ server, port, address: `${advertise.includes(':') ? `[${advertise}]` : advertise}:${port}` });
      }
    } catch (error) {
      await Promise.all(listeners.map((l) => new Promise((r) => l.server.close(r))));
      throw error;
    }
    const memberHosts = listeners.slice(0, members).map((l) => l.address);
    const routerHosts = listeners.slice(members).map((l) => l.address);

    const world = new World({ seed });
    const rs = new ReplicaSetSim(world, {
      name: setName,
      members: memberHosts.map((host) => ({ host })),
      version,
      settings: { electionTimeoutMillis, heartbeatIntervalMillis },
    });
    rs.initiate();
    world.scheduler.runUntil(() => memberHosts.every((h) => rs.member(h).config !== null), startupPrimaryWaitMs);
    // A simulated mongod arms its heartbeat tick when it starts, from the config it has then
    // (none before replSetInitiate: the 2 s default). Restarting each member once, in virtual
    // time, makes the set's heartbeatIntervalMillis take effect.
    for (const host of memberHosts) rs.restart(host);
    if (rs.waitForPrimary(startupPrimaryWaitMs) === null) throw new Error(`no primary was elected within ${startupPrimaryWaitMs} virtual ms of starting the set`);
    world.scheduler.runFor(startupSettleMs);
    const mongoses = routerHosts.map((host) => new MongosProcess(world, { host, shard: { name: setName, hosts: memberHosts }, version }));
    for (const m of mongoses) m.start();
    for (const host of [...memberHosts, ...routerHosts]) {
      world.network.setLink(servedClientHost, host, { latency: { kind: 'constant', ms: clientLatencyMs }, jitterMs: 0 }, true);
    }
    const onError = options.onError ?? ((error: unknown) => process.stderr.write(`mongosim serve: the simulator stopped: ${error instanceof Error ? error.stack : String(error)}\n`));
    const pacer = new RealTimePacer(world, { speed, onError });
    const cluster = new ServedCluster(listeners, world, rs, mongoses, pacer, memberHosts, routerHosts);
    for (const l of listeners) l.server.on('connection', (socket) => cluster.accept(l, socket));
    pacer.start();
    return cluster;
  }

  /** The connection string: the set with `replicaSet`, or the routers when there are any. */
  get uri(): string {
    if (this.mongosHosts.length > 0) return `mongodb://${this.mongosHosts.join(',')}/`;
    return `mongodb://${this.hosts.join(',')}/?replicaSet=${encodeURIComponent(this.replicaSet.name)}`;
  }

  get speed(): number {
    return this.pacer.speed;
  }

  /** Open real client connections. */
  get connectionCount(): number {
    return this.bridges.size;
  }

  /** The current writable primary, or null. */
  primary(): string | null {
    this.pacer.catchUp();
    return this.replicaSet.primary();
  }

  /** Resolves with the writable primary (other than `notHost`, if given) once there is one; rejects after `timeoutMs` of wall time. */
  async waitForPrimary(timeoutMs = 30_000, notHost?: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.primary();
      if (p !== null && p !== notHost) return p;
      if (Date.now() > deadline) throw new Error(`no primary${notHost !== undefined ? ` other than ${notHost}` : ''} within ${timeoutMs} ms (wall)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  crash(host: string): void { this.act(() => this.processFor(host).crash()); }
  restart(host: string): void { this.act(() => this.processFor(host).restart()); }
  /** replSetStepDown on the primary (or `host`). */
  stepDown(host?: string, secs = 10): void {
    const target = host ?? this.primary();
    if (target === null) throw new Error('stepDown: there is no primary');
    this.act(() => this.replicaSet.stepDown(target, secs, { force: true }));
  }
  /** Cuts `host` off from every other process and client. */
  partition(host: string): void {
    this.processFor(host);
    this.act(() => this.world.network.isolate(host));
  }
  /** Removes every partition and clog. */
  heal(): void { this.act(() => this.world.network.heal()); }
  /** One-way latency between every pair of simulated processes (members, routers), ms. */
  setLatency(ms: number): void {
    positiveInt(ms, 'latency ms', 0, 60_000);
    this.act(() => this.world.network.setDefaultLink({ latency: { kind: 'constant', ms }, jitterMs: 0 }));
  }
  setSpeed(speed: number): void { this.pacer.setSpeed(speed); }

  /** The `{mongosim: action, ...}` admin command any served process answers. */
  control(body: Readonly<Document>): Document {
    const action = body['mongosim'];
    const host = body['host'];
    const needHost = (): string => {
      if (typeof host !== 'string') throw new TypeError(`mongosim ${String(action)}: 'host' must name a member or router (one of ${[...this.hosts, ...this.mongosHosts].join(', ')})`);
      return host;
    };
    switch (action) {
      case 'status':
        return { ok: 1, primary: this.primary(), hosts: [...this.hosts], mongos: [...this.mongosHosts], virtualTimeMs: this.world.nowMs, speed: this.speed };
      case 'crash': this.crash(needHost()); break;
      case 'restart': this.restart(needHost()); break;
      case 'stepDown': this.stepDown(typeof host === 'string' ? host : undefined, typeof body['secs'] === 'number' ? body['secs'] : 10); break;
      case 'partition': this.partition(needHost()); break;
      case 'heal': this.heal(); break;
      case 'setLatency': this.setLatency(body['ms'] as number); break;
      case 'setSpeed': this.setSpeed(body['speed'] as number); break;
      default:
        throw new TypeError(`mongosim: unknown action ${JSON.stringify(action)} (status, crash, restart, stepDown, partition, heal, setLatency, setSpeed)`);
    }
    return { ok: 1 };
  }

  /** Stops serving: closes every connection and listener and stops the world. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const b of [...this.bridges]) b.close();
    await Promise.all(this.listeners.map((l) => new Promise((r) => l.server.close(r))));
    this.pacer.stop();
  }

  private act(fn: () => void): void {
    this.pacer.catchUp();
    fn();
    this.pacer.kick();
  }

  private processFor(host: string): { crash(): void; restart(): void } {
    if (this.hosts.includes(host)) return this.replicaSet.member(host);
    const router = this.routers.find((r) => r.host === host);
    if (router !== undefined) return { crash: () => router.crash(), restart: () => { if (router.isRunning) router.crash(); router.start(); } };
    throw new RangeError(`no served process ${JSON.stringify(host)} (members: ${this.hosts.join(', ')}; mongos: ${this.mongosHosts.join(', ') || 'none'})`);
  }

  private accept(listener: Listener, socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    this.pacer.catchUp();
    const sim = this.world.network.connect(servedClientHost, listener.address);
    const bridge = new WireBridge({
      socket,
      sim,
      pacer: this.pacer,
      control: (body) => this.control(body),
      onDone: (b) => this.bridges.delete(b),
    });
    this.bridges.add(bridge);
    this.pacer.kick();
  }
}

/** The programmatic API's name for a served replica set (with `mongos: N`, a sharded cluster). */
export const ServedReplicaSet = ServedCluster;
