/**
 * A simulated layer-4 load balancer in front of mongoses: each client connection is pinned to
 * one backend (round robin over the running ones) for its whole life, and messages are relayed
 * both ways unchanged. Closing either side closes the other, as a TCP proxy does.
 */
import type { SimSocket } from '../network/network.js';
import type { World } from '../world.js';

export interface LoadBalancerOptions {
  /** Address clients connect to, e.g. "lb:27017". */
  readonly host: string;
  /** Backend mongos addresses. */
  readonly backends: readonly string[];
}

export class LoadBalancerSim {
  readonly host: string;
  private backends: string[];
  private next = 0;
  private running = false;
  /** How many client connections went to each backend (for tests and reports). */
  readonly assignments = new Map<string, number>();

  constructor(private readonly world: World, options: LoadBalancerOptions) {
    if (typeof options?.host !== 'string' || !/^[^:\s]+:\d+$/.test(options.host)) throw new TypeError(`LoadBalancerSim: host ${JSON.stringify(options?.host)} must look like "name:27017"`);
    if (!Array.isArray(options.backends) || options.backends.length === 0) throw new TypeError('LoadBalancerSim: backends must list at least one mongos address');
    this.host = options.host;
    this.backends = [...options.backends];
  }

  get isRunning(): boolean { return this.running; }

  setBackends(backends: readonly string[]): void {
    if (backends.length === 0) throw new TypeError('LoadBalancerSim.setBackends: at least one backend is required');
    this.backends = [...backends];
    this.next = 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.world.network.listen(this.host, (client) => this.relay(client));
    this.world.trace.record('lb.start', this.host);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.world.network.unlisten(this.host);
    this.world.trace.record('lb.stop', this.host);
  }

  private relay(client: SimSocket): void {
    const backend = this.backends[this.next % this.backends.length] as string;
    this.next++;
    this.assignments.set(backend, (this.assignments.get(backend) ?? 0) + 1);
    const upstream = this.world.network.connect(this.host, backend);
    client.onMessage((m) => upstream.send(m));
    upstream.onMessage((m) => client.send(m));
    client.onClose(() => { if (!upstream.closed) upstream.close(); });
    upstream.onClose(() => { if (!client.closed) client.close(); });
  }
}
