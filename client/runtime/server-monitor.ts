/**
 * Drives one server's monitor machine (core/monitor): its checks on a dedicated monitoring
 * connection (a handshake first, then regular or awaitable hellos), the RTT monitor's pings on
 * a second connection while streaming, and its single timer. Outcomes go to SDAM.
 */
import { createMonitor, stepMonitor, type MonitorAction, type MonitorInput, type MonitorOptionsInput, type MonitorState, type MonitorStep } from '../../core/monitor/index.js';
import type { RuntimeContext } from './context.js';
import { helloCommand } from './handshake.js';
import type { Document } from './ports.js';
import { TimerSlot } from './timer-slot.js';
import { WireConnection, type WireOutcome } from './wire-connection.js';

/** The database hello is sent to. */
const adminDb = 'admin';

type CheckAction = Extract<MonitorAction, { type: 'check' }>;

export class ServerMonitor {
  private state: MonitorState;
  private readonly wake: TimerSlot;
  private connection: WireConnection | null = null;
  /** Whether the monitoring connection's handshake said `hello` is supported (helloOk). */
  private helloOk = false;
  private checkRequestId: number | null = null;
  private rttConnection: WireConnection | null = null;
  private rttHelloOk = false;
  private closed = false;
  /** The driver's id of the current monitoring connection (heartbeat log messages' driverConnectionId); 0 before the first. */
  private connectionSerial = 0;
  /** The server's id of the monitoring connection, from its handshake reply (`connectionId`), when known. */
  private serverConnectionId: number | undefined = undefined;

  constructor(
    private readonly ctx: RuntimeContext,
    readonly address: string,
    options: MonitorOptionsInput,
    private readonly handshake: Document,
  ) {
    this.wake = new TimerSlot(ctx.ports.clock, `monitor.${address}`);
    const step = createMonitor(options, ctx.now());
    this.state = step.state;
    this.carryOut(step);
  }

  get phase(): MonitorState['phase'] {
    return this.state.phase;
  }

  /** Steps the machine with `input` now (call from the runtime queue). */
  step(input: MonitorInput): void {
    if (this.closed && input.type !== 'close') return;
    this.carryOut(stepMonitor(this.state, input, this.ctx.now()));
  }

  /** Stops monitoring: cancels the check, closes both connections and the timer. */
  close(): void {
    if (this.closed) return;
    this.step({ type: 'close' });
    this.closed = true;
    this.wake.cancel();
    this.dropConnection();
    this.dropRttConnection();
  }

  /** Connections and timers still held (0 and false after close). */
  get openConnections(): number {
    return (this.connection?.isOpen ? 1 : 0) + (this.rttConnection?.isOpen ? 1 : 0);
  }

  private carryOut(step: MonitorStep): void {
    this.state = step.state;
    if (step.events.length > 0) {
      const ids = this.heartbeatConnectionIds(step.actions);
      for (const event of step.events) this.ctx.emit(event.name.startsWith('serverHeartbeat') ? { ...event, ...ids } : event);
    }
    for (const action of step.actions) this.perform(action);
  }

  /**
   * SDAM logging "Common Fields": heartbeat messages name the monitoring connection. A check
   * that opens a new connection in this step uses the next id, with no server id known yet.
   */
  private heartbeatConnectionIds(actions: readonly MonitorAction[]): { driverConnectionId: number; serverConnectionId?: number } {
    const opens = actions.some((a) => a.type === 'check' && (a.newConnection || this.connection === null || !this.connection.isOpen));
    if (opens) return { driverConnectionId: this.connectionSerial + 1 };
    return { driverConnectionId: this.connectionSerial, ...(this.serverConnectionId !== undefined ? { serverConnectionId: this.serverConnectionId } : {}) };
  }

  private perform(action: MonitorAction): void {
    switch (action.type) {
      case 'check':
        return this.check(action);
      case 'cancelCheck':
        // The machine already reported the check failed; its late reply must not count.
        if (this.checkRequestId !== null) this.connection?.forget(this.checkRequestId);
        this.checkRequestId = null;
        return;
      case 'closeConnection':
        return this.dropConnection();
      case 'serverSucceeded': {
        const { address, reply, roundTripTime, minRoundTripTime } = action;
        return this.ctx.updateTopology({ type: 'hello', address, reply, roundTripTime, minRoundTripTime });
      }
      case 'serverFailed': {
        const { address, kind, message } = action;
        return this.ctx.updateTopology({ type: 'checkFailure', address, kind, message });
      }
      case 'wakeAt':
        return this.wake.arm(action.atMs, () => this.ctx.input(() => this.step({ type: 'timerFired' })));
      case 'clearWake':
        return this.wake.cancel();
      case 'startRttMonitor':
        return; // the dedicated connection opens with the first ping
      case 'rttPing':
        return this.rttPing(action.pingId, action.newConnection);
      case 'closeRttConnection':
      case 'stopRttMonitor':
        return this.dropRttConnection();
    }
  }

  private check(action: CheckAction): void {
    const checkId = action.checkId;
    let body: Document;
    if (action.newConnection || this.connection === null || !this.connection.isOpen) {
      this.dropConnection();
      this.connection = new WireConnection(this.ctx, this.address, `monitor.${this.address}`);
      this.helloOk = false;
      this.connectionSerial++;
      this.serverConnectionId = undefined;
      body = this.handshake;
    } else if (action.mode === 'stream') {
      // server-monitoring.md "Streaming protocol": awaitable hello with topologyVersion and maxAwaitTimeMS.
      body = { ...helloCommand(this.helloOk), topologyVersion: action.topologyVersion, maxAwaitTimeMS: action.maxAwaitTimeMS };
    } else {
      body = helloCommand(this.helloOk);
    }
    const handshake = body === this.handshake;
    const requestId = this.ctx.nextRequestId();
    this.checkRequestId = requestId;
    this.connection.request(requestId, adminDb, body, action.socketTimeoutMS, (outcome) => {
      if (this.checkRequestId === requestId) this.checkRequestId = null;
      if (outcome.ok && handshake) {
        this.helloOk = outcome.reply['helloOk'] === true;
        const serverId = outcome.reply['connectionId'];
        if (typeof serverId === 'number') this.serverConnectionId = serverId;
      }
      this.step(checkOutcomeInput(checkId, outcome));
    });
  }

  private rttPing(pingId: number, newConnection: boolean): void {
    let body: Document;
    if (newConnection || this.rttConnection === null || !this.rttConnection.isOpen) {
      this.dropRttConnection();
      this.rttConnection = new WireConnection(this.ctx, this.address, `rtt.${this.address}`);
      this.rttHelloOk = false;
      body = this.handshake;
    } else {
      body = helloCommand(this.rttHelloOk);
    }
    const handshake = body === this.handshake;
    // "RTT thread": the ping is bounded like a regular check (connectTimeoutMS).
    const timeoutMS = this.state.options.connectTimeoutMS === 0 ? null : this.state.options.connectTimeoutMS;
    this.rttConnection.request(this.ctx.nextRequestId(), adminDb, body, timeoutMS, (outcome) => {
      const ok = outcome.ok && outcome.reply['ok'] !== 0 && outcome.reply['ok'] !== false;
      if (ok && handshake) this.rttHelloOk = outcome.reply['helloOk'] === true;
      this.step(ok ? { type: 'rttPingSucceeded', pingId } : { type: 'rttPingFailed', pingId });
    });
  }

  private dropConnection(): void {
    this.connection?.close();
    this.connection = null;
    this.checkRequestId = null;
  }

  private dropRttConnection(): void {
    this.rttConnection?.close();
    this.rttConnection = null;
  }
}

function checkOutcomeInput(checkId: number, outcome: WireOutcome): MonitorInput {
  if (outcome.ok) return { type: 'checkSucceeded', checkId, reply: outcome.reply };
  return { type: 'checkFailed', checkId, failure: { kind: outcome.kind, message: outcome.message } };
}
