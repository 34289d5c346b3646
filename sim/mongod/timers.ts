/**
 * Timers of one simulated mongod, guarded by an incarnation number: a crash or shutdown starts
 * a new incarnation, which turns every timer of the previous one into a no-op without having
 * to track (and cancel) them one by one.
 */
import type { Scheduler, TimerHandle } from '../kernel/scheduler.js';

/** Read-only virtual time. */
export interface Clock {
  readonly nowMs: number;
}

/** A series from `IncarnationTimers.every`. */
export interface PeriodicTimer {
  readonly periodMs: number;
  /** Stops the series (its pending run is cancelled). */
  cancel(): void;
}

export class IncarnationTimers {
  private current = 0;

  constructor(private readonly scheduler: Scheduler) {}

  /** The running incarnation; callbacks that outlive a timer (RPC replies) compare against it. */
  get incarnation(): number { return this.current; }

  /** Starts a new incarnation (process start or stop). */
  next(): void { this.current++; }

  /** Runs `fn` after `delayMs` (negative means now) unless the process stopped meanwhile. */
  after(delayMs: number, label: string, fn: () => void): void {
    const incarnation = this.current;
    this.scheduler.after(Math.max(0, delayMs), label, () => {
      if (this.current === incarnation) fn();
    });
  }

  /**
   * Runs `fn` every `periodMs` (first run one period from now) until the process stops or the
   * returned series is cancelled (to re-arm it with another period).
   */
  every(periodMs: number, label: string, fn: () => void): PeriodicTimer {
    if (!(periodMs >= 0) || !Number.isFinite(periodMs)) {
      throw new RangeError(`IncarnationTimers.every: '${label}' has period ${periodMs} ms; it must be a finite number >= 0`);
    }
    const incarnation = this.current;
    const scheduler = this.scheduler;
    // One reusable scheduler timer for the whole series (heartbeat ticks, no-op writes run all
    // day): re-arming it takes the next sequence number exactly as a fresh `after` would, so the
    // event order is unchanged, but nothing is allocated per period.
    let cancelled = false;
    const timer = scheduler.timer(label, () => {
      if (this.current !== incarnation || cancelled) return;
      fn();
      // `fn` itself may have cancelled the series (a tick that adopted a config re-arms it).
      if (!cancelled) scheduler.arm(timer, scheduler.nowMs + periodMs);
    });
    scheduler.arm(timer, scheduler.nowMs + periodMs);
    return {
      periodMs,
      cancel: () => {
        cancelled = true;
        scheduler.cancel(timer);
      },
    };
  }

  /** Like `after` but cancellable (awaitable hello, oplog fetch waits); `delayMs` is used as given. */
  afterCancellable(delayMs: number, label: string, fn: () => void): TimerHandle {
    const incarnation = this.current;
    return this.scheduler.after(delayMs, label, () => {
      if (this.current === incarnation) fn();
    });
  }

  cancel(handle: TimerHandle): void {
    this.scheduler.cancel(handle);
  }
}
