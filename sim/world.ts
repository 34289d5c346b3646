/**
 * A simulated world: one seed, one virtual clock, one trace, one network. Everything that
 * happens in the simulator happens through a World, which is what makes a run a pure function
 * of (seed, scenario): same inputs, byte-identical trace.
 */
import { Scheduler } from './kernel/scheduler.js';
import { SimRandom, assertSeed } from './kernel/random.js';
import { Trace } from './kernel/trace.js';
import { Network } from './network/network.js';

/** The random stream the network draws latency, jitter and drops from. */
export const networkRandomStream = 'network';

export interface WorldOptions {
  readonly seed: number;
  /** Keep every trace line in memory (for `--trace` and the determinism self-check). The hash is kept regardless. */
  readonly keepTraceLines?: boolean;
}

export class World {
  readonly seed: number;
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly network: Network;
  private readonly streams = new Map<string, SimRandom>();

  constructor(options: WorldOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('World: options { seed } are required');
    assertSeed(options.seed);
    this.seed = options.seed;
    this.scheduler = new Scheduler();
    this.trace = new Trace(this.scheduler, { keepLines: options.keepTraceLines === true });
    this.network = new Network(this.scheduler, this.trace, this.random(networkRandomStream));
  }

  /** The stream named `stream`: the same object for the same name; streams never affect each other. */
  random(stream: string): SimRandom {
    if (typeof stream !== 'string' || stream.length === 0) {
      throw new TypeError(`World.random: stream name ${JSON.stringify(stream)} must be a non-empty string`);
    }
    let r = this.streams.get(stream);
    if (r === undefined) {
      r = new SimRandom(this.seed, stream);
      this.streams.set(stream, r);
    }
    return r;
  }

  /** Current virtual time in ms (shorthand for `scheduler.nowMs`). */
  get nowMs(): number {
    return this.scheduler.nowMs;
  }
}
