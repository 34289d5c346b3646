/**
 * A scripted ClientRuntimeApi for the façade's unit tests: records every operation, answers
 * with a test-provided function (asynchronously, as a real runtime does), and serves a
 * settable topology description.
 */
import { unknownServerDescription } from '../../core/sdam/index.js';
import { topologyDescription } from '../support/descriptions.js';
import type { ServerDescription, ServerType, TopologyDescription, TopologyType } from '../../core/sdam/types.js';
import type { ClientRuntimeApi, RunOperation, RunResult, RuntimeEvent } from '../../client/runtime/api.js';
import type { RuntimePorts, TimerHandle } from '../../client/runtime/ports.js';
import type { ConnectionString } from '../../core/uri/types.js';
import type { MongoClientOptions } from '../../client/options.js';

export type Responder = (operation: RunOperation, index: number) => RunResult;

export class FakeRuntime implements ClientRuntimeApi {
  readonly operations: RunOperation[] = [];
  connected = 0;
  closed = 0;
  private listeners = new Set<(event: RuntimeEvent) => void>();
  topology: TopologyDescription = topologyOf('Unknown', []);
  constructor(
    readonly connectionString: ConnectionString,
    public respond: Responder,
  ) {}
  connect(): void {
    this.connected++;
    this.emit({ name: 'topologyOpening', topologyId: 1 });
  }
  run(operation: RunOperation, done: (result: RunResult) => void): void {
    const index = this.operations.length;
    this.operations.push(operation);
    const result = this.respond(operation, index);
    queueMicrotask(() => done(result));
  }
  description(): TopologyDescription {
    return this.topology;
  }
  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close(done: () => void): void {
    this.closed++;
    queueMicrotask(done);
  }
  emit(event: RuntimeEvent): void {
    for (const l of this.listeners) l(event);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

export function server(address: string, type: ServerType, fields: Partial<ServerDescription> = {}): ServerDescription {
  return { ...unknownServerDescription(address), type, ...fields };
}

export function topologyOf(type: TopologyType, servers: readonly ServerDescription[]): TopologyDescription {
  return topologyDescription(type, servers);
}

/** Ports good enough for the façade (it only reads the clock and the random source). */
export function fakePorts(): RuntimePorts {
  let seed = 7;
  let timer = 0;
  return {
    clock: { now: () => 1_700_000_000_000, setTimer: (): TimerHandle => ({ id: ++timer }), clearTimer: () => undefined },
    transport: { connect: () => { throw new Error('the fake runtime opens no connections'); } },
    random: { int: (max: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % max },
  };
}

/** Client options wired to a FakeRuntime; `holder.runtime` is set once the client builds it. */
export function fakeClientOptions(respond: Responder, extra: MongoClientOptions = {}): { options: MongoClientOptions; holder: { runtime: FakeRuntime | null } } {
  const holder: { runtime: FakeRuntime | null } = { runtime: null };
  return {
    holder,
    options: {
      ...extra,
      ports: fakePorts(),
      runtimeFactory: (cs) => (holder.runtime = new FakeRuntime(cs, respond)),
    },
  };
}

export function ok(reply: Record<string, unknown>, address = 'a:27017'): RunResult {
  return { ok: true, reply: { ok: 1, ...reply }, address, attempts: 1 };
}
