/**
 * A simulated replica set: its member processes, `replSetInitiate` sent over a client
 * connection like an operator would, fault and admin actions (crash, restart, stepDown,
 * freeze, reconfig), and the continuous invariant checker with the set's lost writes.
 */
import type { World } from '../world.js';
import { SimClient } from './client.js';
import { InvariantChecker, type LostWrite, type Violation } from './invariants.js';
import { MemberState } from './member-state.js';
import { MongodProcess } from './process.js';
import type { Doc } from './query.js';
import type { ServerVersion } from './versions.js';

export interface MemberSpec {
  readonly host: string;
  readonly priority?: number;
  readonly votes?: number;
  readonly arbiterOnly?: boolean;
  readonly hidden?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  readonly secondaryDelaySecs?: number;
}

export interface ReplicaSetOptions {
  readonly name: string;
  readonly members: readonly MemberSpec[];
  readonly version?: ServerVersion;
  /** Extra delay before secondaries apply fetched batches, ms. */
  readonly replicationLagMs?: number;
  /** `settings` of the replica set config (electionTimeoutMillis, heartbeatIntervalMillis, ...). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Host name the helper's admin client connects from. Default 'rs-admin'. */
  readonly adminHost?: string;
  /** Each member's capped oplog size, in entries (MongodOptions.maxOplogEntries). */
  readonly maxOplogEntries?: number;
}

/** How long `initiate()` and the admin helpers wait for a reply, virtual ms. */
export const adminCommandTimeoutMs = 60_000;

export class ReplicaSetSim {
  readonly name: string;
  readonly checker: InvariantChecker;
  private readonly processes = new Map<string, MongodProcess>();
  private readonly admin: SimClient;
  private memberSpecs: MemberSpec[];
  private configVersion = 1;

  constructor(private readonly world: World, readonly options: ReplicaSetOptions) {
    if (typeof options?.name !== 'string' || options.name.length === 0) throw new TypeError('ReplicaSetSim: name must be a non-empty string');
    if (!Array.isArray(options.members) || options.members.length === 0) throw new TypeError('ReplicaSetSim: members must be a non-empty array');
    this.name = options.name;
    this.memberSpecs = [...options.members];
    this.checker = new InvariantChecker(
      () => world.nowMs,
      (host, entry) => {
        for (const p of this.processes.values()) if (p.host !== host && p.isRunning && p.oplog.indexOf(entry) >= 0) return true;
        return false;
      },
      (kind, detail) => world.trace.record(kind, detail),
    );
    for (const spec of options.members) this.addProcess(spec.host);
    this.admin = new SimClient(world, options.adminHost ?? 'rs-admin');
  }

  private addProcess(host: string): MongodProcess {
    if (this.processes.has(host)) throw new TypeError(`ReplicaSetSim: duplicate member host ${host}`);
    const p = new MongodProcess(this.world, {
      host,
      replSet: this.name,
      ...(this.options.version !== undefined ? { version: this.options.version } : {}),
      ...(this.options.replicationLagMs !== undefined ? { replicationLagMs: this.options.replicationLagMs } : {}),
      ...(this.options.maxOplogEntries !== undefined ? { maxOplogEntries: this.options.maxOplogEntries } : {}),
      observer: this.checker,
    });
    this.processes.set(host, p);
    return p;
  }

  get hosts(): string[] {
    return [...this.processes.keys()];
  }

  get violations(): readonly Violation[] {
    return this.checker.violations;
  }

  get lostWrites(): readonly LostWrite[] {
    return this.checker.lostWrites;
  }

  member(host: string): MongodProcess {
    const p = this.processes.get(host);
    if (p === undefined) throw new RangeError(`ReplicaSetSim: no member ${host} (members: ${this.hosts.join(', ')})`);
    return p;
  }

  /** Starts every process that is not running (uninitialized members answer hello as RSGhost). */
  start(): void {
    for (const p of this.processes.values()) if (!p.isRunning) p.start();
  }

  /** The config document for the current member specs (or `members`). */
  configDocument(version = this.configVersion, members: readonly MemberSpec[] = this.memberSpecs): Doc {
    return {
      _id: this.name,
      version,
      members: members.map((m, i) => ({
        _id: i,
        host: m.host,
        ...(m.priority !== undefined ? { priority: m.priority } : {}),
        ...(m.votes !== undefined ? { votes: m.votes } : {}),
        ...(m.arbiterOnly !== undefined ? { arbiterOnly: m.arbiterOnly } : {}),
        ...(m.hidden !== undefined ? { hidden: m.hidden } : {}),
        ...(m.tags !== undefined ? { tags: { ...m.tags } } : {}),
        ...(m.secondaryDelaySecs !== undefined ? { secondaryDelaySecs: m.secondaryDelaySecs } : {}),
      })),
      ...(this.options.settings !== undefined ? { settings: { ...this.options.settings } } : {}),
    };
  }

  /**
   * Starts the processes and sends `replSetInitiate` to the first member over a client
   * connection; returns the reply (throws if the member does not answer).
   */
  initiate(): Doc {
    this.start();
    const first = this.memberSpecs[0] as MemberSpec;
    const outcome = this.admin.commandSync(first.host, 'admin', { replSetInitiate: this.configDocument(1) }, adminCommandTimeoutMs);
    if (!outcome.ok) throw new Error(`replSetInitiate to ${first.host} failed: ${outcome.networkError}`);
    return outcome.reply as Doc;
  }

  /** Sends `replSetInitiate` without running the world (for scenario timelines). */
  initiateAsync(callback: (reply: Doc | null) => void = () => undefined): void {
    this.start();
    const first = this.memberSpecs[0] as MemberSpec;
    this.admin.command(first.host, 'admin', { replSetInitiate: this.configDocument(1) }, (o) => callback(o.ok ? (o.reply as Doc) : null));
  }

  crash(host: string): void { this.member(host).crash(); }
  shutdown(host: string): void { this.member(host).shutdown(); }

  /** Restarts a member (a clean shutdown first if it is running). */
  restart(host: string): void { this.member(host).restart(); }

  /** replSetStepDown on `host` (which should be primary); `callback` gets null or the error reply. */
  stepDown(host: string, secs = 60, options: { secondaryCatchUpPeriodSecs?: number; force?: boolean } = {}, callback: (error: Doc | null) => void = () => undefined): void {
    const p = this.member(host);
    if (!p.isRunning) {
      callback({ ok: 0, errmsg: `${host} is not running` });
      return;
    }
    p.stepDown(secs, options.secondaryCatchUpPeriodSecs ?? Math.min(10, secs), options.force === true, callback);
  }

  freeze(host: string, secs: number): void {
    const p = this.member(host);
    if (p.isRunning) p.freeze(secs);
  }

  /**
   * replSetReconfig through the current primary with new member specs (config version + 1).
   * Returns the reply, or null when there is no primary or it does not answer in time.
   */
  reconfig(members: readonly MemberSpec[], callback: (reply: Doc | null) => void = () => undefined): void {
    const primary = this.primary();
    if (primary === null) {
      callback(null);
      return;
    }
    for (const m of members) if (!this.processes.has(m.host)) this.addProcess(m.host).start();
    const version = (this.member(primary).config?.version ?? this.configVersion) + 1;
    const specs = [...members];
    this.admin.command(primary, 'admin', { replSetReconfig: this.configDocument(version, specs) }, (o) => {
      // A refused reconfig (safe-reconfig.ts) leaves the set's members as they were.
      if (o.ok && o.reply['ok'] === 1) {
        this.memberSpecs = specs;
        this.configVersion = version;
      }
      callback(o.ok ? (o.reply as Doc) : null);
    });
  }

  /** The writable primary with the highest term, or null. */
  primary(): string | null {
    let best: MongodProcess | null = null;
    for (const p of this.processes.values()) {
      if (p.isWritablePrimary && (best === null || p.term > best.term)) best = p;
    }
    return best?.host ?? null;
  }

  /** Members currently in state PRIMARY (writable or not). */
  primaries(): string[] {
    return [...this.processes.values()].filter((p) => p.isRunning && p.memberState === MemberState.PRIMARY).map((p) => p.host);
  }

  /** Runs the world until a writable primary exists (or `limitMs` passes); returns it or null. */
  waitForPrimary(limitMs = 60_000): string | null {
    this.world.scheduler.runUntil(() => this.primary() !== null, limitMs);
    return this.primary();
  }
}
