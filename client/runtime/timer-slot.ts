/**
 * One timer of one machine. The pure machines ask for a single `wakeAt` at a time, each
 * replacing the last; a slot holds that one timer so a machine can never have two armed.
 */
import type { ClockPort, TimerHandle } from './ports.js';

export class TimerSlot {
  private handle: TimerHandle | null = null;
  private armedAtMs: number | null = null;

  constructor(
    private readonly clock: ClockPort,
    private readonly label: string,
  ) {}

  /** Arms the slot for `atMs`, replacing any earlier time. */
  arm(atMs: number, fn: () => void): void {
    this.cancel();
    this.armedAtMs = atMs;
    this.handle = this.clock.setTimer(atMs, this.label, () => {
      this.handle = null;
      this.armedAtMs = null;
      fn();
    });
  }

  cancel(): void {
    if (this.handle === null) return;
    this.clock.clearTimer(this.handle);
    this.handle = null;
    this.armedAtMs = null;
  }

  get armed(): boolean {
    return this.handle !== null;
  }

  get atMs(): number | null {
    return this.armedAtMs;
  }
}
