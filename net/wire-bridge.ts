/**
 * One real TCP connection bridged into the simulated network: bytes from the socket are framed
 * and decoded (core/wire), each command travels to the simulated server as a sim/protocol.ts
 * request on a simulated connection, and each reply comes back encoded as the request was
 * framed (OP_MSG, or OP_REPLY to a legacy OP_QUERY hello).
 *
 * What a real server does on the wire and the simulator does not model is done here:
 * - exhaust (OP_MSG exhaustAllowed on an awaitable hello): each reply goes out with moreToCome
 *   and the hello is asked again with the reply's topologyVersion, as mongod streams;
 * - moreToCome requests (unacknowledged writes) get no reply;
 * - cursor ids go out as int64, as mongod sends them.
 * A frame that cannot be decoded but whose header was readable gets an error reply; a stream
 * whose framing is lost (impossible length) is closed. Nothing a client sends can throw out of
 * here or stop the server serving other connections.
 */
import type { Socket } from 'node:net';
import { Long } from 'bson';
import { WireFramer, WireProtocolError, commandFromMessage, decodeMessage, encodeReply, readHeader } from '../core/wire/index.js';
import type { WireCommand } from '../core/wire/index.js';
import type { SimSocket } from '../sim/network/network.js';
import { commandName, isReply, request } from '../sim/protocol.js';
import type { Document } from '../sim/protocol.js';
import type { RealTimePacer } from './pacer.js';

/** Requests in flight on one connection before the bridge closes it (a client that never reads). */
export const maxInFlightPerConnection = 10_000;
/** Bytes queued for the real socket before the bridge gives up on a client that does not read. */
export const maxPendingWriteBytes = 64 * 1024 * 1024;
/** The server's maxMessageSizeBytes (hello), enforced on every incoming frame. */
export const servedMaxMessageSizeBytes = 48_000_000;
/** ErrorCodes the bridge answers with (the server's codes for the same faults). */
const ProtocolErrorCode = 17; // mongod's "ProtocolError"
const FailedToParseCode = 9;

/** A command the simulated server never sees: handled by the serving side (mongosim control). */
export type ControlHandler = (body: Readonly<Document>) => Document | undefined;

interface InFlight {
  readonly clientRequestId: number;
  readonly db: string;
  readonly framing: WireCommand['framing'];
  /** No reply goes back (OP_MSG moreToCome from the client). */
  readonly silent: boolean;
  /** The hello to ask again after each reply, when the client allowed exhaust. */
  readonly exhaustBody: Readonly<Document> | null;
}

export interface BridgeOptions {
  readonly socket: Socket;
  readonly sim: SimSocket;
  readonly pacer: RealTimePacer;
  readonly control: ControlHandler;
  /** Called once when the bridge is done (either side closed). */
  readonly onDone: (bridge: WireBridge) => void;
}

function isHello(name: string | undefined): boolean {
  return name === 'hello' || name === 'isMaster' || name === 'ismaster';
}

/** int64 fields a real server always sends as int64. */
function withInt64CursorId(body: Readonly<Document>): Readonly<Document> {
  const cursor = body['cursor'];
  if (typeof cursor !== 'object' || cursor === null || typeof (cursor as Document)['id'] !== 'number') return body;
  return { ...body, cursor: { ...(cursor as Document), id: Long.fromNumber((cursor as Document)['id'] as number) } };
}

export class WireBridge {
  private readonly framer = new WireFramer({ maxMessageSizeBytes: servedMaxMessageSizeBytes });
  private readonly inFlight = new Map<number, InFlight>();
  private nextSimRequestId = 1;
  private nextReplyId = 1;
  private done = false;

  constructor(private readonly options: BridgeOptions) {
    const { socket, sim } = options;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk));
    socket.on('error', () => this.finish('socket error'));
    socket.on('close', () => this.finish('client closed'));
    sim.onMessage((message) => {
      if (isReply(message)) this.onSimReply(message.responseTo, message.body as Document);
    });
    sim.onClose((reason) => this.finish(`server side ${reason}`));
  }

  get closed(): boolean {
    return this.done;
  }

  /** Closes both sides. */
  close(): void {
    this.finish('closed by the server');
  }

  private onBytes(chunk: Uint8Array): void {
    if (this.done) return;
    let frames: Uint8Array[];
    try {
      frames = this.framer.push(chunk);
    } catch {
      // The framing is lost (impossible length): no later byte can be trusted.
      this.finish('unframeable input');
      return;
    }
    if (frames.length === 0) return;
    this.options.pacer.catchUp();
    for (const frame of frames) {
      if (this.done) return;
      this.onFrame(frame);
    }
    this.options.pacer.kick();
  }

  private onFrame(frame: Uint8Array): void {
    let command: WireCommand;
    try {
      command = commandFromMessage(decodeMessage(frame, { maxMessageSizeBytes: servedMaxMessageSizeBytes }));
    } catch (error) {
      if (!(error instanceof WireProtocolError)) throw error;
      this.replyToBadFrame(frame, error);
      return;
    }
    const name = commandName(command.body);
    if (name === 'mongosim') {
      const out = this.runControl(command.body);
      if (!command.moreToCome) this.write(command.requestId, out, command.framing, false);
      return;
    }
    if (this.inFlight.size >= maxInFlightPerConnection) {
      this.finish(`more than ${maxInFlightPerConnection} requests in flight`);
      return;
    }
    const exhaust = command.exhaustAllowed && isHello(name) && command.body['maxAwaitTimeMS'] !== undefined;
    this.forward(command.body, {
      clientRequestId: command.requestId,
      db: command.db,
      framing: command.framing,
      silent: command.moreToCome,
      exhaustBody: exhaust ? command.body : null,
    });
  }

  private forward(body: Readonly<Document>, entry: InFlight): void {
    const id = this.nextSimRequestId++;
    this.inFlight.set(id, entry);
    this.options.sim.send(request(id, entry.db, body));
  }

  private onSimReply(responseTo: number, body: Document): void {
    const entry = this.inFlight.get(responseTo);
    if (entry === undefined || this.done) return;
    this.inFlight.delete(responseTo);
    if (entry.silent) return;
    const streaming = entry.exhaustBody !== null && body['ok'] === 1 && typeof body['topologyVersion'] === 'object';
    const replyId = this.write(entry.clientRequestId, withInt64CursorId(body), entry.framing, streaming);
    if (streaming && entry.exhaustBody !== null) {
      // mongod's exhaust hello: the next reply answers our previous reply, with the new topologyVersion.
      this.forward({ ...entry.exhaustBody, topologyVersion: body['topologyVersion'] }, { ...entry, clientRequestId: replyId });
    }
  }

  private runControl(body: Readonly<Document>): Document {
    try {
      return this.options.control(body) ?? { ok: 0, errmsg: 'mongosim control is not available on this server', code: 59, codeName: 'CommandNotFound' };
    } catch (error) {
      return { ok: 0, errmsg: error instanceof Error ? error.message : String(error), code: 2, codeName: 'BadValue' };
    }
  }

  /** An undecodable frame whose header is readable gets an error reply (as mongod answers with an error); otherwise the connection closes. */
  private replyToBadFrame(frame: Uint8Array, error: WireProtocolError): void {
    let requestId: number;
    try {
      requestId = readHeader(frame, servedMaxMessageSizeBytes).requestId;
    } catch {
      this.finish('unreadable header');
      return;
    }
    const code = error.kind === 'badCommand' ? FailedToParseCode : ProtocolErrorCode;
    const codeName = error.kind === 'badCommand' ? 'FailedToParse' : 'ProtocolError';
    this.write(requestId, { ok: 0, errmsg: error.message, code, codeName }, 'msg', false);
  }

  /** Encodes and writes a reply; returns its message id. */
  private write(responseTo: number, body: Readonly<Document>, framing: WireCommand['framing'], moreToCome: boolean): number {
    const replyId = this.nextReplyId++;
    if (this.done) return replyId;
    let bytes: Uint8Array;
    try {
      bytes = encodeReply({ requestId: replyId, responseTo, body: body as Document, framing, moreToCome, maxMessageSizeBytes: servedMaxMessageSizeBytes });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      bytes = encodeReply({ requestId: replyId, responseTo, body: { ok: 0, errmsg: `reply could not be encoded: ${message}`, code: 1, codeName: 'InternalError' }, framing });
    }
    const socket = this.options.socket;
    if (socket.writableLength > maxPendingWriteBytes) {
      this.finish('client does not read its replies');
      return replyId;
    }
    socket.write(bytes);
    return replyId;
  }

  private finish(_why: string): void {
    if (this.done) return;
    this.done = true;
    this.inFlight.clear();
    if (!this.options.sim.closed) {
      this.options.sim.close();
      this.options.pacer.kick();
    }
    this.options.socket.destroy();
    this.options.onDone(this);
  }
}
