/**
 * Runs a simulated world paced to the real clock: virtual time = virtual start + (wall time
 * elapsed) × speed. A real timer wakes the loop when the next simulated event is due; input
 * from real sockets first brings the virtual clock up to the wall clock (`catchUp`), is then
 * handed to the simulated network, and `kick` runs what it caused without waiting for the timer.
 * The world's own decisions stay seeded; only when outside input arrives depends on the wall.
 */
import { performance } from 'node:perf_hooks';
import type { World } from '../sim/world.js';

/** Longest real sleep between two looks at the scheduler, ms (bounds the delay of a speed change). */
export const maxPacerSleepMs = 250;
/** Fastest and slowest allowed speed factors (virtual ms per wall ms). */
export const minSpeed = 0.01;
export const maxSpeed = 1000;

export interface PacerOptions {
  /** Virtual ms per wall ms. Default 1. */
  readonly speed?: number;
  /** Called when a simulated event throws (a simulator bug); the pacer stops. */
  readonly onError?: (error: unknown) => void;
}

export function checkSpeed(speed: unknown): number {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < minSpeed || speed > maxSpeed) {
    throw new RangeError(`speed ${String(speed)} must be a number in [${minSpeed}, ${maxSpeed}] (virtual ms per wall ms)`);
  }
  return speed;
}

export class RealTimePacer {
  private speedFactor: number;
  private wallStartMs = 0;
  private virtualStartMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private running = false;
  private readonly onError: (error: unknown) => void;

  constructor(private readonly world: World, options: PacerOptions = {}) {
    this.speedFactor = checkSpeed(options.speed ?? 1);
    this.onError = options.onError ?? ((error) => { throw error; });
  }

  get speed(): number {
    return this.speedFactor;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Changes the speed from now on (virtual time stays continuous). */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    if (this.running) this.catchUp();
    this.rebase();
    this.speedFactor = speed;
    if (this.running) this.kick();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.rebase();
    this.kick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** The virtual time the wall clock says it is now. */
  targetMs(): number {
    return Math.floor(this.virtualStartMs + (performance.now() - this.wallStartMs) * this.speedFactor);
  }

  /** Runs every simulated event due up to the wall clock's virtual time. */
  catchUp(): void {
    if (!this.running) return;
    const scheduler = this.world.scheduler;
    const target = this.targetMs();
    try {
      scheduler.runFor(Math.max(0, target - scheduler.nowMs));
    } catch (error) {
      this.stop();
      this.onError(error);
    }
  }

  /** Runs what is due now (soon, from a fresh macrotask) and re-arms the timer. */
  kick(): void {
    if (!this.running || this.immediate !== null) return;
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.loop();
    });
  }

  private rebase(): void {
    this.wallStartMs = performance.now();
    this.virtualStartMs = this.world.scheduler.nowMs;
  }

  private loop(): void {
    if (!this.running) return;
    this.catchUp();
    if (!this.running) return;
    if (this.timer !== null) clearTimeout(this.timer);
    const next = this.world.scheduler.nextEventTimeMs;
    const waitMs = next === undefined ? maxPacerSleepMs : Math.min(maxPacerSleepMs, Math.max(0, (next - this.world.scheduler.nowMs) / this.speedFactor));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop();
    }, waitMs);
  }
}
