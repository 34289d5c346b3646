/**
 * The scenario's client workload is pluggable: the runner (sim/) only knows this interface, and
 * whoever runs a scenario chooses who sends the writes. The default here, `directWorkload`,
 * sends each insert straight to the member the simulator knows is primary (no discovery, no
 * retries: a cheap load for long runs and benchmarks). harness/fuzz/client-workload.ts sends
 * them through the real MongoClient runtime instead (server discovery, selection, retries), and
 * also runs the scenario's `clients` — sim/ cannot import client/, so the CLI plugs that one in.
 *
 * Either way the counts add up: sent = acknowledged + failed + unanswered, and each lost write
 * can be traced back to the write that made it (acknowledged or not, with which write concern).
 */
import type { World } from '../world.js';
import type { ReplicaSetSim } from '../mongod/replset.js';
import type { MongosProcess } from '../mongos/mongos.js';
import { SimClient, type CommandOutcome } from '../mongod/client.js';
import type { Document } from '../protocol.js';
import type { Scenario, WriteConcernW } from './schema.js';
import { clientHost } from './parse.js';

/** Database and collection the workload writes to. */
export const workloadDb = 'scenario';
export const workloadCollection = 'writes';
/** How long a workload write may wait for its reply before it counts as failed (virtual ms). */
export const workloadWriteTimeoutMs = 30_000;

/** What became of one write the workload sent. */
export type WriteOutcome = 'acknowledged' | 'failed' | 'unanswered';

export interface WriteStats {
  /** Writes handed to the server (or to the driver); always acknowledged + failed + unanswered. */
  sent: number;
  acknowledged: number;
  /** Refused, timed out, or failed on the network (the write may still have been applied). */
  failed: number;
  /** No outcome yet when the run ended. */
  unanswered: number;
  /** Writes not sent because no member was primary at the time (direct workload only). */
  noPrimary: number;
}

/** The write that created a document, as the workload saw it. */
export interface WriteRecord {
  readonly documentId: unknown;
  readonly w: WriteConcernW;
  readonly j?: boolean;
  readonly outcome: WriteOutcome;
}

export interface WorkloadContext {
  readonly world: World;
  readonly scenario: Scenario;
  readonly rs: ReplicaSetSim;
  /** mongos routers by host. */
  readonly routers: ReadonlyMap<string, MongosProcess>;
  /** Told of every workload write when it completes (the runner's observer, for a picture of the run). */
  readonly onWrite?: (write: ObservedWrite) => void;
}

/** One workload write, from send to reply (or to giving up on it), as an observer sees it. */
export interface ObservedWrite {
  readonly startMs: number;
  readonly endMs: number;
  /** The member or mongos it was sent to ('' when the driver never sent it). */
  readonly host: string;
  readonly ok: boolean;
  /** Why it failed (an error reply, a write concern error, or no reply); absent when ok. */
  readonly error?: string;
}

/** Why a workload write did not succeed, in one line, for the observer. */
export function describeWriteFailure(outcome: CommandOutcome): string {
  if (!outcome.ok) return `network error: ${outcome.networkError}`;
  const reply = outcome.reply;
  const wce = reply['writeConcernError'] as Document | undefined;
  if (wce !== undefined) return `writeConcernError ${String(wce['codeName'] ?? wce['code'])}: ${String(wce['errmsg'] ?? '')}`;
  const writeErrors = reply['writeErrors'] as Document[] | undefined;
  if (writeErrors !== undefined && writeErrors.length > 0) return `writeError ${String(writeErrors[0]?.['code'])}: ${String(writeErrors[0]?.['errmsg'] ?? '')}`;
  return `${String(reply['codeName'] ?? reply['code'] ?? 'error')}: ${String(reply['errmsg'] ?? '')}`;
}

export interface ScenarioWorkload {
  /** Called once at virtual time 0, after the cluster is built; schedules the workload's own operations. */
  start(): void;
  /** One insert of a fresh document (the `workload` rate and timeline `write` actions); through router `via` when given. */
  write(w: WriteConcernW, j: boolean | undefined, via?: string): void;
  stats(): WriteStats;
  /** The write that created `documentId`, when this workload sent it. */
  writeFor(documentId: unknown): WriteRecord | undefined;
}

export type WorkloadFactory = (context: WorkloadContext) => ScenarioWorkload;

/** True when a write reply acknowledges the write (no write error, no write concern error). */
export function isAcknowledged(reply: Document | null): boolean {
  return reply !== null && reply['ok'] === 1 && reply['writeConcernError'] === undefined && reply['writeErrors'] === undefined;
}

/**
 * Tracks outcomes of writes numbered 1, 2, 3, ... in memory proportional to the writes that are
 * not acknowledged (a long run's acknowledged writes cost nothing): pending and failed ids, and
 * the write concern of writes whose concern is not the default one.
 */
export class WriteLedger {
  private readonly stats_: WriteStats = { sent: 0, acknowledged: 0, failed: 0, unanswered: 0, noPrimary: 0 };
  private readonly pending = new Set<number>();
  private readonly failed = new Set<number>();
  private readonly concerns = new Map<number, { w: WriteConcernW; j?: boolean }>();
  private nextId = 1;

  constructor(private readonly defaultConcern: { w: WriteConcernW; j?: boolean }) {}

  /** Numbers a new write and counts it as sent. */
  send(w: WriteConcernW, j: boolean | undefined): number {
    const id = this.nextId++;
    this.stats_.sent++;
    this.pending.add(id);
    if (w !== this.defaultConcern.w || j !== this.defaultConcern.j) this.concerns.set(id, j === undefined ? { w } : { w, j });
    return id;
  }

  noPrimary(): void {
    this.stats_.noPrimary++;
  }

  /** Records the outcome of write `id` (once; a second outcome is a bug). */
  settle(id: number, acknowledged: boolean): void {
    if (!this.pending.delete(id)) throw new Error(`WriteLedger: write ${id} settled twice or never sent`);
    if (acknowledged) this.stats_.acknowledged++;
    else {
      this.stats_.failed++;
      this.failed.add(id);
    }
  }

  stats(): WriteStats {
    return { ...this.stats_, unanswered: this.pending.size };
  }

  writeFor(documentId: unknown): WriteRecord | undefined {
    if (typeof documentId !== 'number' || !Number.isInteger(documentId) || documentId < 1 || documentId >= this.nextId) return undefined;
    const concern = this.concerns.get(documentId) ?? this.defaultConcern;
    const outcome: WriteOutcome = this.pending.has(documentId) ? 'unanswered' : this.failed.has(documentId) ? 'failed' : 'acknowledged';
    return { documentId, w: concern.w, ...(concern.j === undefined ? {} : { j: concern.j }), outcome };
  }
}

/**
 * Each insert goes straight to the current primary (or the router `via`) over a plain
 * connection, as a client that already knows the primary would send it.
 */
export const directWorkload: WorkloadFactory = ({ world, scenario, rs, onWrite }) => {
  if (scenario.clients !== undefined && scenario.clients.length > 0) {
    throw new Error(`scenario "${scenario.name}" has clients: it needs a driver workload (harness/fuzz clientWorkload; mongosim run plugs it in)`);
  }
  const client = new SimClient(world, clientHost);
  const ledger = new WriteLedger(scenario.workload === undefined ? { w: 1 } : { w: scenario.workload.w, ...(scenario.workload.j === undefined ? {} : { j: scenario.workload.j }) });
  return {
    start: () => undefined,
    write(w, j, via) {
      const target = via ?? rs.primary();
      if (target === null) {
        ledger.noPrimary();
        return;
      }
      const id = ledger.send(w, j);
      const writeConcern: Document = { w, wtimeout: workloadWriteTimeoutMs, ...(j === undefined ? {} : { j }) };
      const body: Document = { insert: workloadCollection, documents: [{ _id: id }], writeConcern };
      const startMs = world.nowMs;
      client.command(target, workloadDb, body, (outcome) => {
        const ok = isAcknowledged(outcome.ok ? outcome.reply : null);
        ledger.settle(id, ok);
        if (onWrite !== undefined) onWrite({ startMs, endMs: world.nowMs, host: target, ok, ...(ok ? {} : { error: describeWriteFailure(outcome) }) });
      });
    },
    stats: () => ledger.stats(),
    writeFor: (documentId) => ledger.writeFor(documentId),
  };
};
