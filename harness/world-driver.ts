/**
 * Who moves a world's virtual time while async code awaits a simulated client.
 *
 * Virtual time only moves when something steps the world's scheduler. `settle(world, p)` does
 * it for one promise; this driver does it for driver-style code (`await coll.insertOne(...)`):
 * whenever a client made with `simPorts(world)` has work pending (see SimPortsOptions), it
 * runs the scheduler one virtual instant per macrotask (setImmediate), so the microtasks of
 * the awaiting code run between instants exactly as under `settle`, and stops as soon as no
 * client work is pending — then virtual time stands still and nothing keeps the process alive.
 *
 * There is one driver per world, shared by every simPorts of that world and by `settle`:
 * while a `settle` runs, it alone drives, and the driver resumes when it returns. Ports made
 * with `autoAdvance: false` never make the driver step; instead, work that stays pending with
 * the scheduler untouched for `stallGraceMs` of real time is reported as an uncaught error that
 * says how to drive the world — an await on such a client never hangs silently.
 */
import type { Scheduler } from '../sim/kernel/scheduler.js';
import type { World } from '../sim/world.js';

/** Bound on virtual instants one busy period may run before the driver gives up (and warns). */
export const maxAutoAdvanceInstants = 10_000_000;

/** Default real time an autoAdvance: false client may wait with nothing driving the world, ms. */
export const defaultStallGraceMs = 1000;

/** What the driver needs to know of one set of ports. */
export interface WorkSource {
  /** Step the world while this source has work pending. */
  readonly autoAdvance: boolean;
  /** Real ms before pending work with nothing driving the world is reported (autoAdvance false). */
  readonly stallGraceMs: number;
  /** Client work is pending: something a caller awaits needs virtual time to move. */
  hasPendingWork(): boolean;
}

/** Runs every event of the next virtual instant (events scheduled for that same instant included). */
export function runOneInstant(scheduler: Scheduler): void {
  const instant = scheduler.nextEventTimeMs;
  if (instant === undefined) return;
  while (scheduler.nextEventTimeMs === instant) scheduler.step();
}

export class WorldDriver {
  private readonly sources: WorkSource[] = [];
  /** Sources with autoAdvance false (the stall check runs only when there are some). */
  private manualSources = 0;
  private settleDepth = 0;
  private immediate: NodeJS.Immediate | null = null;
  private instantsThisBusyPeriod = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  /** scheduler.eventsRun when the stall timer was armed: any change means someone drives. */
  private eventsAtStallArm = 0;

  constructor(private readonly world: World) {}

  addSource(source: WorkSource): void {
    this.sources.push(source);
    if (!source.autoAdvance) this.manualSources++;
  }

  /** A port was used: client work may have started. Cheap and idempotent. */
  poke(): void {
    if (this.immediate === null && this.settleDepth === 0) this.immediate = setImmediate(() => this.tick());
    if (this.manualSources > 0 && this.stallTimer === null && this.sources.some((s) => !s.autoAdvance && s.hasPendingWork())) this.armStallCheck();
  }

  /** `settle` is driving this world until the matching `settleEnded`. */
  settleStarted(): void {
    this.settleDepth++;
  }

  settleEnded(): void {
    this.settleDepth--;
    if (this.settleDepth === 0) this.poke();
  }

  private tick(): void {
    this.immediate = null;
    if (this.settleDepth > 0) return; // settle drives; settleEnded() pokes again
    const scheduler = this.world.scheduler;
    if (!this.sources.some((s) => s.autoAdvance && s.hasPendingWork()) || scheduler.nextEventTimeMs === undefined) {
      this.instantsThisBusyPeriod = 0;
      return;
    }
    if (this.instantsThisBusyPeriod >= maxAutoAdvanceInstants) {
      process.emitWarning(
        `mongosim: stopped advancing the world (seed ${this.world.seed}) at virtual time ${scheduler.nowMs} ms: client work was pending for ${maxAutoAdvanceInstants} virtual instants in a row (maxAutoAdvanceInstants)`,
      );
      this.instantsThisBusyPeriod = 0;
      return;
    }
    this.instantsThisBusyPeriod++;
    runOneInstant(scheduler);
    this.immediate = setImmediate(() => this.tick());
  }

  private armStallCheck(): void {
    const manual = this.sources.filter((s) => !s.autoAdvance);
    if (manual.length === 0) return;
    const graceMs = Math.min(...manual.map((s) => s.stallGraceMs));
    this.eventsAtStallArm = this.world.scheduler.eventsRun;
    this.stallTimer = setTimeout(() => this.checkStall(), graceMs);
  }

  private checkStall(): void {
    this.stallTimer = null;
    if (!this.sources.some((s) => !s.autoAdvance && s.hasPendingWork())) return;
    if (this.settleDepth > 0 || this.world.scheduler.eventsRun !== this.eventsAtStallArm) {
      // Someone drives the world (settle, the auto driver for another client, or the caller).
      this.armStallCheck();
      return;
    }
    throw new Error(
      `mongosim: a client operation is waiting on the simulated world (seed ${this.world.seed}, virtual time ${this.world.scheduler.nowMs} ms), ` +
        'but nothing advances its virtual time: its ports were made with simPorts(world, { autoAdvance: false }). ' +
        'Await it with settle(world, promise), step world.scheduler yourself, or leave autoAdvance on (the default) so a plain await works.',
    );
  }
}

const drivers = new WeakMap<World, WorldDriver>();

/** The one driver of `world` (created on first use). */
export function worldDriver(world: World): WorldDriver {
  let driver = drivers.get(world);
  if (driver === undefined) {
    driver = new WorldDriver(world);
    drivers.set(world, driver);
  }
  return driver;
}
