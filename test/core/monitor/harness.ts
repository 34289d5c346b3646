/**
 * A tiny driver for the monitor machine in tests: keeps the state, a fake `now`, and the
 * actions/events of the last step, so scenarios read step by step.
 */
import { createMonitor, stepMonitor, type MonitorAction, type MonitorInput, type MonitorState } from '../../../core/monitor/index.js';
import type { MonitorOptionsInput } from '../../../core/monitor/index.js';
import type { MonitorEvent } from '../../../core/monitor/index.js';

export type CheckAction = Extract<MonitorAction, { type: 'check' }>;

export class Harness {
  state: MonitorState;
  now: number;
  actions: readonly MonitorAction[];
  events: readonly MonitorEvent[];

  constructor(options: Partial<MonitorOptionsInput> = {}, startMs = 0) {
    const step = createMonitor({ address: 'a:27017', ...options }, startMs);
    this.state = step.state;
    this.now = startMs;
    this.actions = step.actions;
    this.events = step.events;
  }

  /** Applies `input` at absolute time `atMs` (defaults to the current time). */
  at(atMs: number, input: MonitorInput): this {
    const step = stepMonitor(this.state, input, atMs);
    this.state = step.state;
    this.now = atMs;
    this.actions = step.actions;
    this.events = step.events;
    return this;
  }

  /** Applies `input` `dtMs` after the current time. */
  after(dtMs: number, input: MonitorInput): this {
    return this.at(this.now + dtMs, input);
  }

  /** The events with each failure Error shown as `{error: name, message}`, so deep equality sees the message. */
  plainEvents(): unknown[] {
    return this.events.map((e) => (e.name === 'serverHeartbeatFailed' ? { ...e, failure: { error: e.failure.name, message: e.failure.message } } : e));
  }

  actionTypes(): string[] {
    return this.actions.map((a) => a.type);
  }

  eventNames(): string[] {
    return this.events.map((e) => e.name);
  }

  /** The check action of the last step; fails the test when there is none. */
  check(): CheckAction {
    const found = this.actions.filter((a): a is CheckAction => a.type === 'check');
    if (found.length !== 1) throw new Error(`expected exactly one check action, got ${JSON.stringify(this.actions)}`);
    return found[0]!;
  }

  /** The id of the check in flight. */
  checkId(): number {
    if (this.state.check === null) throw new Error('no check in flight');
    return this.state.check.checkId;
  }

  wakeAt(): number | null {
    const wake = this.actions.find((a) => a.type === 'wakeAt');
    return wake && wake.type === 'wakeAt' ? wake.atMs : null;
  }

  /** Replies ok:1 to the check in flight after `durationMS`. */
  succeed(durationMS: number, reply: Record<string, unknown> = { ok: 1 }, extra: { moreToCome?: boolean } = {}): this {
    return this.after(durationMS, { type: 'checkSucceeded', checkId: this.checkId(), reply, ...extra });
  }

  /** Fails the check in flight after `durationMS`. */
  fail(durationMS: number, kind: 'network' | 'timeout' | 'command' = 'network', message = 'connection reset'): this {
    return this.after(durationMS, { type: 'checkFailed', checkId: this.checkId(), failure: { kind, message } });
  }

  pingId(): number {
    const ping = this.state.rttMonitor.ping;
    if (ping === null) throw new Error('no RTT ping in flight');
    return ping.pingId;
  }
}

export const tv1 = { processId: '000000000000000000000001', counter: 0 };
export const tv2 = { processId: '000000000000000000000001', counter: 1 };
