/**
 * The virtual clock and event queue of a simulated world.
 *
 * Events run in (timeMs, insertion sequence) order, so two events due at the same virtual
 * time run first-in first-out: that is what makes a run reproducible. The queue is a binary
 * min-heap; cancelled events are removed lazily (flagged, skipped when they reach the top)
 * and the heap is compacted when they pile up, because the simulated servers cancel and
 * re-arm timers (election timeouts, awaitable hellos) far more often than timers fire.
 *
 * Nothing here reads the real clock: time only moves when an event runs or when
 * `runFor`/`runUntil` advance it.
 */

export interface TimerHandle {
  readonly id: number;
}

/**
 * How many events may run without the virtual clock moving before the scheduler declares a
 * livelock (an event that keeps rescheduling itself at the current time would otherwise hang
 * `runFor` forever).
 */
export const maxEventsWithoutClockAdvance = 1_000_000;

/** A queue longer than this means a runaway producer (a leak of timers), not a simulation. */
export const maxPendingEvents = 10_000_000;

/** Compaction threshold: rebuild the heap once more than this many cancelled events sit in it... */
const compactMinCancelled = 1024;
/** ...and they are more than this fraction of the heap. */
const compactCancelledFraction = 0.5;

const statePending = 0;
const stateDone = 1;
const stateCancelled = 2;

class ScheduledEvent implements TimerHandle {
  state = statePending;
  /** True while the event object sits in the heap (cancelled events stay until popped or compacted). */
  inHeap = false;
  constructor(
    public id: number,
    public timeMs: number,
    readonly label: string,
    public fn: (() => void) | null,
    readonly owner: Scheduler,
    /** Reusable timers keep their function after running so `arm` can schedule them again. */
    readonly reusable: boolean,
  ) {}
}

/** Initial capacity of the heap's key arrays (they double when full). */
const initialHeapCapacity = 64;

export class Scheduler {
  private now = 0;
  private nextId = 1;
  /**
   * The binary min-heap, in heap order: earlier time first, then earlier insertion (the id is
   * the insertion sequence). It is kept as parallel typed arrays — each position's sort key
   * (timeMs, id) and the slot of its event in `slots` — so sifting, the kernel's hottest loop,
   * compares and moves plain numbers instead of loading fields from event objects and moving
   * object pointers (each such store pays a GC write barrier). A queued event's timeMs and id
   * never change while it is queued (`arm` refuses a queued timer), so the keys cannot go stale.
   */
  private heapSize = 0;
  private heapTimes = new Float64Array(initialHeapCapacity);
  private heapIds = new Float64Array(initialHeapCapacity);
  private heapSlots = new Int32Array(initialHeapCapacity);
  /** Queued events by slot (null when the slot is free); a queued event keeps its slot until popped. */
  private readonly slots: Array<ScheduledEvent | null> = [];
  /** Free slot numbers, a stack in [0, freeCount); its capacity is kept >= slots.length. */
  private freeSlots = new Int32Array(initialHeapCapacity);
  private freeCount = 0;
  private cancelledInHeap = 0;
  private sameTimeRun = 0;
  private eventsRunTotal = 0;

  /** The current virtual time in milliseconds since the world started. */
  get nowMs(): number {
    return this.now;
  }

  /** Events scheduled and neither run nor cancelled yet. */
  get pending(): number {
    return this.heapSize - this.cancelledInHeap;
  }

  /** How many events have run since the scheduler was created (for benchmarks). */
  get eventsRun(): number {
    return this.eventsRunTotal;
  }

  /** The due time of the next live event, or undefined when there is none. */
  get nextEventTimeMs(): number | undefined {
    const top = this.peekLive();
    return top === undefined ? undefined : top.timeMs;
  }

  /** Schedules `fn` at virtual time `timeMs` (never in the past). `label` names the event in errors. */
  at(timeMs: number, label: string, fn: () => void): TimerHandle {
    if (!(timeMs >= this.now) || !Number.isFinite(timeMs)) {
      throw new RangeError(
        `Scheduler.at: event '${label}' is due at ${timeMs} ms, before the current virtual time ${this.now} ms (or not a finite number)`,
      );
    }
    if (typeof fn !== 'function') throw new TypeError(`Scheduler.at: event '${label}' has no function to run`);
    const event = new ScheduledEvent(this.nextId++, timeMs, label, fn, this, false);
    this.push(event);
    return event;
  }

  /**
   * A reusable timer for hot paths (the network's per-connection delivery): created once,
   * scheduled with `arm` any number of times, so scheduling allocates nothing. Not armed yet.
   */
  timer(label: string, fn: () => void): TimerHandle {
    if (typeof fn !== 'function') throw new TypeError(`Scheduler.timer: timer '${label}' has no function to run`);
    const event = new ScheduledEvent(0, 0, label, fn, this, true);
    event.state = stateDone;
    return event;
  }

  /** Schedules a timer from `timer()` at `timeMs`; it must not be pending (or cancelled and still queued). */
  arm(timer: TimerHandle, timeMs: number): void {
    const handle = timer as ScheduledEvent;
    if ((handle as Partial<ScheduledEvent>).owner !== this || !(handle as ScheduledEvent).reusable) {
      throw new TypeError(`Scheduler.arm: handle ${String(handle?.id)} is not a timer created by this scheduler's timer()`);
    }
    if (handle.state === statePending || handle.inHeap) {
      throw new Error(`Scheduler.arm: timer '${handle.label}' is already queued`);
    }
    if (!(timeMs >= this.now) || !Number.isFinite(timeMs)) {
      throw new RangeError(
        `Scheduler.arm: timer '${handle.label}' is due at ${timeMs} ms, before the current virtual time ${this.now} ms (or not a finite number)`,
      );
    }
    handle.id = this.nextId++;
    handle.timeMs = timeMs;
    handle.state = statePending;
    this.push(handle);
  }

  /** Schedules `fn` `delayMs` (>= 0) after the current virtual time. */
  after(delayMs: number, label: string, fn: () => void): TimerHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`Scheduler.after: event '${label}' has delay ${delayMs} ms; it must be a finite number >= 0`);
    }
    return this.at(this.now + delayMs, label, fn);
  }

  /** Cancels an event that has not run yet; cancelling a finished or cancelled event does nothing. */
  cancel(handle: TimerHandle): void {
    if (!(handle instanceof ScheduledEvent) || handle.owner !== this) {
      throw new TypeError(`Scheduler.cancel: handle ${String(handle?.id)} was not created by this scheduler`);
    }
    if (handle.state !== statePending) return;
    handle.state = stateCancelled;
    if (!handle.reusable) handle.fn = null;
    this.cancelledInHeap++;
    if (
      this.cancelledInHeap > compactMinCancelled &&
      this.cancelledInHeap > this.heapSize * compactCancelledFraction
    ) {
      this.compact();
    }
  }

  /** Runs the next event (advancing the clock to its time). Returns false when none is left. */
  step(): boolean {
    const event = this.popLive();
    if (event === undefined) return false;
    this.runEvent(event);
    return true;
  }

  /** Runs every event due up to `nowMs + durationMs`, then sets the clock to that time. */
  runFor(durationMs: number): void {
    if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
      throw new RangeError(`Scheduler.runFor: duration ${durationMs} ms must be a finite number >= 0`);
    }
    const end = this.now + durationMs;
    for (;;) {
      const top = this.peekLive();
      if (top === undefined || top.timeMs > end) break;
      this.popTop();
      this.runEvent(top);
    }
    this.advanceTo(end);
  }

  /**
   * Runs events until `predicate()` holds, checking it first and after every event.
   * Returns true iff it held at a time before `nowMs + limitMs` (inclusive); otherwise runs
   * every event due up to that limit, leaves the clock there and returns false.
   */
  runUntil(predicate: () => boolean, limitMs: number): boolean {
    if (!(limitMs >= 0) || !Number.isFinite(limitMs)) {
      throw new RangeError(`Scheduler.runUntil: limit ${limitMs} ms must be a finite number >= 0`);
    }
    if (predicate()) return true;
    const end = this.now + limitMs;
    for (;;) {
      const top = this.peekLive();
      if (top === undefined || top.timeMs > end) break;
      this.popTop();
      this.runEvent(top);
      if (predicate()) return true;
    }
    this.advanceTo(end);
    return false;
  }

  private advanceTo(timeMs: number): void {
    if (timeMs > this.now) {
      this.now = timeMs;
      this.sameTimeRun = 0;
    }
  }

  private runEvent(event: ScheduledEvent): void {
    if (event.timeMs > this.now) {
      this.now = event.timeMs;
      this.sameTimeRun = 0;
    } else if (++this.sameTimeRun > maxEventsWithoutClockAdvance) {
      throw new Error(
        `Scheduler livelock: more than ${maxEventsWithoutClockAdvance} events ran at virtual time ${this.now} ms without the clock advancing (last: '${event.label}')`,
      );
    }
    const fn = event.fn as () => void;
    event.state = stateDone;
    if (!event.reusable) event.fn = null;
    this.eventsRunTotal++;
    fn();
  }

  private peekLive(): ScheduledEvent | undefined {
    for (;;) {
      if (this.heapSize === 0) return undefined;
      const top = this.slots[this.heapSlots[0] as number] as ScheduledEvent;
      if (top.state === statePending) return top;
      this.popTop();
      this.cancelledInHeap--;
    }
  }

  private popLive(): ScheduledEvent | undefined {
    const top = this.peekLive();
    if (top !== undefined) this.popTop();
    return top;
  }

  private push(event: ScheduledEvent): void {
    const n = this.heapSize;
    if (n >= maxPendingEvents) {
      throw new Error(`Scheduler: more than ${maxPendingEvents} events are queued (adding '${event.label}'); something schedules without bound`);
    }
    if (n === this.heapTimes.length) this.growHeap();
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount] as number;
      this.slots[slot] = event;
    } else {
      slot = this.slots.length;
      this.slots.push(event);
      if (this.slots.length > this.freeSlots.length) this.growFreeSlots();
    }
    event.inHeap = true;
    this.heapSize = n + 1;
    const times = this.heapTimes;
    const ids = this.heapIds;
    const slots = this.heapSlots;
    const t = event.timeMs;
    const id = event.id;
    let i = n;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const pt = times[parentIndex] as number;
      const pid = ids[parentIndex] as number;
      // Stop once the parent comes first (earlier time, or same time and earlier insertion).
      if (t > pt || (t === pt && id >= pid)) break;
      times[i] = pt;
      ids[i] = pid;
      slots[i] = slots[parentIndex] as number;
      i = parentIndex;
    }
    times[i] = t;
    ids[i] = id;
    slots[i] = slot;
  }

  /** Removes the heap's top entry (live or cancelled) and frees its slot. */
  private popTop(): void {
    const topSlot = this.heapSlots[0] as number;
    (this.slots[topSlot] as ScheduledEvent).inHeap = false;
    this.releaseSlot(topSlot);
    const n = this.heapSize - 1;
    this.heapSize = n;
    if (n === 0) return;
    // The last entry's keys and slot are still at position n.
    this.siftDown(this.heapSlots[n] as number, this.heapTimes[n] as number, this.heapIds[n] as number, 0);
  }

  private releaseSlot(slot: number): void {
    this.slots[slot] = null;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Places the entry (slot, t, id) at position `start` or below, moving earlier children up. */
  private siftDown(slot: number, t: number, id: number, start: number): void {
    const times = this.heapTimes;
    const ids = this.heapIds;
    const slots = this.heapSlots;
    const n = this.heapSize;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let ct = times[left] as number;
      let cid = ids[left] as number;
      if (right < n) {
        const rt = times[right] as number;
        const rid = ids[right] as number;
        if (rt < ct || (rt === ct && rid < cid)) {
          child = right;
          ct = rt;
          cid = rid;
        }
      }
      // Stop unless the child comes strictly first.
      if (!(ct < t || (ct === t && cid < id))) break;
      times[i] = ct;
      ids[i] = cid;
      slots[i] = slots[child] as number;
      i = child;
    }
    times[i] = t;
    ids[i] = id;
    slots[i] = slot;
  }

  private growHeap(): void {
    const capacity = this.heapTimes.length * 2;
    const times = new Float64Array(capacity);
    const ids = new Float64Array(capacity);
    const slots = new Int32Array(capacity);
    times.set(this.heapTimes);
    ids.set(this.heapIds);
    slots.set(this.heapSlots);
    this.heapTimes = times;
    this.heapIds = ids;
    this.heapSlots = slots;
  }

  private growFreeSlots(): void {
    const free = new Int32Array(this.freeSlots.length * 2);
    free.set(this.freeSlots);
    this.freeSlots = free;
  }

  /** Drops every cancelled event and restores the heap property (Floyd's bottom-up build). */
  private compact(): void {
    const times = this.heapTimes;
    const ids = this.heapIds;
    const slots = this.heapSlots;
    const n = this.heapSize;
    let w = 0;
    for (let r = 0; r < n; r++) {
      const slot = slots[r] as number;
      const e = this.slots[slot] as ScheduledEvent;
      if (e.state === statePending) {
        times[w] = times[r] as number;
        ids[w] = ids[r] as number;
        slots[w] = slot;
        w++;
      } else {
        e.inHeap = false;
        this.releaseSlot(slot);
      }
    }
    this.heapSize = w;
    this.cancelledInHeap = 0;
    for (let i = (w >> 1) - 1; i >= 0; i--) this.siftDown(slots[i] as number, times[i] as number, ids[i] as number, i);
  }
}
