/**
 * The simulated network: processes listen on addresses and connect to each other; every
 * connection is a pair of ORDERED message streams (one per direction), like a TCP connection.
 *
 * Each direction ("pipe") delivers its messages in send order: a message's delivery time is
 * never earlier than the previous message's on the same pipe, so latency jitter delays but
 * never reorders. Faults act on links — an ordered pair of hosts (the client side of a
 * connection is `fromHost`, the server side is the listening address):
 *  - latency: a distribution per link plus uniform integer jitter, in whole virtual ms;
 *  - drop rate: a sent message vanishes with that probability (the receiver just never sees
 *    it, as with a black-holed packet; the sender finds out by timing out);
 *  - partitions: symmetric between two groups, one-way, or isolating a host. Messages sent
 *    across a partition — or still in flight when it starts — are dropped; connections stay
 *    open until someone times out, closes or resets them. (TCP retransmission is not modelled:
 *    a message sent into a partition is lost rather than delivered late after the heal, and a
 *    connect into a partition hangs instead of retrying its SYN.);
 *  - clog: messages sent on a clogged link are held until the clog ends, then travel;
 *  - reset: connections are torn down at once and both ends see `onClose('reset')`;
 *  - heal: removes every partition and clog.
 *
 * Handlers are always called from scheduler events, never from inside `send`/`connect`/
 * `close`, so callers never see re-entrant callbacks.
 */
import type { Scheduler, TimerHandle } from '../kernel/scheduler.js';
import type { SimRandom } from '../kernel/random.js';
import type { MessageLineKind, Trace } from '../kernel/trace.js';
import { messageLineKind } from '../kernel/trace.js';

export type Message = Readonly<Record<string, unknown>>;

export interface SimSocket {
  readonly id: number;
  readonly localHost: string;
  readonly remoteAddress: string;
  readonly closed: boolean;
  /** Delivered in order after the link latency unless dropped or partitioned. Ignored once closed. */
  send(message: Message): void;
  /** Sets the (single) message handler; messages arriving with no handler are dropped and traced. */
  onMessage(handler: (message: Message) => void): void;
  /**
   * Sets the (single) close handler, called once when the socket is closed by anything other
   * than its own `close()`: 'refused' (nobody listening), 'reset', 'closed' (the peer closed),
   * 'overflow' (too many messages queued on the connection).
   */
  onClose(handler: (reason: string) => void): void;
  /** Closes this end; messages already sent still reach the peer, which then sees 'closed'. */
  close(): void;
}

export type LatencyDistribution =
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stddevMs: number }
  | { readonly kind: 'exponential'; readonly meanMs: number };

export interface LinkSettings {
  /** One-way latency; draws are rounded to whole ms and never negative. */
  readonly latency: LatencyDistribution;
  /** Extra uniform delay in [0, jitterMs] whole ms, drawn per message. */
  readonly jitterMs: number;
  /** Probability in [0, 1] that a message vanishes. */
  readonly dropRate: number;
}

/** Default one-way latency: 1 ms plus 0–1 ms jitter, about a same-datacenter round trip. */
export const defaultLatencyMs = 1;
export const defaultJitterMs = 1;
export const defaultLinkSettings: LinkSettings = Object.freeze({
  latency: Object.freeze({ kind: 'constant', ms: defaultLatencyMs }),
  jitterMs: defaultJitterMs,
  dropRate: 0,
});
/** A connection whose pipe holds more undelivered messages than this is reset with 'overflow'. */
export const maxQueuedMessagesPerPipe = 10_000;
/** `connect` refuses to open more simultaneous connections than this (a leak guard). */
export const maxOpenConnections = 100_000;
/** Latencies above this are rejected as configuration errors (one virtual day). */
export const maxLatencyMs = 86_400_000;

const stateConnecting = 0;
const stateOpen = 1;
const stateClosed = 2;

/** Control items travel in a pipe like messages so they stay ordered with the data. */
const SYN: Message = Object.freeze({ kind: '<syn>' });
const FIN: Message = Object.freeze({ kind: '<fin>' });
const REFUSE: Message = Object.freeze({ kind: '<refuse>' });

class Link {
  settings: LinkSettings = defaultLinkSettings;
  blocked = false;
  clogUntilMs = 0;
  constructor(
    readonly from: string,
    readonly to: string,
  ) {}
}

class Socket implements SimSocket {
  closed = false;
  messageHandler: ((message: Message) => void) | null = null;
  closeHandler: ((reason: string) => void) | null = null;
  constructor(
    readonly id: number,
    readonly localHost: string,
    readonly remoteAddress: string,
    private readonly connection: Connection,
    /** The pipe this end sends on. */
    readonly outgoing: Pipe,
  ) {}
  send(message: Message): void {
    if (this.closed) return;
    this.connection.network.sendOn(this.outgoing, message);
  }
  onMessage(handler: (message: Message) => void): void {
    this.messageHandler = handler;
  }
  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
  }
  close(): void {
    if (this.closed) return;
    this.connection.network.closeEnd(this);
  }
}

/** Trace line kinds per direction ('>' client→server, '<' server→client), prepared once. */
const lineKinds = {
  '>': { send: messageLineKind('send', '>'), recv: messageLineKind('recv', '>'), drop: messageLineKind('drop', '>') },
  '<': { send: messageLineKind('send', '<'), recv: messageLineKind('recv', '<'), drop: messageLineKind('drop', '<') },
} as const;

/** Initial ring-buffer capacity of a pipe (a power of two); most pipes hold 0–2 messages in flight. */
const initialPipeCapacity = 4;

class Pipe {
  /** Ring buffer of undelivered items with their delivery times and sequence numbers. */
  items: Array<Message | null> = new Array<Message | null>(initialPipeCapacity).fill(null);
  times: number[] = new Array<number>(initialPipeCapacity).fill(0);
  seqs: number[] = new Array<number>(initialPipeCapacity).fill(0);
  head = 0;
  count = 0;
  sent = 0;
  lastDeliveryMs = 0;
  /** The pipe's reusable delivery timer, armed for the head item whenever the pipe is not empty. */
  readonly timer: TimerHandle;
  armed = false;
  /** The socket at the receiving end (the server socket exists only once accepted). */
  receiver: Socket | null = null;
  readonly sendLine: MessageLineKind;
  readonly recvLine: MessageLineKind;
  readonly dropLine: MessageLineKind;
  constructor(
    readonly connection: Connection,
    readonly link: Link,
    /** '>' client→server, '<' server→client: used in trace lines. */
    readonly direction: '>' | '<',
    scheduler: Scheduler,
  ) {
    this.sendLine = lineKinds[direction].send;
    this.recvLine = lineKinds[direction].recv;
    this.dropLine = lineKinds[direction].drop;
    this.timer = scheduler.timer('net.deliver', () => connection.network.deliverHead(this));
  }

  push(item: Message, timeMs: number, seq: number): void {
    if (this.count === this.items.length) this.grow();
    const i = (this.head + this.count) & (this.items.length - 1);
    this.items[i] = item;
    this.times[i] = timeMs;
    this.seqs[i] = seq;
    this.count++;
  }

  /** Removes the head item (the caller read it first). */
  shift(): void {
    this.items[this.head] = null;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
  }

  clear(): void {
    for (let k = 0; k < this.count; k++) this.items[(this.head + k) & (this.items.length - 1)] = null;
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.items.length;
    const items = new Array<Message | null>(capacity * 2).fill(null);
    const times = new Array<number>(capacity * 2).fill(0);
    const seqs = new Array<number>(capacity * 2).fill(0);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (capacity - 1);
      items[k] = this.items[i] as Message | null;
      times[k] = this.times[i] as number;
      seqs[k] = this.seqs[i] as number;
    }
    this.items = items;
    this.times = times;
    this.seqs = seqs;
    this.head = 0;
  }
}

class Connection {
  state = stateConnecting;
  readonly toServer: Pipe;
  readonly toClient: Pipe;
  readonly client: Socket;
  server: Socket | null = null;
  constructor(
    readonly network: Network,
    readonly id: number,
    readonly fromHost: string,
    readonly toAddress: string,
    toServerLink: Link,
    toClientLink: Link,
  ) {
    this.toServer = new Pipe(this, toServerLink, '>', network.scheduler);
    this.toClient = new Pipe(this, toClientLink, '<', network.scheduler);
    this.client = new Socket(id, fromHost, toAddress, this, this.toServer);
    this.toClient.receiver = this.client;
  }
}

export class Network {
  private readonly listeners = new Map<string, (socket: SimSocket) => void>();
  private readonly links = new Map<string, Map<string, Link>>();
  private readonly open = new Map<number, Connection>();
  private nextConnectionId = 1;
  private defaults: LinkSettings = defaultLinkSettings;
  private readonly overrides = new Map<string, LinkSettings>();
  private readonly blockedPairs = new Set<string>();
  private readonly isolated = new Set<string>();
  private readonly clogs = new Map<string, number>();

  constructor(
    /** @internal */
    readonly scheduler: Scheduler,
    private readonly trace: Trace,
    private readonly random: SimRandom,
  ) {}

  // ---- processes -------------------------------------------------------------------------

  /** Accepts connections to `address`; `onConnection` gets the server end of each. */
  listen(address: string, onConnection: (socket: SimSocket) => void): void {
    assertName('listen', 'address', address);
    if (this.listeners.has(address)) throw new Error(`Network.listen: address ${address} is already in use`);
    this.listeners.set(address, onConnection);
    this.trace.record('listen', address);
  }

  /** Stops accepting on `address` and resets every open connection to it (a crash or stop). */
  unlisten(address: string): void {
    if (!this.listeners.delete(address)) return;
    this.trace.record('unlisten', address);
    for (const connection of [...this.open.values()]) {
      if (connection.toAddress === address && connection.server !== null) this.reset(connection, 'reset');
    }
  }

  isListening(address: string): boolean {
    return this.listeners.has(address);
  }

  /** Opens a connection; if nobody listens on `toAddress` it closes with 'refused' after a round trip. */
  connect(fromHost: string, toAddress: string): SimSocket {
    assertName('connect', 'fromHost', fromHost);
    assertName('connect', 'toAddress', toAddress);
    if (this.open.size >= maxOpenConnections) {
      throw new Error(`Network.connect: ${maxOpenConnections} connections are already open (a connection leak?)`);
    }
    const id = this.nextConnectionId++;
    const connection = new Connection(
      this,
      id,
      fromHost,
      toAddress,
      this.link(fromHost, toAddress),
      this.link(toAddress, fromHost),
    );
    this.open.set(id, connection);
    const t = this.trace;
    t.begin('connect');
    t.text(' c');
    t.int(id);
    t.text(' ');
    t.text(fromHost);
    t.text('>');
    t.text(toAddress);
    t.end();
    this.transmit(connection.toServer, SYN, 0);
    return connection.client;
  }

  /** Open (not fully closed) connections. */
  get openConnections(): number {
    return this.open.size;
  }

  // ---- faults ----------------------------------------------------------------------------

  /** Sets the settings of every link without its own (partial settings keep the other fields). */
  setDefaultLink(settings: Partial<LinkSettings>): void {
    this.defaults = validateLinkSettings({ ...this.defaults, ...settings }, 'default link');
    this.trace.record('net.link', `* ${describeSettings(this.defaults)}`);
    this.refreshLinks();
  }

  /**
   * Overrides the settings of the link from→to (and to→from when `bothWays`); fields not given
   * keep the link's current values. An overridden link keeps its settings when the default
   * changes later.
   */
  setLink(from: string, to: string, settings: Partial<LinkSettings>, bothWays = true): void {
    assertName('setLink', 'from', from);
    assertName('setLink', 'to', to);
    for (const [a, b] of bothWays ? [[from, to], [to, from]] : [[from, to]]) {
      const key = linkKey(a as string, b as string);
      const merged = validateLinkSettings({ ...(this.overrides.get(key) ?? this.defaults), ...settings }, `link ${a}>${b}`);
      this.overrides.set(key, merged);
      this.trace.record('net.link', `${a}>${b} ${describeSettings(merged)}`);
    }
    this.refreshLinks();
  }

  /** Symmetric partition: nothing passes between any host of `sideA` and any host of `sideB`. */
  partition(sideA: readonly string[], sideB: readonly string[]): void {
    assertGroups('partition', sideA, sideB);
    for (const a of sideA) {
      for (const b of sideB) {
        this.blockedPairs.add(linkKey(a, b));
        this.blockedPairs.add(linkKey(b, a));
      }
    }
    this.trace.record('net.partition', `${sideA.join(',')}|${sideB.join(',')}`);
    this.refreshLinks();
  }

  /** One-way partition: messages from `from` hosts to `to` hosts are dropped; the reverse passes. */
  partitionOneWay(from: readonly string[], to: readonly string[]): void {
    assertGroups('partitionOneWay', from, to);
    for (const a of from) for (const b of to) this.blockedPairs.add(linkKey(a, b));
    this.trace.record('net.partition1', `${from.join(',')}>${to.join(',')}`);
    this.refreshLinks();
  }

  /** Cuts `host` off from every other host, in both directions. */
  isolate(host: string): void {
    assertName('isolate', 'host', host);
    this.isolated.add(host);
    this.trace.record('net.isolate', host);
    this.refreshLinks();
  }

  /** Holds messages sent from→to (and to→from when `bothWays`) for `durationMs`, then lets them travel. */
  clog(from: string, to: string, durationMs: number, bothWays = true): void {
    assertName('clog', 'from', from);
    assertName('clog', 'to', to);
    if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
      throw new RangeError(`Network.clog: durationMs ${durationMs} must be a finite number >= 0`);
    }
    const until = this.scheduler.nowMs + durationMs;
    for (const [a, b] of bothWays ? [[from, to], [to, from]] : [[from, to]]) {
      const key = linkKey(a as string, b as string);
      this.clogs.set(key, Math.max(this.clogs.get(key) ?? 0, until));
    }
    this.trace.record('net.clog', `${from}${bothWays ? '=' : '>'}${to} ${durationMs}`);
    this.refreshLinks();
  }

  /** Removes every partition and clog (link latency and drop settings stay). */
  heal(): void {
    this.blockedPairs.clear();
    this.isolated.clear();
    this.clogs.clear();
    this.trace.record('net.heal', '');
    this.refreshLinks();
  }

  /**
   * Resets every open connection with an end at `host` — or, when `peer` is given, only those
   * between `host` and `peer`. Returns how many were reset.
   */
  resetConnections(host: string, peer?: string): number {
    assertName('resetConnections', 'host', host);
    let count = 0;
    for (const connection of [...this.open.values()]) {
      const a = connection.fromHost;
      const b = connection.toAddress;
      const touches = peer === undefined ? a === host || b === host : (a === host && b === peer) || (a === peer && b === host);
      if (touches) {
        this.reset(connection, 'reset');
        count++;
      }
    }
    return count;
  }

  /** True when messages from→to are currently dropped by a partition. */
  isBlocked(from: string, to: string): boolean {
    return this.link(from, to).blocked;
  }

  // ---- internals (called by sockets and pipes) -----------------------------------------------

  /** @internal */
  sendOn(pipe: Pipe, message: Message): void {
    const seq = ++pipe.sent;
    this.trace.message(pipe.sendLine, pipe.connection.id, seq, messageKind(message), commandOf(message));
    if (pipe.link.blocked) {
      this.traceDrop(pipe, seq, 'partition');
      return;
    }
    const dropRate = pipe.link.settings.dropRate;
    if (dropRate > 0 && this.random.chance(dropRate)) {
      this.traceDrop(pipe, seq, 'loss');
      return;
    }
    this.transmit(pipe, message, seq);
  }

  /** @internal */
  closeEnd(socket: Socket): void {
    const connection = this.connectionOf(socket);
    socket.closed = true;
    const t = this.trace;
    t.begin('close');
    t.text(' c');
    t.int(socket.id);
    t.text(socket === connection.client ? '>' : '<');
    t.end();
    // Like TCP, a close before the handshake completes still sends what was written: the FIN
    // follows the SYN and the data on the same ordered pipe.
    this.transmit(socket.outgoing, FIN, 0);
    if (connection.client.closed && (connection.server === null || connection.server.closed)) this.finish(connection);
  }

  /** @internal Delivers the head item of `pipe` and schedules the next one. */
  deliverHead(pipe: Pipe): void {
    pipe.armed = false;
    const index = pipe.head;
    const item = pipe.items[index] as Message;
    const seq = pipe.seqs[index] as number;
    pipe.shift();
    if (pipe.count > 0) {
      pipe.armed = true;
      this.scheduler.arm(pipe.timer, pipe.times[pipe.head] as number);
    }
    const connection = pipe.connection;
    if (pipe.link.blocked) {
      this.traceDrop(pipe, seq, 'partition');
      return;
    }
    if (item === SYN) this.accept(connection);
    else if (item === REFUSE) this.refused(connection);
    else if (item === FIN) this.finArrived(pipe);
    else this.deliverMessage(pipe, item, seq);
  }

  // ---- private ---------------------------------------------------------------------------

  private deliverMessage(pipe: Pipe, message: Message, seq: number): void {
    const receiver = pipe.receiver;
    if (receiver === null || receiver.closed) {
      this.traceDrop(pipe, seq, receiver === null ? 'unconnected' : 'closed');
      return;
    }
    const handler = receiver.messageHandler;
    if (handler === null) {
      this.traceDrop(pipe, seq, 'nohandler');
      return;
    }
    this.trace.message(pipe.recvLine, pipe.connection.id, seq, '', '');
    handler(message);
  }

  private accept(connection: Connection): void {
    if (connection.state !== stateConnecting) return; // the client gave up before the SYN arrived
    const onConnection = this.listeners.get(connection.toAddress);
    if (onConnection === undefined) {
      this.trace.record('refuse', `c${connection.id}`);
      this.transmit(connection.toClient, REFUSE, 0);
      return;
    }
    connection.state = stateOpen;
    const server = new Socket(
      connection.id,
      connection.toAddress,
      connection.fromHost,
      connection,
      connection.toClient,
    );
    connection.server = server;
    connection.toServer.receiver = server;
    this.trace.record('accept', `c${connection.id}`);
    onConnection(server);
  }

  private refused(connection: Connection): void {
    const client = connection.client;
    connection.state = stateClosed;
    this.finish(connection);
    this.trace.record('refused', `c${connection.id}`);
    if (client.closed) return;
    client.closed = true;
    client.closeHandler?.('refused');
  }

  private finArrived(pipe: Pipe): void {
    const connection = pipe.connection;
    const receiver = pipe.receiver;
    if (receiver === null || receiver.closed) return;
    receiver.closed = true;
    this.trace.record('closed', `c${connection.id}${pipe.direction}`);
    if (connection.client.closed && (connection.server === null || connection.server.closed)) this.finish(connection);
    receiver.closeHandler?.('closed');
  }

  private reset(connection: Connection, reason: string): void {
    if (!this.open.has(connection.id)) return; // already fully closed
    connection.state = stateClosed;
    for (const pipe of [connection.toServer, connection.toClient]) {
      // A reset pipe is never armed again (its connection is gone), so cancelling the reusable timer is safe.
      if (pipe.armed) this.scheduler.cancel(pipe.timer);
      pipe.armed = false;
      pipe.clear();
    }
    this.finish(connection);
    this.trace.record('reset', `c${connection.id} ${reason}`);
    for (const socket of [connection.client, connection.server]) {
      if (socket === null || socket.closed) continue;
      socket.closed = true;
      // Notified from an event, never synchronously inside the caller's fault injection.
      this.scheduler.at(this.scheduler.nowMs, 'net.reset', () => socket.closeHandler?.(reason));
    }
  }

  private finish(connection: Connection): void {
    this.open.delete(connection.id);
  }

  /** Queues `item` on `pipe` with a delivery time that keeps the pipe in order. */
  private transmit(pipe: Pipe, item: Message, seq: number): void {
    if (pipe.link.blocked) {
      if (item === SYN || item === FIN || item === REFUSE) this.traceDrop(pipe, seq, 'partition');
      return;
    }
    if (pipe.count >= maxQueuedMessagesPerPipe) {
      this.reset(pipe.connection, 'overflow');
      return;
    }
    const link = pipe.link;
    const now = this.scheduler.nowMs;
    const departMs = link.clogUntilMs > now ? link.clogUntilMs : now;
    let deliverMs = departMs + this.sampleLatency(link.settings);
    if (deliverMs < pipe.lastDeliveryMs) deliverMs = pipe.lastDeliveryMs;
    pipe.lastDeliveryMs = deliverMs;
    pipe.push(item, deliverMs, seq);
    if (!pipe.armed) {
      pipe.armed = true;
      this.scheduler.arm(pipe.timer, deliverMs);
    }
  }

  private sampleLatency(settings: LinkSettings): number {
    const latency = settings.latency;
    let ms: number;
    switch (latency.kind) {
      case 'constant':
        ms = latency.ms;
        break;
      case 'uniform':
        ms = latency.minMs + this.random.float() * (latency.maxMs - latency.minMs);
        break;
      case 'normal': {
        // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
        const u = 1 - this.random.float();
        const v = this.random.float();
        ms = latency.meanMs + latency.stddevMs * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        break;
      }
      case 'exponential':
        ms = -latency.meanMs * Math.log(1 - this.random.float());
        break;
    }
    ms = Math.round(ms);
    if (ms < 0) ms = 0;
    else if (ms > maxLatencyMs) ms = maxLatencyMs;
    if (settings.jitterMs > 0) ms += this.random.int(settings.jitterMs + 1);
    return ms;
  }

  private traceDrop(pipe: Pipe, seq: number, reason: string): void {
    this.trace.message(pipe.dropLine, pipe.connection.id, seq, reason, '');
  }

  private connectionOf(socket: Socket): Connection {
    return socket.outgoing.connection;
  }

  private link(from: string, to: string): Link {
    let byTo = this.links.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.links.set(from, byTo);
    }
    let link = byTo.get(to);
    if (link === undefined) {
      link = new Link(from, to);
      this.refreshLink(link);
      byTo.set(to, link);
    }
    return link;
  }

  private refreshLinks(): void {
    for (const byTo of this.links.values()) for (const link of byTo.values()) this.refreshLink(link);
  }

  private refreshLink(link: Link): void {
    const key = linkKey(link.from, link.to);
    link.settings = this.overrides.get(key) ?? this.defaults;
    link.blocked =
      link.from !== link.to &&
      (this.isolated.has(link.from) || this.isolated.has(link.to) || this.blockedPairs.has(key));
    link.clogUntilMs = this.clogs.get(key) ?? 0;
  }
}

function linkKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** The `kind` of a message for its trace line ('-' when it has none). */
function messageKind(message: Message): string {
  const kind = message['kind'];
  return typeof kind === 'string' && kind.length > 0 ? kind : '-';
}

/** The first key of a message's `body` (the command name of a request), or '' when there is none. */
function commandOf(message: Message): string {
  const body = message['body'];
  if (typeof body === 'object' && body !== null) {
    for (const key in body) return key;
  }
  return '';
}

function assertName(operation: string, field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || /[\s|,>=]/.test(value)) {
    throw new TypeError(
      `Network.${operation}: ${field} ${JSON.stringify(value)} must be a non-empty host name without spaces or any of | , > =`,
    );
  }
}

function assertGroups(operation: string, a: readonly string[], b: readonly string[]): void {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length === 0 || b.length === 0) {
    throw new TypeError(`Network.${operation}: both sides must be non-empty lists of hosts`);
  }
  for (const host of [...a, ...b]) assertName(operation, 'host', host);
  for (const host of a) {
    if (b.includes(host)) throw new RangeError(`Network.${operation}: host ${host} is on both sides`);
  }
}

/** Checks every field of link settings, naming the bad one. */
export function validateLinkSettings(settings: LinkSettings, where: string): LinkSettings {
  const fail = (field: string, rule: string, value: unknown): never => {
    throw new RangeError(`${where}: ${field} ${JSON.stringify(value)} ${rule}`);
  };
  const nonNegative = (field: string, value: unknown): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxLatencyMs) {
      fail(field, `must be a number of ms in [0, ${maxLatencyMs}]`, value);
    }
  };
  const latency = settings.latency as LatencyDistribution | undefined;
  if (typeof latency !== 'object' || latency === null) fail('latency', 'must be a latency distribution', latency);
  switch (latency?.kind) {
    case 'constant':
      nonNegative('latency.ms', latency.ms);
      break;
    case 'uniform':
      nonNegative('latency.minMs', latency.minMs);
      nonNegative('latency.maxMs', latency.maxMs);
      if (latency.maxMs < latency.minMs) fail('latency.maxMs', 'must be >= latency.minMs', latency.maxMs);
      break;
    case 'normal':
      nonNegative('latency.meanMs', latency.meanMs);
      nonNegative('latency.stddevMs', latency.stddevMs);
      break;
    case 'exponential':
      nonNegative('latency.meanMs', latency.meanMs);
      break;
    default:
      fail('latency.kind', "must be one of 'constant', 'uniform', 'normal', 'exponential'", (latency as { kind?: unknown } | undefined)?.kind);
  }
  if (!Number.isSafeInteger(settings.jitterMs) || settings.jitterMs < 0 || settings.jitterMs > maxLatencyMs) {
    fail('jitterMs', `must be a whole number of ms in [0, ${maxLatencyMs}]`, settings.jitterMs);
  }
  if (typeof settings.dropRate !== 'number' || !(settings.dropRate >= 0 && settings.dropRate <= 1)) {
    fail('dropRate', 'must be a probability in [0, 1]', settings.dropRate);
  }
  return Object.freeze({ latency: Object.freeze({ ...latency }) as LatencyDistribution, jitterMs: settings.jitterMs, dropRate: settings.dropRate });
}

function describeSettings(s: LinkSettings): string {
  const l = s.latency;
  const latency =
    l.kind === 'constant'
      ? `${l.ms}`
      : l.kind === 'uniform'
        ? `uniform(${l.minMs},${l.maxMs})`
        : l.kind === 'normal'
          ? `normal(${l.meanMs},${l.stddevMs})`
          : `exp(${l.meanMs})`;
  return `latency=${latency} jitter=${s.jitterMs} drop=${s.dropRate}`;
}
