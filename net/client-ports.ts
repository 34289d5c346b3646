/**
 * The client runtime's ports (client/runtime/ports.ts) over real sockets: the clock is the
 * process's monotonic clock (anchored to the wall clock at creation so ObjectIds carry real
 * seconds), timers are Node timers, the transport is node:net (node:tls when asked) speaking
 * OP_MSG through core/wire, and randomness is Math.random. The same MongoClient that runs in the
 * simulator runs over these unchanged.
 *
 * Like the simulated ports, nothing here calls back re-entrantly: replies and closes arrive from
 * socket events, and a close we asked for is reported from a later macrotask.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { WireFramer, WireProtocolError, decodeMessage, encodeOpMsg } from '../core/wire/index.js';
import type { RandomSource } from '../core/random.js';
import { parseConnectionString } from '../core/uri/index.js';
import type { ClockPort, ConnectionHandlers, Document, RuntimePorts, TimerHandle, TransportConnection, TransportPort } from '../client/runtime/ports.js';

/** Largest message accepted from a server before the connection is dropped (the server's maxMessageSizeBytes). */
export const clientMaxMessageSizeBytes = 48_000_000;
/** Bytes queued for a socket that does not drain before the connection is dropped. */
export const maxClientPendingWriteBytes = 64 * 1024 * 1024;
/** Live timers per ports instance (a leak guard, far above what one client sets). */
export const maxLiveTimers = 1_000_000;

export interface NetPortsOptions {
  /** Connect with TLS (the URI's tls=true). `tlsOptions` go to tls.connect. */
  readonly tls?: boolean;
  readonly tlsOptions?: tls.ConnectionOptions;
  /** Randomness (server selection's in-window choice, ObjectIds). Default Math.random. */
  readonly random?: RandomSource;
}

/** RuntimePorts plus what tests need to prove nothing leaks after `close()`. */
export interface NetRuntimePorts extends RuntimePorts {
  pendingTimers(): number;
  openConnections(): number;
}

class RealClock implements ClockPort {
  private readonly originWallMs = Date.now();
  private readonly originPerfMs = performance.now();
  private nextId = 1;
  readonly live = new Map<number, NodeJS.Timeout>();

  now(): number {
    return this.originWallMs + (performance.now() - this.originPerfMs);
  }

  setTimer(atMs: number, label: string, fn: () => void): TimerHandle {
    if (!Number.isFinite(atMs)) throw new RangeError(`setTimer '${label}': atMs must be a finite number of ms, got ${String(atMs)}`);
    if (this.live.size >= maxLiveTimers) throw new RangeError(`setTimer '${label}': more than ${maxLiveTimers} live timers`);
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.live.delete(id);
      fn();
    }, Math.max(0, atMs - this.now()));
    this.live.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const t = this.live.get(handle.id);
    if (t === undefined) return;
    clearTimeout(t);
    this.live.delete(handle.id);
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (m === null) return { host: address, port: 27017 };
  return { host: m[1] as string, port: Number(m[2]) };
}

class NetConnection implements TransportConnection {
  private readonly socket: net.Socket;
  private readonly framer = new WireFramer({ maxMessageSizeBytes: clientMaxMessageSizeBytes });
  private done = false;

  constructor(
    readonly id: number,
    readonly address: string,
    private readonly handlers: ConnectionHandlers,
    options: NetPortsOptions,
    private readonly onGone: (c: NetConnection) => void,
  ) {
    const { host, port } = splitAddress(address);
    this.socket = options.tls === true
      ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ...options.tlsOptions })
      : net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.gone(error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ECONNRESET' ? 'reset' : `error: ${error.message}`));
    this.socket.on('close', () => this.gone('closed'));
  }

  get closed(): boolean {
    return this.done;
  }

  send(requestId: number, db: string, body: Document): void {
    if (this.done) return;
    let bytes: Uint8Array;
    try {
      bytes = encodeOpMsg({ requestId, body: { ...body, $db: db }, maxMessageSizeBytes: clientMaxMessageSizeBytes });
    } catch (error) {
      // The request cannot go out; the runtime learns it as a broken connection, as with a driver's encode failure.
      this.gone(`request ${requestId} could not be encoded: ${error instanceof Error ? error.message : String(error)}`);
      this.socket.destroy();
      return;
    }
    if (this.socket.writableLength > maxClientPendingWriteBytes) {
      this.gone(`more than ${maxClientPendingWriteBytes} bytes queued for ${this.address}`);
      this.socket.destroy();
      return;
    }
    this.socket.write(bytes);
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    this.onGone(this);
    setImmediate(() => this.handlers.onClose('closed'));
  }

  private onBytes(chunk: Uint8Array): void {
    if (this.done) return;
    try {
      for (const frame of this.framer.push(chunk)) {
        const m = decodeMessage(frame, { maxMessageSizeBytes: clientMaxMessageSizeBytes });
        if (m.opCode === 'msg') this.handlers.onReply(m.responseTo, m.body);
        else if (m.opCode === 'reply' && m.documents[0] !== undefined) this.handlers.onReply(m.responseTo, m.documents[0]);
        if (this.done) return;
      }
    } catch (error) {
      if (!(error instanceof WireProtocolError)) throw error;
      this.gone(`protocol error from ${this.address}: ${error.message}`);
      this.socket.destroy();
    }
  }

  private gone(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.onGone(this);
    this.handlers.onClose(reason);
  }
}

class NetTransport implements TransportPort {
  private nextId = 1;
  readonly open = new Set<NetConnection>();
  constructor(private readonly options: NetPortsOptions) {}

  connect(address: string, handlers: ConnectionHandlers): TransportConnection {
    const c = new NetConnection(this.nextId++, address, handlers, this.options, (x) => this.open.delete(x));
    this.open.add(c);
    return c;
  }
}

const mathRandom: RandomSource = {
  int(maxExclusive: number): number {
    return Math.floor(Math.random() * maxExclusive);
  },
};

/** The runtime's ports over real sockets and the real clock. */
export function netPorts(options: NetPortsOptions = {}): NetRuntimePorts {
  const clock = new RealClock();
  const transport = new NetTransport(options);
  return {
    clock,
    transport,
    random: options.random ?? mathRandom,
    pendingTimers: () => clock.live.size,
    openConnections: () => transport.open.size,
  };
}

/**
 * The ports a connection string asks for: TLS when it says `tls=true` (or `ssl=true`, or the
 * scheme is mongodb+srv), with `tlsCAFile`, `tlsCertificateKeyFile` read from disk and
 * `tlsAllowInvalidCertificates` / `tlsAllowInvalidHostnames` / `tlsInsecure` honoured.
 * Throws MongoParseError for a bad string, and an Error naming the file that cannot be read.
 */
export function netPortsForUri(uri: string, options: Omit<NetPortsOptions, 'tls' | 'tlsOptions'> = {}): NetRuntimePorts {
  const cs = parseConnectionString(uri);
  const o = cs.options;
  const useTls = o.tls === true || cs.scheme === 'mongodb+srv';
  if (!useTls) return netPorts(options);
  const tlsOptions: tls.ConnectionOptions = {};
  const read = (option: string): Buffer => {
    const file = o[option];
    try {
      return fs.readFileSync(String(file));
    } catch (error) {
      throw new Error(`${option} ${JSON.stringify(file)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  if (typeof o['tlsCAFile'] === 'string') tlsOptions.ca = read('tlsCAFile');
  if (typeof o['tlsCertificateKeyFile'] === 'string') {
    const pem = read('tlsCertificateKeyFile');
    tlsOptions.cert = pem;
    tlsOptions.key = pem;
  }
  if (o['tlsAllowInvalidCertificates'] === true || o['tlsInsecure'] === true) tlsOptions.rejectUnauthorized = false;
  if (o['tlsAllowInvalidHostnames'] === true || o['tlsInsecure'] === true) tlsOptions.checkServerIdentity = () => undefined;
  return netPorts({ ...options, tls: true, tlsOptions });
}
