/**
 * The scenario workload sent through the real client runtime (client/runtime ClientRuntime,
 * driven synchronously by callbacks inside the simulator: no promises, no macrotasks): every
 * write and read goes through server discovery, server selection and the retry rules, exactly
 * as an application's would. It plugs into the scenario runner (sim/scenario/workload.ts) and
 * records every operation in a History for the checkers.
 *
 * Writes of the scenario's clients upsert their own document with `$inc: {n: 1}` (a write
 * applied twice leaves n = 2); the `workload` rate and timeline `write` actions insert numbered
 * documents as before, through a default client named after the scenario's client host.
 */
import { ClientRuntime } from '../../client/runtime/runtime.js';
import type { RunResult, RuntimeEvent } from '../../client/runtime/api.js';
import { MongoServerError } from '../../core/errors.js';
import type { ClientOpSpec, ClientReadPreference, ClientSpec, WriteConcernW } from '../../sim/scenario/schema.js';
import { clientHost } from '../../sim/scenario/parse.js';
import { isAcknowledged, WriteLedger, workloadCollection, workloadDb, workloadWriteTimeoutMs } from '../../sim/scenario/workload.js';
import type { ScenarioWorkload, WorkloadContext, WorkloadFactory } from '../../sim/scenario/workload.js';
import type { Document } from '../../sim/protocol.js';
import { simPorts } from '../sim-ports.js';
import { History, describeOp, type ClientObservation, type HistoryOp, type OpOutcome } from './history.js';
import type { ServerDescription } from '../../core/sdam/types.js';

/** Driver settings for the workload's clients (URI options). */
export interface ClientWorkloadOptions {
  /** Records every operation here (a fresh History when omitted). */
  readonly history?: History;
  /** Default 5000: a run is a few virtual seconds, an operation should end inside it. */
  readonly serverSelectionTimeoutMS?: number;
  /** Default 2000 (a client may set its own: ClientSpec.heartbeatFrequencyMS). */
  readonly heartbeatFrequencyMS?: number;
  /** Default 2000. */
  readonly connectTimeoutMS?: number;
  /** Default 5000: a reply lost in a partition fails the operation (outcome unknown) instead of hanging. */
  readonly socketTimeoutMS?: number;
  /** wtimeout of every write, virtual ms. Default workloadWriteTimeoutMs. */
  readonly wtimeoutMS?: number;
}

export const defaultClientWorkloadSettings = {
  serverSelectionTimeoutMS: 5_000,
  heartbeatFrequencyMS: 2_000,
  connectTimeoutMS: 2_000,
  socketTimeoutMS: 5_000,
} as const;

/** Server errors that mean the command was refused before it executed (it changed nothing). */
const notExecutedCodes: ReadonlySet<number> = new Set([10107, 13435, 13436, 189, 91, 11600, 11602]);

/** What an outcome of `run` means for the operation (see history.ts). */
export function classify(kind: 'write' | 'read', result: RunResult): OpOutcome {
  if (result.ok) {
    if (kind === 'read') return result.reply['ok'] === 1 ? 'ok' : 'failed';
    if (isAcknowledged(result.reply)) return 'ok';
    // A write error on the only attempt (e.g. duplicate key) changed nothing; anything else may have applied.
    return result.attempts <= 1 && result.reply['writeConcernError'] === undefined ? 'failed' : 'unknown';
  }
  if (kind === 'read') return 'failed';
  if (result.attempts === 0 || result.address === null) return 'failed';
  const error = result.error;
  if (result.attempts === 1 && error instanceof MongoServerError && error.code !== undefined && notExecutedCodes.has(error.code)) return 'failed';
  return 'unknown';
}

/** Bound on recorded client observations per run. */
export const maxObservations = 1000;

/** What the checkers watch in one client's SDAM events. */
interface ClientWatch {
  readonly host: string;
  /** Highest electionId a primary reported to this client (24 hex digits compare as strings). */
  maxElectionId: string | null;
  /** When each server's type last changed in this client's view. */
  readonly typeSinceMs: Map<string, number>;
}

interface LiveClient {
  readonly spec: ClientSpec;
  readonly runtime: ClientRuntime;
}

/** The workload factory for the scenario runner (sim/scenario/runner.ts `workload` option). */
export function clientWorkload(options: ClientWorkloadOptions = {}): WorkloadFactory {
  return (context) => new ClientWorkload(context, options);
}

class ClientWorkload implements ScenarioWorkload {
  readonly history: History;
  private readonly clients = new Map<string, LiveClient>();
  private readonly ledger: WriteLedger;
  /** The ledger id of each numbered insert's history op. */
  private readonly inserts = new Map<number, HistoryOp>();
  private readonly wtimeoutMS: number;

  constructor(
    private readonly context: WorkloadContext,
    private readonly options: ClientWorkloadOptions,
  ) {
    this.history = options.history ?? new History();
    this.wtimeoutMS = options.wtimeoutMS ?? workloadWriteTimeoutMs;
    const workload = context.scenario.workload;
    this.ledger = new WriteLedger(workload === undefined ? { w: 1 } : { w: workload.w, ...(workload.j === undefined ? {} : { j: workload.j }) });
  }

  start(): void {
    const { world } = this.context;
    for (const spec of this.context.scenario.clients ?? []) {
      const client = this.client(spec);
      spec.ops.forEach((op, index) => {
        world.scheduler.at(op.atMs, 'client.op', () => this.runOp(client, op, index));
      });
    }
  }

  write(w: WriteConcernW, j: boolean | undefined, via?: string): void {
    const name = via === undefined ? clientHost : `${clientHost}-via-${via.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const client = this.clients.get(name) ?? this.client({ host: name, retryWrites: true, retryReads: true, readPreference: 'primary', ops: [] }, via);
    const id = this.ledger.send(w, j);
    const op = this.history.invoke({ client: name, kind: 'write', key: String(id), w, ...(j === undefined ? {} : { j }), readPreference: 'primary', retry: true, invokedMs: this.context.world.nowMs });
    this.inserts.set(id, op);
    const command: Document = { insert: workloadCollection, documents: [{ _id: id }], writeConcern: this.writeConcern(w, j), comment: op.key };
    client.runtime.run({ kind: 'write', databaseName: workloadDb, command }, (result) => {
      this.complete(op, result);
      this.ledger.settle(id, op.outcome === 'ok');
      const onWrite = this.context.onWrite;
      if (onWrite !== undefined) onWrite({ startMs: op.invokedMs, endMs: op.completedMs ?? op.invokedMs, host: op.address ?? '', ok: op.outcome === 'ok', ...(op.error === null ? {} : { error: op.error }) });
    });
  }

  stats() {
    return this.ledger.stats();
  }

  writeFor(documentId: unknown) {
    return this.ledger.writeFor(documentId);
  }

  private writeConcern(w: WriteConcernW, j: boolean | undefined): Document {
    return { w, wtimeout: this.wtimeoutMS, ...(j === undefined ? {} : { j }) };
  }

  private client(spec: ClientSpec, via?: string): LiveClient {
    const { world, rs } = this.context;
    const settings = { ...defaultClientWorkloadSettings, ...pick(this.options) };
    const seeds = via === undefined ? rs.hosts : [via];
    const query = [
      ...(via === undefined ? [`replicaSet=${encodeURIComponent(rs.name)}`] : []),
      `retryWrites=${spec.retryWrites}`,
      `retryReads=${spec.retryReads}`,
      `readPreference=${spec.readPreference}`,
      `serverSelectionTimeoutMS=${settings.serverSelectionTimeoutMS}`,
      `heartbeatFrequencyMS=${spec.heartbeatFrequencyMS ?? settings.heartbeatFrequencyMS}`,
      `connectTimeoutMS=${settings.connectTimeoutMS}`,
      `socketTimeoutMS=${settings.socketTimeoutMS}`,
    ].join('&');
    const runtime = new ClientRuntime(`mongodb://${seeds.join(',')}/?${query}`, { ports: simPorts(world, { clientHost: spec.host, detached: true }) });
    const watch: ClientWatch = { host: spec.host, maxElectionId: null, typeSinceMs: new Map() };
    runtime.subscribe((event) => this.observe(runtime, watch, event));
    runtime.connect();
    const client = { spec, runtime };
    this.clients.set(spec.host, client);
    return client;
  }

  /** Records each attempt of an operation (its command carries the operation's key as `comment`). */
  private observe(runtime: ClientRuntime, watch: ClientWatch, event: RuntimeEvent): void {
    const nowMs = this.context.world.nowMs;
    if (event.name === 'serverDescriptionChanged') {
      const address = String(event['address']);
      const next = event['newDescription'] as ServerDescription;
      const previous = event['previousDescription'] as ServerDescription;
      if (next.type !== previous.type) watch.typeSinceMs.set(address, nowMs);
      // SDAM "stale primary": a primary whose electionId is below the highest seen is never taken.
      if (next.type === 'RSPrimary' && next.electionId !== null) {
        if (watch.maxElectionId !== null && next.electionId < watch.maxElectionId) {
          this.observation('clientRejectsStalePrimary', watch.host, `took ${address} as primary with electionId ${next.electionId} after seeing ${watch.maxElectionId}`);
        }
        if (watch.maxElectionId === null || next.electionId > watch.maxElectionId) watch.maxElectionId = next.electionId;
      }
      return;
    }
    if (event.name !== 'commandStarted') return;
    const command = event['command'] as Document | undefined;
    const op = this.history.byComment(command?.['comment']);
    if (op === undefined) return;
    const address = String(event['address']);
    const type = runtime.description().servers.get(address)?.type ?? 'absent';
    op.sends.push({ atMs: nowMs, address, serverType: type });
    // Selection happened after the invocation: a server the client has seen as a secondary
    // since before then was never a primary in its view, so it was never a suitable choice.
    const sinceMs = watch.typeSinceMs.get(address) ?? 0;
    if (type === 'RSSecondary' && sinceMs < op.invokedMs && (op.kind === 'write' || op.readPreference === 'primary')) {
      this.observation('sendsMatchReadPreference', watch.host, `${describeOp(op)} went to ${address}, a secondary in its view since ${sinceMs}ms`);
    }
  }

  private observation(checker: ClientObservation['checker'], client: string, detail: string): void {
    if (this.history.observations.length < maxObservations) this.history.observations.push({ checker, client, atMs: this.context.world.nowMs, detail });
  }

  private runOp(client: LiveClient, spec: ClientOpSpec, index: number): void {
    const { world } = this.context;
    const base = { client: client.spec.host, readPreference: client.spec.readPreference as ClientReadPreference, invokedMs: world.nowMs };
    if (spec.kind === 'write') {
      const key = `${client.spec.host}-${index}`;
      const op = this.history.invoke({ ...base, kind: 'write', key, w: spec.w, ...(spec.j === undefined ? {} : { j: spec.j }), retry: client.spec.retryWrites });
      const command: Document = {
        update: workloadCollection,
        updates: [{ q: { _id: key }, u: { $inc: { n: 1 } }, upsert: true }],
        writeConcern: this.writeConcern(spec.w, spec.j),
        comment: key,
      };
      client.runtime.run({ kind: 'write', databaseName: workloadDb, command }, (result) => this.complete(op, result));
      return;
    }
    const op = this.history.invoke({ ...base, kind: 'read', ...(spec.readConcern === undefined ? {} : { readConcern: spec.readConcern }), retry: client.spec.retryReads });
    const command: Document = {
      find: workloadCollection,
      filter: {},
      batchSize: maxReadDocuments,
      singleBatch: true,
      ...(spec.readConcern === undefined ? {} : { readConcern: { level: spec.readConcern } }),
      comment: op.key,
    };
    client.runtime.run({ kind: 'read', databaseName: workloadDb, command }, (result) => {
      this.complete(op, result);
      if (op.outcome === 'ok' && result.ok) op.seen = seenDocuments(result.reply);
    });
  }

  private complete(op: HistoryOp, result: RunResult): void {
    op.completedMs = this.context.world.nowMs;
    op.outcome = classify(op.kind, result);
    op.address = result.address;
    op.attempts = result.attempts;
    if (!result.ok) op.error = oneLine(result.error);
    else if (result.reply['ok'] !== 1 || result.reply['writeErrors'] !== undefined || result.reply['writeConcernError'] !== undefined) op.error = replyProblem(result.reply);
  }
}

/** A read returns at most this many documents (a fuzz run writes a few dozen). */
export const maxReadDocuments = 100_000;

function seenDocuments(reply: Document): Map<string, number> {
  const seen = new Map<string, number>();
  const cursor = reply['cursor'] as Document | undefined;
  const batch = (cursor?.['firstBatch'] ?? []) as Document[];
  for (const doc of batch) seen.set(String(doc['_id']), typeof doc['n'] === 'number' ? doc['n'] : 1);
  return seen;
}

function pick(o: ClientWorkloadOptions): Partial<typeof defaultClientWorkloadSettings> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(defaultClientWorkloadSettings)) {
    const v = (o as Record<string, unknown>)[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}

function oneLine(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code === undefined ? '' : ` ${String(code)}`}: ${error.message.split('\n')[0]}`;
}

function replyProblem(reply: Document): string {
  const wce = reply['writeConcernError'] as Document | undefined;
  if (wce !== undefined) return `writeConcernError ${String(wce['code'])}: ${String(wce['errmsg'])}`;
  const we = reply['writeErrors'] as Document[] | undefined;
  if (we !== undefined && we.length > 0) return `writeError ${String(we[0]?.['code'])}: ${String(we[0]?.['errmsg'])}`;
  return `error ${String(reply['code'])}: ${String(reply['errmsg'])}`;
}
